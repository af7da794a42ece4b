/**
 * Redis store (single node or Cluster). Every request-path operation is one command, one
 * pipeline or one Lua script on one slot; see lua.ts for the data layout and why.
 */
import { Cluster } from 'ioredis';
import { hasHashTag } from '../keys';
import {
  INVALIDATE_SCRIPT,
  READ_SCRIPT,
  RELEASE_SCRIPT,
  RENEW_SCRIPT,
  ROTATE_SCRIPT,
  WRITE_SCRIPT,
} from './lua';
import { closeClient, Readiness, type RedisClient } from './redis-client';
import type { LeaseRequest, Marks, ReadResult, Store, StoredEntry, WriteRequest } from './store';

type ScriptFn = (...args: Array<string | number>) => Promise<unknown>;
type ReadReply = [string, number, string[], string[], number];

const SCRIPTS = {
  stashCacheRead: { lua: READ_SCRIPT, numberOfKeys: 3 },
  stashCacheWrite: { lua: WRITE_SCRIPT, numberOfKeys: 3 },
  stashCacheInvalidate: { lua: INVALIDATE_SCRIPT, numberOfKeys: 2 },
  stashCacheRotate: { lua: ROTATE_SCRIPT, numberOfKeys: 2 },
  stashCacheRenew: { lua: RENEW_SCRIPT, numberOfKeys: 1 },
  stashCacheRelease: { lua: RELEASE_SCRIPT, numberOfKeys: 1 },
} as const;
type ScriptName = keyof typeof SCRIPTS;

export class RedisStore implements Store {
  readonly remote = true;
  readonly readiness: Readiness;
  /**
   * Entry keys this process saw present, each with the tags its entry carried beyond what the
   * caller declares (derived from the value). A known key is read with the plain MGET; an unknown
   * one goes straight to the script, so a cold miss costs 2 round trips (read + lease, write +
   * release) and only the first read of an entry another process wrote pays for a script call.
   */
  private readonly known = new Map<string, readonly string[]>();
  private readonly scripts: Record<ScriptName, ScriptFn>;
  /** Set when this Redis must not be used (e.g. an eviction policy that could drop tag marks). */
  private refusal: Error | undefined;

