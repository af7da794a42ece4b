// `pnpm --filter @stash/db migrate`: apply pending migrations to DATABASE_URL or the embedded db.
import { openDatabase } from '../open';

const db = await openDatabase({ migrate: true, log: (line) => console.log(line) });
await db.close();
