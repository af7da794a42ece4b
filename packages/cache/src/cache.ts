/**
 * The engine: orchestrates L1 -> store (Redis or memory) -> loader.
 *
 * Read path: L1 (fresh entries only, and only while the bus is up) -> single-flight per key ->
 * one store read returning entry + current tag generations -> judged fresh / stale / miss.
 * Stale: served, one background refresh (deduplicated in-process and by the lease). Miss: the
 * lease decides who runs the loader across processes (fill.ts); the write is conditional
 * (tags.ts). Every store call goes through `guarded`: timeout + circuit breaker + latency
 * metrics. Any cache failure degrades to "run the loader"; it is never thrown at the caller.
 */
import { randomUUID } from 'node:crypto';
import { type BusMessage, InvalidationBus } from './bus';
import { DeferredInvalidations } from './deferred-invalidations';
import { type FillContext, Filler, type Outcome } from './fill';
import { RemoteGuard } from './guard';
import { normalizePrefix, prefixTag, prefixTagsOf, slotNamespaceOf } from './keys';
import { L1 } from './l1';
import { Metrics } from './metrics';
import { SingleFlight } from './single-flight';
import { MemoryStore } from './stores/memory-store';
import { createRedisClient } from './stores/redis-client';
import { RedisStore } from './stores/redis-store';
import type { Store } from './stores/store';
import { NamespaceRegistry } from './tags';
import type {
  Cache,
  CacheEvent,
  CacheLogger,
  CacheOptions,
  CacheStats,
  FetchOptions,
  FetchResult,
  StoreOp,
} from './types';

const DEFAULT_LIMITS = { maxEntries: 10_000, maxBytes: 50 * 1024 * 1024 };

export class CacheEngine implements Cache {
  readonly metrics = new Metrics();
  private readonly store: Store;
  private readonly memory?: MemoryStore;
  private readonly redis?: RedisStore;
  private readonly l1?: L1;
  private readonly bus?: InvalidationBus;
  private readonly registry?: NamespaceRegistry;
  private readonly guard: RemoteGuard;
  private readonly filler: Filler;
  private readonly flights = new SingleFlight<Outcome>();
  private readonly logger: CacheLogger;
  private readonly timeoutMs: number;
  private readonly origin = randomUUID();
  /** Remote invalidations that failed; replayed before the next read (read-your-writes). */
  private readonly deferred = new DeferredInvalidations();
  /** Bumped by every invalidation seen here; an L2 read older than a bump may not fill L1. */
  private invalidationSeq = 0;
  private closed = false;

  constructor(options: CacheOptions) {
    this.logger = options.logger ?? console;
    this.timeoutMs = options.timeoutMs ?? 50;
    this.guard = new RemoteGuard(this.timeoutMs, options.breaker, this.logger, this.metrics);
    const limits = options.l1 === false || options.l1 === undefined ? DEFAULT_LIMITS : options.l1;
    if (options.redis === undefined) {
      this.memory = new MemoryStore(limits);
      this.store = this.memory;
    } else {
      const client = createRedisClient(options.redis, 'command');
      const redis = new RedisStore(client, options.prefix);
      this.redis = redis;
      this.store = redis;
      this.registry = new NamespaceRegistry(redis, options.namespaces ?? []);
      let connectedBefore = false;
      client.on('ready', () => {
        // Redis may have restarted empty: register namespaces again on next use.
        if (connectedBefore) this.registry?.forgetRegistrations();
        connectedBefore = true;
      });
      // The bus keeps L1 coherent. No L1, no subscriber: a message would only cost a wake-up.
      // (Its namespace announcements are a shortcut; invalidation's SMEMBERS is the guarantee.)
      if (options.l1 !== false && options.l1 !== undefined) {
        this.l1 = new L1(options.l1);
        this.bus = new InvalidationBus(options.redis, redis.channel, {
          message: (message) => this.onBusMessage(message),
          up: () => this.logger.info('cache: invalidation bus up'),
          down: () => {
            // Messages sent while we are not listening are lost: forget every L1 copy.
            this.invalidationSeq++;
            this.l1?.clear();
            if (!this.closed) this.logger.warn('cache: invalidation bus down, L1 cleared and bypassed');
          },
        });
      }
    }
    this.filler = new Filler({
      store: this.store,
      metrics: this.metrics,
      leaseMs: options.leaseMs ?? 5000,
      timeoutMs: this.timeoutMs,
      guarded: (op, fn) => this.guarded(op, fn),
      prepare: (ctx) => this.prepare(ctx),
      fillL1: (key, payload, tags, freshUntil, seq) => this.fillL1(key, payload, tags, freshUntil, seq),
      seq: () => this.invalidationSeq,
      isClosed: () => this.closed,
    });
  }

