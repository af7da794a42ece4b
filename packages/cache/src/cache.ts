/**
 * The engine's public face: wires the tiers together from the resolved options, and answers
 * the four things a user can ask (fetch, invalidate, delete, observe). The read path itself is
 * told in read-path.ts; getting invalidations into Redis in tag-invalidator.ts.
 */
import { randomUUID } from 'node:crypto';
import { type BusMessage, InvalidationBus } from './bus';
import { RemoteGuard } from './guard';
import { slotNamespaceOf } from './keys';
import { LocalTier } from './local-tier';
import { Metrics } from './metrics';
import { checkTtl, mayUseL1, resolveCall, resolveEngineOptions } from './options';
import { ReadPath } from './read-path';
import { judgeEvictionPolicy, readEvictionPolicy } from './stores/eviction-policy';
import { MemoryStore } from './stores/memory-store';
import { clusterNodes, createRedisClient, subscriberConnections } from './stores/redis-client';
import { RedisStore } from './stores/redis-store';
import { TagInvalidator } from './tag-invalidator';
import type {
  Cache,
  CacheEvent,
  CacheOptions,
  CacheStats,
  FetchOptions,
  FetchResult,
  InvalidateOptions,
  Loader,
  PrimeOptions,
} from './types';
import { WriteThrough } from './write-through';

export class CacheEngine implements Cache {
  readonly metrics = new Metrics();
  private readonly origin = randomUUID();
  private readonly guard: RemoteGuard;
  private readonly local: LocalTier;
  private readonly memory?: MemoryStore;
  private readonly redis?: RedisStore;
  private readonly bus?: InvalidationBus;
  private readonly invalidator?: TagInvalidator;
  private readonly reads: ReadPath;
  private readonly writeThrough: WriteThrough;
  private closed = false;

  constructor(options: CacheOptions) {
    const settings = resolveEngineOptions(options);
    this.guard = new RemoteGuard(settings.timeoutMs, settings.breaker, settings.logger, this.metrics);
    if (settings.redis === undefined) {
      // Embedded: the memory store is the only tier (it is this process's L1 and L2 at once).
      this.local = new LocalTier(undefined);
      this.memory = new MemoryStore(settings.memory);
      this.reads = new ReadPath(this.memory, this.local, this.guard, this.metrics, settings, undefined);
      this.writeThrough = new WriteThrough(
        this.memory,
        undefined,
        settings.invalidationTimeoutMs,
        settings.maxLifetimeMs,
      );
      return;
    }
    this.local = new LocalTier(settings.l1);
    const client = createRedisClient(settings.redis, 'command', settings.tls);
    const redis = new RedisStore(client, settings.prefix, settings.maxLifetimeMs);
    // Nothing is read from or written to Redis before its eviction policy is known to be safe.
    redis.vet(
      new Promise<void>((resolve) => client.once('ready', resolve))
        .then(() => readEvictionPolicy(client))
        .then((policy) => {
          const verdict = judgeEvictionPolicy(policy, settings.unsafeEviction);
          if (verdict.warning) settings.logger.warn(verdict.warning);
          return verdict.refusal;
        }),
    );
    const invalidator = new TagInvalidator(
      redis,
      this.guard,
      this.local,
      this.metrics,
      settings,
      this.origin,
    );
    this.redis = redis;
    this.invalidator = invalidator;
    let connectedBefore = false;
    client.on('ready', () => {
      if (connectedBefore) invalidator.rotateAfterReconnect();
      connectedBefore = true;
    });
    // The bus keeps L1 coherent. No L1, no subscriber: a message would only cost a wake-up.
    if (this.local.enabled) {
      const connections = subscriberConnections(settings.redis, settings.tls, () => clusterNodes(client));
      this.bus = new InvalidationBus(connections, redis.channel, this.origin, settings.bus, {
        message: (message) => this.onBusMessage(message),
        publish: (message) => redis.publish(message),
        up: () => settings.logger.info('cache: invalidation bus up'),
        down: () => {
          // Messages sent while we are not listening are lost: forget every L1 copy.
          this.local.clear();
          if (!this.closed)
            settings.logger.warn('cache: invalidation bus down (not heard), L1 cleared and bypassed');
        },
      });
      this.local.attachBus(this.bus);
    }
    this.reads = new ReadPath(redis, this.local, this.guard, this.metrics, settings, invalidator);
    this.writeThrough = new WriteThrough(
      redis,
      this.guard,
      settings.invalidationTimeoutMs,
      settings.maxLifetimeMs,
      (tags, except, position) =>
        invalidator.invalidate(tags, { strength: 'hard', except, silent: true, position }),
      (tags, position) => invalidator.defer(tags, position),
      (tags) => invalidator.announceChanged(tags),
    );
  }

