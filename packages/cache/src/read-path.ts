/**
 * The read path, top to bottom: what happens to one `fetch`.
 *
 *  1. L1: a fresh local copy, only while the bus provably works (local-tier.ts).
 *  2. Single-flight: concurrent calls for one key in this process share one trip below (a
 *     `Flight`). A caller takes the flight's answer only if the store checked that answer
 *     after the caller started (`Flight.checkedAt`); otherwise it waits for the next flight.
 *     A write on another instance that returned before the caller started may be unknown here
 *     (no bus without L1, or its message still on the way), and the flight may have read the
 *     database before it: only a store check made after the caller's start can vouch.
 *     (`batchReads`, Redis only: the calls of a key made in one event-loop turn first share one
 *     hit-shaped read, sent after all of them started; what it does not answer fresh comes here.)
 *  3. One store read returns the entry, the namespace clock and the marks of its tags (and, when
 *     there is no entry, takes the fill lease in the same round trip).
 *  4. Judge it (tags.ts): fresh -> hit; stale -> served while one background refresh runs;
 *     otherwise a miss.
 *  5. Miss: whoever holds the cross-process lease runs the loader (renewing the lease while it
 *     runs); the others poll until the value lands or the lease is gone. The write is
 *     conditional: refused if a tag was hard-invalidated after the clock read in step 3, which
 *     preceded the loader (race safety).
 * A cache failure at any step degrades to running the loader (status 'error'); loader errors
 * are the caller's and propagate. Every remote store call goes through the guard (timeout that
 * measures Redis, circuit breaker, latency).
 */
import type { RemoteGuard } from './guard';
import { FillLease } from './lease';
import { lifetimeOf } from './lifetime';
import { type Loaded, runLoader, withHardTimeout } from './loader-run';
import type { LocalTier } from './local-tier';
import type { Metrics } from './metrics';
import type { Call, EngineSettings } from './options';
import { RefreshBackoff } from './refresh-backoff';
import { deserialize, serialize, shareable } from './serializer';
import { SingleFlight } from './single-flight';
import type { ReadOptions, ReadResult, Store } from './stores/store';
import type { TagInvalidator } from './tag-invalidator';
import { judge } from './tags';
import { sleep } from './timeout';
import type { CacheStatus, CacheTier, FetchResult, StoreOp } from './types';

type Outcome = FetchResult<unknown>;
type AnyCall = Call<unknown>;

/**
 * One trip below L1 for one key, shared by the calls of this process that joined it. It holds
 * the fill lease (remote stores) and the tick of the last store check that vouches for the
 * answer it will hand out:
 * - a value served from a read: that read (it judged the entry against the tags' marks);
 * - a value this flight stored: the conditional write (it checked the marks atomically);
 * - a value whose write was refused or skipped: the read that preceded the loader (a write that
 *   returned before it was sent had marked its tags by then, so the loader saw its data);
 * - a loader run without the store: the loader's start.
 */
class Flight {
  checkedAt = 0;
  constructor(readonly lease: FillLease | undefined) {}
}

interface Settled {
  outcome: Outcome;
  checkedAt: number;
}

