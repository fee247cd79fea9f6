/**
 * Writes the real fix for a missing index: the CREATE INDEX statement, and a
 * new migration in the project's own layout (folder, naming, numbering, up and
 * down parts) that applies cleanly with the project's tool.
 *
 * On PostgreSQL the index is built CONCURRENTLY (no write lock on the table),
 * which cannot run inside a transaction block. Each tool needs its own answer:
 * - sqlx: `-- no-transaction` as the first line, which sqlx honours.
 * - golang-migrate / plain: the statement alone in its file. The file is sent
 *   as one query, and several statements in one query run as one transaction.
 * - Flyway: Flyway 9+ detects the non-transactional statement by itself.
 * - Prisma runs every migration in a transaction: plain CREATE INDEX.
 * For the same reason a trigram index's `CREATE EXTENSION pg_trgm` goes in a
 * migration of its own just before the index's (except for Prisma).
 * - Alembic: a new revision file whose `op.create_index(...,
 *   postgresql_concurrently=True)` runs in `autocommit_block()` (alembic.ts).
 */
import * as path from 'node:path';
import type { Dialect } from '../../../../shared/types';
import type { MigrationSet } from '../catalog/types';
import type { IndexSuggestion } from '../rules/types';
import { planAlembicRevision, type AlembicPlanOptions } from './alembic';
import { compareVersions, isTimestamp } from './detect';

const MAX_IDENTIFIER = 63; // PostgreSQL's NAMEDATALEN - 1; MySQL allows 64.

export interface CreateIndexOptions {
  concurrently: boolean;
  /** `IF NOT EXISTS`: off by default, since it would keep an INVALID index left by a failed concurrent build. */
  ifNotExists?: boolean;
}

export interface DropIndexOptions {
  concurrently: boolean;
  /** `IF EXISTS`; on by default (not on MySQL, which has no such clause). */
  ifExists?: boolean;
}

export interface PlanOptions {
  /** Alembic: makes the new revision id (default: derived from the time, the suggestion and the heads). */
  revisionId?: AlembicPlanOptions['revisionId'];
}

export interface MigrationPlan {
  files: { file: string; content: string }[];
  /** The file to open after applying: the index migration's up file. */
  open: string;
}

function isTrigram(s: IndexSuggestion): boolean {
  return s.opclass === 'gin_trgm_ops';
}

function unqualified(table: string): string {
  const parts = table.split('.');
  return parts[parts.length - 1];
}

function snake(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/_+/g, '_').replace(/^_|_$/g, '');
}

/** `idx_<table>_<col1>_<col2>` (`_trgm` for trigram indexes), at most 63 characters. */
export function indexName(s: IndexSuggestion): string {
  const name = snake(['idx', unqualified(s.table), ...s.columns, ...(isTrigram(s) ? ['trgm'] : [])].join('_'));
  return name.slice(0, MAX_IDENTIFIER).replace(/_+$/, '');
}

const RESERVED = new Set(['user', 'order', 'group', 'select', 'table', 'from', 'where', 'limit', 'offset', 'index', 'key', 'column', 'check', 'default', 'references', 'primary', 'unique', 'desc', 'asc', 'to', 'end', 'all', 'and', 'or', 'not', 'as', 'on', 'in', 'is', 'like', 'null', 'true', 'false', 'case', 'when', 'then', 'else', 'create', 'grant', 'union', 'having', 'window', 'analyse', 'analyze', 'both', 'cast', 'collate', 'constraint', 'current_user', 'distinct', 'do', 'for', 'foreign', 'into', 'leading', 'only', 'placing', 'returning', 'some', 'symmetric', 'trailing', 'using', 'variadic', 'with']);

/** An identifier as SQL needs it written: bare when it can be, quoted otherwise. */
export function quoteIdent(name: string, dialect: Dialect): string {
  if (/^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED.has(name)) return name;
  return dialect === 'mysql' ? '`' + name.replace(/`/g, '``') + '`' : '"' + name.replace(/"/g, '""') + '"';
}

function quoteQualified(name: string, dialect: Dialect): string {
  return name.split('.').map((part) => quoteIdent(part, dialect)).join('.');
}

function schemaPrefix(table: string, dialect: Dialect): string {
  const parts = table.split('.');
  return parts.length > 1 ? parts.slice(0, -1).map((p) => quoteIdent(p, dialect)).join('.') + '.' : '';
}

/** One `CREATE INDEX ...;` statement for the suggestion. */
export function createIndexSql(s: IndexSuggestion, dialect: Dialect, opts: CreateIndexOptions): string {
  const name = quoteIdent(indexName(s), dialect);
  const table = quoteQualified(s.table, dialect);
  const postgres = dialect === 'postgres';
  const method = s.method ?? (isTrigram(s) ? 'gin' : undefined);
  const using = postgres && method && method.toLowerCase() !== 'btree' ? ` USING ${method.toLowerCase()}` : '';
  const opclass = postgres && s.opclass ? ` ${s.opclass}` : '';
  const keys = s.columns.map((c) => quoteIdent(c, dialect) + opclass).join(', ');
  const concurrently = postgres && opts.concurrently ? ' CONCURRENTLY' : '';
  const ifNotExists = opts.ifNotExists && dialect !== 'mysql' ? ' IF NOT EXISTS' : '';
  // MySQL builds indexes online with InnoDB's in-place algorithm when asked.
  const online = dialect === 'mysql' && opts.concurrently ? ' ALGORITHM=INPLACE LOCK=NONE' : '';
  return `CREATE INDEX${concurrently}${ifNotExists} ${name} ON ${table}${using} (${keys})${online};`;
}

