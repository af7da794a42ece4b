/**
 * The production build of apps/web (`next start`) as a child process we can signal, crash and
 * restart on the same port. Shared by the fault suite, the load benchmarks and the e2e test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { buildNeeded, nextBin, runNextBuild, webRoot } from '../../../apps/web/scripts/next-build';
import { isRunning, killChild, signalGroup, stopChild, waitUntil } from './child';
import { freePort } from './ports';

/** Builds apps/web when its sources are newer than the last build; says why, or nothing. */
export async function ensureWebBuild(log: (line: string) => void = console.log): Promise<void> {
  const reason = buildNeeded();
  if (!reason) return;
  log(`building apps/web: ${reason}`);
  await runNextBuild({ skipTypecheck: true, quiet: true });
}

export interface WebAppOptions {
  databaseUrl: string;
  /** Added to the inherited environment (REDIS_URL, SESSION_SECRET, ...). */
  env: Record<string, string>;
  /** Variables of the parent's environment to drop (e.g. a REDIS_URL meant for something else). */
  unset?: string[];
  label?: string;
  /** Keep the app's stdout (otherwise only stderr is kept, for error reports). */
  stdout?: boolean;
  /** Node flags for `next start` (e.g. `--cpu-prof`, which NODE_OPTIONS may not carry). */
  execArgv?: string[];
}

export interface WebApp {
  label: string;
  url: string;
  port: number;
  pid(): number | undefined;
  alive(): boolean;
  /** Signals the whole process group (`next start` and anything it runs). */
  signal(signal: NodeJS.Signals): void;
  /** SIGKILL to the group; resolves once it exited. */
  kill(): Promise<void>;
  /** Resolves when the process exits (e.g. a fault hook killed it). */
  exited(): Promise<void>;
  /** Starts it again on the same port and waits for /api/health and a first API answer. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** The tail of its output (for error messages). */
  logs(): string;
}

const LOG_LIMIT = 20_000;

export async function startWebApp(opts: WebAppOptions): Promise<WebApp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const label = opts.label ?? `web:${port}`;
  let child: ChildProcess | undefined;
  let output = '';
  let atLineStart = true;
  // Each line starts with when it arrived (performance.now() of this process, ms), so a report
  // can line an app's log up with the requests it measured.
  const collect = (chunk: Buffer) => {
    const stamp = `[${Math.round(performance.now())}] `;
    const text = (atLineStart ? stamp : '') + chunk.toString().replace(/\n(?=.)/g, `\n${stamp}`);
    atLineStart = text.endsWith('\n');
    output = (output + text).slice(-LOG_LIMIT);
  };
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of opts.unset ?? []) delete env[name];

  const launch = async () => {
    child = spawn(
      process.execPath,
      [...(opts.execArgv ?? []), nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'],
      {
        cwd: webRoot,
        // Its own process group: SIGSTOP/SIGKILL reach every process of the app at once.
        detached: true,
        stdio: ['ignore', opts.stdout ? 'pipe' : 'ignore', 'pipe'],
        env: {
          ...env,
          NODE_ENV: 'production',
          NEXT_TELEMETRY_DISABLED: '1',
          DATABASE_URL: opts.databaseUrl,
          // The load's clients stand behind a proxy on loopback: workload/trpc.ts signIn names
          // each user's own address in x-forwarded-for, which the app believes only from a
          // trusted proxy (without this, 50 sign-ins from one address meet the limit of 30).
          STASH_TRUSTED_PROXIES: '127.0.0.1,::1',
          ...opts.env,
        },
      },
    );
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const started = child;
    try {
      await waitUntil(async () => (await fetch(`${url}/api/health`)).ok, {
        child: started,
        what: `${label} (next start)`,
        timeoutMs: 60_000,
        logs: () => output,
      });
      // Readiness as a load balancer should probe it: the API route itself answers. `next start`
      // loads a route's modules on its first request (a second or two on a busy machine), and an
      // instance that joins the load before that makes its first users wait for it.
      await fetch(`${url}/api/trpc/marketplace.categories`).then((r) => r.arrayBuffer());
    } catch (error) {
      await killChild(started, true);
      throw error;
    }
  };

  await launch();
  return {
    label,
    url,
    port,
    pid: () => child?.pid,
    alive: () => isRunning(child),
    signal: (signal) => {
      if (child) signalGroup(child, signal, true);
    },
    kill: () => killChild(child, true),
    exited: () =>
      new Promise((resolve) => {
        if (!isRunning(child)) return resolve();
        child.once('exit', () => resolve());
      }),
    async restart() {
      await killChild(child, true);
      await launch();
    },
    stop: () => stopChild(child, true),
    logs: () => output,
  };
}