export class ReadPath {
  private readonly flights = new SingleFlight<Settled>();
  /** `batchReads`: the read this turn's calls of a key share, per key, until it is sent. */
  private readonly batches = new Map<string, Promise<Outcome | undefined>>();
  /** Background refreshes in flight, one per key (in-process dedup; the lease dedups across). */
  private readonly refreshes = new Map<string, Promise<Outcome | undefined>>();
  private readonly backoff = new RefreshBackoff();
  /** Orders calls and store checks in this process (see Flight). */
  private ticks = 0;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly local: LocalTier,
    private readonly guard: RemoteGuard,
    private readonly metrics: Metrics,
    private readonly settings: EngineSettings,
    /** Remote only: registrations, replays and rotations that must precede a Redis read. */
    private readonly invalidator: TagInvalidator | undefined,
  ) {}

  /**
   * 1. L1, asked by the engine before the call is even resolved (the caller checked that mode
   * and options allow it): an L1 hit is a Map lookup and a counter.
   */
  localHit(key: string): Outcome | undefined {
    if (this.closed) return undefined;
    const hit = this.local.get(key);
    if (!hit) return undefined;
    this.metrics.recordCall(hit.namespace, key, 'hit', 'l1');
    // An L1 entry expires when its Redis entry stops being fresh.
    return { value: hit.value, status: 'hit', tier: 'l1', freshUntil: hit.expiresAt };
  }

  /** 2-5, for a call that L1 did not answer. (Promise steps, not async functions: fewer turns.) */
  fetch<T>(call: Call<T>): Promise<FetchResult<T>> {
    const any = call as AnyCall;
    const mode = this.closed ? 'bypass' : call.mode;
    let outcome: Promise<Outcome>;
    if (mode === 'bypass')
      outcome = runLoader(any, this.metrics, undefined).then(({ value }) => ({
        value,
        status: 'bypass',
        tier: 'loader',
      }));
    else if (mode === 'normal' && call.batchReads && this.store.remote)
      outcome = this.batchedRead(any, ++this.ticks);
    else outcome = this.join(any, mode, ++this.ticks);
    return outcome.then((done) => {
      this.metrics.recordCall(call.namespace, call.key, done.status, done.tier);
      return done as FetchResult<T>;
    });
  }

  /** Waits (bounded) for background refreshes, so close() leaves nothing running. */
  async close(maxMs: number): Promise<void> {
    this.closed = true;
    const running = [...this.refreshes.values(), ...this.batches.values(), this.flights.drain()];
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled(running), new Promise((r) => (timer = setTimeout(r, maxMs)))]);
    clearTimeout(timer);
  }

  /**
   * 2. Joins the key's flight (or starts one) and takes its answer only if the store checked it
   * after this call started; otherwise the next flight answers (it starts after this one ended,
   * so its checks come after this call's start: at most one more trip).
   *
   * The memory store needs no such check: this process is its only writer, every invalidation
   * moves `seq`, and the flight key carries `seq`, so a caller that shares a flight saw no
   * invalidation the flight's check did not see.
   */
  private join(call: AnyCall, mode: 'normal' | 'refresh', startedAt: number): Promise<Outcome> {
    const key = `${this.local.seq}\u0000${mode}\u0000${call.key}`;
    const flight = this.flights.run(key, () => this.fly(call, mode));
    if (!this.store.remote) return flight.then(outcomeOf);
    return flight.then((settled) =>
      settled.checkedAt > startedAt ? settled.outcome : this.join(call, mode, startedAt),
    );
  }

  /**
   * `batchReads`: joins the read this turn's calls of the key share (or starts it). It is sent
   * after every call that joined it started, so its answer vouches for each of them (the rule of
   * `join`), and a fresh entry is decoded once for all. Anything else (no entry, a stale or
   * invalid one) takes the shared flight, which handles leases, stale serving and fills. A failed
   * read runs the loader without the store, as a flight's failed read does, rather than waiting
   * out a second timeout.
   */
  private batchedRead(call: AnyCall, startedAt: number): Promise<Outcome> {
    let batch = this.batches.get(call.key);
    if (!batch) {
      batch = this.sendBatch(call);
      this.batches.set(call.key, batch);
    }
    return batch.then(
      (hit) => hit ?? this.join(call, 'normal', startedAt),
      () => this.joinUncached(call, startedAt),
    );
  }

  /** The batch's one read, once the turn is over: a fresh hit, or undefined. */
  private sendBatch(call: AnyCall): Promise<Outcome | undefined> {
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.batches.delete(call.key); // later calls start the next batch
      const seq = this.local.seq;
      return this.read(call, new Flight(undefined)).then((read) => {
        const entry = read.entry;
        if (!entry || judge(entry, read, Date.now(), call.softStaleAfterMs) !== 'fresh') return undefined;
        return this.serve(call, read, seq);
      });
    });
  }

  /** The loader alone, as one flight per key; a caller that started after it waits for the next. */
  private joinUncached(call: AnyCall, startedAt: number): Promise<Outcome> {
    const key = `${this.local.seq}\u0000uncached\u0000${call.key}`;
    const flight = this.flights.run(key, () => {
      const uncached = new Flight(undefined);
      return this.loadUncached(call, uncached, 'error').then((outcome) => ({
        outcome,
        checkedAt: uncached.checkedAt,
      }));
    });
    return flight.then((settled) =>
      settled.checkedAt > startedAt ? settled.outcome : this.joinUncached(call, startedAt),
    );
  }

  private fly(call: AnyCall, mode: 'normal' | 'refresh'): Promise<Settled> {
    const flight = new Flight(this.store.remote ? this.newLease(call) : undefined);
    const running = mode === 'refresh' ? this.refreshNow(call, flight) : this.resolve(call, flight);
    return running.then((outcome) => ({ outcome, checkedAt: flight.checkedAt }));
  }

  // 3-5: the store side, once per key per process.
  private resolve(call: AnyCall, flight: Flight): Promise<Outcome> {
    const seq = this.local.seq;
    // The lease is offered to the read: if it finds no entry it takes it in the same round trip.
    return this.read(call, flight, { offerLease: true }).then(
      (read) =>
        this.servedReleasing(call, read, seq, flight) ??
        withHardTimeout(call, this.fill(call, read, seq, flight)),
      () => {
        // The read may have taken the lease before timing out: give it back, best effort.
        flight.lease?.release();
        return this.loadUncached(call, flight, 'error');
      },
    );
  }

  /** mode 'refresh': run the loader and overwrite, whatever is cached. */
  private async refreshNow(call: AnyCall, flight: Flight): Promise<Outcome> {
    const seq = this.local.seq;
    const read = await this.read(call, flight, { positions: true }).catch(() => undefined);
    if (!read) return this.loadUncached(call, flight, 'error');
    const loaded = await runLoader(call, this.metrics, read.position);
    const freshUntil = await this.write(call, loaded, read, seq, flight);
    return { value: loaded.value, status: 'miss', tier: 'loader', ...fresh(freshUntil) };
  }

  /**
   * A store read, after what must precede it (replays, registration, rotation). Once it answers
   * it is the flight's check, dated when it was sent.
   */
  /**
   * `positions`: a loader runs next, so fetch the tags' recorded positions whatever path the
   * store read takes (a read that offers a lease fetches them anyway when it finds no entry).
   */
  private read(
    call: AnyCall,
    flight: Flight,
    how: { offerLease?: boolean; exactLease?: boolean; positions?: boolean } = {},
  ): Promise<ReadResult> {
    const options: ReadOptions = {
      ...(flight.lease && how.offerLease
        ? {
            lease: {
              token: flight.lease.token,
              ttlMs: this.settings.leaseMs,
              exact: how.exactLease === true,
            },
          }
        : {}),
      ...(how.positions ? { positions: true } : {}),
    };
    // Promise chains rather than an async function: on a hit nothing is awaited but the read.
    return this.remote('read', call.namespace, () => {
      const before = this.invalidator?.beforeRead(call.namespace);
      if (before) return before.then(() => this.readStore(call, flight, options));
      return this.readStore(call, flight, options);
    });
  }

  private readStore(call: AnyCall, flight: Flight, options: ReadOptions): Promise<ReadResult> {
    const sentAt = ++this.ticks;
    const invalidator = this.invalidator;
    return this.store.read(call.namespace, call.key, call.tags, options).then((read) => {
      flight.checkedAt = sentAt;
      // Redis forgot this namespace: register it again before any loader may run.
      if (invalidator && read.clockCreated) return invalidator.clockCreated(call.namespace).then(() => read);
      return read;
    });
  }

  /** A usable entry in the read: fresh -> hit; stale -> served while one refresh runs. */
  private serve(call: AnyCall, read: ReadResult, seq: number): Outcome | Promise<Outcome> | undefined {
    const entry = read.entry;
    if (!entry) return undefined;
    const verdict = judge(entry, read, Date.now(), call.softStaleAfterMs);
    if (verdict === 'miss') return undefined;
    let value: unknown;
    try {
      // A Redis read brings fresh bytes: the caller gets its own copy. A memory-store entry lives
      // on, so like L1 it is decoded once and shared (frozen outside production).
      if (this.store.remote) value = deserialize(entry.payload);
      else {
        entry.shared ??= { value: shareable(deserialize(entry.payload)) };
        value = entry.shared.value;
      }
    } catch {
      return undefined; // unreadable payload: treat as a miss and overwrite it
    }
    const tier: CacheTier = this.store.remote ? 'l2' : 'l1';
    if (verdict === 'fresh') {
      if (call.l1)
        this.local.offer(call.key, call.namespace, entry.payload, entry.tags, entry.freshUntil, seq);
      return { value, status: 'hit', tier, freshUntil: entry.freshUntil };
    }
    const stale: Outcome = { value, status: 'stale', tier };
    const refresh = this.refreshInBackground(call, read, seq);
    if (!refresh || call.softTimeoutMs <= 0) return stale;
    // Soft timeout: the fresh value if the refresh makes it in time, else the stale one.
    return Promise.race([
      refresh.then((fresh) => fresh ?? stale),
      sleep(call.softTimeoutMs).then(() => stale),
    ]);
  }

  /** `serve`, giving back a lease the read took beside a usable entry (redis-reads.ts). */
  private servedReleasing(
    call: AnyCall,
    read: ReadResult,
    seq: number,
    flight: Flight,
  ): Outcome | Promise<Outcome> | undefined {
    const served = this.serve(call, read, seq);
    if (served && read.leaseAcquired) flight.lease?.release();
    return served;
  }

  private async fill(call: AnyCall, first: ReadResult, seq: number, flight: Flight): Promise<Outcome> {
    const lease = flight.lease;
    if (!lease) return this.loadAndWrite(call, first, seq, flight);
    const deadline = performance.now() + this.settings.leaseWaitMs;
    let read = first;
    let delay = 5;
    for (let waited = false; ; waited = true) {
      let acquired = read.leaseAcquired;
      if (!acquired && !read.leased) {
        // An unusable entry exists (invalidated or expired): the read did not take the lease
        // (and on the hit-shaped first read did not even look at it). SET NX settles it.
        try {
          acquired = await this.remote('lease', call.namespace, () => lease.acquire());
        } catch {
          lease.release(); // the SET NX may have landed before the timeout
          return this.loadUncached(call, flight, 'error');
        }
        if (acquired) {
          // Another process may have stored the value and let go of its lease between our read
          // and our SET NX (a slow or busy machine makes that likely): look once more.
          const again = await this.read(call, flight, { positions: true }).catch(() => undefined);
          const served = again && this.serve(call, again, seq);
          if (served) {
            lease.release();
            return served;
          }
          // Later, and still before the loader: a valid built-at, and the positions the loader
          // needs (without them, `again` failing, the loader is told to read the primary).
          if (again) read = again;
        }
      }
      // `read` was made before (or atomically with) taking this lease, hence before the loader:
      // its clock is a safe built-at for the write.
      if (acquired) return this.loadAndWrite(call, read, seq, flight);
      if (!waited) this.metrics.recordLeaseWait(call.namespace, call.key);
      if (performance.now() >= deadline) return this.loadUncached(call, flight, 'miss');
      await sleep(delay);
      delay = Math.min(delay * 2, 100);
      try {
        // Exact lease state: held or free is the point.
        read = await this.read(call, flight, { offerLease: true, exactLease: true });
      } catch {
        // A slow poll is no reason to load too (that is how stampedes start); a dead Redis is.
        // (A quarantined namespace counts as slow here: one failed poll must not make every
        // waiter load.)
        if (this.guard.state !== 'closed') return this.loadUncached(call, flight, 'error');
        read = { ...read, leased: true, leaseAcquired: false };
        continue;
      }
      const served = this.servedReleasing(call, read, seq, flight);
      if (served) return served;
      // Not served: the holder is still loading ('held'), or gone without a value: take over.
    }
  }

  private async loadAndWrite(call: AnyCall, read: ReadResult, seq: number, flight: Flight): Promise<Outcome> {
    const lease = flight.lease;
    let loaded: Loaded;
    try {
      // The read that preceded the loader tells it how far the database must have come.
      const load = () => runLoader(call, this.metrics, read.position);
      loaded = await (lease ? lease.keptDuring(load) : load());
    } catch (error) {
      lease?.release();
      throw error;
    }
    const freshUntil = await this.write(call, loaded, read, seq, flight);
    return { value: loaded.value, status: 'miss', tier: 'loader', ...fresh(freshUntil) };
  }

  /** The loader alone: what it returns is as current as its start, which is the flight's check. */
  private async loadUncached(call: AnyCall, flight: Flight, status: CacheStatus): Promise<Outcome> {
    flight.checkedAt = ++this.ticks;
    // No read vouches for this run: no position is known (the loader reads the primary).
    return { value: (await runLoader(call, this.metrics, undefined)).value, status, tier: 'loader' };
  }

  /**
   * Conditional write (refused if a tag was hard-invalidated after `read`), then L1. Resolves
   * the entry's freshUntil when it was stored. The lease goes with the write, which releases it.
   */
  private async write(
    call: AnyCall,
    loaded: Loaded,
    read: ReadResult,
    seq: number,
    flight: Flight,
  ): Promise<number | undefined> {
    const lease = flight.lease;
    const ttlMs = loaded.verdict.ttlMs ?? call.ttlMs;
    if (loaded.verdict.skip || !(ttlMs > 0)) {
      lease?.release();
      return undefined;
    }
    let payload: string;
    let tags: string[];
    try {
      payload = serialize(loaded.value);
      tags = [...new Set([...call.tags, ...(call.tagsFromValue?.(loaded.value) ?? [])])];
    } catch (error) {
      lease?.release();
      throw error;
    }
    const { freshUntil, expiresAt } = lifetimeOf(Date.now(), ttlMs, {
      jitter: call.jitter,
      graceMs: call.graceMs,
      maxLifetimeMs: this.settings.maxLifetimeMs,
    });
    // A stored write vouches for the value as of its own check of the marks; a refused one
    // leaves the flight's check at the read that preceded the loader.
    const writeCheckedAt = ++this.ticks;
    let stored = false;
    try {
      stored = await this.remote('write', call.namespace, () =>
        this.store.write({
          namespace: call.namespace,
          key: call.key,
          payload,
          tags,
          builtAt: read.clock,
          freshUntil,
          expiresAt,
          ...(lease ? { leaseToken: lease.token } : {}),
        }),
      );
    } catch {
      this.metrics.recordOperationError(call.namespace);
      lease?.release();
      return undefined;
    }
    if (!stored) return undefined;
    flight.checkedAt = writeCheckedAt;
    if (call.l1) this.local.offer(call.key, call.namespace, payload, tags, freshUntil, seq);
    return freshUntil;
  }

  /** One refresh per key at a time, none while the key's loader is backing off after a failure. */
  private refreshInBackground(
    call: AnyCall,
    read: ReadResult,
    seq: number,
  ): Promise<Outcome | undefined> | undefined {
    const running = this.refreshes.get(call.key);
    if (running || this.closed || this.backoff.isWaiting(call.key)) return running;
    const task = (async (): Promise<Outcome | undefined> => {
      // Its own flight: nobody joins a background refresh.
      const flight = new Flight(this.store.remote ? this.newLease(call) : undefined);
      let baseline = read;
      const lease = flight.lease;
      if (lease) {
        const acquired = await this.remote('lease', call.namespace, () => lease.acquire());
        if (!acquired) return undefined; // another process is refreshing this key
        // It may have finished just before we took the lease: then there is nothing to do.
        try {
          baseline = await this.read(call, flight, { positions: true });
        } catch (error) {
          lease.release(); // or a later miss would wait out a lease nobody uses
          throw error;
        }
        if (
          baseline.entry &&
          judge(baseline.entry, baseline, Date.now(), call.softStaleAfterMs) === 'fresh'
        ) {
          lease.release();
          return undefined;
        }
      }
      // The baseline read preceded the loader: a safe built-at for the conditional write.
      const outcome = await this.loadAndWrite(call, baseline, seq, flight);
      this.backoff.succeeded(call.key);
      return outcome;
    })()
      .catch((error: unknown) => {
        this.backoff.failed(call.key);
        this.metrics.emit({
          type: 'refresh-error',
          namespace: call.namespace,
          key: call.key,
          error: error instanceof Error ? error.message : String(error),
        });
        return undefined;
      })
      .finally(() => this.refreshes.delete(call.key));
    this.refreshes.set(call.key, task);
    return task;
  }

  /** The key's fill lease: every call to the store behind the guard. */
  private newLease(call: AnyCall): FillLease {
    const { namespace, key } = call;
    return new FillLease(
      {
        acquire: (token, ttlMs) =>
          this.remote('lease', namespace, () => this.store.acquireLease(namespace, key, token, ttlMs)),
        renew: (token, ttlMs) =>
          this.remote('lease', namespace, () => this.store.renewLease(namespace, key, token, ttlMs)),
        release: (token) =>
          this.remote('lease', namespace, () => this.store.releaseLease(namespace, key, token)),
      },
      this.settings.leaseMs,
    );
  }

  /**
   * Timeout + breaker + latency for remote operations; the memory store needs none of it. Always
   * a promise, never a throw: callers handle a failed store call as a rejection.
   */
  private remote<R>(op: StoreOp, namespace: string, fn: () => Promise<R>): Promise<R> {
    if (this.store.remote) return this.guard.run(op, fn, namespace);
    try {
      return fn();
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

function outcomeOf(settled: Settled): Outcome {
  return settled.outcome;
}

/** `{ freshUntil }` when there is one: absent rather than undefined (exactOptionalPropertyTypes). */
function fresh(freshUntil: number | undefined): { freshUntil?: number } {
  return freshUntil === undefined ? {} : { freshUntil };
}
