/**
 * The store side of a fetch, run once per key per process (single-flight in cache.ts):
 * read -> judge -> serve / refresh in background / fill under a lease.
 *
 * Invariants:
 * - the generations an entry is written under come from a read made BEFORE its loader started
 *   (race safety, see tags.ts);
 * - a cache failure at any step degrades to running the loader (status 'error'), never a throw;
 * - loader errors are the caller's and propagate (the lease is released first).
 */

import { type LeasePoll, newLeaseToken, waitOnLease } from './lease';
import type { Metrics } from './metrics';
import { deserialize, serialize, shareable } from './serializer';
import type { ReadResult, Store } from './stores/store';
import { judge } from './tags';
import type { CacheStatus, CacheTier, FetchOptions, StoreOp } from './types';

export interface FillContext {
  key: string;
  slotNs: string;
  namespace: string;
  /** Declared tags plus the implicit prefix tags, deduplicated. */
  tags: string[];
  loader: () => Promise<unknown> | unknown;
  options: FetchOptions<unknown>;
}

export interface Outcome {
  value: unknown;
  status: CacheStatus;
  tier: CacheTier;
}

export interface FillerDeps {
  store: Store;
  metrics: Metrics;
  leaseMs: number;
  timeoutMs: number;
  guarded<R>(op: StoreOp, fn: () => Promise<R>): Promise<R>;
  prepare(ctx: FillContext): Promise<void> | undefined;
  /** Offers a fresh entry to L1 (refused when an invalidation happened since `seq`). */
  fillL1(key: string, payload: string, tags: readonly string[], freshUntil: number, seq: number): void;
  seq(): number;
  isClosed(): boolean;
}

export class Filler {
  /** Background refreshes in flight, one per key (in-process dedup; the lease dedups across). */
  private readonly refreshes = new Map<string, Promise<void>>();

  constructor(private readonly deps: FillerDeps) {}

  async resolve(ctx: FillContext): Promise<Outcome> {
    const seq = this.deps.seq();
    // Offered to the read: if it finds no entry it takes the fill lease in the same round trip.
    const token = this.deps.store.remote ? newLeaseToken() : undefined;
    let read: ReadResult;
    try {
      read = await this.read(ctx, token);
    } catch {
      // The read may have taken the lease before timing out: give it back, best effort.
      if (token !== undefined) void this.deps.store.releaseLease(ctx.slotNs, ctx.key, token).catch(() => {});
      return this.loadUncached(ctx, 'error');
    }
    return this.answer(ctx, read, seq) ?? this.fill(ctx, read, seq, token);
  }

  /** mode 'refresh': run the loader and overwrite, whatever is cached. */
  async refreshNow(ctx: FillContext): Promise<Outcome> {
    const seq = this.deps.seq();
    const read = await this.read(ctx).catch(() => undefined);
    const value = await this.runLoader(ctx);
    if (read) await this.store(ctx, value, read, seq, undefined);
    return { value, status: read ? 'miss' : 'error', tier: 'loader' };
  }

  async runLoader(ctx: FillContext): Promise<unknown> {
    const started = performance.now();
    let ok = false;
    try {
      const value = await ctx.loader();
      ok = true;
      return value;
    } finally {
      this.deps.metrics.recordLoader(ctx.namespace, ctx.key, performance.now() - started, ok);
    }
  }

