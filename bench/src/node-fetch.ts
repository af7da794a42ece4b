/**
 * Serves a fetch-style handler (`Request -> Response`) from a plain Node `http` server, the way
 * a standalone deployment of the fetch adapter would: tRPC's own IncomingMessage -> Request
 * conversion, then the Response buffered and written with a content-length.
 */
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { incomingMessageToRequest } from '@trpc/server/adapters/node-http';

export type FetchHandler = (req: Request) => Promise<Response>;
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

async function send(response: Response, res: ServerResponse): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const headers: OutgoingHttpHeaders = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  headers['content-length'] = body.length;
  res.writeHead(response.status, headers).end(body);
}

export function fromFetchHandler(handler: FetchHandler): NodeHandler {
  return (req, res) => {
    const request = incomingMessageToRequest(req, res, { maxBodySize: 1024 * 1024 });
    handler(request)
      .then((response) => send(response, res))
      .catch((error: unknown) => {
        console.error('[bench server]', error);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  };
}

/** Listens on a free loopback port; resolves with the port. */
export function listen(handler: NodeHandler): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer(handler);
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
