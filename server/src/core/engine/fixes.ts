/**
 * The fixes that change indexes: the index written the way the project writes
 * schema changes. With migrations, a new migration in the set that owns the
 * table (opened after applying); without, the CREATE INDEX statement placed
 * after the table's CREATE TABLE in its DDL file, an `Index(...)` in the
 * `__table_args__` of the table's SQLAlchemy model, or the statement above the
 * query in a SQL file. Names are spelled as the schema spells them; a new
 * index's name collides with no existing one.
 */
import * as path from 'node:path';
import type { Dialect, IndexDefinition, MigrationChange } from '../../../../shared/types';
import type { Catalog, IndexInfo, MigrationSet, TableInfo } from '../catalog/types';
import { hostLanguageOf, hostSupportOf } from '../host/languages';
import { hostGrammarOf } from '../host/treesitter';
import { inferDialect } from '../sql/dialect';
import { providerDialect } from '../migrations/detect';
import { planMigrations } from '../migrations/writer';
import { createIndexStatement, definitionOf, freeIndexName, indexName } from '../migrations/sql';
import { formatColumns } from '../rules/query-helpers';
import type { CoreFix, FileContext, IndexSuggestion, RuleReport } from '../rules/types';
import type { Span } from '../sql/model';
import { prismaIndexEdit, prismaTableIndexEdit } from '../prisma/fix';
import { prismaIndexName } from '../prisma/models';
import { isPrismaSchema } from '../prisma/schemas';
import { drizzleMigrationFix } from '../orm/drizzle/fix';

export interface IndexFixInput {
  suggestion: IndexSuggestion;
  /** The statement the finding is about. */
  near: Span;
  /** The file the finding is in. */
  file: string;
  dialect: Dialect;
  catalog: Catalog;
  migrations: MigrationSet[];
  /** Text of a workspace file, for edits in another file. */
  textOf(file: string): string | undefined;
  /** The dialect the workspace surely reads a file in (per package and set), else undefined. */
  sureDialectOf?(file: string): Dialect | undefined;
  /** The ORM model declaring a table (a TypeORM entity, a Drizzle table), whose declaration an ORM's migration fix also edits. */
  modelOf?(table: string): { file: string; origin: number } | undefined;
  now: Date;
}

function describeIndex(s: IndexSuggestion): string {
  const method = s.method && s.method !== 'btree' ? ` using ${s.method}` : '';
  return `${formatColumns(s.table, s.columns)}${method}`;
}

/** The suggestion with the table and column names as the schema spells them (`ApiToken`, `userId`). */
function spelled(s: IndexSuggestion, table: TableInfo | undefined): IndexSuggestion {
  if (!table) return s;
  const column = (c: string) => table.columns.get(c)?.name ?? [...table.columns.keys()].find((k) => k.toLowerCase() === c.toLowerCase()) ?? c;
  return { ...s, table: table.spelled ?? s.table, columns: s.columns.map(column) };
}

/**
 * The index names of each built catalog, by its table map (a catalog is never
 * changed once built): every index finding asks, and a file with thousands of
 * CREATE TABLEs would otherwise walk them all once per finding.
 */
const takenByTables = new WeakMap<Map<string, TableInfo>, ReadonlySet<string>>();

/** Every index name of the catalog, lower-case: PostgreSQL names indexes per schema, not per table. */
export function takenIndexNames(catalog: Catalog): ReadonlySet<string> {
  const tables = catalog.tables;
  let taken = takenByTables.get(tables);
  if (!taken) {
    const names = new Set<string>();
    for (const table of tables.values()) for (const index of table.indexes) names.add(index.name.toLowerCase());
    takenByTables.set(tables, (taken = names));
  }
  return taken;
}

