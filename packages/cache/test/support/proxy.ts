/**
 * A TCP proxy in front of a Redis, for tests that need a reply to arrive LATE: `holdReplies()`
 * keeps what Redis sends to command connections (not to subscribers, so the bus keeps flowing)
 * until `releaseReplies()`. Redis has run the command; only its answer waits.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface RedisProxy {
  url: string;
  holdReplies(): void;
  releaseReplies(): void;
  close(): Promise<void>;
}

interface Pipe {
  client: Socket;
  upstream: Socket;
  subscriber: boolean;
  held: Buffer[];
}

export async function startProxy(targetPort: number): Promise<RedisProxy> {
  const pipes = new Set<Pipe>();
  let holding = false;
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const pipe: Pipe = { client, upstream, subscriber: false, held: [] };
    pipes.add(pipe);
    client.on('data', (data) => {
      if (/subscribe/i.test(data.toString('latin1'))) pipe.subscriber = true;
      upstream.write(data);
    });
    upstream.on('data', (data) => {
      if (holding && !pipe.subscriber) pipe.held.push(data);
      else client.write(data);
    });
    const end = () => {
      pipes.delete(pipe);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  return {
    url: `redis://127.0.0.1:${address.port}`,
    holdReplies: () => {
      holding = true;
    },
    releaseReplies: () => {
      holding = false;
      for (const pipe of pipes) for (const chunk of pipe.held.splice(0)) pipe.client.write(chunk);
    },
    close: async () => {
      for (const pipe of pipes) {
        pipe.client.destroy();
        pipe.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
