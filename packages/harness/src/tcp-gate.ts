/**
 * A TCP path to real servers that a test can shut (connections refused, as when the port is
 * closed) and open again on the same port. It forwards bytes untouched: what answers is the
 * real server behind it. Given several targets it is a small load balancer: each connection goes
 * to the next target in turn, and to the one after when that refuses (an instance that is down).
 * Targets given as a function are asked per connection: a caller that knows an instance is not
 * ready (restarting, still warming up) leaves it out, as a load balancer's health probe would.
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

export interface TcpTarget {
  host: string;
  port: number;
}

export async function startTcpGate(
  targets: TcpTarget | readonly TcpTarget[] | (() => readonly TcpTarget[]),
): Promise<TcpGate> {
  const current = (): readonly TcpTarget[] =>
    typeof targets === 'function' ? targets() : Array.isArray(targets) ? targets : [targets as TcpTarget];
  let turn = 0;
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
  /** To target `index` of `list`, or the next one when it refuses; `left`: targets not tried yet. */
  const forward = (client: Socket, list: readonly TcpTarget[], index: number, left: number) => {
    const target = list[index % list.length];
    if (!target) return void client.destroy();
    const upstream = connect(target.port, target.host);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      if (client.destroyed) return void upstream.destroy();
      track(upstream);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream).pipe(client);
    });
    upstream.once('error', () => {
      upstream.destroy();
      if (!connected && left > 1 && !client.destroyed) forward(client, list, index + 1, left - 1);
      else client.destroy();
    });
  };
  const open = async () => {
    const listening = createServer((client) => {
      if (holding) {
        track(client);
        held.add(client);
        return;
      }
      track(client);
      const list = current();
      forward(client, list, turn++, list.length);
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
