/**
 * The tRPC half: a link that reads, from each response, the tags a query's answer depends on and
 * the tags a mutation invalidated (headers defined in wire.ts), and hands them to a TagSync.
 * The server keys each call's tags by the call's index in its batch: it reads nothing from the
 * request for that, because a public answer is kept by shared caches and served to everyone.
 * So the client remembers each operation's index as its batch is sent: place `link` before the
 * terminating link and call `recordBatch` from that link's `headers`.
 */
import type { Operation, TRPCLink } from '@trpc/client';
import type { AnyTRPCRouter } from '@trpc/server';
import { observable } from '@trpc/server/observable';
import type { TagSync } from './query-sync';
import { INVALIDATED_HEADER, parseCallTags, parseInvalidation, TAGS_HEADER } from './wire';

/** The HTTP response behind a result (`context.response` of the http links, `meta.response` of their errors). */
function headersOf(holder: unknown): Headers | null {
  if (typeof holder !== 'object' || holder === null || !('response' in holder)) return null;
  return holder.response instanceof Response ? holder.response.headers : null;
}

export interface TagLinks<TRouter extends AnyTRPCRouter> {
  link: TRPCLink<TRouter>;
  /** For the terminating batch link's `headers({ opList })`: where each operation sits in its batch. */
  recordBatch(opList: readonly Pick<Operation, 'id'>[]): void;
}

/** One per tRPC client: the link and the batch recorder share the operations' batch indexes. */
export function tagLinks<TRouter extends AnyTRPCRouter>(sync: TagSync): TagLinks<TRouter> {
  // Operation id -> index in the batch that carried it; a non-batching link sends one call: 0.
  const batchIndex = new Map<number, number>();
  // Every call of a batch shares one response: its invalidation is applied once.
  const seen = new WeakSet<Headers>();
  const read = (op: Operation, holder: unknown) => {
    const headers = headersOf(holder);
    if (!headers) return;
    if (op.type === 'query') {
      const tags = parseCallTags(headers.get(TAGS_HEADER)).get(String(batchIndex.get(op.id) ?? 0));
      if (tags) sync.recordCall(op.path, op.input, tags);
    }
    const inv = parseInvalidation(headers.get(INVALIDATED_HEADER));
    if (inv && !seen.has(headers)) {
      seen.add(headers);
      sync.invalidated(inv);
    }
  };
  const link: TRPCLink<TRouter> =
    () =>
    ({ op, next }) =>
      observable((observer) => {
        const subscription = next(op).subscribe({
          next(result) {
            read(op, result.context);
            observer.next(result);
          },
          error(error) {
            read(op, error.meta);
            observer.error(error);
          },
          complete() {
            observer.complete();
          },
        });
        return () => {
          batchIndex.delete(op.id);
          subscription.unsubscribe();
        };
      });
  return {
    link,
    recordBatch(opList) {
      for (const [index, op] of opList.entries()) batchIndex.set(op.id, index);
    },
  };
}
