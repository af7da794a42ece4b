/** Plain `Request`s against the tRPC endpoint, as a browser or script would send them. */
import superjson from 'superjson';
import { handleTrpcRequest } from '../../src/http';
import type { Harness } from './harness';

export const TRPC_BASE = 'http://localhost/api/trpc';

/** The superjson document of a value, as a JSON string (what links send). */
export const superjsonBody = (value: unknown) => JSON.stringify(superjson.serialize(value));

export function trpcGet(
  h: Pick<Harness, 'deps'>,
  path: string,
  input: unknown,
  headers: Record<string, string> = {},
) {
  const url = `${TRPC_BASE}/${path}?input=${encodeURIComponent(superjsonBody(input))}`;
  return handleTrpcRequest(new Request(url, { headers }), h.deps);
}

export function trpcPost(
  h: Pick<Harness, 'deps'>,
  path: string,
  body: RequestInit['body'],
  headers: Record<string, string>,
) {
  return handleTrpcRequest(
    new Request(`${TRPC_BASE}/${path}`, { method: 'POST', body, headers: { host: 'localhost', ...headers } }),
    h.deps,
  );
}
