/** Free loopback ports for throw-away servers. */
import { createServer } from 'node:net';

function listenOnce(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : null;
      server.close(() => resolve(bound));
    });
  });
}

/** A port the OS says is free right now (there is a small race until the caller binds it). */
export async function freePort(): Promise<number> {
  const port = await listenOnce(0);
  if (port === null) throw new Error('could not get a free port from the OS');
  return port;
}

/**
 * A free port whose Redis Cluster bus port (+10000) is free too, so a cluster node can restart on
 * the same port (the OS-assigned range can exceed 55535, where +10000 would overflow).
 */
export async function sparePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    if ((await listenOnce(port)) !== null && (await listenOnce(port + 10_000)) !== null) return port;
  }
  throw new Error('no spare port found');
}
