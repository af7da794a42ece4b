/**
 * Redis store (single node or Cluster). Every request-path operation is one command, one
 * pipeline or one Lua script on one slot; see lua.ts for the data layout and tags.ts for why it is shaped this way.
 */
import { Cluster } from 'ioredis';
import { hasHashTag } from '../keys';
import { INVALIDATE_SCRIPT, READ_SCRIPT, RELEASE_SCRIPT, WRITE_SCRIPT } from './lua';
import { closeClient, Readiness, type RedisClient } from './redis-client';
import type { Generations, LeaseRequest, ReadResult, Store, StoredEntry, WriteRequest } from './store';

type ScriptFn = (...args: Array<string | number>) => Promise<unknown>;
type ReadReply = [string, string, string, string, string, number, string[], string[]];

const SCRIPTS = {
  stashCacheRead: { lua: READ_SCRIPT, numberOfKeys: 3 },
  stashCacheWrite: { lua: WRITE_SCRIPT, numberOfKeys: 3 },
  stashCacheInvalidate: { lua: INVALIDATE_SCRIPT, numberOfKeys: 1 },
  stashCacheRelease: { lua: RELEASE_SCRIPT, numberOfKeys: 1 },
} as const;

export class RedisStore implements Store {
  readonly remote = true;
  readonly readiness: Readiness;
  /** Per entry key: tags its entry carried beyond what the caller declares (tagsFromValue). */
  private readonly extraTags = new Map<string, string[]>();
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

  generationsKey(slotNs: string): string {
    return `${this.prefix}:{${slotNs}}:tg`;
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
   * Hit path first: a plain pipeline (no Lua: a script call costs ~30 µs of Redis CPU before it
   * does anything). Misses, and entries carrying tags we did not ask for, go to the script,
   * which also takes the fill lease atomically when there is no entry.
   */
  async read(
    slotNs: string,
    key: string,
    tags: readonly string[],
    lease?: LeaseRequest,
  ): Promise<ReadResult> {
    await this.ready();
    const keys = this.keys(slotNs, key);
    return (await this.readPipelined(keys, tags)) ?? (await this.readScripted(keys, tags, lease));
  }

  /**
   * HMGET the entry, then the generations of every tag it may carry, then EXISTS the lease, in
   * one pipeline (one slot). Not atomic, and it need not be: generations are read AFTER the
   * entry, so an invalidation in between can only make a fresh entry look stale, never a stale
   * one look fresh. Undefined when the script is needed.
   */
  private async readPipelined(
    [entryKey, generationsKey, leaseKey]: [string, string, string],
    tags: readonly string[],
  ): Promise<ReadResult | undefined> {
    const extra = this.extraTags.get(entryKey);
    const wanted = extra ? [...new Set([...tags, ...extra])] : tags;
    const fields = ['~eh', '~es'];
    for (const tag of wanted) fields.push(`h:${tag}`, `s:${tag}`);
    const results = await this.client
      .pipeline()
      .hmget(entryKey, 'm', 'g', 'v', 'f', 'x')
      .hmget(generationsKey, ...fields)
      .exists(leaseKey)
      .exec();
    for (const [error] of results ?? []) if (error) throw error;
    const [meta, gens, payload, fresh, expires] = (results?.[0]?.[1] ?? []) as Array<string | null>;
    if (!meta || payload === null || payload === undefined) return undefined;
    const entry = parseEntry(meta, gens ?? '', payload, fresh ?? '0', expires ?? '0');
    const values = (results?.[1]?.[1] ?? []) as Array<string | null>;
    const current: Generations = new Map();
    wanted.forEach((tag, i) => {
      current.set(tag, [Number(values[2 + 2 * i] ?? 0), Number(values[3 + 2 * i] ?? 0)]);
    });
    const unrequested = entry.tags.filter((tag) => !current.has(tag));
    if (unrequested.length > 0) {
      // Tags derived from the value: ask for them up front next time.
      if (this.extraTags.size >= 10_000) this.extraTags.clear();
      this.extraTags.set(entryKey, [...(extra ?? []), ...unrequested]);
      return undefined;
    }
    return {
      entry,
      current,
      epoch: [Number(values[0] ?? 0), Number(values[1] ?? 0)],
      leased: results?.[2]?.[1] === 1,
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
    const [meta, gens, payload, fresh, expires, leased, allTags, current] = reply;
    const generations: Generations = new Map();
    allTags.forEach((tag, i) => {
      generations.set(tag, [Number(current[2 + 2 * i] ?? 0), Number(current[3 + 2 * i] ?? 0)]);
    });
    return {
      entry: meta === '' ? null : parseEntry(meta, gens, payload, fresh, expires),
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
      JSON.stringify({ t: [...request.startTags, ...request.lateTags] }),
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
    const stored = await this.scripts.stashCacheWrite(...this.keys(request.slotNs, request.key), ...args);
    return stored === 1;
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
    await this.client.del(this.entryKey(slotNs, key));
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
    const kind = soft ? 's' : 'h';
    if (this.client instanceof Cluster) {
      const bumps = namespaces.map((ns) =>
        this.scripts.stashCacheInvalidate(this.generationsKey(ns), kind, ...tags),
      );
      const registered = this.client.smembers(this.namespacesKey);
      const published = publish === undefined ? undefined : this.client.publish(this.channel, publish);
      await Promise.all([...bumps, published]);
      return registered;
    }
    const pipeline = this.client.pipeline();
    const scripted = pipeline as unknown as Record<'stashCacheInvalidate', (...args: string[]) => unknown>;
    for (const ns of namespaces) scripted.stashCacheInvalidate(this.generationsKey(ns), kind, ...tags);
    pipeline.smembers(this.namespacesKey);
    if (publish !== undefined) pipeline.publish(this.channel, publish);
    const results = (await pipeline.exec()) ?? [];
    for (const [error] of results) if (error) throw error;
    const members = results[namespaces.length]?.[1];
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

function parseEntry(
  meta: string,
  gens: string,
  payload: string,
  fresh: string,
  expires: string,
): StoredEntry {
  return {
    payload,
    tags: (JSON.parse(meta) as { t: string[] }).t,
    gens: gens === '' ? [] : gens.split(',').map(Number),
    freshUntil: Number(fresh),
    expiresAt: Number(expires),
  };
}
