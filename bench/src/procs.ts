/**
 * The benchmark's own server children, one per variant. (The built Next app and its throw-away
 * Redis come from @stash/harness.) Each comes back with a stop() the orchestrator always calls.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopChild } from '@stash/harness';
import type { ServerEnv } from './variants';

export interface Proc {
  url: string;
  stop(): Promise<void>;
}

const SERVER_ENTRY = fileURLToPath(new URL('./server.ts', import.meta.url));

/** A server child (src/server.ts under tsx); `execArgv` adds e.g. `--cpu-prof`. */
export function startServer(env: ServerEnv, execArgv: string[] = []): Promise<Proc> {
  const child = fork(SERVER_ENTRY, [], {
    execArgv: ['--import', 'tsx', ...execArgv],
    env: { ...process.env, ...env, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`${env.BENCH_VARIANT} server exited (${code}) before listening`));
    child.once('exit', onExit);
    child.once('message', (message: { port: number }) => {
      child.off('exit', onExit);
      resolve({ url: `http://127.0.0.1:${message.port}`, stop: () => stopChild(child, false) });
    });
  });
}