  /** @internal for tests (socket-level assertions); not exported from the package. */
  get redisClient() {
    return this.redis?.client;
  }

  async fetch<T>(
    key: string,
    loader: () => Promise<T> | T,
    options: FetchOptions<T>,
  ): Promise<FetchResult<T>> {
    if (!(options.ttlMs > 0) || !Number.isFinite(options.ttlMs)) {
      throw new RangeError(`cache ttlMs must be a positive finite number, got ${options.ttlMs}`);
    }
    const mode = this.closed ? 'bypass' : (options.mode ?? 'normal');
    if (mode === 'normal' && options.l1 !== false) {
      // L1 first, before any per-call setup: a hit only needs the key.
      const hit = this.readL1(key);
      if (hit) {
        this.metrics.recordCall(options.namespace ?? slotNamespaceOf(key), key, 'hit', 'l1');
        return hit as FetchResult<T>;
      }
    }
    const ctx = this.context(key, loader, options);
    let outcome: Outcome;
    if (mode === 'bypass') {
      outcome = { value: await this.filler.runLoader(ctx), status: 'bypass', tier: 'loader' };
    } else if (mode === 'refresh') {
      outcome = await this.flights.run(`${this.invalidationSeq}\u0000refresh\u0000${key}`, () =>
        this.filler.refreshNow(ctx),
      );
    } else {
      // The invalidation count is part of the flight key: a read that starts after a write never
      // joins a fill whose loader may have run before it (read-your-writes).
      outcome = await this.flights.run(`${this.invalidationSeq}\u0000${key}`, () => this.filler.resolve(ctx));
    }
    this.metrics.recordCall(ctx.namespace, key, outcome.status, outcome.tier);
    return outcome as FetchResult<T>;
  }

  async getOrSet<T>(key: string, loader: () => Promise<T> | T, options: FetchOptions<T>): Promise<T> {
    return (await this.fetch(key, loader, options)).value;
  }

