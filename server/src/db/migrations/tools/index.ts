/** The tool modules, by the name the report uses. */
import type { MigrationToolName } from '../../../../../shared/dashboard';
import { alembic } from './alembic';
import { drizzle } from './drizzle';
import { flyway } from './flyway';
import { golangMigrate } from './golang-migrate';
import { knex } from './knex';
import { kysely } from './kysely';
import { plain } from './plain';
import { prisma } from './prisma';
import { sqlx } from './sqlx';
import { typeorm } from './typeorm';
import type { ToolModule } from './types';

export const TOOLS: Record<MigrationToolName, ToolModule> = {
  alembic,
  sqlx,
  prisma,
  knex,
  kysely,
  typeorm,
  flyway,
  'golang-migrate': golangMigrate,
  plain,
  drizzle,
};
