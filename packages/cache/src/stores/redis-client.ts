/**
 * ioredis configuration for a cache (not a queue): while Redis is unreachable commands must fail
 * at once instead of piling up in the offline queue, each request is retried at most once, and
 * reconnection happens in the background with capped exponential backoff.
 */
import type { ConnectionOptions } from 'node:tls';
import { Cluster, Redis } from 'ioredis';
import type { ClusterNodeAddress, RedisConfig } from '../types';

export type RedisClient = Redis | Cluster;

const backoff = (times: number): number => Math.min(50 * 2 ** Math.min(times, 6), 2000);

export function createRedisClient(
  config: RedisConfig,
  role: 'command' | 'subscriber',
  tls?: ConnectionOptions,
): RedisClient {
  // The subscriber is not on the request path: let it queue its SUBSCRIBE until connected.
  const enableOfflineQueue = role === 'subscriber';
  const common = {
    // Off. Single node: the hot path sends one command per call anyway, auto-pipelining adds a
    // batch object per command, and invalidate() builds its own pipeline. Cluster: a batch is
    // sent as one pipeline, and ioredis follows a MOVED answer inside a pipeline only when every
    // failed command got the same one. After a master restarted (the client's pool dropped it),
    // a batch for its slots goes elsewhere and gets one MOVED per slot: every command failed,
    // and the slot map stayed wrong. A command sent alone follows its MOVED (and reconnects).
    enableAutoPipelining: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    enableReadyCheck: true,
  };
  const client: RedisClient =
    typeof config === 'string'
      ? new Redis(config, { ...common, enableOfflineQueue, retryStrategy: backoff, ...(tls ? { tls } : {}) })
      : new Cluster(
          config.cluster.map(({ host, port }) => ({ host, port })),
          {
            enableOfflineQueue,
            enableAutoPipelining: false,
            clusterRetryStrategy: backoff,
            slotsRefreshTimeout: 2000,
            redisOptions: {
              maxRetriesPerRequest: 1,
              connectTimeout: 2000,
              ...credentialsOf(config.cluster),
              ...(tls ? { tls } : {}),
            },
          },
        );
  // Errors surface through failed commands (breaker + logs); an unhandled 'error' event
  // would otherwise be printed on every reconnect attempt.
  client.on('error', () => {});
  return client;
}

function credentialsOf(nodes: readonly ClusterNodeAddress[]): { username?: string; password?: string } {
  const seed = nodes.find((node) => node.password !== undefined || node.username !== undefined);
  return {
    ...(seed?.username === undefined ? {} : { username: seed.username }),
    ...(seed?.password === undefined ? {} : { password: seed.password }),
  };
}

/**
 * The bus's subscriber connections: each call opens one.
 *
 * On a single node, a client to it that reconnects for ever. On a Cluster, a plain client to ONE
 * node (a PUBLISH reaches every node of a cluster, replicas included), not ioredis's Cluster
 * subscriber: that one moves to another node after a drop without emitting anything, so messages
 * sent meanwhile are lost unnoticed. A plain client says when its connection closes. It gives up
 * on a node after a few failed reconnects ('end'), and the next call opens one to the next node
 * of `nodes()` (the cluster's current nodes, or the seeds).
 */
export function subscriberConnections(
  config: RedisConfig,
  tls: ConnectionOptions | undefined,
  nodes: () => readonly ClusterNodeAddress[],
): () => Redis | RedisClient {
  if (typeof config === 'string') return () => createRedisClient(config, 'subscriber', tls);
  const credentials = credentialsOf(config.cluster);
  let next = 0;
  return () => {
    const known = nodes();
    const candidates = known.length > 0 ? known : config.cluster;
    const node = candidates[next++ % candidates.length] ?? config.cluster[0];
    const client = new Redis({
      host: node?.host,
      port: node?.port,
      ...credentials,
      enableOfflineQueue: true,
      connectTimeout: 2000,
      retryStrategy: (times) => (times > 3 ? null : backoff(times)),
      ...(tls ? { tls } : {}),
    });
    client.on('error', () => {});
    return client;
  };
}

/** A Cluster's nodes as it knows them now (masters and replicas). */
export function clusterNodes(client: RedisClient): ClusterNodeAddress[] {
  if (!(client instanceof Cluster)) return [];
  return client
    .nodes('all')
    .map((node) => ({ host: String(node.options.host), port: Number(node.options.port) }));
}

/**
 * Resolves when the client can take commands. During the very first connection it waits for
 * 'ready' (callers bound that wait with their timeout); once a connection has been lost it fails
 * immediately, because waiting would only add latency to a request the loader can serve.
 */
export class Readiness {
  private everReady = false;
  private waiters: Array<() => void> = [];

  constructor(private readonly client: RedisClient) {
    client.on('ready', () => {
      this.everReady = true;
      const waiters = this.waiters;
      this.waiters = [];
      for (const resolve of waiters) resolve();
    });
  }

  check(): Promise<void> | undefined {
    if (this.client.status === 'ready') return undefined;
    if (this.everReady || this.client.status === 'end' || this.client.status === 'close') {
      return Promise.reject(new Error(`redis is ${this.client.status}`));
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Never rejects; used by `cache.ready()`. */
  wait(ms: number): Promise<void> {
    if (this.client.status === 'ready') return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

export async function closeClient(client: RedisClient): Promise<void> {
  try {
    if (client.status === 'ready') {
      await Promise.race([client.quit(), new Promise((resolve) => setTimeout(resolve, 500).unref())]);
    }
  } catch {
    // Already gone: disconnect() below is all that is left to do.
  }
  client.disconnect();
}
