/**
 * Redis store (single node or Cluster). Every request-path operation is one command, one
 * pipeline or one Lua script on one slot; see lua.ts for the data layout and why.
 */
import { Cluster, Command } from 'ioredis';
import { hasHashTag } from '../keys';
import { newLeaseToken } from '../lease';
import { encodePosition } from '../positions';
import type { Strength } from '../types';
import { encodeEntry } from './entry';
import {
  CLOCK_SCRIPT,
  COMMIT_SCRIPT,
  INVALIDATE_SCRIPT,
  PRIME_SCRIPT,
  READ_SCRIPT,
  RELEASE_SCRIPT,
  RENEW_SCRIPT,
  ROTATE_SCRIPT,
} from './lua';
import { closeClient, Readiness, type RedisClient } from './redis-client';
import { type EntryKeys, RedisReads } from './redis-reads';
import { isNoScript, Script } from './scripts';
import type { PrimeRequest, ReadOptions, ReadResult, Store, WriteRequest } from './store';

const SCRIPTS = {
  read: new Script(READ_SCRIPT, 3),
  commit: new Script(COMMIT_SCRIPT, 4),
  invalidate: new Script(INVALIDATE_SCRIPT, 2),
  prime: new Script(PRIME_SCRIPT, 2),
  clock: new Script(CLOCK_SCRIPT, 2),
  rotate: new Script(ROTATE_SCRIPT, 2),
  renew: new Script(RENEW_SCRIPT, 1),
  release: new Script(RELEASE_SCRIPT, 1),
};

export class RedisStore implements Store {
  readonly remote = true;
  readonly readiness: Readiness;
  private readonly reads: RedisReads;
  /** Set when this Redis must not be used (e.g. an eviction policy that could drop tag marks). */
  private refusal: Error | undefined;
  /** Cluster: each namespace's slot, and the namespaces being rotated after a failover. */
  private readonly slotOf = new Map<string, number>();
  private readonly adopting = new Map<string, Promise<void>>();
  /** Set until the server's eviction policy has been checked (vet). */
  private vetting: Promise<void> | undefined;

  constructor(
    readonly client: RedisClient,
    private readonly prefix: string,
    /** How long a tag's invalidation mark must outlive it: the longest entry lifetime. */
    private readonly markLifetimeMs: number,
  ) {
    this.readiness = new Readiness(client);
    this.reads = new RedisReads(client, (args) => SCRIPTS.read.run(client, args), client instanceof Cluster);
  }

  /** Keys built by buildCacheKey already carry their slot; others are wrapped into one. */
  entryKey(namespace: string, key: string): string {
    return hasHashTag(key) ? key : `${this.prefix}:{${namespace}}:k:${key}`;
  }

  /** Prefix of the namespace's clock (`~c`), origin (`~o`) and tag marks (`h:<tag>`, `s:<tag>`). */
  marksKey(namespace: string): string {
    return `${this.prefix}:{${namespace}}:tg:`;
  }

  get namespacesKey(): string {
    return `${this.prefix}:namespaces`;
  }

  get channel(): string {
    return `${this.prefix}:bus`;
  }

  get isCluster(): boolean {
    return this.client instanceof Cluster;
  }

  private keys(namespace: string, key: string): EntryKeys {
    const entry = this.entryKey(namespace, key);
    return { entry, marks: this.marksKey(namespace), lease: `${entry}:lease` };
  }

  /** Undefined when commands may go out now: the hot path then awaits nothing before Redis. */
  private blocked(): Promise<void> | undefined {
    if (this.refusal) return Promise.reject(this.refusal);
    if (this.vetting) return this.vetting.then(() => this.blocked());
    return this.readiness.check();
  }

  /**
   * Holds every operation until `check` settles; a reason it yields refuses this Redis for
   * good (see eviction-policy.ts). Operations wait within their own timeouts, as for 'ready'.
   */
  vet(check: Promise<string | undefined>): void {
    this.vetting = check.then(
      (reason) => {
        if (reason) this.refuse(reason);
        this.vetting = undefined;
      },
      () => {
        this.vetting = undefined;
      },
    );
  }

  private async ready(): Promise<void> {
    const blocked = this.blocked();
    if (blocked) await blocked;
  }

  /** Whether this Redis is refused (see refuse): it holds nothing this process serves. */
  get refused(): boolean {
    return this.refusal !== undefined;
  }

  /** From now on every operation fails (and the loader answers): see eviction-policy.ts. */
  refuse(reason: string): void {
    this.refusal = new Error(reason);
  }

