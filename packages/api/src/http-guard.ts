/**
 * Cross-site request refusal for mutations (all tRPC mutations are POSTs). A browser tells us
 * where a request comes from with `Sec-Fetch-Site` (modern browsers) or `Origin` (every browser
 * on a cross-origin POST); either one naming another site is refused. Requests with neither
 * come from scripts (curl, server-to-server), which carry no ambient cookies to abuse.
 * A JSON content type is also required: HTML forms can only send urlencoded, multipart or
 * text/plain bodies, so this alone stops form-based CSRF, and fetch() with JSON from another
 * origin needs a CORS preflight that this server never grants.
 */
import { TRPCError } from '@trpc/server';

function expectedHost(req: Request): string {
  // Behind a proxy the Host the browser used is in x-forwarded-host.
  return req.headers.get('x-forwarded-host') ?? req.headers.get('host') ?? new URL(req.url).host;
}

function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null; // "null" (sandboxed frames, some redirects) or garbage: not our origin
  }
}

/** Throws FORBIDDEN / UNSUPPORTED_MEDIA_TYPE for a POST that a browser on another site sent. */
export function assertSameOriginPost(req: Request): void {
  if (req.method !== 'POST') return;
  const site = req.headers.get('sec-fetch-site');
  const origin = req.headers.get('origin');
  const crossSite =
    (site !== null && site !== 'same-origin') ||
    (origin !== null && originHost(origin) !== expectedHost(req));
  if (crossSite) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Cross-site request refused.' });
  }
  const type = req.headers.get('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new TRPCError({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'Send mutations as JSON (content-type: application/json).',
    });
  }
}
