/**
 * Redis store (single node or Cluster). Every request-path operation is one command, one
 * pipeline or one Lua script on one slot; see lua.ts for the data layout and tags.ts for why it is shaped this way.
 */
import { Cluster } from 'ioredis';
import { hasHashTag } from '../keys';
import { READ_SCRIPT, RELEASE_SCRIPT, WRITE_SCRIPT } from './lua';
import { closeClient, Readiness, type RedisClient } from './redis-client';
import type { Generations, LeaseRequest, ReadResult, Store, StoredEntry, WriteRequest } from './store';

type ScriptFn = (...args: Array<string | number>) => Promise<unknown>;
type ReadReply = [string, number, string[], string[]];

const SCRIPTS = {
  stashCacheRead: { lua: READ_SCRIPT, numberOfKeys: 3 },
  stashCacheWrite: { lua: WRITE_SCRIPT, numberOfKeys: 3 },
  stashCacheRelease: { lua: RELEASE_SCRIPT, numberOfKeys: 1 },
} as const;

export class RedisStore implements Store {
  readonly remote = true;
  readonly readiness: Readiness;
  /**
   * Entry keys this process saw present, each with the tags its entry carried beyond what the
   * caller declares (tagsFromValue). A known key is read with the plain MGET; an unknown one goes
   * straight to the script, so a cold miss costs 2 round trips (read + lease, write + release)
   * and only the first read of an entry another process wrote pays for a script call.
   */
  private readonly known = new Map<string, readonly string[]>();
  private readonly scripts: Record<keyof typeof SCRIPTS, ScriptFn>;

  constructor(
    readonly client: RedisClient,
    private readonly prefix: string,
  ) {
    this.readiness = new Readiness(client);
    const callable = client as unknown as Record<string, ScriptFn | undefined>;
    const scripts: Partial<Record<keyof typeof SCRIPTS, ScriptFn>> = {};
    for (const [name, definition] of Object.entries(SCRIPTS) as Array<
      [keyof typeof SCRIPTS, { lua: string; numberOfKeys: number }]
    >) {
      client.defineCommand(name, definition);
      const fn = callable[name];
      if (!fn) throw new Error(`ioredis did not define ${name}`);
      scripts[name] = fn.bind(client);
    }
    this.scripts = scripts as Record<keyof typeof SCRIPTS, ScriptFn>;
  }

  /** Keys built by buildCacheKey already carry their slot; others are wrapped into one. */
  entryKey(slotNs: string, key: string): string {
    return hasHashTag(key) ? key : `${this.prefix}:{${slotNs}}:k:${key}`;
  }

  /** Prefix of the namespace's generation counters (`...h:<tag>`, `...s:<tag>`, `...~eh`). */
  generationsKey(slotNs: string): string {
    return `${this.prefix}:{${slotNs}}:tg:`;
  }

  get namespacesKey(): string {
    return `${this.prefix}:namespaces`;
  }

  get channel(): string {
    return `${this.prefix}:bus`;
  }

  private keys(slotNs: string, key: string): [string, string, string] {
    const entry = this.entryKey(slotNs, key);
    return [entry, this.generationsKey(slotNs), `${entry}:lease`];
  }

  private async ready(): Promise<void> {
    const pending = this.readiness.check();
    if (pending) await pending;
  }

