/**
 * Route handlers never see the socket: `next start` only copies its address into
 * `x-forwarded-for` when the client sent none, so a client that sends one hides it. Node
 * announces every request on the `http.server.request.start` diagnostics channel before the
 * server's handler runs; there we write the socket's address into PEER_HEADER, over anything a
 * client sent under that name, and the route reads it from the request's headers.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

export const PEER_HEADER = 'x-stash-peer';

function stamp(message: unknown): void {
  const { request, socket } = message as { request: IncomingMessage; socket: Socket };
  // Always written: a request without an address must not keep a client's value.
  request.headers[PEER_HEADER] = socket.remoteAddress ?? '';
}

/** Called once per process, from instrumentation.ts (Next calls `register` before any request). */
export function stampPeerAddresses(): void {
  subscribe('http.server.request.start', stamp);
}
