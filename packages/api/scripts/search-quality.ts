/**
 * Prints the judged set's top-3 share and MRR. Against SEARCH_QUALITY_DATABASE_URL when set (a database
 * holding the default demo
 * seed); otherwise in a fresh test database (on DATABASE_URL's server) seeded with it, then dropped.
 *
 *   pnpm --filter @stash/api search:quality
 */
import { createDb, DEFAULT_SEED_OPTIONS } from '@stash/db';
import { createTestDatabase } from '@stash/db/testing';
import { evaluateSearch, formatQualityReport, loadJudgedSet } from '../src/search/quality';

async function withSeededDatabase<T>(
  fn: (prisma: Parameters<typeof evaluateSearch>[0]) => Promise<T>,
): Promise<T> {
  const url = process.env.SEARCH_QUALITY_DATABASE_URL;
  if (url) {
    const db = createDb({ url, poolMax: 1 });
    try {
      return await fn(db.prisma);
    } finally {
      await db.close();
    }
  }
  const db = await createTestDatabase({ seed: DEFAULT_SEED_OPTIONS });
  try {
    return await fn(db.prisma);
  } finally {
    await db.drop();
  }
}

const report = await withSeededDatabase(async (prisma) => evaluateSearch(prisma, await loadJudgedSet()));
for (const line of formatQualityReport(report)) console.log(line);