  constructor(
    readonly client: RedisClient,
    private readonly prefix: string,
    /** How long a tag's invalidation mark must outlive it: the longest entry lifetime. */
    private readonly markLifetimeMs: number,
  ) {
    this.readiness = new Readiness(client);
    const callable = client as unknown as Record<string, ScriptFn | undefined>;
    const scripts: Partial<Record<ScriptName, ScriptFn>> = {};
    for (const [name, definition] of Object.entries(SCRIPTS) as Array<
      [ScriptName, (typeof SCRIPTS)[ScriptName]]
    >) {
      client.defineCommand(name, definition);
      const fn = callable[name];
      if (!fn) throw new Error(`ioredis did not define ${name}`);
      scripts[name] = fn.bind(client);
    }
    this.scripts = scripts as Record<ScriptName, ScriptFn>;
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

  private keys(namespace: string, key: string): [string, string, string] {
    const entry = this.entryKey(namespace, key);
    return [entry, this.marksKey(namespace), `${entry}:lease`];
  }

  /** Undefined when commands may go out now: the hot path then awaits nothing before Redis. */
  private blocked(): Promise<void> | undefined {
    if (this.refusal) return Promise.reject(this.refusal);
    return this.readiness.check();
  }

  private async ready(): Promise<void> {
    const blocked = this.blocked();
    if (blocked) await blocked;
  }

  /** From now on every operation fails (and the loader answers): see eviction-policy.ts. */
  refuse(reason: string): void {
    this.refusal = new Error(reason);
  }

  /**
   * Known keys first: one MGET, no pipeline and no Lua (a script call costs ~20-40 µs of Redis
   * CPU before it does anything). Unknown keys, entries carrying tags we did not ask for, a
   * missing clock and `exactLease` go to the script, which also takes the fill lease atomically
   * when there is no entry.
   */
  read(
    namespace: string,
    key: string,
    tags: readonly string[],
    lease?: LeaseRequest,
    exactLease = false,
  ): Promise<ReadResult> {
    const blocked = this.blocked();
    if (blocked) return blocked.then(() => this.readNow(namespace, key, tags, lease, exactLease));
    return this.readNow(namespace, key, tags, lease, exactLease);
  }

  /** Promise chains, not async functions: a hit is one MGET and one continuation. */
  private readNow(
    namespace: string,
    key: string,
    tags: readonly string[],
    lease: LeaseRequest | undefined,
    exactLease: boolean,
  ): Promise<ReadResult> {
    const keys = this.keys(namespace, key);
    const extra = this.known.get(keys[0]);
    if (exactLease || !extra) return this.readAndRemember(keys, tags, lease);
    return this.readDirect(keys, tags, extra).then(
      (direct) => direct ?? this.readAndRemember(keys, tags, lease),
    );
  }

  private async readAndRemember(
    keys: [string, string, string],
    tags: readonly string[],
    lease: LeaseRequest | undefined,
  ): Promise<ReadResult> {
    const read = await this.readScripted(keys, tags, lease);
    if (read.entry)
      this.remember(
        keys[0],
        read.entry.tags.filter((tag) => !tags.includes(tag)),
      );
    else this.known.delete(keys[0]);
    return read;
  }

  private remember(entryKey: string, extraTags: readonly string[]): void {
    if (this.known.size >= 10_000 && !this.known.has(entryKey)) this.known.clear();
    this.known.set(entryKey, extraTags);
  }

  /**
   * MGET the entry, origin, clock and the marks of every tag it may carry. Not atomic, and it
   * need not be: Redis reads the keys in order, entry first, so an invalidation in between can
   * only make a valid entry look invalid, never the reverse. The lease is not looked at (a hit
   * does not need it). Undefined when the script is needed.
   */
  private readDirect(
    [entryKey, marksKey]: [string, string, string],
    tags: readonly string[],
    extra: readonly string[],
  ): Promise<ReadResult | undefined> {
    const wanted = extra.length > 0 ? [...new Set([...tags, ...extra])] : tags;
    const keys = [entryKey, `${marksKey}~o`, `${marksKey}~c`];
    for (const tag of wanted) keys.push(`${marksKey}h:${tag}`, `${marksKey}s:${tag}`);
    return this.client.mget(keys).then((values) => this.judgeDirect(entryKey, wanted, values));
  }

  private judgeDirect(
    entryKey: string,
    wanted: readonly string[],
    values: Array<string | null>,
  ): ReadResult | undefined {
    const entry = parseEntry(values[0] ?? '');
    if (!entry || values[1] == null || values[2] == null) {
      this.known.delete(entryKey); // gone, or no clock: the script reads, leases and repairs at once
      return undefined;
    }
    const marks: Marks = new Map();
    for (let i = 0; i < wanted.length; i++) {
      marks.set(wanted[i] ?? '', [Number(values[3 + 2 * i] ?? 0), Number(values[4 + 2 * i] ?? 0)]);
    }
    // Tags derived from the value that we did not ask for: the script reads them (and read()
    // remembers them, so the next MGET asks for them up front).
    if (entry.tags.some((tag) => !marks.has(tag))) return undefined;
    return {
      entry,
      origin: Number(values[1]),
      clock: Number(values[2]),
      marks,
      leased: false,
      leaseAcquired: false,
      clockCreated: false,
    };
  }

  private async readScripted(
    keys: [string, string, string],
    tags: readonly string[],
    lease?: LeaseRequest,
  ): Promise<ReadResult> {
    const reply = (await this.scripts.stashCacheRead(
      ...keys,
      lease?.token ?? '',
      lease?.ttlMs ?? 0,
      ...tags,
    )) as ReadReply;
    const [raw, leased, allTags, values, created] = reply;
    const marks: Marks = new Map();
    allTags.forEach((tag, i) => {
      marks.set(tag, [Number(values[2 + 2 * i] ?? 0), Number(values[3 + 2 * i] ?? 0)]);
    });
    return {
      entry: parseEntry(raw),
      origin: Number(values[0]),
      clock: Number(values[1]),
      marks,
      leased: leased === 1,
      leaseAcquired: leased === 2,
      clockCreated: created === 1,
    };
  }

  async write(request: WriteRequest): Promise<boolean> {
    await this.ready();
    const pttl = Math.max(1, Math.ceil(request.expiresAt - Date.now()));
    const keys = this.keys(request.namespace, request.key);
    const stored =
      (await this.scripts.stashCacheWrite(
        ...keys,
        JSON.stringify(request.tags),
        request.payload,
        request.freshUntil,
        request.expiresAt,
        request.leaseToken ?? '',
        String(request.builtAt),
        Date.now(),
        pttl,
        ...request.tags,
      )) === 1;
    if (stored) this.remember(keys[0], request.tags);
    return stored;
  }

  async acquireLease(namespace: string, key: string, token: string, ttlMs: number): Promise<boolean> {
    await this.ready();
    const reply = await this.client.set(this.keys(namespace, key)[2], token, 'PX', ttlMs, 'NX');
    return reply === 'OK';
  }

  async renewLease(namespace: string, key: string, token: string, ttlMs: number): Promise<boolean> {
    await this.ready();
    return (await this.scripts.stashCacheRenew(this.keys(namespace, key)[2], token, ttlMs)) === 1;
  }

  async releaseLease(namespace: string, key: string, token: string): Promise<void> {
    await this.ready();
    await this.scripts.stashCacheRelease(this.keys(namespace, key)[2], token);
  }

  async delete(namespace: string, key: string): Promise<void> {
    await this.ready();
    const entryKey = this.entryKey(namespace, key);
    this.known.delete(entryKey);
    await this.client.del(entryKey);
  }

  /**
   * Marks the tags in every given namespace (one clock tick each) and lists the registered
   * namespaces in one round trip: an explicit pipeline on a single node; on a cluster, commands
   * issued in the same tick, which auto-pipelining sends as one write per node, in parallel.
   * `publish` (single node only) rides in the same pipeline, after the marks, so a receiver that
   * reacts to the message already sees them.
   */
  async invalidate(
    namespaces: readonly string[],
    tags: readonly string[],
    soft: boolean,
    publish?: string,
  ): Promise<string[]> {
    await this.ready();
    const args = (ns: string) => [
      `${this.marksKey(ns)}~c`,
      this.marksKey(ns),
      soft ? 's' : 'h',
      this.markLifetimeMs,
      ...tags,
    ];
    if (this.client instanceof Cluster) {
      const marks = namespaces.map((ns) => this.scripts.stashCacheInvalidate(...args(ns)));
      const registered = this.client.smembers(this.namespacesKey);
      const published = publish === undefined ? undefined : this.client.publish(this.channel, publish);
      // One Promise.all: a rejection of any of them is handled here, never left unobserved.
      const [members] = await Promise.all([registered, ...marks, published]);
      return members;
    }
    const pipeline = this.client.pipeline() as unknown as Record<
      ScriptName,
      (...a: Array<string | number>) => void
    > &
      ReturnType<RedisClient['pipeline']>;
    for (const ns of namespaces) pipeline.stashCacheInvalidate(...args(ns));
    pipeline.smembers(this.namespacesKey);
    if (publish !== undefined) pipeline.publish(this.channel, publish);
    const results = (await pipeline.exec()) ?? [];
    for (const [error] of results) if (error) throw error;
    const members = results[namespaces.length]?.[1];
    return Array.isArray(members) ? members.map(String) : [];
  }

  /** Moves every given namespace's origin forward: whatever was cached there is forgotten. */
  async rotate(namespaces: readonly string[]): Promise<void> {
    await this.ready();
    await Promise.all(
      namespaces.map((ns) => this.scripts.stashCacheRotate(`${this.marksKey(ns)}~c`, this.marksKey(ns))),
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

/** `<header JSON>\n<payload>` (see lua.ts); null when absent or unreadable. */
function parseEntry(raw: string): StoredEntry | null {
  const newline = raw.indexOf('\n');
  if (newline < 0) return null;
  let header: { t: string[]; b: number; n: number; f: number; x: number };
  try {
    header = JSON.parse(raw.slice(0, newline)) as typeof header;
  } catch {
    return null;
  }
  if (!Array.isArray(header.t) || typeof header.b !== 'number') return null;
  return {
    payload: raw.slice(newline + 1),
    tags: header.t,
    builtAt: header.b,
    bornAt: header.n,
    freshUntil: header.f,
    expiresAt: header.x,
  };
}
