/**
 * Where the primary's WAL is now. Read right after a write commits and recorded with the tags the
 * write invalidates (the engine's `position`): a replica whose replay position is at or past it
 * has replayed the commit. `pg_current_wal_lsn()` is the WAL written so far, which after a
 * (synchronous) commit includes the commit record; it may include later records of other
 * transactions too, which at worst sends a fill to the primary a moment longer.
 */
import type { PrismaClient } from '../generated/prisma/client';
import { parseLsn } from './lsn';

export async function primaryPosition(primary: PrismaClient): Promise<bigint> {
  const rows = await primary.$queryRaw<Array<{ lsn: string }>>`SELECT pg_current_wal_lsn()::text AS lsn`;
  const lsn = rows[0]?.lsn;
  if (!lsn) throw new Error('pg_current_wal_lsn() returned nothing (is this a replica?)');
  return parseLsn(lsn);
}
