/** Migrations on a connected database (issue 5): statuses as each tool computes them, and apply / revert for the SQL-file tools. */
export { migrationsReport, type MigrationsReportOptions } from './report';
export { applyMigrations, type MigrationActionOptions } from './apply';
export { migrationSetsOf } from './sets';
export { flywayChecksum, prismaChecksum, prismaChecksumMatches, sqlxChecksum } from './checksums';
export { PLAIN_TABLE } from './tools/plain';
