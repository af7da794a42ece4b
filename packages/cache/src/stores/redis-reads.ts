/**
 * How the Redis store reads an entry together with what it takes to judge it (origin, clock,
 * the marks of its tags), in as little Redis work as possible:
 *
 * - A key this process saw present: one `MGET` (no pipeline, no Lua). A hit costs that alone.
 * - Otherwise, when the caller offers a fill lease: one pipeline of `SET lease NX PX` and the
 *   same `MGET`. The lease is taken first, so whatever the MGET shows was there when we held
 *   it: a fill another process finished before is seen, not repeated. A lease taken beside a
 *   usable entry is given back by the read path.
 * - The READ script only when plain commands cannot do it: the namespace clock is missing
 *   (Redis forgot; the script recreates it) or the entry carries tags we did not ask marks for.
 *   A script call costs Redis 20-40 µs before it does anything useful; the commands above ~2.
 *
 * The MGET is not atomic, and need not be: Redis reads the keys in order, entry first, so an
 * invalidation in between can only make a valid entry look invalid, never the reverse.
 *
 * Positions (`Np:<tag>`, lua.ts) come last in the same MGET, and only on the reads a loader may
 * follow (the lease pipeline, the script, or a caller that asks): a hit never pays for them. Last,
 * because an invalidation sets a tag's mark and position in one script: a read whose clock
 * already counts that tick (so the fill is built after it and may be stored) sees its position.
 */

import { newestPosition } from '../positions';
import { parseEntry } from './entry';
import type { RedisClient } from './redis-client';
import type { Args } from './scripts';
import type { Marks, ReadOptions, ReadResult } from './store';

type ReadReply = [string, number, string[], string[], number, string | null, string[]];

export interface EntryKeys {
  entry: string;
  /** Prefix of the namespace's clock, origin and marks (carries the slot). */
  marks: string;
  lease: string;
}

export class RedisReads {
  /**
   * Entry keys this process saw present, each with the tags its entry carried beyond what the
   * caller declares (derived from the value), so the next MGET asks for their marks up front.
   */
  private readonly known = new Map<string, Known>();

  constructor(
    private readonly client: RedisClient,
    private readonly script: (args: Args) => Promise<unknown>,
    /** Cluster: every read also fetches who set the origin (see lua.ts, `N~n`). */
    private readonly withOwner: boolean,
  ) {
    this.notAsked = { leased: false, leaseAcquired: false, withOwner, withPositions: false };
    this.notAskedWithPositions = { ...this.notAsked, withPositions: true };
  }

  /** How a read that asked for no lease is judged (made once: the hit path allocates nothing). */
  private readonly notAsked: ReadShape;
  private readonly notAskedWithPositions: ReadShape;

  read(keys: EntryKeys, tags: readonly string[], options: ReadOptions = {}): Promise<ReadResult> {
    const known = this.known.get(keys.entry);
    if (known === undefined || options.lease?.exact)
      return this.full(keys, tags, known?.extra ?? [], options);
    const extra = known.extra;
    // Hit-shaped: the plain MGET. An entry that vanished is read again with the lease.
    let wanted: readonly string[];
    let names: string[];
    const shape = options.positions ? this.notAskedWithPositions : this.notAsked;
    if (options.positions) {
      wanted = wantedTags(tags, extra);
      names = markNames(keys, wanted, shape);
    } else {
      // A hit's key list is the same every time (a workspace page's is ~80 names): built once.
      let hit = known.hit;
      if (!hit || !sameTags(hit.declared, tags)) {
        const declared = [...tags];
        const all = wantedTags(declared, extra);
        hit = { declared, wanted: all, names: markNames(keys, all, shape) };
        known.hit = hit;
      }
      wanted = hit.wanted;
      names = hit.names;
    }
    return this.client.mget(names).then((values) => {
      const read = judge(values, wanted, shape);
      return read?.entry ? read : this.full(keys, tags, extra, options);
    });
  }

  remember(entryKey: string, extraTags: readonly string[]): void {
    if (this.known.size >= 10_000 && !this.known.has(entryKey)) this.known.clear();
    const known = this.known.get(entryKey);
    // The same tags as before: keep the key list built for them.
    if (known && sameTags(known.extra, extraTags)) return;
    this.known.set(entryKey, { extra: extraTags });
  }

  forget(entryKey: string): void {
    this.known.delete(entryKey);
  }

