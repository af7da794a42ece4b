/**
 * Uncached search latency at size: the judged queries (packages/api/search-quality/judged.json)
 * run straight through the search's SQL (vocabulary check, ranked full-text query, cards), no
 * cache in front, from N concurrent workers on a pool of N connections. See docs/benchmarks.md
 * ("Search at 100,000 agents").
 *
 *   pnpm --filter @stash/db seed --agents 100000        # into DATABASE_URL, once
 *   DATABASE_URL=... pnpm --filter @stash/bench bench:search
 *   options: --connections=10 --duration=20 --warmup=3 (seconds)
 */
import { parseArgs } from 'node:util';
import { searchAgents, searchInput } from '@stash/api';
import { loadJudgedSet } from '@stash/api/search-quality';
import { createDb } from '@stash/db';
import { build } from 'hdr-histogram-js';
import { machine } from './src/report';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '10' },
    duration: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
  },
});
const connections = Number(values.connections);
const url = process.env.DATABASE_URL;
if (!url) throw new Error('Set DATABASE_URL to a database seeded with --agents 100000');

const db = createDb({ url, poolMax: connections });
const agents = await db.prisma.agent.count();
const queries = (await loadJudgedSet()).map((q) => searchInput.parse({ query: q.query }));

/** Runs the queries round-robin from `connections` workers until `seconds` pass. */
async function run(seconds: number) {
  const histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const end = performance.now() + seconds * 1000;
  let next = 0;
  const worker = async () => {
    while (performance.now() < end) {
      const input = queries[next++ % queries.length]!;
      const started = performance.now();
      await searchAgents(db.prisma, input);
      histogram.recordValue(Math.round((performance.now() - started) * 1000)); // µs
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  return { histogram, seconds };
}

await run(Number(values.warmup));
const { histogram, seconds } = await run(Number(values.duration));
await db.close();

const ms = (p: number) => (histogram.getValueAtPercentile(p) / 1000).toFixed(1);
console.log(
  `search, uncached, ${agents} agents, ${connections} connections, ${seconds} s, ${queries.length} judged queries round-robin`,
);
console.log('| requests | req/s | p50 ms | p95 ms | p99 ms | max ms |');
console.log('|---:|---:|---:|---:|---:|---:|');
console.log(
  `| ${histogram.totalCount} | ${(histogram.totalCount / seconds).toFixed(0)} | ${ms(50)} | ${ms(95)} | ${ms(99)} | ${(histogram.maxValue / 1000).toFixed(1)} |`,
);
console.log(machine({ connections: String(connections) }));