  /** @internal for tests (socket-level assertions); not exported from the package. */
  get redisClient() {
    return this.redis?.client;
  }

  fetch<T>(key: string, loader: Loader<T>, options: FetchOptions<T>): Promise<FetchResult<T>> {
    checkTtl(options.ttlMs);
    // An L1 hit skips resolving the call: no Call object, no key parsing, one resolved promise.
    const hit = this.localHit<T>(key, options);
    if (hit) return Promise.resolve(hit);
    return this.reads.fetch(resolveCall(key, loader, options));
  }

  localHit<T>(key: string, options: Pick<FetchOptions<T>, 'l1' | 'mode'>): FetchResult<T> | undefined {
    return mayUseL1(options) ? (this.reads.localHit(key) as FetchResult<T> | undefined) : undefined;
  }

  getOrSet<T>(key: string, loader: Loader<T>, options: FetchOptions<T>): Promise<T> {
    try {
      checkTtl(options.ttlMs);
    } catch (error) {
      return Promise.reject(error); // a rejection, as from the async function this used to be
    }
    const hit = this.localHit<T>(key, options);
    if (hit) return Promise.resolve(hit.value);
    return this.reads.fetch(resolveCall(key, loader, options)).then(valueOfResult);
  }

  async invalidateTags(tags: string[], options: InvalidateOptions = {}): Promise<boolean> {
    const unique = [...new Set(tags)];
    if (unique.length === 0) return true;
    const soft = options.soft === true;
    const strength = soft ? 'soft' : 'hard';
    const { position } = options;
    this.local.drop(unique, []);
    let delivered = true;
    if (this.memory) await this.memory.invalidate(unique, { strength, position });
    // A refused Redis is never read from, so there is nothing in it to invalidate.
    else if (this.invalidator && !this.redis?.refused)
      delivered = await this.invalidator.invalidate(unique, { strength, position });
    this.metrics.emit({ type: 'invalidate', tags: unique, soft, ok: delivered });
    return delivered;
  }

  async delete(key: string): Promise<void> {
    const namespace = slotNamespaceOf(key);
    this.local.drop([], [key]);
    const redis = this.redis;
    if (!redis) return this.memory?.delete(namespace, key);
    const message = JSON.stringify({ o: this.origin, k: [key] } satisfies BusMessage);
    try {
      await this.guard.run('delete', () =>
        Promise.all([redis.delete(namespace, key), redis.publish(message)]).then(() => undefined),
      );
    } catch {
      // The entry expires by its TTL; the breaker has already logged the outage.
    }
    this.local.drop([], [key]); // again: a read may have refilled L1 while the delete was in flight
  }

  clockBefore(namespace: string): Promise<number | undefined> {
    return this.writeThrough.clockBefore(namespace);
  }

  prime<T>(key: string, value: T, options: PrimeOptions<T>, since: number): Promise<boolean> {
    this.local.drop(options.tags ?? [], [key]);
    if (this.redis?.refused) return Promise.resolve(false); // nothing to store into, nothing to mark
    return this.writeThrough.prime(key, value, options, since);
  }

  stats(): CacheStats {
    const tier = this.memory ? { entries: this.memory.entries, bytes: this.memory.bytes } : this.local.stats;
    return this.metrics.snapshot(this.guard.state, tier);
  }

  onEvent(listener: (event: CacheEvent) => void): () => void {
    return this.metrics.onEvent(listener);
  }

  async ready(waitMs = 3000): Promise<void> {
    if (!this.redis) return;
    const deadline = Date.now() + waitMs;
    await this.redis.readiness.wait(waitMs);
    while (this.bus && !this.bus.isUp && Date.now() < deadline && !this.closed) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.reads.close(1000);
    await Promise.all([this.bus?.close(), this.redis?.close()]);
    this.local.clear();
    this.memory?.clear();
  }

  private onBusMessage(message: BusMessage): void {
    if (message.n) this.invalidator?.learn(message.n);
    if (message.o === this.origin) return;
    if (!message.t && !message.k) return;
    this.local.drop(message.t ?? [], message.k ?? []);
    this.metrics.emit({ type: 'bus-invalidation', tags: message.t ?? [], keys: message.k ?? [] });
  }
}

function valueOfResult<T>(result: FetchResult<T>): T {
  return result.value;
}

export function createCache(options: CacheOptions): Cache {
  return new CacheEngine(options);
}