  /** The exact lease state when a lease is offered; the script when commands cannot judge. */
  private async full(
    keys: EntryKeys,
    tags: readonly string[],
    extra: readonly string[],
    options: ReadOptions,
  ): Promise<ReadResult> {
    const read = (await this.mget(keys, tags, extra, options)) ?? (await this.scripted(keys, tags, options));
    if (read.entry) {
      this.remember(
        keys.entry,
        read.entry.tags.filter((tag) => !tags.includes(tag)),
      );
    } else this.forget(keys.entry);
    return read;
  }

  /** Undefined when the script is needed (no clock, or tags we did not ask marks for). */
  private mget(
    keys: EntryKeys,
    tags: readonly string[],
    extra: readonly string[],
    options: ReadOptions,
  ): Promise<ReadResult | undefined> {
    const wanted = wantedTags(tags, extra);
    const lease = options.lease;
    if (!lease) {
      const shape = options.positions ? this.notAskedWithPositions : this.notAsked;
      return this.client.mget(markNames(keys, wanted, shape)).then((values) => judge(values, wanted, shape));
    }
    // A lease is offered: the loader may run next, so the positions come along.
    const names = markNames(keys, wanted, this.notAskedWithPositions);
    return this.client
      .pipeline()
      .set(keys.lease, lease.token, 'PX', lease.ttlMs, 'NX')
      .mget(names)
      .exec()
      .then((results) => {
        const [taken, values] = results ?? [];
        if (!taken || !values) throw new Error('redis pipeline returned no results');
        if (taken[0]) throw taken[0];
        if (values[0]) throw values[0];
        const acquired = taken[1] === 'OK';
        return judge(values[1] as Array<string | null>, wanted, {
          leased: !acquired,
          leaseAcquired: acquired,
          withOwner: this.withOwner,
          withPositions: true,
        });
      });
  }

  private async scripted(
    keys: EntryKeys,
    tags: readonly string[],
    { lease }: ReadOptions,
  ): Promise<ReadResult> {
    const args = [keys.entry, keys.marks, keys.lease, lease?.token ?? '', lease?.ttlMs ?? 0, ...tags];
    const reply = (await this.script(args)) as ReadReply;
    const [raw, leased, allTags, values, created, owner, positions] = reply;
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
      ...(this.withOwner ? { owner: owner ?? null } : {}),
      // The script reads them anyway (it runs on the miss-shaped paths only).
      position: newestPosition(positions ?? []),
    };
  }
}

/** A key seen present: its entry's tags beyond the declared ones, and a hit's MGET key list. */
interface Known {
  extra: readonly string[];
  hit?: { declared: readonly string[]; wanted: readonly string[]; names: string[] };
}

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** What a read asked for, hence how its MGET reply is laid out and judged. */
interface ReadShape {
  leased: boolean;
  leaseAcquired: boolean;
  withOwner: boolean;
  withPositions: boolean;
}

function wantedTags(tags: readonly string[], extra: readonly string[]): readonly string[] {
  return extra.length > 0 ? [...new Set([...tags, ...extra])] : tags;
}

/**
 * The entry, the namespace's origin and clock, both marks of each tag, on a Cluster who set the
 * origin, and when asked each tag's position, in MGET order.
 */
function markNames(keys: EntryKeys, tags: readonly string[], shape: ReadShape): string[] {
  const names = [keys.entry, `${keys.marks}~o`, `${keys.marks}~c`];
  for (const tag of tags) names.push(`${keys.marks}h:${tag}`, `${keys.marks}s:${tag}`);
  if (shape.withOwner) names.push(`${keys.marks}~n`);
  if (shape.withPositions) for (const tag of tags) names.push(`${keys.marks}p:${tag}`);
  return names;
}

function judge(
  values: Array<string | null>,
  wanted: readonly string[],
  how: ReadShape,
): ReadResult | undefined {
  const origin = values[1];
  const clock = values[2];
  if (origin == null || clock == null) return undefined; // Redis forgot: the script recreates it
  const entry = parseEntry(values[0]);
  const marks: Marks = new Map();
  for (let i = 0; i < wanted.length; i++) {
    marks.set(wanted[i] ?? '', [Number(values[3 + 2 * i] ?? 0), Number(values[4 + 2 * i] ?? 0)]);
  }
  // Tags derived from the value that we did not ask for: the script reads them.
  if (entry?.tags.some((tag) => !marks.has(tag))) return undefined;
  return {
    entry,
    origin: Number(origin),
    clock: Number(clock),
    marks,
    leased: how.leased,
    leaseAcquired: how.leaseAcquired,
    clockCreated: false,
    ...(how.withOwner ? { owner: values[3 + 2 * wanted.length] ?? null } : {}),
    ...(how.withPositions
      ? { position: newestPosition(values.slice(3 + 2 * wanted.length + (how.withOwner ? 1 : 0))) }
      : {}),
  };
}
