/**
 * Test helpers: the shared Redis URL, unique prefixes (runs never see each other's keys), and
 * throw-away redis-server processes / a 3-master cluster on spare ports, always killed by stop().
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import type { Cache, CacheLogger } from '../../src/types';

const run = promisify(execFile);

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function uniquePrefix(label = 't'): string {
  return `test-${label}-${randomUUID().slice(0, 8)}`;
}

export interface LogLine {
  level: 'warn' | 'info';
  msg: string;
}

export function memoryLogger(): CacheLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    warn: (msg) => lines.push({ level: 'warn', msg }),
    info: (msg) => lines.push({ level: 'info', msg }),
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port that is free, and whose cluster bus port (+10000) is free too. */
export async function sparePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    if ((await portIsFree(port)) && (await portIsFree(port + 10_000))) return port;
  }
  throw new Error('no spare port found');
}

async function waitForPing(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const { stdout } = await run('redis-cli', ['-p', String(port), 'ping']);
      if (stdout.trim() === 'PONG') return;
    } catch {
      // not up yet
    }
    await sleep(50);
  }
  throw new Error(`redis-server on ${port} did not start`);
}

export interface RedisProcess {
  port: number;
  url: string;
  /** Kills the server (SIGKILL: no graceful shutdown, like a crash). */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: no persistence). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

function killProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

export async function startRedis(extraArgs: string[] = []): Promise<RedisProcess> {
  const port = await sparePort();
  let child: ChildProcess | undefined;
  const proc: RedisProcess = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = spawn(
        'redis-server',
        ['--port', String(port), '--save', '', '--appendonly', 'no', ...extraArgs],
        {
          stdio: 'ignore',
        },
      );
      await waitForPing(port);
    },
    kill: () => killProcess(child),
    stop: () => killProcess(child),
  };
  await proc.start();
  return proc;
}

export interface ClusterNode {
  host: string;
  port: number;
}

export interface RedisClusterProcess {
  /** The masters' addresses (seed nodes for a client). */
  nodes: ClusterNode[];
  /** Every node, replicas included. */
  all: ClusterNode[];
  /** SIGKILL (like a crash) or SIGSTOP/SIGCONT one node. */
  signal(port: number, signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): void;
  /** Stops one node (SIGTERM) and waits until it exited: its port refuses connections. */
  shutDown(port: number): Promise<void>;
  /** Starts a shut-down node again: its slots come back from its config file, its data does not. */
  startAgain(port: number): Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterShape {
  /** Replicas per master (default 0). */
  replicas?: number;
  /** cluster-node-timeout: how soon a dead master is failed over (default 15 s, Redis's). */
  nodeTimeoutMs?: number;
}

export async function startCluster(shape: ClusterShape = {}): Promise<RedisClusterProcess> {
  const replicas = shape.replicas ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'stash-cluster-'));
  const children = new Map<number, ChildProcess>();
  const argsOf = new Map<number, string[]>();
  const ports: number[] = [];
  const stop = async () => {
    await Promise.all(
      [...children.values()].map((child) => {
        child.kill('SIGCONT');
        return killProcess(child);
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < 3 * (1 + replicas); i++) {
      const port = await sparePort();
      ports.push(port);
      const args = [
        '--port',
        String(port),
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, `nodes-${port}.conf`),
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ];
      if (shape.nodeTimeoutMs !== undefined) args.push('--cluster-node-timeout', String(shape.nodeTimeoutMs));
      argsOf.set(port, args);
      children.set(port, spawn('redis-server', args, { stdio: 'ignore' }));
    }
    await Promise.all(ports.map((port) => waitForPing(port)));
    const addresses = ports.map((port) => `127.0.0.1:${port}`);
    await run('redis-cli', [
      '--cluster',
      'create',
      ...addresses,
      '--cluster-replicas',
      String(replicas),
      '--cluster-yes',
    ]);
    const deadline = Date.now() + 30_000;
    for (const port of ports) {
      for (;;) {
        const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
        if (stdout.includes('cluster_state:ok')) break;
        if (Date.now() > deadline) throw new Error('cluster did not reach cluster_state:ok');
        await sleep(100);
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const masters: ClusterNode[] = [];
  for (const port of ports) {
    const { stdout } = await run('redis-cli', ['-p', String(port), 'role']);
    if (stdout.startsWith('master')) masters.push({ host: '127.0.0.1', port });
  }
  // Replicas in sync before any test relies on them.
  const synced = Date.now() + 30_000;
  for (const master of masters) {
    for (;;) {
      const { stdout } = await run('redis-cli', ['-p', String(master.port), 'info', 'replication']);
      if ((stdout.match(/state=online/g) ?? []).length >= replicas) break;
      if (Date.now() > synced) {
        await stop();
        throw new Error(`replicas of ${master.port} did not come online`);
      }
      await sleep(100);
    }
  }
  return {
    nodes: masters,
    all: ports.map((port) => ({ host: '127.0.0.1', port })),
    signal: (port, signal) => {
      children.get(port)?.kill(signal);
    },
    shutDown: async (port) => {
      const child = children.get(port);
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
    startAgain: async (port) => {
      children.set(port, spawn('redis-server', argsOf.get(port) ?? [], { stdio: 'ignore' }));
      await waitForPing(port);
    },
    stop,
  };
}

/**
 * A cluster for the tests of the file or `describe` block that calls it: started before them,
 * stopped after. The handle is filled in by the time the first test runs.
 */
export function useCluster(shape: ClusterShape = {}): RedisClusterProcess {
  const handle = {} as RedisClusterProcess;
  beforeAll(async () => {
    Object.assign(handle, await startCluster(shape));
  }, 90_000);
  afterAll(async () => {
    await handle.stop?.();
  });
  return handle;
}

/** Resolves when `cache` has applied the next invalidation another instance sent on the bus. */
export function busMessage(cache: Cache): Promise<void> {
  return new Promise((resolve) => {
    const off = cache.onEvent((event) => {
      if (event.type !== 'bus-invalidation') return;
      off();
      resolve();
    });
  });
}

/** Test cleanup only (SCAN is never on the request path): drops every key of a test prefix. */
export async function deletePrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}

/** The Redis Cluster slot of a key (CRC16 of its hash tag, as Redis computes it). */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  const tag = open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key;
  let crc = 0;
  for (const byte of Buffer.from(tag)) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}
