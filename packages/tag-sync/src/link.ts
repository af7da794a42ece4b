/**
 * The tRPC half: a link that reads, from each response, the tags a query's answer depends on and
 * the tags a mutation invalidated (headers defined in wire.ts), and hands them to a TagSync.
 * Place it before the terminating link; give that link `callIdsHeader` so the server can say
 * which call of a batch each set of tags belongs to.
 */
import type { Operation, TRPCLink } from '@trpc/client';
import type { AnyTRPCRouter } from '@trpc/server';
import { observable } from '@trpc/server/observable';
import type { TagSync } from './query-sync';
import {
  CALLS_HEADER,
  formatCallIds,
  INVALIDATED_HEADER,
  parseCallTags,
  parseInvalidation,
  TAGS_HEADER,
} from './wire';

/** The HTTP response behind a result (`context.response` of the http links, `meta.response` of their errors). */
function headersOf(holder: unknown): Headers | null {
  if (typeof holder !== 'object' || holder === null || !('response' in holder)) return null;
  return holder.response instanceof Response ? holder.response.headers : null;
}

/** For the terminating link's `headers`: the operation ids of a batch, in order. */
export function callIdsHeader(opList: readonly Pick<Operation, 'id'>[]): Record<string, string> {
  return { [CALLS_HEADER]: formatCallIds(opList.map((op) => op.id)) };
}

export function tagLink<TRouter extends AnyTRPCRouter>(sync: TagSync): TRPCLink<TRouter> {
  // Every call of a batch shares one response: its invalidation is applied once.
  const seen = new WeakSet<Headers>();
  const read = (op: Operation, holder: unknown) => {
    const headers = headersOf(holder);
    if (!headers) return;
    if (op.type === 'query') {
      const tags = parseCallTags(headers.get(TAGS_HEADER)).get(String(op.id));
      if (tags) sync.recordCall(op.path, op.input, tags);
    }
    const inv = parseInvalidation(headers.get(INVALIDATED_HEADER));
    if (inv && !seen.has(headers)) {
      seen.add(headers);
      sync.invalidated(inv);
    }
  };
  return () =>
    ({ op, next }) =>
      observable((observer) =>
        next(op).subscribe({
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
        }),
      );
}
