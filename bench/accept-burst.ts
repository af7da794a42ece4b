/**
 * Where the 50-connection p99 tail of the HTTP benchmark comes from, shown without Next or the
 * app: a bare `net` server that spends CPU on every message, and a client (another process) that
 * opens 50 connections at once and sends one message on each, as autocannon does at the start of
 * every measurement.
 *
 *   pnpm --filter @stash/bench bench:accept-burst [--connections=50] [--cpu-ms=5]
 *
 * It prints when the client saw each connection open and when the server accepted it. The server
 * takes the first batch at once, then one connection per event-loop turn: each later connection
 * waits for a whole turn of work on the connections already open, so its first answer comes
 * last. On `next start` (about 0.7 ms of CPU per request) that put about 25 requests per
 * measurement at 0.3-1 s (docs/benchmarks.md, "Where the 50-connection tail went").
 */
import { fork } from 'node:child_process';
import { createConnection, createServer, type Socket } from 'node:net';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: {
    connections: { type: 'string', default: '50' },
    'cpu-ms': { type: 'string', default: '5' },
    client: { type: 'string' },
  },
});
const CONNECTIONS = Number(opts.connections);

function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

async function client(port: number): Promise<void> {
  const started = performance.now();
  const openedAt: number[] = [];
  const answered = new Promise<void>((resolve) => {
    let answers = 0;
    for (let i = 0; i < CONNECTIONS; i++) {
      const socket = createConnection(port, '127.0.0.1', () => {
        openedAt.push(Math.round(performance.now() - started));
        socket.write('x');
      });
      socket.once('data', () => {
        socket.destroy();
        if (++answers === CONNECTIONS) resolve();
      });
    }
  });
  await answered;
  console.log(`client: connections open at (ms)   ${openedAt.join(' ')}`);
}

async function server(): Promise<void> {
  const cpuMs = Number(opts['cpu-ms']);
  let first = 0;
  const acceptedAt: number[] = [];
  const srv = createServer((socket: Socket) => {
    first ||= performance.now();
    acceptedAt.push(Math.round(performance.now() - first));
    socket.on('data', () => {
      busyFor(cpuMs); // the work of one request
      socket.write('y');
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const address = srv.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const child = fork(
    new URL(import.meta.url).pathname,
    [`--client=${address.port}`, `--connections=${CONNECTIONS}`],
    {
      execArgv: process.execArgv,
    },
  );
  await new Promise((resolve) => child.once('exit', resolve));
  srv.close();
  console.log(`server: connections accepted at (ms) ${acceptedAt.join(' ')}`);
  console.log(`(${CONNECTIONS} connections, ${cpuMs} ms of CPU per message, ${process.version})`);
}

await (opts.client ? client(Number(opts.client)) : server());
