/**
 * A mutation's write: the write and the record of what it invalidates commit in one transaction
 * (outbox.ts), the tags are delivered (or live facts written through) before the mutation
 * returns, and what it may touch is what its procedure declared (`caching.mutation({ invalidates,
 * writeThrough })`), checked outside production.
 */
import type { CallEnv } from './env';
import type { LiveFact } from './live';
import { type Delivery, deliver, type OutboxStore, type TagsToDrop } from './outbox';
import { purgeWithin, type SharedCachePurge } from './purge';
import { type AnyTag, assertDeclared, type TagValue } from './tags';
import { clocksBefore, deliverWriteThrough, type LiveWrite } from './write-through';

/** What a mutation declares it changes; docs and HTTP freshness read it from the registry. */
export interface WriteRule {
  /** Tags made a miss before the mutation returns. */
  invalidates: readonly AnyTag[];
  /** Tags made stale after the entries' soft lag (a refresh at most once per lag). */
  softInvalidates: readonly AnyTag[];
  /** Live facts whose new value the write stores as it commits: their next read is a hit. */
  writeThrough: readonly LiveFact<unknown, never>[];
}

/** What the write callback tells the library, inside its transaction. */
export interface WriteRecorder {
  invalidate(...tags: string[]): void;
  invalidateSoft(...tags: string[]): void;
  /** A live fact's new value, read inside the transaction. */
  writeThrough<TValue>(fact: LiveFact<TValue, never>, id: TagValue, value: TValue): void;
}

export type Write<TTx> = <R>(work: (tx: TTx, changed: WriteRecorder) => Promise<R>) => Promise<R>;

function recorder(): { changed: WriteRecorder; hard: string[]; soft: string[]; writes: LiveWrite[] } {
  const hard: string[] = [];
  const soft: string[] = [];
  const writes: LiveWrite[] = [];
  return {
    hard,
    soft,
    writes,
    changed: {
      invalidate: (...tags) => hard.push(...tags),
      invalidateSoft: (...tags) => soft.push(...tags),
      writeThrough: (fact, id, value) => writes.push({ fact: fact as LiveFact<unknown, never>, id, value }),
    },
  };
}

/** Runs without an outbox: the same check and delivery, not durable (a crash after commit loses it). */
const noOutbox: OutboxStore<undefined> = {
  transaction: (work) => work(undefined),
  record: async () => 0,
  forget: async () => {},
  drain: async () => 0,
};

export interface WriteSetup<TTx> {
  path: string;
  rule: WriteRule;
  env: CallEnv;
  outbox: OutboxStore<TTx> | undefined;
  checkTags: boolean;
  /** Runs after the commit, before delivery (the fault suite's crash point). */
  onCommitted: (() => Promise<void> | void) | undefined;
  /** A CDN purged after the engine's invalidation landed (purge.ts); undefined: none. */
  purge?: SharedCachePurge | undefined;
}

/** One read after the commit, when the store records positions; undefined when that read failed. */
async function positionAfterCommit(store: OutboxStore<unknown>): Promise<Delivery | undefined> {
  if (!store.committedPosition) return {};
  return store.committedPosition().then(
    (position) => ({ position }),
    () => undefined,
  );
}

export async function runWrite<TTx, R>(
  setup: WriteSetup<TTx>,
  work: (tx: TTx, changed: WriteRecorder) => Promise<R>,
): Promise<R> {
  const { rule, env, path } = setup;
  const store = (setup.outbox ?? noOutbox) as OutboxStore<TTx>;
  // Before the commit: what lets a write-through tell whether a later write overtook this one.
  const since = await clocksBefore(env.cache, rule.writeThrough);
  const { result, tags, writes, recordId } = await store.transaction(async (tx) => {
    const seen = recorder();
    const result = await work(tx, seen.changed);
    // Every live fact written through is also invalidated: that is what the relay re-delivers.
    const hard = [...new Set([...seen.hard, ...seen.writes.map((w) => w.fact.tag(w.id))])];
    const tags: TagsToDrop = { hard, soft: [...new Set(seen.soft)] };
    if (setup.checkTags) {
      const writtenTags = rule.writeThrough.map((fact) => fact.tag);
      assertDeclared(`${path} (hard)`, tags.hard, [...rule.invalidates, ...writtenTags]);
      assertDeclared(`${path} (soft)`, tags.soft, rule.softInvalidates);
      const stray = seen.writes.find((w) => !rule.writeThrough.includes(w.fact));
      if (stray) assertDeclared(`${path} (write-through)`, [stray.fact.tag(stray.id)], []);
    }
    const empty = tags.hard.length === 0 && tags.soft.length === 0;
    return { result, tags, writes: seen.writes, recordId: empty ? undefined : await store.record(tx, tags) };
  });
  if (recordId === undefined) return result;
  // Committed: the response tells the client what to refetch (delivery to the cache follows).
  env.invalidations?.record(tags);
  await setup.onCommitted?.();
  const delivery = await positionAfterCommit(store);
  // No position where one is wanted: delivered without it, a fill could store what a lagging
  // replica still shows. The relay delivers the record instead, with a position of its own.
  if (delivery === undefined) return result;
  // Not delivered: the record stays and the relay delivers it; the write itself is committed.
  const delivered = await deliverWriteThrough(env, tags, writes, since, deliver, delivery);
  if (!delivered) return result;
  const forget = async () => {
    if (setup.outbox) await setup.outbox.forget(recordId);
  };
  if (!setup.purge) {
    await forget();
    return result;
  }
  // Only after the engine's invalidation landed; the record is done once the CDN confirmed.
  await purgeWithin(setup.purge, tags, async (purged) => {
    if (purged) await forget();
  });
  return result;
}