  async invalidateTags(tags: string[], options: { soft?: boolean } = {}): Promise<void> {
    const unique = [...new Set(tags)];
    if (unique.length === 0) return;
    const soft = options.soft === true;
    this.dropLocal(unique, []);
    let ok = true;
    if (this.memory) {
      await this.memory.invalidate(unique, soft);
    } else {
      try {
        await this.guarded('invalidate', () => this.invalidateRemote(unique, soft));
      } catch (error) {
        ok = false;
        // Keep it, so this process never reads Redis again before the bump has landed.
        this.deferred.add(unique, soft);
        this.logger.warn('cache: tag invalidation deferred until redis is reachable', {
          tags: unique,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      // A read that began before the bump landed may have put the old value in L1 meanwhile
      // (and this instance ignores its own bus message): drop those copies again.
      this.dropLocal(unique, []);
    }
    this.metrics.emit({ type: 'invalidate', tags: unique, soft, ok });
  }

  async invalidatePrefix(prefix: string): Promise<void> {
    await this.invalidateTags([prefixTag(normalizePrefix(prefix))]);
  }

  async delete(key: string): Promise<void> {
    const slotNs = slotNamespaceOf(key);
    this.dropLocal([], [key]);
    const redis = this.redis;
    if (!redis) return this.memory?.delete(slotNs, key);
    const message = JSON.stringify({ o: this.origin, k: [key] } satisfies BusMessage);
    try {
      await this.guarded('delete', () =>
        Promise.all([redis.delete(slotNs, key), redis.publish(message)]).then(() => undefined),
      );
    } catch {
      // The entry expires by its TTL; the breaker has already logged the outage.
    }
    this.dropLocal([], [key]); // again: a read may have refilled L1 while the delete was in flight
  }

  stats(): CacheStats {
    const l1 = this.l1 ?? this.memory;
    return this.metrics.snapshot(
      this.guard.state,
      l1 ? { entries: l1 instanceof MemoryStore ? l1.entries : l1.size, bytes: l1.bytes } : null,
    );
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
    await this.filler.drain(1000);
    await this.flights.drain();
    await Promise.all([this.bus?.close(), this.redis?.close()]);
    this.l1?.clear();
    this.memory?.clear();
  }

  private context<T>(key: string, loader: () => Promise<T> | T, options: FetchOptions<T>): FillContext {
    const slotNs = slotNamespaceOf(key);
    const tags = [...new Set([...(options.tags ?? []), ...prefixTagsOf(key)])];
    return {
      key,
      slotNs,
      namespace: options.namespace ?? slotNs,
      tags,
      loader: loader as () => Promise<unknown> | unknown,
      options: options as FetchOptions<unknown>,
    };
  }

  private readL1(key: string): Outcome | undefined {
    if (!this.l1 || !this.bus?.isUp) return undefined;
    const entry = this.l1.get(key, Date.now());
    return entry && { value: entry.value, status: 'hit', tier: 'l1' };
  }

  private fillL1(key: string, payload: string, tags: readonly string[], freshUntil: number, seq: number) {
    if (!this.l1 || !this.bus?.isUp || seq !== this.invalidationSeq || this.closed) return;
    this.l1.set(key, payload, tags, freshUntil);
  }

  private dropLocal(tags: readonly string[], keys: readonly string[]): void {
    this.invalidationSeq++;
    if (!this.l1) return;
    this.l1.deleteByTags(tags);
    for (const key of keys) this.l1.delete(key);
  }

  private onBusMessage(message: BusMessage): void {
    if (message.n) this.registry?.learn(message.n);
    if (message.o === this.origin) return;
    if (!message.t && !message.k) return;
    this.dropLocal(message.t ?? [], message.k ?? []);
    this.metrics.emit({ type: 'bus-invalidation', tags: message.t ?? [], keys: message.k ?? [] });
  }

  /**
   * Work that must precede the first read: namespace registration, deferred invalidations.
   * Undefined when there is none (every read but the first), so the hot path awaits nothing.
   */
  private prepare(ctx: FillContext): Promise<void> | undefined {
    const registering = this.registry?.ensure(ctx.slotNs, (message) =>
      this.redis ? this.redis.publish(JSON.stringify({ o: this.origin, ...message })) : Promise.resolve(),
    );
    if (!registering && this.deferred.size === 0) return undefined;
    return (async () => {
      if (registering) await registering;
      if (this.deferred.size > 0) {
        await this.deferred.replay((tags, soft) => this.invalidateRemote(tags, soft));
        this.invalidationSeq++;
      }
    })();
  }

  private invalidateRemote(tags: readonly string[], soft: boolean): Promise<void> {
    const registry = this.registry;
    if (!registry) return Promise.resolve();
    const message = JSON.stringify({ o: this.origin, t: [...tags], s: soft } satisfies BusMessage);
    return registry.invalidate(tags, soft, message);
  }

  /** Timeout + breaker + latency for remote operations; the memory store needs none of it. */
  private async guarded<R>(op: StoreOp, fn: () => Promise<R>): Promise<R> {
    return this.store.remote ? this.guard.run(op, fn) : fn();
  }
}

export function createCache(options: CacheOptions): Cache {
  return new CacheEngine(options);
}
