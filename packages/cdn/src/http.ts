/**
 * One purge request with a deadline, and errors that say which CDN, which request and what went
 * wrong. Credentials travel in headers and are never part of a message.
 */

export class PurgeError extends Error {
  override readonly name = 'PurgeError';
}

export interface PurgeRequest {
  /** Who is asking, for messages: `fastly purge, batch 2 of 3 (256 keys)`. */
  what: string;
  method: 'POST' | 'PURGE';
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export interface PurgeResponse {
  status: number;
  text: string;
}

const BODY_EXCERPT = 300;

/** Resolves with a 2xx answer; anything else (status, timeout, no connection) is a PurgeError. */
export async function sendPurge(request: PurgeRequest): Promise<PurgeResponse> {
  const where = `${request.method} ${request.url}`;
  let response: Response;
  let text: string;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(request.timeoutMs),
      redirect: 'error',
    });
    text = await response.text();
  } catch (error) {
    const reason =
      error instanceof Error && error.name === 'TimeoutError'
        ? `timed out after ${request.timeoutMs} ms`
        : describeFetchError(error);
    throw new PurgeError(`${request.what}: ${where} failed: ${reason}`, { cause: error });
  }
  if (response.status < 200 || response.status > 299) {
    throw new PurgeError(
      `${request.what}: ${where} answered HTTP ${response.status}: ${text.slice(0, BODY_EXCERPT).trim()}`,
    );
  }
  return { status: response.status, text };
}

/** fetch's TypeError says only "fetch failed"; the reason (ECONNREFUSED, ...) is its cause. */
function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code ? `${cause.message} (${code})` : cause.message;
  }
  return error.message;
}

/** `base` may carry a path (an API version, a test server's prefix); the result keeps it. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path}`;
}
