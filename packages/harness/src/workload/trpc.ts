/**
 * The HTTP shape of tRPC calls (GET for queries, POST for mutations, superjson envelope), built
 * once so the fault suite's fetch client and the benchmark's autocannon requests send the same
 * bytes. Loopback only.
 */
export const CACHE_HEADER = 'x-stash-cache';

export interface HttpCall {
  procedure: string;
  method: 'GET' | 'POST';
  /** Path and query string, e.g. `/api/trpc/marketplace.search?input=...`. */
  path: string;
  body?: string;
}

export function queryCall(procedure: string, input?: unknown): HttpCall {
  const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  return { procedure, method: 'GET', path: `/api/trpc/${procedure}${query}` };
}

export function mutationCall(procedure: string, input: unknown): HttpCall {
  return { procedure, method: 'POST', path: `/api/trpc/${procedure}`, body: JSON.stringify({ json: input }) };
}

export function assertLoopback(url: string): void {
  if (new URL(url).hostname !== '127.0.0.1')
    throw new Error(`refusing to send traffic to ${url}: not 127.0.0.1`);
}

/**
 * `x-stash-cache` of an answer, with a CDN hit counted as a hit: a CDN replays the app's header
 * from when it stored the answer (often a miss).
 */
export function cacheOutcome(
  procedure: string,
  res: Pick<CallResult, 'cache' | 'cacheStatus'>,
): string | null {
  return /varnish; hit$/.test(res.cacheStatus ?? '') ? `${procedure}=hit` : res.cache;
}

/** `marketplace.search=hit, ...` -> Map(procedure -> status). */
export function parseCacheHeader(value: string | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (value ?? '').split(',')) {
    const [path, status] = part.trim().split('=');
    if (path && status) out.set(path, status);
  }
  return out;
}

export interface CallResult {
  status: number;
  /** null when the connection failed or the request timed out. */
  cache: string | null;
  /** `Cache-Status` (RFC 9211): a CDN in front appends its entry, e.g. `varnish; hit`. */
  cacheStatus?: string | null;
  /** `result.data.json` of a 200 (superjson's plain-JSON part: Dates stay strings). */
  data: unknown;
  error?: string;
}

/** One call with fetch; network errors and timeouts come back as status 0, never as a throw. */
export async function send(
  baseUrl: string,
  call: HttpCall,
  opts: { cookie?: string; headers?: Record<string, string>; timeoutMs: number },
): Promise<CallResult> {
  assertLoopback(baseUrl);
  try {
    const res = await fetch(`${baseUrl}${call.path}`, {
      method: call.method,
      headers: {
        ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(opts.cookie ? { cookie: opts.cookie } : {}),
        ...opts.headers,
      },
      body: call.body,
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    const text = await res.text();
    let data: unknown = null;
    if (res.ok) {
      const parsed = JSON.parse(text) as { result?: { data?: { json?: unknown } } };
      data = parsed.result?.data?.json ?? null;
    }
    return {
      status: res.status,
      cache: res.headers.get(CACHE_HEADER),
      cacheStatus: res.headers.get('cache-status'),
      data,
      ...(res.ok ? {} : { error: text.slice(0, 300) }),
    };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return { status: 0, cache: null, data: null, error: `${String(error)}${cause}` };
  }
}

let signIns = 0;

/** Signs a seeded user in and returns the session cookie (`name=value`). */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  assertLoopback(baseUrl);
  const call = mutationCall('auth.signIn', { email, password });
  // The load stands for users on many machines: each sign-in names its own (loopback) address,
  // or the per-address limit (30 per 15 min) would refuse the 50 seeded users of one run. The
  // app believes the header because web.ts starts it with loopback as a trusted proxy.
  signIns++;
  const res = await fetch(`${baseUrl}${call.path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': `127.0.${signIns >> 8}.${signIns & 255}`,
    },
    body: call.body,
    signal: AbortSignal.timeout(30_000),
  });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!res.ok || !cookie) throw new Error(`sign-in of ${email} failed: ${res.status} ${await res.text()}`);
  return cookie;
}