  async drain(maxMs: number): Promise<void> {
    if (this.refreshes.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.refreshes.values()]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, maxMs);
      }),
    ]);
    clearTimeout(timer);
  }

  private read(ctx: FillContext, leaseToken?: string, exactLease = false): Promise<ReadResult> {
    const lease = leaseToken === undefined ? undefined : { token: leaseToken, ttlMs: this.deps.leaseMs };
    return this.deps.guarded('read', () => {
      const read = () => this.deps.store.read(ctx.slotNs, ctx.key, ctx.tags, lease, exactLease);
      const preparing = this.deps.prepare(ctx);
      return preparing ? preparing.then(read) : read();
    });
  }

  /** A usable entry in the read: fresh -> hit; stale -> served while one refresh runs. */
  private answer(ctx: FillContext, read: ReadResult, seq: number): Outcome | undefined {
    const entry = read.entry;
    if (!entry) return undefined;
    const verdict = judge(entry, read.current, Date.now());
    if (verdict === 'miss') return undefined;
    const remote = this.deps.store.remote;
    let value: unknown;
    try {
      // A Redis read brings fresh bytes: the caller gets its own copy. A memory-store entry lives
      // on, so like L1 it is decoded once and shared (frozen outside production).
      if (remote) value = deserialize(entry.payload);
      else {
        entry.shared ??= { value: shareable(deserialize(entry.payload)) };
        value = entry.shared.value;
      }
    } catch {
      return undefined; // unreadable payload: treat as a miss and overwrite it
    }
    const tier: CacheTier = remote ? 'l2' : 'l1';
    if (verdict === 'fresh') {
      if (ctx.options.l1 !== false)
        this.deps.fillL1(ctx.key, entry.payload, entry.tags, entry.freshUntil, seq);
      return { value, status: 'hit', tier };
    }
    this.refreshInBackground(ctx, read, seq);
    return { value, status: 'stale', tier };
  }

  private async fill(ctx: FillContext, first: ReadResult, seq: number, token?: string): Promise<Outcome> {
    if (token === undefined) return this.loadAndStore(ctx, first, seq, undefined);
    let read = first;
    let waited = false;
    for (;;) {
      let acquired = read.leaseAcquired;
      if (!acquired && !read.leased) {
        // An unusable entry exists (invalidated or expired): the read did not take the lease
        // (and on the hit-shaped first read did not even look at it). SET NX settles it.
        try {
          acquired = await this.deps.guarded('lease', () =>
            this.deps.store.acquireLease(ctx.slotNs, ctx.key, token, this.deps.leaseMs),
          );
        } catch {
          // The SET NX may have landed before the timeout: free it, or others wait it out.
          this.release(ctx, token);
          return this.loadUncached(ctx, 'error');
        }
      }
      // `read` was made before (or atomically with) taking this lease, hence before the loader:
      // its generations are a safe baseline for the write.
      if (acquired) return this.loadAndStore(ctx, read, seq, token);
      if (!waited) this.deps.metrics.recordLeaseWait(ctx.namespace, ctx.key);
      waited = true;
      let outcome: LeasePoll<Outcome> | { kind: 'timeout' };
      try {
        outcome = await waitOnLease<Outcome>(async () => {
          // Exact lease state: telling 'held' from 'free' is the point of polling.
          read = await this.read(ctx, token, true);
          const answer = this.answer(ctx, read, seq);
          if (answer) return { kind: 'value', result: answer };
          return read.leased && !read.leaseAcquired ? { kind: 'held' } : { kind: 'free' };
        }, this.deps.leaseMs + this.deps.timeoutMs);
      } catch {
        // A polling read can take the lease; if it timed out after doing so, free it.
        this.release(ctx, token);
        return this.loadUncached(ctx, 'error');
      }
      if (outcome.kind === 'value') return outcome.result;
      if (outcome.kind === 'timeout') return this.loadUncached(ctx, 'miss');
      // 'free': the holder is gone without a value; loop and take over (maybe already done).
    }
  }

  private async loadAndStore(
    ctx: FillContext,
    read: ReadResult,
    seq: number,
    token?: string,
  ): Promise<Outcome> {
    let value: unknown;
    try {
      value = await this.runLoader(ctx);
    } catch (error) {
      this.release(ctx, token);
      throw error;
    }
    await this.store(ctx, value, read, seq, token);
    return { value, status: 'miss', tier: 'loader' };
  }

  private async loadUncached(ctx: FillContext, status: CacheStatus): Promise<Outcome> {
    return { value: await this.runLoader(ctx), status, tier: 'loader' };
  }

  /** Conditional write (refused if a start tag was hard-invalidated during the fill), then L1. */
  private async store(ctx: FillContext, value: unknown, read: ReadResult, seq: number, token?: string) {
    let payload: string;
    let lateTags: string[];
    try {
      payload = serialize(value);
      const start = new Set(ctx.tags);
      lateTags = [...new Set(ctx.options.tagsFromValue?.(value) ?? [])].filter((tag) => !start.has(tag));
    } catch (error) {
      this.release(ctx, token);
      throw error;
    }
    const jitter = Math.min(Math.max(ctx.options.jitter ?? 0.1, 0), 1);
    const ttl = ctx.options.ttlMs * (1 - jitter * Math.random());
    const now = Date.now();
    const freshUntil = Math.floor(now + ttl);
    const expiresAt = freshUntil + Math.max(ctx.options.graceMs ?? 0, 0);
    let stored = false;
    try {
      stored = await this.deps.guarded('write', () =>
        this.deps.store.write({
          slotNs: ctx.slotNs,
          key: ctx.key,
          payload,
          startTags: ctx.tags,
          startGens: read.current,
          startEpoch: read.epoch,
          lateTags,
          freshUntil,
          expiresAt,
          ...(token === undefined ? {} : { leaseToken: token }),
        }),
      );
    } catch {
      this.deps.metrics.recordOperationError(ctx.namespace);
      this.release(ctx, token);
      return;
    }
    if (stored && ctx.options.l1 !== false) {
      this.deps.fillL1(ctx.key, payload, [...ctx.tags, ...lateTags], freshUntil, seq);
    }
  }

  private refreshInBackground(ctx: FillContext, read: ReadResult, seq: number): void {
    if (this.refreshes.has(ctx.key) || this.deps.isClosed()) return;
    const task = (async () => {
      let token: string | undefined;
      if (this.deps.store.remote) {
        token = newLeaseToken();
        const leaseToken = token;
        const acquired = await this.deps.guarded('lease', () =>
          this.deps.store.acquireLease(ctx.slotNs, ctx.key, leaseToken, this.deps.leaseMs),
        );
        if (!acquired) return; // another process is refreshing this key
      }
      // `read` preceded the lease and the loader: a safe baseline for the conditional write.
      const value = await this.loadAndStore(ctx, read, seq, token);
      return void value;
    })()
      .catch((error: unknown) => {
        this.deps.metrics.emit({
          type: 'refresh-error',
          namespace: ctx.namespace,
          key: ctx.key,
          error: error instanceof Error ? error.message : String(error),
        });
      })
      .finally(() => this.refreshes.delete(ctx.key));
    this.refreshes.set(ctx.key, task);
  }

  private release(ctx: FillContext, token: string | undefined): void {
    if (token === undefined) return;
    const release = () => this.deps.store.releaseLease(ctx.slotNs, ctx.key, token);
    void this.deps.guarded('lease', release).catch(() => {});
  }
}