/** Whether a CREATE TABLE names its table through a psql variable (`create table :SCHEMA.jobs (`), which the migration runner replaces. */
export function namedByPsqlVariable(ddl: string | undefined): boolean {
  return ddl !== undefined && /^\s*create\s+(?:(?:global|local|temp|temporary|unlogged)\s+)*table\s+(?:if\s+not\s+exists\s+)?[^(]*?:['"]?[A-Za-z_]/i.test(ddl);
}

/**
 * A report with the index fixes it asked for (`RuleReport.indexFixes`) built
 * into its `fixes` now, as `indexFixes` builds them: what a rule run outside
 * the engine (a rule's test) reads.
 */
export function withBuiltIndexFixes(report: RuleReport, indexFixes: FileContext['indexFixes']): RuleReport {
  if (!report.indexFixes) return report;
  const { indexFixes: request, ...rest } = report;
  return { ...rest, fixes: [...(report.fixes ?? []), ...indexFixes(request.suggestion, request.near)] };
}

export function makeIndexFixes(input: IndexFixInput): CoreFix[] {
  const table = input.catalog.getTable(input.suggestion.table);
  const suggestion = spelled(input.suggestion, table);
  const set = owningSet(input.catalog, input.suggestion.table, input.migrations, input.textOf);
  const setDialect = set && dialectOfSet(set, input.dialect, input.textOf, input.sureDialectOf);
  // Prisma: the index under the name Prisma Migrate gives the model's @@index, so schema and migrations agree.
  const prismaName = set?.tool === 'prisma' && !suggestion.name ? prismaIndexName(suggestion.table, suggestion.columns, setDialect!) : undefined;
  const index = definitionOf(suggestion, freeIndexName(suggestion.name ?? prismaName ?? indexName(suggestion), takenIndexNames(input.catalog)));
  if (set?.tool === 'drizzle') {
    // drizzle-kit: the index on the table's definition and the migration drizzle-kit would generate, together (orm/drizzle/fix.ts).
    const schemaFile = input.modelOf?.(input.suggestion.table)?.file;
    const schemaText = schemaFile === undefined ? undefined : input.textOf(schemaFile);
    const fix = drizzleMigrationFix(set, index, setDialect!, input.now, schemaFile !== undefined && schemaText !== undefined ? { file: schemaFile, text: schemaText } : undefined);
    if (!fix) return [];
    const migration = { set: set.dir, dialect: setDialect!, change: { kind: 'createIndex' as const, index }, model: schemaFile! };
    return [{ ...fix, title: `Add index on ${describeIndex(suggestion)} to its Drizzle table and a new drizzle-kit migration`, isPreferred: true, migration }];
  }
  if (set) {
    // Names its runner fills in (a psql variable, graphile-worker's `:GRAPHILE_WORKER_SCHEMA.jobs`): a new migration cannot name the table.
    if (table && namedByPsqlVariable(input.textOf(table.origin.file)?.slice(table.origin.span.start, table.origin.span.end))) return [];
    const fix = migrationFix(set, { kind: 'createIndex', index }, setDialect!, input.now);
    const schema = set.tool === 'prisma' ? prismaSchemaEdit(set.dir, suggestion, index.name === prismaName ? undefined : index.name, input.textOf) : undefined;
    if (schema) {
      return [{ ...fix, changes: [...fix.changes, schema.change], title: `Add index on ${describeIndex(suggestion)} in a new migration and @@index to the ${schema.model} model`, isPreferred: true }];
    }
    // TypeORM: the entity declares the index too (named as the migration names it), or `migration:generate` would drop it.
    const entity = set.tool === 'typeorm' ? entityIndexEdit(input, suggestion, index, setDialect!) : undefined;
    if (entity) return [{ ...fix, changes: [...fix.changes, entity.change], title: `Add index on ${describeIndex(suggestion)} in a new migration and on the ${entity.className} entity`, isPreferred: true }];
    return [{ ...fix, title: `Add index on ${describeIndex(suggestion)} in a new migration`, isPreferred: true }];
  }
  const { dialect } = input;
  const extension = suggestion.opclass === 'gin_trgm_ops' && dialect === 'postgres' ? 'CREATE EXTENSION IF NOT EXISTS pg_trgm;\n' : '';
  const statement = extension + createIndexStatement(index, dialect, { concurrently: false }) + '\n';
  const ddlFile = table?.origin.file;
  const ddlText = ddlFile ? input.textOf(ddlFile) : undefined;
  if (ddlFile && isPrismaSchema(ddlFile)) {
    const found = ddlText === undefined ? undefined : prismaIndexEdit(ddlText, table!.origin.span.start, suggestion);
    if (!found) return [];
    return [{ title: `Add @@index on ${describeIndex(suggestion)} to the ${found.model} model`, changes: [{ kind: 'edit', file: ddlFile, edits: [found.edit] }], isPreferred: true }];
  }
  if (ddlFile && hostSupportOf(ddlFile)?.adapter.modelIndexEdits) {
    const fix = ddlText === undefined ? undefined : modelIndexFix(suggestion, index, dialect, ddlFile, ddlText, table!.origin.span.start);
    return fix ? [fix] : [];
  }
  if (ddlFile && ddlText !== undefined && !hostLanguageOf(ddlFile)) {
    const at = endOfStatementLine(ddlText, table!.origin.span.end);
    return [
      {
        title: `Add CREATE INDEX on ${describeIndex(suggestion)} after the CREATE TABLE`,
        changes: [{ kind: 'edit', file: ddlFile, edits: [{ span: { start: at, end: at }, newText: '\n' + statement }] }],
        isPreferred: true,
      },
    ];
  }
  // SQL text above a query in Python or Rust code would not compile, nor in a Prisma schema.
  if (hostLanguageOf(input.file) || isPrismaSchema(input.file)) return [];
  const fileText = input.textOf(input.file) ?? '';
  const at = lineStart(fileText, input.near.start);
  return [
    {
      title: `Insert CREATE INDEX on ${describeIndex(suggestion)}`,
      changes: [{ kind: 'edit', file: input.file, edits: [{ span: { start: at, end: at }, newText: statement }] }],
    },
  ];
}

/** The model's own declaration of the index (TypeORM's `@Index`), when the table's model is known and its language's adapter writes one. */
function entityIndexEdit(input: IndexFixInput, s: IndexSuggestion, index: IndexDefinition, dialect: Dialect): { className: string; change: CoreFix['changes'][number] } | undefined {
  const model = input.modelOf?.(s.table);
  const text = model ? input.textOf(model.file) : undefined;
  if (!model || text === undefined) return undefined;
  const found = hostSupportOf(model.file)?.adapter.modelIndexEdits?.(text, model.origin, s, index, dialect);
  return found && { className: found.className, change: { kind: 'edit', file: model.file, edits: found.edits } };
}

/** The `@@index` edit in the schema.prisma next to a Prisma migrations folder, for the model of the suggestion's table. */
function prismaSchemaEdit(migrationsDir: string, suggestion: IndexSuggestion, map: string | undefined, textOf: (file: string) => string | undefined): { model: string; change: CoreFix['changes'][number] } | undefined {
  const file = path.join(path.dirname(migrationsDir), 'schema.prisma');
  const text = textOf(file);
  const found = text === undefined ? undefined : prismaTableIndexEdit(text, suggestion.table, suggestion, map);
  return found && { model: found.model, change: { kind: 'edit', file, edits: [found.edit] } };
}

/**
 * A new migration dropping `index` (a redundant index in shipped history: the
 * migration that created it is not edited). On PostgreSQL `DROP INDEX
 * CONCURRENTLY`, alone in its migration; the down part creates it again.
 */
export function dropIndexFixes(index: IndexInfo, input: Omit<IndexFixInput, 'suggestion' | 'near' | 'file'>): CoreFix[] {
  const set = owningSet(input.catalog, index.table, input.migrations, input.textOf);
  const table = input.catalog.getTable(index.table);
  // drizzle-kit: dropping an index is removing it from the table's definition, then `drizzle-kit generate`.
  if (!set || set.tool === 'drizzle' || !table || index.keys.some((k) => k.column === undefined)) return [];
  const column = (c: string) => [...table.columns.keys()].find((k) => k.toLowerCase() === c.toLowerCase()) ?? c;
  const definition: IndexDefinition = {
    name: index.name,
    table: table.spelled ?? table.name,
    keys: index.keys.map((k) => ({ column: column(k.column!), ...(k.desc ? { desc: true } : {}), ...(k.opclass ? { opclass: k.opclass } : {}) })),
    ...(index.method && index.method !== 'btree' ? { method: index.method } : {}),
  };
  const fix = migrationFix(set, { kind: 'dropIndex', index: definition }, dialectOfSet(set, input.dialect, input.textOf, input.sureDialectOf), input.now);
  return [{ ...fix, title: `Drop redundant index ${index.name} in a new migration`, isPreferred: false }];
}

function migrationFix(set: MigrationSet, change: MigrationChange, dialect: Dialect, now: Date): Omit<CoreFix, 'title'> {
  const [plan] = planMigrations(set, [change], dialect, now);
  return {
    changes: plan.files.map((f) => ({ kind: 'create' as const, file: f.file, content: f.content })),
    open: plan.open,
    migration: { set: set.dir, dialect, change },
  };
}

/**
 * The migration set that owns a table: the one whose migrations created it;
 * for a table of a model in host code (SQLAlchemy), the set of the tool that
 * migrates that language's models (Alembic) when there is exactly one.
 * None otherwise (the fix then goes next to the table's DDL, or is not offered):
 * a fix never lands in another package's or another engine's folder.
 * The one place that decides it, so per-package scope can plug in here.
 */
export function owningSet(catalog: Catalog, tableName: string, sets: MigrationSet[], textOf?: (file: string) => string | undefined): MigrationSet | undefined {
  const origin = catalog.getTable(tableName)?.origin.file;
  if (origin === undefined) return undefined;
  const creator = sets.find((set) => set.migrations.some((m) => m.upFile === origin));
  if (creator) return creator;
  // A model's table: the set of the tool that migrates that language's models.
  const tool = hostSupportOf(origin)?.models?.migrationTool;
  const alembic = tool ? sets.filter((set) => set.tool === tool) : [];
  if (alembic.length <= 1) return alembic[0];
  // Several Alembic sets (one per database schema, say): the one whose revisions create the table, else the only one whose revisions change it.
  if (tool !== 'alembic' || !textOf) return undefined;
  const name = tableName.toLowerCase();
  const uses = alembic.map((set) => alembicTablesOf(set, textOf));
  const creators = alembic.filter((_, i) => uses[i].created.has(name));
  if (creators.length > 0) return creators.length === 1 ? creators[0] : undefined;
  const changers = alembic.filter((_, i) => uses[i].changed.has(name));
  return changers.length === 1 ? changers[0] : undefined;
}

/** Operations whose first argument is the table (`op.add_column('t', ...)`); the others name the constraint or index first, then the table. */
const TABLE_FIRST = new Set(['create_table', 'drop_table', 'add_column', 'drop_column', 'alter_column', 'rename_table', 'batch_alter_table', 'create_table_comment']);
const TABLE_SECOND = new Set(['create_index', 'drop_index', 'create_unique_constraint', 'create_foreign_key', 'create_primary_key', 'create_check_constraint', 'drop_constraint']);

const alembicTables = new WeakMap<MigrationSet, { created: Set<string>; changed: Set<string> }>();

/** The tables an Alembic set's revisions create, and those they change, read from their `op.*` calls (lower-case). */
function alembicTablesOf(set: MigrationSet, textOf: (file: string) => string | undefined): { created: Set<string>; changed: Set<string> } {
  let found = alembicTables.get(set);
  if (found) return found;
  found = { created: new Set(), changed: new Set() };
  for (const m of set.migrations) {
    const text = textOf(m.upFile) ?? '';
    for (const call of text.matchAll(/\bop\.(\w+)\(\s*(?:(["'])([\w.]+)\2|op\.f\(\s*["'][\w.]+["']\s*\)|[^,()'"]*)\s*(?:,\s*(["'])([\w.]+)\4)?/g)) {
      const table = TABLE_FIRST.has(call[1]!) ? call[3] : TABLE_SECOND.has(call[1]!) ? call[5] : undefined;
      const named = table ?? (call[1] === 'drop_index' ? /table_name\s*=\s*["']([\w.]+)["']/.exec(text.slice(call.index!, call.index! + 300))?.[1] : undefined);
      if (!named) continue;
      const bare = named.toLowerCase().split('.').pop()!;
      (call[1] === 'create_table' ? found.created : found.changed).add(bare);
    }
  }
  alembicTables.set(set, found);
  return found;
}

/**
 * The dialect a set's migrations are written in: Prisma's lock file says;
 * else their SQL, by majority (a SQLite crate in a PostgreSQL workspace gets
 * no CONCURRENTLY); else the workspace's.
 */
export function dialectOfSet(
  set: MigrationSet,
  fallback: Dialect,
  textOf: (file: string) => string | undefined,
  sureDialectOf?: (file: string) => Dialect | undefined,
): Dialect {
  const provided = providerDialect(set);
  if (provided) return provided;
  // The workspace's reading of the set's own files: its package's database (sqlx's `sqlite` feature) included.
  const first = set.migrations.find((m) => !hostGrammarOf(m.upFile))?.upFile;
  const sure = first ? sureDialectOf?.(first) : undefined;
  if (sure) return sure;
  let cached = setDialects.get(set);
  if (!cached) {
    const votes = new Map<Dialect, number>();
    for (const m of set.migrations) {
      const text = hostGrammarOf(m.upFile) ? undefined : textOf(m.upFile);
      const dialect = text === undefined ? undefined : inferDialect(text, m.upFile);
      if (dialect) votes.set(dialect, (votes.get(dialect) ?? 0) + 1);
    }
    const [best] = [...votes].sort((a, b) => b[1] - a[1]);
    cached = best?.[0] ?? 'unknown';
    setDialects.set(set, cached);
  }
  return cached === 'unknown' ? fallback : cached;
}

const setDialects = new WeakMap<MigrationSet, Dialect | 'unknown'>();

/** Offset just past the `;` ending the statement at `end`, and the rest of its line. */
function endOfStatementLine(text: string, end: number): number {
  let i = end;
  while (i < text.length && text[i] !== '\n') i++;
  return i;
}

function lineStart(text: string, offset: number): number {
  let i = Math.min(offset, text.length);
  while (i > 0 && text[i - 1] !== '\n') i--;
  return i;
}

/**
 * No migrations, a model in host code (a SQLAlchemy model: `Index('idx_..', 'a', 'b')`
 * in its `__table_args__`): the index declared where the model declares its
 * table, by the adapter of the model's language.
 */
function modelIndexFix(s: IndexSuggestion, index: IndexDefinition, dialect: Dialect, file: string, text: string, origin: number): CoreFix | undefined {
  const trigram = dialect === 'postgres' && s.opclass === 'gin_trgm_ops';
  const found = hostSupportOf(file)?.adapter.modelIndexEdits?.(text, origin, s, index, dialect);
  if (!found) return undefined;
  return {
    title: `Add Index on ${describeIndex(s)} to the ${found.className} model${trigram ? ' (needs the pg_trgm extension)' : ''}`,
    changes: [{ kind: 'edit', file, edits: found.edits }],
    isPreferred: true,
  };
}
