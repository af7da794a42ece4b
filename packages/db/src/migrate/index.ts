export { checksumOf, defaultMigrationsDir, type MigrationFile, readMigrations } from './files';
export {
  type MigrationResult,
  MigrationStateError,
  type RunMigrationsOptions,
  runMigrations,
} from './runner';