/** The `DROP INDEX ...;` statement undoing `createIndexSql`. */
export function dropIndexSql(s: IndexSuggestion, dialect: Dialect, opts: DropIndexOptions): string {
  const name = quoteIdent(indexName(s), dialect);
  if (dialect === 'mysql') return `DROP INDEX ${name} ON ${quoteQualified(s.table, dialect)};`;
  const concurrently = dialect === 'postgres' && opts.concurrently ? ' CONCURRENTLY' : '';
  const ifExists = opts.ifExists === false ? '' : ' IF EXISTS';
  return `DROP INDEX${concurrently}${ifExists} ${schemaPrefix(s.table, dialect)}${name};`;
}

/** The statement a suggestion needs before its index can exist (`CREATE EXTENSION pg_trgm`), if any. */
export function extensionSql(s: IndexSuggestion, dialect: Dialect): string | undefined {
  return dialect === 'postgres' && isTrigram(s) ? 'CREATE EXTENSION IF NOT EXISTS pg_trgm;' : undefined;
}

/** `YYYYMMDDHHMMSS` in UTC. */
export function utcTimestamp(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** The versions of the next `count` migrations of the set, in its own numbering. */
function nextVersions(set: MigrationSet, now: Date, count: number): string[] {
  const versions = set.migrations.map((m) => m.version).filter((v) => /^\d+([._]\d+)*$/.test(v));
  const last = [...versions].sort(compareVersions).pop();
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

/** `-` when the set's files are named `0002-add.sql`, else `_`. */
function separatorOf(set: MigrationSet): string {
  const last = set.migrations[set.migrations.length - 1];
  return last && /^\d+-/.test(path.basename(last.upFile)) ? '-' : '_';
}

function usesUpDown(set: MigrationSet): boolean {
  if (set.tool === 'golang-migrate') return true;
  if (set.tool === 'sqlx') return set.migrations.some((m) => m.downFile !== undefined || /\.up\.sql$/i.test(m.upFile));
  if (set.tool === 'flyway') return set.migrations.some((m) => m.downFile !== undefined);
  return false;
}

interface Step {
  slug: string;
  up: string;
  down?: string;
}

const TRANSACTION_NOTE = '-- CREATE INDEX CONCURRENTLY builds the index without blocking writes, but cannot run in a transaction block.';

/**
 * A new migration (two for a trigram index outside Prisma: the extension,
 * then the index) that creates the suggested index, in the set's layout.
 */
export function planIndexMigration(set: MigrationSet, s: IndexSuggestion, dialect: Dialect, now: Date, options: PlanOptions = {}): MigrationPlan {
  const slug = snake(`add_index_${unqualified(s.table)}_${s.columns.join('_')}`).slice(0, 80).replace(/_+$/, '');
  if (set.tool === 'alembic') return planAlembicRevision(set, s, dialect, now, { name: indexName(s), slug, revisionId: options.revisionId });
  const postgres = dialect === 'postgres';
  const concurrently = postgres && set.tool !== 'prisma';
  const extension = extensionSql(s, dialect);
  const create = createIndexSql(s, dialect, { concurrently });
  const drop = dropIndexSql(s, dialect, { concurrently });
  const steps: Step[] = [];

  if (set.tool === 'prisma') {
    const note = postgres
      ? [
          '-- Prisma runs each migration in a transaction on PostgreSQL, where CREATE INDEX CONCURRENTLY',
          `-- cannot run, so this is a plain CREATE INDEX: it blocks writes to ${s.table} while it builds.`,
          '-- On a large, busy table, create it CONCURRENTLY by hand first (this statement would then fail: use IF NOT EXISTS).',
        ]
      : [];
    const model = `-- Also add @@index([${s.columns.join(', ')}]) to the model in schema.prisma, or prisma migrate will report drift.`;
    steps.push({ slug, up: [...note, model, ...(extension ? [extension] : []), create, ''].join('\n') });
  } else {
    if (extension && concurrently) {
      steps.push({
        slug: 'enable_pg_trgm',
        up: wrap(set, ['-- Trigram operators for the index of the next migration.', extension]),
        down: wrap(set, ['-- pg_trgm is left installed: other objects may depend on it.']),
      });
    }
    const noteLines = concurrently ? [TRANSACTION_NOTE, ...transactionAdvice(set)] : [];
    const upLines = [...noteLines, ...(extension && !concurrently ? [extension] : []), create];
    steps.push({ slug, up: wrap(set, upLines, concurrently), down: wrap(set, [drop], concurrently) });
  }

  const versions = nextVersions(set, now, steps.length);
  const files: MigrationPlan['files'] = [];
  let open = '';
  steps.forEach((step, i) => {
    const named = fileNames(set, versions[i], step.slug);
    files.push({ file: named.up, content: step.up });
    if (named.down && step.down !== undefined) files.push({ file: named.down, content: step.down });
    open = named.up;
  });
  return { files, open };
}

function transactionAdvice(set: MigrationSet): string[] {
  switch (set.tool) {
    case 'sqlx':
      return ['-- The first line tells sqlx to run this file outside a transaction.'];
    case 'flyway':
      return ['-- Flyway 9+ detects this and runs the script outside a transaction; older versions need', '-- a matching .sql.conf file with executeInTransaction=false.'];
    default:
      return ['-- Keep it the only statement of this file: several statements sent as one query run as one transaction.'];
  }
}

function wrap(set: MigrationSet, lines: string[], noTransaction = false): string {
  const head = set.tool === 'sqlx' && noTransaction ? ['-- no-transaction'] : [];
  return [...head, ...lines, ''].join('\n');
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
      const base = `${version}${separatorOf(set)}${slug}`;
      return usesUpDown(set)
        ? { up: path.join(dir, `${base}.up.sql`), down: path.join(dir, `${base}.down.sql`) }
        : { up: path.join(dir, `${base}.sql`) };
    }
  }
}