  /**
   * Known keys first: one MGET, no pipeline and no Lua (a script call costs ~20-40 µs of Redis
   * CPU before it does anything; an ioredis pipeline costs more client CPU than one command).
   * Unknown keys, entries carrying tags we did not ask for, and `exactLease` go to the script,
   * which also takes the fill lease atomically when there is no entry.
   */
  async read(
    slotNs: string,
    key: string,
    tags: readonly string[],
    lease?: LeaseRequest,
    exactLease = false,
  ): Promise<ReadResult> {
    const connecting = this.readiness.check(); // undefined once connected: no extra await
    if (connecting) await connecting;
    const keys = this.keys(slotNs, key);
    const extra = this.known.get(keys[0]);
    const direct = exactLease || !extra ? undefined : await this.readDirect(keys, tags, extra);
    if (direct) return direct;
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
   * MGET the entry, then the counters of every tag it may carry. Not atomic, and it need not be:
   * Redis reads the keys in order, entry first, so an invalidation in between can only make a
   * fresh entry look stale, never a stale one look fresh. The lease is not looked at (a hit does
   * not need it): `leased` is false and the filler asks with SET NX when it matters.
   * Undefined when the script is needed.
   */
  private async readDirect(
    [entryKey, gensKey]: [string, string, string],
    tags: readonly string[],
    extra: readonly string[],
  ): Promise<ReadResult | undefined> {
    const wanted = extra.length > 0 ? [...new Set([...tags, ...extra])] : tags;
    const keys = [entryKey, `${gensKey}~eh`, `${gensKey}~es`];
    for (const tag of wanted) keys.push(`${gensKey}h:${tag}`, `${gensKey}s:${tag}`);
    const values = await this.client.mget(...keys);
    const entry = parseEntry(values[0] ?? '');
    if (!entry) {
      this.known.delete(entryKey); // gone (expired, deleted): the script reads and leases at once
      return undefined;
    }
    const current: Generations = new Map();
    for (let i = 0; i < wanted.length; i++) {
      current.set(wanted[i] ?? '', [Number(values[3 + 2 * i] ?? 0), Number(values[4 + 2 * i] ?? 0)]);
    }
    // Tags derived from the value that we did not ask for: the script reads them (and read()
    // remembers them, so the next MGET asks for them up front).
    if (entry.tags.some((tag) => !current.has(tag))) return undefined;
    return {
      entry,
      current,
      epoch: [Number(values[1] ?? 0), Number(values[2] ?? 0)],
      leased: false,
      leaseAcquired: false,
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
    const [raw, leased, allTags, current] = reply;
    const generations: Generations = new Map();
    allTags.forEach((tag, i) => {
      generations.set(tag, [Number(current[2 + 2 * i] ?? 0), Number(current[3 + 2 * i] ?? 0)]);
    });
    return {
      entry: parseEntry(raw),
      current: generations,
      epoch: [Number(current[0] ?? 0), Number(current[1] ?? 0)],
      leased: leased === 1,
      leaseAcquired: leased === 2,
    };
  }

  async write(request: WriteRequest): Promise<boolean> {
    await this.ready();
    const pttl = Math.max(1, Math.ceil(request.expiresAt - Date.now()));
    const args: Array<string | number> = [
      JSON.stringify([...request.startTags, ...request.lateTags]),
      request.payload,
      request.freshUntil,
      request.expiresAt,
      request.leaseToken ?? '',
      request.startEpoch[0],
      request.startEpoch[1],
      pttl,
      request.startTags.length,
    ];
    for (const tag of request.startTags) {
      const [hard, soft] = request.startGens.get(tag) ?? [0, 0];
      args.push(tag, hard, soft);
    }
    args.push(...request.lateTags);
    const keys = this.keys(request.slotNs, request.key);
    const stored = (await this.scripts.stashCacheWrite(...keys, ...args)) === 1;
    if (stored) this.remember(keys[0], request.lateTags);
    return stored;
  }

  async acquireLease(slotNs: string, key: string, token: string, ttlMs: number): Promise<boolean> {
    await this.ready();
    const reply = await this.client.set(this.keys(slotNs, key)[2], token, 'PX', ttlMs, 'NX');
    return reply === 'OK';
  }

  async releaseLease(slotNs: string, key: string, token: string): Promise<void> {
    await this.ready();
    await this.scripts.stashCacheRelease(this.keys(slotNs, key)[2], token);
  }

  async delete(slotNs: string, key: string): Promise<void> {
    await this.ready();
    const entryKey = this.entryKey(slotNs, key);
    this.known.delete(entryKey);
    await this.client.del(entryKey);
  }

  /**
   * Bumps the tags in every given namespace and lists the registered namespaces in one round
   * trip: an explicit pipeline (one write) on a single node; on a cluster, commands issued in
   * the same tick, which auto-pipelining sends as one write per node, all nodes in parallel.
   * `publish` (single node only) rides in the same pipeline, after the bumps, so a receiver that
   * reacts to the message already sees the new generations.
   */
  async invalidate(
    namespaces: readonly string[],
    tags: readonly string[],
    soft: boolean,
    publish?: string,
  ): Promise<string[]> {
    await this.ready();
    // Per namespace: each tag's counter, then the epoch. Plain INCRs, no script: nothing needs
    // the bumps to be atomic (a reader between two of them sees a mix, which can only make
    // entries look invalidated early; a fill spanning them is refused by its start generation).
    const kind = soft ? 's' : 'h';
    const counters = namespaces.flatMap((ns) => {
      const gens = this.generationsKey(ns);
      return [...tags.map((tag) => `${gens}${kind}:${tag}`), `${gens}~e${kind}`];
    });
    if (this.client instanceof Cluster) {
      const bumps = counters.map((counter) => this.client.incr(counter));
      const registered = this.client.smembers(this.namespacesKey);
      const published = publish === undefined ? undefined : this.client.publish(this.channel, publish);
      // One Promise.all: a rejection of any of them is handled here, never left unobserved.
      const [members] = await Promise.all([registered, ...bumps, published]);
      return members;
    }
    const pipeline = this.client.pipeline();
    for (const counter of counters) pipeline.incr(counter);
    pipeline.smembers(this.namespacesKey);
    if (publish !== undefined) pipeline.publish(this.channel, publish);
    const results = (await pipeline.exec()) ?? [];
    for (const [error] of results) if (error) throw error;
    const members = results[counters.length]?.[1];
    return Array.isArray(members) ? members.map(String) : [];
  }

  async registerNamespaces(namespaces: readonly string[]): Promise<void> {
    if (namespaces.length === 0) return;
    await this.ready();
    await this.client.sadd(this.namespacesKey, ...namespaces);
  }

  async listNamespaces(): Promise<string[]> {
    await this.ready();
    return this.client.smembers(this.namespacesKey);
  }

  async publish(message: string): Promise<void> {
    await this.ready();
    await this.client.publish(this.channel, message);
  }

  get isCluster(): boolean {
    return this.client instanceof Cluster;
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
  let header: { t: string[]; g: number[]; f: number; x: number };
  try {
    header = JSON.parse(raw.slice(0, newline)) as typeof header;
  } catch {
    return null;
  }
  return {
    payload: raw.slice(newline + 1),
    tags: header.t,
    gens: header.g,
    freshUntil: header.f,
    expiresAt: header.x,
  };
}
