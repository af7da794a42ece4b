/**
 * Throw-away redis-server processes on spare loopback ports: a single node, or a 3-master
 * cluster. No persistence, so a restart comes back empty (the fault the suite injects).
 * Commands go through redis-cli so this module needs no client library.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isRunning, killChild, signalGroup, sleep, stopChild, waitUntil } from './child';
import { sparePort } from './ports';

const run = promisify(execFile);

export interface RedisServer {
  port: number;
  url: string;
  pid(): number | undefined;
  /** SIGSTOP / SIGCONT / ... to the server process. */
  signal(signal: NodeJS.Signals): void;
  /** SIGKILL, like a crash; resolves once it is gone. */
  kill(): Promise<void>;
  /** Starts it (again) on the same port; empty unless a cluster config file brings back its slots. */
  start(): Promise<void>;
  /** One redis-cli command against this node; returns its stdout. */
  cli(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

async function cli(port: number, args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {
    timeout: 5_000,
  });
  return stdout.trim();
}

export async function startRedisServer(extraArgs: string[] = []): Promise<RedisServer> {
  const port = await sparePort();
  let child: ChildProcess | undefined;
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: () => child?.pid,
    signal: (signal) => {
      if (child) signalGroup(child, signal, false);
    },
    kill: () => killChild(child, false),
    async start() {
      if (isRunning(child)) throw new Error(`redis-server on ${port} is already running`);
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
      child = spawn('redis-server', [...args, ...extraArgs], { stdio: 'ignore' });
      const started = child;
      await waitUntil(async () => (await cli(port, ['ping'])) === 'PONG', {
        child: started,
        what: `redis-server on ${port}`,
        timeoutMs: 10_000,
      });
    },
    cli: (...args) => cli(port, args),
    stop: () => stopChild(child, false),
  };
  await server.start();
  return server;
}

export interface RedisCluster {
  nodes: RedisServer[];
  /** `host:port,...`, the value of REDIS_CLUSTER_NODES. */
  seeds: string;
  /** Resolves when every node reports cluster_state:ok. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Three masters, no replicas, slots spread by `redis-cli --cluster create`. */
export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'stash-cluster-'));
  const nodes: RedisServer[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  const waitHealthy = async (timeoutMs = 20_000) => {
    for (const node of nodes) {
      await waitUntil(async () => (await node.cli('cluster', 'info')).includes('cluster_state:ok'), {
        what: `cluster node ${node.port}`,
        timeoutMs,
      });
    }
  };
  try {
    for (let i = 0; i < 3; i++) {
      // The config file keeps the node's identity and slots across a restart, so it rejoins.
      const configFile = join(dir, `nodes-${i}.conf`);
      nodes.push(
        await startRedisServer([
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          configFile,
          '--dir',
          dir,
        ]),
      );
    }
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    await waitHealthy();
    await sleep(200);
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes, seeds: nodes.map((n) => `127.0.0.1:${n.port}`).join(','), waitHealthy, stop };
}
