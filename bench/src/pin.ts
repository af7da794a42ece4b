/**
 * `--pin` (Linux, util-linux's `taskset`): the load generator on one core, the servers under test
 * on the other. On 2 cores a closed-loop generator sending 20,000 requests a second takes a core
 * of its own; unpinned, the scheduler runs it in turns with the server's threads on both cores,
 * and those turns set the server's tail. Pinned, each row's p99 is what the server adds.
 * Children inherit their parent's affinity, so pinning this process pins wrk too.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

export const GENERATOR_CORE = 0;
export const SERVER_CORE = 1;

function taskset(core: number, pid: number): void {
  try {
    execFileSync('taskset', ['-a', '-c', '-p', String(core), String(pid)], { stdio: 'ignore' });
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new Error('--pin needs taskset (util-linux)');
    throw new Error(`taskset could not pin ${pid} to core ${core}: ${err.message}`);
  }
}

/** The process and every process below it (varnishd's manager forks its cache process). */
function processTree(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const line of execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' }).split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (pid && ppid !== undefined) parents.set(ppid, [...(parents.get(ppid) ?? []), pid]);
  }
  const tree: number[] = [];
  const visit = (pid: number) => {
    tree.push(pid);
    for (const child of parents.get(pid) ?? []) visit(child);
  };
  visit(root);
  return tree;
}

/** Pins this process (the generator, and wrk it starts) and the given servers' process trees. */
export function pinGeneratorAndServers(servers: number[]): string {
  if (cpus().length < 2) throw new Error('--pin needs at least 2 cores');
  taskset(GENERATOR_CORE, process.pid);
  for (const server of servers) for (const pid of processTree(server)) taskset(SERVER_CORE, pid);
  return `load generator on core ${GENERATOR_CORE}, the servers (varnishd, next start) on core ${SERVER_CORE} (taskset)`;
}
