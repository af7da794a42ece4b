// Public API of @stash/db. Test helpers live in '@stash/db/testing'.

export { type CreateDbOptions, createDb, type Db, PREPARED, type QueryEvent } from './client';
export { type EmbeddedOptions, type EmbeddedPostgres, startEmbeddedPostgres } from './embedded';
export * from './generated/prisma/client';
export {
  type MigrationResult,
  MigrationStateError,
  type RunMigrationsOptions,
  runMigrations,
} from './migrate';
export { type OpenDatabaseOptions, type OpenedDatabase, openDatabase } from './open';
export { repoRoot } from './paths';
export {
  type FillCounts,
  formatLsn,
  type OpenedReplicas,
  openReplicas,
  parseLsn,
  primaryPosition,
  ReadRouter,
  type ReadRouterOptions,
  type ReadSource,
  type Replica,
  replicaUrlsFrom,
} from './replicas';
export { seedDatabase } from './seed';
export {
  CATEGORIES,
  type Category,
  DEFAULT_SEED_OPTIONS,
  DEMO_PASSWORD,
  DEMO_USER_PROFILES,
  DEMO_USERS,
  type SeedOptions,
  type SeedProgress,
  type SeedSummary,
} from './seed/options';