  /** A hit is one MGET and one continuation: nothing is awaited before Redis. See redis-reads.ts. */
  read(namespace: string, key: string, tags: readonly string[], options?: ReadOptions): Promise<ReadResult> {
    const blocked = this.blocked();
    const keys = this.keys(namespace, key);
    const reading = blocked
      ? blocked.then(() => this.reads.read(keys, tags, options))
      : this.reads.read(keys, tags, options);
    if (!(this.client instanceof Cluster)) return reading;
    return reading.then((read) => this.afterFailover(namespace, keys, tags, read));
  }

  /**
   * Cluster: a read answered by a master other than the one that set the namespace's origin
   * comes from a node that took the slot over (a failover) and may lack invalidations its
   * predecessor had acknowledged. Its entry is not trusted: the origin moves first (every entry
   * built before becomes a miss), then the namespace is read again. (A namespace's first read
   * on a cluster finds no owner yet and does the same, before anything was cached in it.)
   * A lease the first read took is still held: the second read keeps its flags.
   */
  private afterFailover(
    namespace: string,
    keys: EntryKeys,
    tags: readonly string[],
    read: ReadResult,
  ): Promise<ReadResult> | ReadResult {
    const master = this.masterOf(namespace);
    if (master !== undefined && read.owner === master) return read;
    if (master === undefined) return { ...read, entry: null }; // cannot judge: trust nothing
    return (
      this.adopt(namespace, master)
        // Positions too: a loader may follow this read (the lease may be held).
        .then(() => this.reads.read(keys, tags, { positions: true }))
        .then((again) => ({
          ...again,
          // Moved again meanwhile: nothing from this read is trusted.
          ...(again.owner === master ? {} : { entry: null }),
          leased: read.leased,
          leaseAcquired: read.leaseAcquired,
        }))
    );
  }

  /** The master ioredis sends this namespace's slot to now (undefined: not known yet). */
  private masterOf(namespace: string): string | undefined {
    if (!(this.client instanceof Cluster)) return undefined;
    let slot = this.slotOf.get(namespace);
    if (slot === undefined) {
      slot = new Command('get', [`{${namespace}}`]).getSlot() ?? 0;
      this.slotOf.set(namespace, slot);
    }
    return this.client.slots[slot]?.[0];
  }

  /** Rotates the namespace on its (new) master, once per process at a time. */
  private adopt(namespace: string, master: string): Promise<void> {
    let adopting = this.adopting.get(namespace);
    if (!adopting) {
      const marks = this.marksKey(namespace);
      adopting = SCRIPTS.rotate
        .run(this.client, [`${marks}~c`, marks, master])
        .then(() => undefined)
        .finally(() => this.adopting.delete(namespace));
      this.adopting.set(namespace, adopting);
    }
    return adopting;
  }

  /**
   * The entry is staged with a plain SET and committed by a small script in the same pipeline
   * (one round trip; see COMMIT_SCRIPT for why the payload never enters Lua).
   */
  async write(request: WriteRequest): Promise<boolean> {
    await this.ready();
    const now = Date.now();
    const pttl = Math.max(1, Math.ceil(request.expiresAt - now));
    const keys = this.keys(request.namespace, request.key);
    const token = request.leaseToken ?? '';
    const staged = `${keys.entry}:w:${token || newLeaseToken()}`;
    const commit = [
      keys.entry,
      keys.marks,
      keys.lease,
      staged,
      token,
      String(request.builtAt),
      ...request.tags,
    ];
    // Two commands sent back to back on one connection, not an ioredis pipeline (whose object
    // costs ~10 µs of client CPU per miss): Redis runs them in this order and both replies come
    // in one round trip. In a cluster both keys are in the namespace's slot; a redirection that
    // reordered them would only make the commit find nothing to rename (not stored, never wrong).
    const [, reply] = await Promise.all([
      this.client.set(staged, encodeEntry(request, now), 'PX', pttl),
      SCRIPTS.commit.run(this.client, commit), // NOSCRIPT: sent again as EVAL, the SET already ran
    ]);
    const stored = reply === 1;
    if (stored) this.reads.remember(keys.entry, request.tags);
    return stored;
  }

  async clock(namespace: string): Promise<number> {
    await this.ready();
    const marks = this.marksKey(namespace);
    return Number(await SCRIPTS.clock.run(this.client, [`${marks}~c`, marks]));
  }

