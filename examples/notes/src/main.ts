// `npm start`: one instance on PORT (default 4000). Start a second one on another port with the
// same DATABASE_URL and REDIS_URL and they share the cache.
import { Pool } from 'pg';
import { SCHEMA } from './notes.js';
import { startNotesServer } from './server.js';

const db = new Pool({
  connectionString: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/notes',
});
await db.query(SCHEMA);
const server = await startNotesServer({
  db,
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  cachePrefix: 'notes-example',
  port: Number(process.env.PORT ?? 4000),
});
console.log(`notes API on ${server.url} (try ${server.url}/notes.list)`);
