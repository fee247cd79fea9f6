/**
 * Writes fixes that change the schema as new migrations in the project's own
 * layout (folder, naming, numbering, up and down parts), each in the form its
 * tool runs: a shipped migration is never edited, a new one is added.
 *
 * On PostgreSQL an index is created or dropped CONCURRENTLY (no write lock on
 * the table), which cannot run inside a transaction block, nor next to any
 * other statement in one query. So the statement goes alone into its own
 * migration, in the form its tool runs outside a transaction:
 * - sqlx: `-- no-transaction` as the first line (else sqlx wraps the file in one).
 * - golang-migrate, plain folders, Prisma: the statement alone in its file (each
 *   sends the file as one query: one statement runs outside a transaction block).
 * - Flyway: the statement alone in its script, plus the script's `.sql.conf`
 *   with `executeInTransaction=false` (Flyway 9+ also detects it by itself).
 * - Alembic: `autocommit_block()` (alembic.ts).
 * - knex: `config = { transaction: false }` in a new migration module; Kysely:
 *   a plain CREATE INDEX, its Migrator's transaction cannot be left (scripts.ts).
 * A trigram index's `CREATE EXTENSION pg_trgm` goes in a migration of its own
 * just before the index's. SQLite and MySQL get plain statements.
 *
 * Several changes planned together chain: distinct versions, each Alembic
 * revision revising the previous new one.
 */
import * as path from 'node:path';
import type { Dialect, MigrationChange } from '../../../../shared/types';
import type { MigrationSet } from '../catalog/types';
import type { IndexSuggestion } from '../rules/types';
import { planAlembicRevisions, type AlembicPlanOptions } from './alembic';
import { compareVersions, isTimestamp } from './detect';
import { planScriptMigrations } from './scripts';
import { createIndexStatement, definitionOf, dropIndexStatement, needsTrigram, slugOf } from './sql';

export {
  createIndexSql,
  dropIndexSql,
  extensionSql,
  indexName,
  quoteIdent,
  type CreateIndexOptions,
  type DropIndexOptions,
} from './sql';

export interface PlanOptions {
  /** Alembic: makes the new revision ids (default: derived from the time, the change and the heads). */
  revisionId?: AlembicPlanOptions['revisionId'];
}

export interface MigrationPlan {
  files: { file: string; content: string }[];
  /** The file to open after applying: the change's up file. */
  open: string;
}

