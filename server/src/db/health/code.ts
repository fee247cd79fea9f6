/**
 * Where a table or a statement the database reports appears in the
 * workspace's code, so each index-health item can link to it.
 *
 * Tables: every explainable query (SQL files, raw SQL in host code, ORM
 * chains) whose model reads or writes the table, in FROM, a JOIN or a
 * subquery. Statements: pg_stat_statements keeps a normalised text (`$1` for
 * every constant); the workspace's queries keep theirs as written. Both go
 * through libpg-query's fingerprint, which ignores constants and parameter
 * numbers, so `WHERE a = 5` and `WHERE a = $1` meet.
 */
import { fingerprintSync, parseSync } from '../../core/sql/pg/wasm';
import type { HealthItem } from '../../../../shared/dashboard';
import type { QueryModel } from '../../core/sql/model';
import { explainableQueries } from '../../core/engine/explainable';
import { LineIndex } from '../../core/engine/lineIndex';
import type { Workspace } from '../../core/engine/workspace';

export type CodeLocation = NonNullable<HealthItem['code']>[number];

/** Links per item at most: a table read in 200 places needs a search, not 200 links. */
const MAX_LINKS = 20;

export interface CodeIndex {
  /** Queries touching the table (unqualified name, any case). */
  table(name: string): CodeLocation[];
  /** Queries whose fingerprint is the statement's, and the index QueryLens's rules suggest for one of them. */
  statement(sql: string): { code: CodeLocation[]; suggestion?: Suggestion };
  /** The first index QueryLens's own rules suggest for the table (missing-index, missing-composite-index). */
  suggestedIndex(table: string): Suggestion | undefined;
  /** Whether any statement of the workspace (SQL or an ORM chain) deletes from the table. */
  deletesFrom(table: string): boolean;
  /** The statements that insert into the table. */
  insertsInto(table: string): CodeLocation[];
}

type Suggestion = { table: string; columns: string[]; method?: string; opclass?: string };

function fingerprint(sql: string): string | undefined {
  try {
    return fingerprintSync(sql);
  } catch {
    return undefined; // not PostgreSQL's grammar (a SQLite-only query, a truncated pg_stat_statements text)
  }
}

function tablesOf(model: QueryModel, into: Set<string>): void {
  for (const t of model.tables) into.add(t.name.toLowerCase());
  for (const j of model.joins) into.add(j.table.name.toLowerCase());
  for (const sub of model.subqueries) tablesOf(sub, into);
}

function push(map: Map<string, CodeLocation[]>, key: string, location: CodeLocation): void {
  const list = map.get(key) ?? [];
  if (list.length < MAX_LINKS && !list.some((l) => l.file === location.file && l.line === location.line)) list.push(location);
  map.set(key, list);
}

/** Reads the workspace once; the report then asks per table and per statement. */
export function codeIndex(workspace: Workspace): CodeIndex {
  const byTable = new Map<string, CodeLocation[]>();
  const byFingerprint = new Map<string, CodeLocation[]>();
  const suggestionByFingerprint = new Map<string, Suggestion>();
  const suggestions = new Map<string, Suggestion>();
  const deleted = new Set<string>();
  const byInsert = new Map<string, CodeLocation[]>();
  for (const file of workspace.files()) {
    const text = workspace.textOf(file);
    const document = workspace.document(file);
    if (text === undefined || !document) continue;
    const lines = new LineIndex(text);
    const findings = workspace.analyze(file).filter((f) => f.index);
    for (const statement of document.statements) {
      if (!statement.query) continue;
      const tables = new Set<string>();
      tablesOf(statement.query, tables);
      const location = { file, line: lines.positionAt(statement.span.start).line };
      for (const t of tables) push(byTable, t, location);
      // The target of a DELETE is the model's first table.
      const target = statement.query.tables[0]?.name;
      if (target && statement.query.kind === 'delete') deleted.add(unqualified(target));
    }
    // The SQL the database receives (an ORM chain rendered), fingerprinted as pg_stat_statements' text will be.
    for (const query of explainableQueries(workspace, file)) {
      if (query.dialect !== 'postgres') continue;
      const print = fingerprint(query.sql);
      if (!print) continue;
      const start = lines.positionAt(query.span.start).line;
      const end = lines.positionAt(query.span.end).line;
      push(byFingerprint, print, { file, line: start });
      // INSERT ... VALUES has no query model (nothing in it to judge): its target is read from the SQL sent.
      const inserted = query.kind === 'insert' ? insertTarget(query.sql) : undefined;
      if (inserted) {
        push(byInsert, inserted, { file, line: start });
        push(byTable, inserted, { file, line: start });
      }
      // A finding inside this query that suggests an index (missing-index, missing-composite-index).
      const own = findings.find((f) => f.range.start.line >= start && f.range.start.line <= end);
      if (own?.index && !suggestionByFingerprint.has(print)) suggestionByFingerprint.set(print, own.index);
    }
    for (const finding of findings) {
      const key = unqualified(finding.index!.table);
      if (!suggestions.has(key)) suggestions.set(key, finding.index!);
    }
  }
  return {
    table: (name) => byTable.get(unqualified(name)) ?? [],
    statement(sql) {
      const print = fingerprint(sql);
      if (!print) return { code: [] };
      const suggestion = suggestionByFingerprint.get(print);
      return { code: byFingerprint.get(print) ?? [], ...(suggestion ? { suggestion } : {}) };
    },
    suggestedIndex: (table) => suggestions.get(unqualified(table)),
    deletesFrom: (table) => deleted.has(unqualified(table)),
    insertsInto: (table) => byInsert.get(unqualified(table)) ?? [],
  };
}

function insertTarget(sql: string): string | undefined {
  try {
    const relation = (parseSync(sql) as { stmts?: { stmt?: { InsertStmt?: { relation?: { relname?: string } } } }[] }).stmts?.[0]?.stmt?.InsertStmt?.relation?.relname;
    return relation?.toLowerCase();
  } catch {
    return undefined;
  }
}

function unqualified(name: string): string {
  return name.split('.').pop()!.replace(/"/g, '').toLowerCase();
}
