/**
 * Child processes the benchmark starts: one server per variant, the built Next app, and a
 * throw-away Redis for it. Each comes back with a stop() that the orchestrator always calls.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ServerEnv } from './variants';

export interface Proc {
  url: string;
  stop(): Promise<void>;
}

const SERVER_ENTRY = fileURLToPath(new URL('./server.ts', import.meta.url));

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

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
      resolve({ url: `http://127.0.0.1:${message.port}`, stop: () => stopChild(child) });
    });
  });
}

async function waitFor(check: () => Promise<boolean>, child: ChildProcess, what: string, ms: number) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode})`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} not ready after ${ms} ms`);
}

/** A private Redis on a free port, so the Next app's fixed `stash` key prefix collides with nobody. */
export async function startRedis(): Promise<Proc> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  const { Redis } = await import('ioredis');
  const url = `redis://127.0.0.1:${port}`;
  const ping = async () => {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {}); // "not listening yet" is expected while it starts
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } finally {
      client.disconnect();
    }
  };
  await waitFor(ping, child, 'redis-server', 10_000);
  return { url, stop: () => stopChild(child) };
}

export async function startNext(opts: {
  nextBin: string;
  webRoot: string;
  databaseUrl: string;
  redisUrl: string;
  sessionSecret: string;
  /** Body for the benchmark-only constant route. */
  constantFile: string;
}): Promise<Proc> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { REDIS_CLUSTER_NODES: _cluster, ...env } = process.env;
  const child = spawn(process.execPath, [opts.nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: opts.webRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      DATABASE_URL: opts.databaseUrl,
      REDIS_URL: opts.redisUrl,
      SESSION_SECRET: opts.sessionSecret,
      STASH_BENCH_CONSTANT_FILE: opts.constantFile,
    },
  });
  const stop = () => stopChild(child);
  try {
    await waitFor(async () => (await fetch(`${url}/api/health`)).ok, child, 'next start', 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
