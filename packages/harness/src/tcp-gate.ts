/**
 * A TCP path to a real server that a test can shut (connections refused, as when the port is
 * closed) and open again on the same port. It forwards bytes untouched: what answers is the
 * real server behind it.
 */

import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpGate {
  url: string;
  /** Refuses new connections and cuts the open ones. */
  shut(): Promise<void>;
  /** Listens again on the same port. */
  open(): Promise<void>;
  /** Cuts the open connections, then accepts new ones but forwards nothing, as a server that hangs. */
  hold(): void;
  /** Forwards again; the connections held so far are cut. */
  release(): void;
}

export async function startTcpGate(target: { host: string; port: number }): Promise<TcpGate> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const held = new Set<Socket>();
  let holding = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const open = async () => {
    const listening = createServer((client) => {
      if (holding) {
        track(client);
        held.add(client);
        return;
      }
      const upstream = connect(target.port, target.host);
      track(client);
      track(upstream);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(port, '127.0.0.1', () => resolve());
    });
    port = (listening.address() as AddressInfo).port;
    server = listening;
  };
  const shut = async () => {
    const closing = server;
    server = undefined;
    if (!closing) return;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => closing.close(() => resolve()));
  };
  const hold = () => {
    holding = true;
    for (const socket of sockets) socket.destroy();
  };
  const release = () => {
    holding = false;
    for (const socket of held) socket.destroy();
    held.clear();
  };
  await open();
  return { url: `http://127.0.0.1:${port}`, shut, open, hold, release };
}
