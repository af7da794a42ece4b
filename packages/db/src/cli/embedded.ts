// `pnpm --filter @stash/db embedded [--port N]`: serve the embedded database (PGlite, migrated) on a
// loopback port until Ctrl-C, for psql, the migration-diff script or a second tool. Stop the app
// first: one PGlite data directory can be open in one process only.
import { parseArgs } from 'node:util';
import { startEmbeddedPostgres } from '../embedded';
import { runMigrations } from '../migrate';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { port: { type: 'string' } },
});
const server = await startEmbeddedPostgres({ port: values.port ? Number(values.port) : 5433 });
await runMigrations(server.url, { log: (line) => console.log(line) });
console.log(`embedded PostgreSQL ready: ${server.url}\n(Ctrl-C to stop)`);

const shutdown = async () => {
  await server.stop();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
