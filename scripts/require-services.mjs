#!/usr/bin/env node
// Before the test suite: make sure PostgreSQL and Redis answer, and say exactly what is
// missing if not. Uses DATABASE_URL / REDIS_URL when set, else the standard local ports.
import net from 'node:net';

const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function endpoint(url, defaultPort) {
  const u = new URL(url);
  return { host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port: Number(u.port || defaultPort) };
}

function probe({ host, port }, greeting, expect) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok, why) => {
      socket.destroy();
      resolve({ ok, why });
    };
    socket.setTimeout(2000, () => done(false, 'timed out'));
    socket.on('error', (err) => done(false, err.code ?? err.message));
    socket.on('connect', () => {
      if (!greeting) return done(true);
      socket.write(greeting);
    });
    socket.on('data', (buf) =>
      done(expect(buf), `unexpected reply ${JSON.stringify(buf.toString().slice(0, 40))}`),
    );
  });
}

// Postgres answers an SSLRequest with a single byte, 'S' or 'N'.
const sslRequest = Buffer.from([0, 0, 0, 8, 4, 210, 22, 47]);
const checks = [
  {
    name: 'PostgreSQL',
    url: databaseUrl,
    env: 'DATABASE_URL',
    start: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
    result: await probe(endpoint(databaseUrl, 5432), sslRequest, (b) => b[0] === 0x53 || b[0] === 0x4e),
  },
  {
    name: 'Redis',
    url: redisUrl,
    env: 'REDIS_URL',
    start: 'redis-server --daemonize yes --port 6379 --save "" --appendonly no',
    result: await probe(
      endpoint(redisUrl, 6379),
      'PING\r\n',
      (b) => b.toString().startsWith('+PONG') || b.toString().startsWith('-NOAUTH'),
    ),
  },
];

const missing = checks.filter((c) => !c.result.ok);
if (missing.length > 0) {
  console.error('The test suite needs a real PostgreSQL and a real Redis.');
  for (const c of missing) {
    console.error(`- ${c.name} is not answering at ${c.url} (${c.result.why}).`);
    console.error(`  Start it (e.g. \`${c.start}\`) or set ${c.env} to one that runs.`);
  }
  process.exit(1);
}
console.log(`services: PostgreSQL at ${databaseUrl} and Redis at ${redisUrl} answer`);
