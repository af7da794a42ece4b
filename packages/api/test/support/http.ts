/** Plain `Request`s against the tRPC endpoint, as a browser or script would send them. */
import { DEMO_PASSWORD } from '@stash/db';
import superjson from 'superjson';
import { handleTrpcRequest } from '../../src/http';
import type { Harness } from './harness';

export const TRPC_BASE = 'http://localhost/api/trpc';

/** The value of a single call's answer (`{ result: { data } }`, superjson-encoded). */
export function trpcData<T>(body: string): T {
  return superjson.deserialize<T>((JSON.parse(body) as { result: { data: never } }).result.data);
}

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

/** Signs `email` in over HTTP (as a script would) and returns its session cookie. */
export async function signedInCookie(h: Pick<Harness, 'deps'>, email: string): Promise<string> {
  const res = await trpcPost(h, 'auth.signIn', superjsonBody({ email, password: DEMO_PASSWORD }), {
    'content-type': 'application/json',
  });
  if (res.status !== 200) throw new Error(`sign-in as ${email} answered ${res.status}`);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}
