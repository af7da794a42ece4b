/**
 * A real HTTP server around `handleTrpcRequest` (what the Next route does), so tests can send
 * raw, malformed and oversized requests over a socket, as an attacker would.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiDeps } from '../../src';
import { clientAddressOf, parseTrustedProxies } from '../../src/client-address';
import { handleTrpcRequest } from '../../src/http';

// Loopback as the trusted proxy in front, so forwarded headers sent to this server are walked.
const TRUSTED = parseTrustedProxies('127.0.0.1, ::1');

async function toRequest(req: IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const method = req.method ?? 'GET';
  return new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
    method,
    headers,
    ...(method === 'GET' || method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
  });
}

export async function startHttpServer(deps: ApiDeps): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    void (async () => {
      const response = await handleTrpcRequest(await toRequest(req), deps, {
        clientAddress: clientAddressOf(
          [req.headers['x-forwarded-for'] ?? []].flat().join(', ') || null,
          req.socket.remoteAddress ?? null,
          TRUSTED,
        ),
      });
      const headers: Record<string, string | string[]> = Object.fromEntries(response.headers);
      const cookies = response.headers.getSetCookie();
      if (cookies.length > 0) headers['set-cookie'] = cookies;
      res.writeHead(response.status, headers);
      res.end(Buffer.from(await response.arrayBuffer()));
    })().catch((error: unknown) => {
      // A failure of this bridge itself: reported as such, so the fuzz suite counts it.
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`bridge failure: ${String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