  async prime(request: PrimeRequest): Promise<boolean> {
    await this.ready();
    const { entry, marks } = this.keys(request.namespace, request.key);
    const now = Date.now();
    // Writes through are rare (one per mutation): the payload may go through Lua here.
    const stored =
      (await SCRIPTS.prime.run(this.client, [
        entry,
        marks,
        JSON.stringify(request.tags),
        request.payload,
        request.freshUntil,
        request.expiresAt,
        String(request.since),
        now,
        Math.max(1, Math.ceil(request.expiresAt - now)),
        this.markLifetimeMs,
        request.position === undefined ? '' : encodePosition(request.position),
        ...request.tags,
      ])) === 1;
    if (stored) this.reads.remember(entry, request.tags);
    return stored;
  }

  async acquireLease(namespace: string, key: string, token: string, ttlMs: number): Promise<boolean> {
    await this.ready();
    const reply = await this.client.set(this.keys(namespace, key).lease, token, 'PX', ttlMs, 'NX');
    return reply === 'OK';
  }

  async renewLease(namespace: string, key: string, token: string, ttlMs: number): Promise<boolean> {
    await this.ready();
    return (await SCRIPTS.renew.run(this.client, [this.keys(namespace, key).lease, token, ttlMs])) === 1;
  }

  async releaseLease(namespace: string, key: string, token: string): Promise<void> {
    await this.ready();
    await SCRIPTS.release.run(this.client, [this.keys(namespace, key).lease, token]);
  }

  async delete(namespace: string, key: string): Promise<void> {
    await this.ready();
    const entryKey = this.entryKey(namespace, key);
    this.reads.forget(entryKey);
    await this.client.del(entryKey);
  }

  /**
   * Marks the tags in every given namespace (one clock tick each) and lists the registered
   * namespaces in one round trip: an explicit pipeline on a single node; on a cluster, one command
   * per namespace, all sent at once (each follows its own MOVED: see redis-client.ts).
   * `publish` (single node only) rides in the same pipeline, after the marks, so a receiver that
   * reacts to the message already sees them. `position`: where the write left the database,
   * recorded per tag beside the marks (positions.ts).
   */
  async invalidate(
    namespaces: readonly string[],
    tags: readonly string[],
    how: { strength: Strength; position?: bigint | undefined },
    publish?: string,
  ): Promise<string[]> {
    await this.ready();
    const position = how.position === undefined ? '' : encodePosition(how.position);
    const args = (ns: string) => [
      `${this.marksKey(ns)}~c`,
      this.marksKey(ns),
      how.strength === 'soft' ? 's' : 'h',
      this.markLifetimeMs,
      position,
      ...tags,
    ];
    if (this.client instanceof Cluster) {
      const marks = namespaces.map((ns) => SCRIPTS.invalidate.run(this.client, args(ns)));
      const registered = this.client.smembers(this.namespacesKey);
      const published = publish === undefined ? undefined : this.client.publish(this.channel, publish);
      // One Promise.all: a rejection of any of them is handled here, never left unobserved.
      const [members] = await Promise.all([registered, ...marks, published]);
      return members;
    }
    const pipeline = this.client.pipeline();
    for (const ns of namespaces) SCRIPTS.invalidate.queue(pipeline, args(ns));
    pipeline.smembers(this.namespacesKey);
    if (publish !== undefined) pipeline.publish(this.channel, publish);
    const results = (await pipeline.exec()) ?? [];
    // Redis did not know the script (restart, SCRIPT FLUSH): the message went out before the
    // marks. Mark with EVAL now, then publish again, so receivers re-read after the marks.
    const unknown = namespaces.filter((_, i) => isNoScript(results[i]?.[0]));
    if (unknown.length > 0) {
      await Promise.all(unknown.map((ns) => SCRIPTS.invalidate.run(this.client, args(ns))));
      if (publish !== undefined) await this.client.publish(this.channel, publish);
    }
    for (const [error] of results) if (error && !isNoScript(error)) throw error;
    const members = results[namespaces.length]?.[1];
    return Array.isArray(members) ? members.map(String) : [];
  }

  /** Moves every given namespace's origin forward: whatever was cached there is forgotten. */
  async rotate(namespaces: readonly string[]): Promise<void> {
    await this.ready();
    await Promise.all(
      namespaces.map((ns) =>
        SCRIPTS.rotate.run(this.client, [
          `${this.marksKey(ns)}~c`,
          this.marksKey(ns),
          this.masterOf(ns) ?? '',
        ]),
      ),
    );
  }

  async registerNamespaces(namespaces: readonly string[]): Promise<void> {
    if (namespaces.length === 0) return;
    await this.ready();
    await this.client.sadd(this.namespacesKey, ...namespaces);
  }

  async publish(message: string): Promise<void> {
    await this.ready();
    await this.client.publish(this.channel, message);
  }

  async close(): Promise<void> {
    this.readiness.release();
    await closeClient(this.client);
  }
}
