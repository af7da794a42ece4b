/**
 * A procedure path whose %-escapes do not decode is the client's mistake, but tRPC's own decode
 * throws and answers 500 (logged as an internal error), and inside `next start` Next's router
 * fails on it before any route runs: answer 400 in tRPC's error shape instead. Kept apart from
 * the router so that the web app's proxy (apps/web/src/proxy.ts) can use it without loading it.
 */
import superjson from 'superjson';
import { PRIVATE } from './no-store';
import { newRequestId, REQUEST_ID_HEADER } from './request-id';
import { MALFORMED, pathAndQuery, procedurePathOf } from './request-target';

export function malformedPathResponse(requestId: string): Response {
  const error = {
    message: 'The procedure path in the URL has a malformed %-escape.',
    code: -32600, // JSON-RPC "invalid request", what tRPC sends with BAD_REQUEST
    data: { code: 'BAD_REQUEST', httpStatus: 400, requestId },
  };
  return Response.json(
    { error: superjson.serialize(error) },
    { status: 400, headers: { [REQUEST_ID_HEADER]: requestId, 'cache-control': PRIVATE } },
  );
}

/** The 400 for a URL under `endpoint` whose procedure path does not decode; null for any other. */
export function refuseMalformedPath(url: string, endpoint = '/api/trpc'): Response | null {
  return procedurePathOf(pathAndQuery(url), endpoint) === MALFORMED
    ? malformedPathResponse(newRequestId())
    : null;
}