/** `YYYYMMDDHHMMSS` in UTC. */
export function utcTimestamp(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** The versions of the next `count` migrations of the set, in its own numbering. */
function nextVersions(set: MigrationSet, now: Date, count: number): string[] {
  // The highest version (of equal ones the last, as a stable sort's last): asked for each index fix, a sort
  // of the set's versions each time was 200,000 comparisons in documenso's check (167 fixes, 164 migrations).
  let last: string | undefined;
  for (const m of set.migrations) if (/^\d+([._]\d+)*$/.test(m.version) && (last === undefined || compareVersions(m.version, last) >= 0)) last = m.version;
  const timestamps = set.tool === 'sqlx' || set.tool === 'prisma' || (last !== undefined && isTimestamp(last));
  let first: bigint;
  let width = 0;
  if (timestamps) {
    first = BigInt(utcTimestamp(now));
    if (last !== undefined && isTimestamp(last) && first <= BigInt(last)) first = BigInt(last) + 1n;
  } else {
    const major = last?.split(/[._]/)[0] ?? '0';
    first = BigInt(major) + 1n;
    if (last === undefined) width = set.tool === 'golang-migrate' ? 6 : set.tool === 'plain' ? 3 : 0;
    else if (major.length > 1 && major.startsWith('0')) width = major.length;
  }
  return Array.from({ length: count }, (_, i) => String(first + BigInt(i)).padStart(width, '0'));
}

/** A new file's name before `.sql`, as the set names its own: `0003_slug`, `0003-slug` (`0002-add.sql`), or the number alone (`000011.sql`). */
function baseNameOf(set: MigrationSet, version: string, slug: string): string {
  const last = set.migrations[set.migrations.length - 1];
  const name = last ? path.basename(last.upFile) : '';
  if (/^\d+\.sql$/i.test(name)) return version;
  return `${version}${/^\d+-/.test(name) ? '-' : '_'}${slug}`;
}

function usesUpDown(set: MigrationSet): boolean {
  if (set.tool === 'golang-migrate') return true;
  if (set.tool === 'sqlx') return set.migrations.some((m) => m.downFile !== undefined || /\.up\.sql$/i.test(m.upFile));
  if (set.tool === 'flyway') return set.migrations.some((m) => m.downFile !== undefined);
  return false;
}

interface Step {
  slug: string;
  up: string[];
  down: string[];
  /** The statements must run outside a transaction block. */
  noTransaction: boolean;
}

const CONCURRENT_NOTE = [
  '-- CONCURRENTLY does not block writes to the table, but cannot run in a transaction block',
  '-- nor next to another statement: keep it the only statement of this file.',
];

/** The migrations of one change: the extension first when a trigram index needs it, then the index. */
function stepsOf(set: MigrationSet, change: MigrationChange, dialect: Dialect): Step[] {
  const concurrently = dialect === 'postgres';
  const { index } = change;
  const create = createIndexStatement(index, dialect, { concurrently });
  const drop = dropIndexStatement(index, dialect, { concurrently });
  const steps: Step[] = [];
  if (concurrently && change.kind === 'createIndex' && needsTrigram(index)) {
    steps.push({
      slug: 'enable_pg_trgm',
      up: ['-- Trigram operators for the index of the next migration.', 'CREATE EXTENSION IF NOT EXISTS pg_trgm;'],
      down: ['-- pg_trgm is left installed: other objects may depend on it.'],
      noTransaction: false,
    });
  }
  const note = concurrently ? [...CONCURRENT_NOTE, ...toolNote(set)] : [];
  const [up, down] = change.kind === 'createIndex' ? [create, drop] : [drop, create];
  steps.push({ slug: slugOf(change), up: [...note, up], down: [...note, down], noTransaction: concurrently });
  if (set.tool === 'prisma') {
    const last = steps[steps.length - 1];
    last.up.unshift(
      change.kind === 'createIndex'
        ? "-- schema.prisma must declare this index on its model (@@index, with map: when the name below is not Prisma's own), or prisma migrate dev will want to drop it."
        : '-- Also remove this index from its model in schema.prisma, or prisma migrate dev will want to create it again.',
    );
  }
  return steps;
}

function toolNote(set: MigrationSet): string[] {
  switch (set.tool) {
    case 'sqlx':
      return ['-- The first line tells sqlx to run this file outside a transaction.'];
    case 'flyway':
      return ['-- The .sql.conf file beside this script tells Flyway to run it outside a transaction.'];
    default:
      return [];
  }
}

function render(set: MigrationSet, lines: string[], noTransaction: boolean): string {
  const head = set.tool === 'sqlx' && noTransaction ? ['-- no-transaction'] : [];
  return [...head, ...lines, ''].join('\n');
}

/**
 * New migrations for `changes`, one plan per change, chained in that order
 * (the second's version after the first's; Alembic: each revision on the
 * previous new one).
 */
export function planMigrations(set: MigrationSet, changes: MigrationChange[], dialect: Dialect, now: Date, options: PlanOptions = {}): MigrationPlan[] {
  if (set.tool === 'alembic') return planAlembicRevisions(set, changes, dialect, now, { revisionId: options.revisionId });
  if (set.tool === 'knex' || set.tool === 'kysely' || set.tool === 'typeorm') return planScriptMigrations(set, changes, dialect, now);
  const stepsPerChange = changes.map((change) => stepsOf(set, change, dialect));
  const versions = nextVersions(set, now, stepsPerChange.reduce((n, steps) => n + steps.length, 0));
  let next = 0;
  return stepsPerChange.map((steps) => {
    const files: MigrationPlan['files'] = [];
    let open = '';
    for (const step of steps) {
      const named = fileNames(set, versions[next++], step.slug);
      files.push({ file: named.up, content: render(set, step.up, step.noTransaction) });
      if (named.down) files.push({ file: named.down, content: render(set, step.down, step.noTransaction) });
      if (set.tool === 'flyway' && step.noTransaction) {
        for (const file of [named.up, named.down]) if (file) files.push({ file: `${file}.conf`, content: 'executeInTransaction=false\n' });
      }
      open = named.up;
    }
    return { files, open };
  });
}

/** A new migration (two for a trigram index: the extension, then the index) that creates the suggested index. */
export function planIndexMigration(set: MigrationSet, s: IndexSuggestion, dialect: Dialect, now: Date, options: PlanOptions = {}): MigrationPlan {
  return planMigrations(set, [{ kind: 'createIndex', index: definitionOf(s) }], dialect, now, options)[0];
}

function fileNames(set: MigrationSet, version: string, slug: string): { up: string; down?: string } {
  const dir = set.dir;
  switch (set.tool) {
    case 'prisma':
      return { up: path.join(dir, `${version}_${slug}`, 'migration.sql') };
    case 'flyway':
      return {
        up: path.join(dir, `V${version}__${slug}.sql`),
        down: usesUpDown(set) ? path.join(dir, `U${version}__${slug}.sql`) : undefined,
      };
    default: {
      const base = baseNameOf(set, version, slug);
      return usesUpDown(set)
        ? { up: path.join(dir, `${base}.up.sql`), down: path.join(dir, `${base}.down.sql`) }
        : { up: path.join(dir, `${base}.sql`) };
    }
  }
}
