/**
 * ioredis configuration for a cache (not a queue): while Redis is unreachable commands must fail
 * at once instead of piling up in the offline queue, each request is retried at most once, and
 * reconnection happens in the background with capped exponential backoff.
 */
import type { ConnectionOptions } from 'node:tls';
import { Cluster, Redis } from 'ioredis';
import type { RedisConfig } from '../types';

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
    // Single node: off, the hot path sends one command per call anyway and auto-pipelining
    // adds a batch object per command; invalidate() builds its own pipeline.
    enableAutoPipelining: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    enableReadyCheck: true,
  };
  const client: RedisClient =
    typeof config === 'string'
      ? new Redis(config, { ...common, enableOfflineQueue, retryStrategy: backoff, ...(tls ? { tls } : {}) })
      : new Cluster(config.cluster, {
          enableOfflineQueue,
          // Cluster: on, so commands for many slots issued together go out as one write per node.
          enableAutoPipelining: role === 'command',
          clusterRetryStrategy: backoff,
          slotsRefreshTimeout: 2000,
          redisOptions: { maxRetriesPerRequest: 1, connectTimeout: 2000, ...(tls ? { tls } : {}) },
        });
  // Errors surface through failed commands (breaker + logs); an unhandled 'error' event
  // would otherwise be printed on every reconnect attempt.
  client.on('error', () => {});
  return client;
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
