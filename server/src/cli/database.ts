/**
 * `querylens explain FILE:LINE` and `querylens prove-index FILE:LINE`: the
 * CodeLens's work from a terminal or a CI job, through the same database
 * service as the editor.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { EMBEDDED_CONNECTION, type ResolvedConnection } from '../../../shared/connections';
import type { ExplainResult, IndexProof, ParamValue } from '../../../shared/explain';
import { loadConfig } from '../core/config/load';
import { explainableQueries, type ExplainableQuery } from '../core/engine/explainable';
import { LineIndex } from '../core/engine/lineIndex';
import { Workspace } from '../core/engine/workspace';
import { initParsers } from '../core/sql/parse';
import { DatabaseService } from '../db/service';
import { UsageError, type DbOptions, type QueryTarget } from './args';
import { formatExplain, formatProof } from './format/plan';
import { findRoot } from './root';
import { sqliteSyntaxOracle } from '../db/syntax-oracle';

export interface DbCommand {
  kind: 'explain' | 'prove-index';
  target: QueryTarget;
  db: DbOptions;
  format: 'text' | 'json';
  cwd: string;
  env: NodeJS.ProcessEnv;
  warn(message: string): void;
}

/** The query at FILE:LINE and the workspace around it (shared by explain, prove-index and bench). */
export interface TargetQuery {
  root: string;
  workspace: Workspace;
  /** Absolute path. */
  file: string;
  /** `FILE:LINE` as the user gave it (relative to the current folder). */
  where: string;
  query: ExplainableQuery;
}

export async function queryAt(target: QueryTarget, cwd: string, warn: (message: string) => void, verb = 'explain'): Promise<TargetQuery> {
  const file = path.resolve(cwd, target.file);
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const root = findRoot(file);
  const [loaded] = await Promise.all([loadConfig(root), initParsers()]);
  const workspace = await Workspace.create({ root, config: loaded.config, syntaxOracle: sqliteSyntaxOracle(), onError: (m) => warn(`internal error (analysis goes on): ${m}`) });
  const text = workspace.textOf(file);
  if (text === undefined) throw new UsageError(`${file} is not analysed by QueryLens (not SQL, Python or Rust, or excluded by the config)`);
  const where = `${path.relative(cwd, file) || file}:${target.line}`;
  const query = queryOnLine(explainableQueries(workspace, file), new LineIndex(text), target.line - 1);
  if (!query) throw new UsageError(`no query to ${verb} at ${where} (SELECT, INSERT, UPDATE, DELETE or MERGE, or an ORM query)`);
  return { root, workspace, file, where, query };
}

export async function runDbCommand(command: DbCommand): Promise<string> {
  const { root, workspace, file, where, query } = await queryAt(command.target, command.cwd, command.warn);

  const service = new DatabaseService({ log: command.warn, env: command.env });
  try {
    const connection = resolveConnection(command.db);
    const base = {
      workspace,
      root,
      query,
      file,
      connection,
      params: command.db.params.length > 0 ? command.db.params.map(parseValue) : undefined,
      ...(command.db.timeoutMs ? { timeoutMs: command.db.timeoutMs } : {}),
    };
    if (command.kind === 'explain') {
      const result: ExplainResult = await service.explain({ ...base, analyze: command.db.analyze });
      return command.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatExplain(result, where);
    }
    const index = command.db.index ? parseIndex(command.db.index) : suggestedIndexAt(workspace, file, command.target.line - 1, query);
    if (!index) throw new UsageError(`no index suggestion at ${where}: pass --index "table(col1, col2)"`);
    const proof: IndexProof = await service.proveIndex({ ...base, index });
    return command.format === 'json' ? `${JSON.stringify(proof, null, 2)}\n` : formatProof(proof, where);
  } finally {
    await service.close();
  }
}

/** The query that starts on the line, else the innermost one covering it. */
function queryOnLine(queries: ExplainableQuery[], lines: LineIndex, line: number): ExplainableQuery | undefined {
  if (line >= lines.lineCount) return undefined;
  const start = lines.offsetAt({ line, character: 0 });
  const end = lines.offsetAt({ line: line + 1, character: 0 });
  const starting = queries.find((q) => q.span.start >= start && q.span.start < end);
  if (starting) return starting;
  return queries.filter((q) => q.span.start < start && q.span.end >= start).sort((a, b) => a.span.end - a.span.start - (b.span.end - b.span.start))[0];
}

/**
 * The index a finding on the line suggests, else one a finding inside the query suggests: over an
 * ORM call the line is the call's first, the finding is on its `where` a few lines below.
 */
function suggestedIndexAt(workspace: Workspace, file: string, line: number, query: ExplainableQuery) {
  const findings = workspace.analyze(file).filter((f) => f.index);
  const onLine = findings.find((f) => f.range.start.line <= line && line <= f.range.end.line);
  if (onLine) return onLine.index;
  const lines = new LineIndex(workspace.textOf(file) ?? '');
  return findings.find((f) => query.span.start <= lines.offsetAt(f.range.start) && lines.offsetAt(f.range.end) <= query.span.end)?.index;
}

/** `table(col1, col2)`: the index to prove. */
function parseIndex(spec: string): { table: string; columns: string[] } {
  const open = spec.indexOf('(');
  const close = spec.lastIndexOf(')');
  const table = spec.slice(0, open).trim();
  const columns = spec.slice(open + 1, close).split(',').map((c) => c.trim()).filter(Boolean);
  if (open <= 0 || close < open || columns.length === 0 || !table) throw new UsageError(`--index expects table(col1, col2), got '${spec}'`);
  return { table, columns };
}

/** Command-line values: numbers, booleans and `null` as such, the rest as text. */
export function parseValue(value: string): ParamValue {
  if (value === 'null') return null;
  if (value === 'true' || value === 'false') return value === 'true';
  if (value.trim() !== '' && Number.isFinite(Number(value)) && String(Number(value)) === value) return Number(value);
  return value;
}

/**
 * `--connection`: a PostgreSQL URL, a SQLite file, or nothing (the embedded
 * shadow database). The password is the driver's business (the URL's own,
 * else PGPASSWORD from the command's environment, as psql's); the name
 * leaves it out.
 */
export function resolveConnection(options: DbOptions): ResolvedConnection {
  const spec = options.connection;
  const rows = options.rows ? { rowsPerTable: options.rows } : {};
  if (spec === undefined) return { ...EMBEDDED_CONNECTION, ...rows };
  if (/^postgres(ql)?:\/\//i.test(spec)) {
    let url: URL;
    try {
      url = new URL(spec);
    } catch {
      // Not echoed: the URL may hold a password.
      throw new UsageError('--connection is not a valid URL; write it as postgres://user@host:port/database (percent-encode @, :, / and % in a password)');
    }
    return { name: url.host + url.pathname, driver: 'postgres', url: spec };
  }
  const file = spec.startsWith('sqlite:') ? spec.slice('sqlite:'.length) : spec;
  return { name: path.basename(file), driver: 'sqlite', file: path.resolve(file) };
}
