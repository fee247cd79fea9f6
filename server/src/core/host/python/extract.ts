/**
 * Python host extraction: SQLAlchemy models, ORM queries (1.x and 2.0, sync
 * and async), raw SQL strings, writes, loops and Alembic revisions, found by
 * walking the tree-sitter syntax tree. Synchronous once `initHostParsers()`
 * (and, for Alembic `op.execute`, the SQL core's `initParsers()`) completed.
 */
import type { Dialect } from '../../../../../shared/types';
import { typedTextTest } from '../../last-text';
import { hostParser } from '../treesitter';
import type { HostExtraction, HostModel } from '../types';
import { extractAlembic } from './alembic';
import { extractModels, type ModelInfo } from './models';
import { calleeName, type Node, positionalArgs, spanOf } from './nodes';
import { literalText } from './sql-strings';
import { extractPythonPools } from './pools';
import { PythonWalker } from './walk';
import type { WalkCache } from '../walk-cache';

export interface PythonExtractOptions {
  /** The configured dialect; otherwise the engine URL in the file tells, else PostgreSQL. */
  dialect?: Dialect;
  /** Mapped classes defined in other files: class name → table. */
  modelTables?: Map<string, string>;
  /** Models extracted from other files (richer than modelTables: primary keys, renamed columns, relationships). */
  models?: HostModel[];
  /** Only what the schema needs (models, Alembic revision): no queries, loops or writes. */
  schemaOnly?: boolean;
  /** The file's walk findings from its previous versions, to take over unchanged functions (the language server). */
  walkCache?: WalkCache;
}

export function extractPython(text: string, file: string, options: PythonExtractOptions = {}): HostExtraction {
  const out: HostExtraction = { language: 'python', queries: [], writes: [], accesses: [], models: [], errors: [] };
  let tree;
  try {
    // A file's models are read first, its queries once every file's models are known: the same text again.
    tree = hostParser('python').parse(text, { again: options.schemaOnly === true });
    if (!tree) return out;
    const root = tree.rootNode;
    const shared = ofTree(root, text);
    for (const e of shared.errors) out.errors.push({ message: e.message, span: { ...e.span } });
    const known = foreignModels(options);
    const codeDialect = shared.codeDialect;
    const dialect = options.dialect ?? codeDialect ?? 'postgres';
    const lookedUp = options.schemaOnly ? new Set<string>() : undefined;
    const { models, infos } = extractModels(root, (cls) => (lookedUp?.add(cls), known.get(cls)));
    const alembic = extractAlembic(root, dialect);
    // Classes of a revision are helper models for its data migration (often a few columns of
    // the real table): its queries read them, but the schema is what its operations do.
    // Schema-only extractions keep what the workspace resolves across files (resolveInheritedTables);
    // otherwise only tables: a class whose table name no base here or known gives is no table yet.
    out.models = alembic ? [] : options.schemaOnly ? models : models.filter((m) => m.table !== '');
    const resolve = (cls: string) => infos.get(cls) ?? known.get(cls);
    if (!options.schemaOnly) {
      const walker = new PythonWalker(resolve, dialect, codeDialect);
      walker.run(root, options.walkCache && { cache: options.walkCache, context: localModels(infos), models: [options.models, options.modelTables] });
      out.queries = walker.queries;
      out.writes = walker.writes;
      out.accesses = walker.accesses;
    }
    // Schema-only extractions too: the workspace lists every file's pools (the dashboard's Pool tab).
    const pools = extractPythonPools(root, text);
    if (pools.length) out.pools = pools;
    if (alembic) out.alembic = alembic;
    if (lookedUp) out.schemaOnly = { lookedUp: [...lookedUp], namesDialect: codeDialect !== undefined };
  } catch (e) {
    out.errors.push({ message: `internal error extracting ${file}: ${(e as Error)?.message ?? e}`, span: { start: 0, end: Math.min(1, text.length) } });
  } finally {
    tree?.delete();
  }
  return out;
}

/** What a tree says whatever the options: its syntax errors and the dialect its code names. */
interface TreeFacts {
  errors: HostExtraction['errors'];
  codeDialect: Dialect | undefined;
}

/**
 * Kept by tree: the parser hands out one tree per text (treesitter.ts), and a file is
 * extracted twice per version (its models alone, then its queries with the workspace's).
 */
const treeFacts = new WeakMap<Node, TreeFacts>();

function ofTree(root: Node, text: string): TreeFacts {
  let facts = treeFacts.get(root);
  if (!facts) {
    const errors: HostExtraction['errors'] = [];
    collectErrors(root, errors);
    treeFacts.set(root, (facts = { errors, codeDialect: mayNameDialect(text) ? dialectInCode(root) : undefined }));
  }
  return facts;
}

/** The file's own models as the walk reads them (class, table, columns, primary key, relationships): no positions. */
function localModels(infos: Map<string, ModelInfo>): string {
  if (infos.size === 0) return '';
  return JSON.stringify([...infos.values()].map((i) => [i.className, i.table, [...i.columns], i.primaryKey, [...i.relationships]]));
}

/** `foreignModels` by the workspace's model list (rebuilt whenever a model changes), for files given no modelTables. */
const foreignByModels = new WeakMap<HostModel[], Map<string, ModelInfo>>();

/** ModelInfo for classes of other files, from their HostModels or just their tables. */
function foreignModels(options: PythonExtractOptions): Map<string, ModelInfo> {
  if (options.models && !options.modelTables) {
    let known = foreignByModels.get(options.models);
    if (!known) foreignByModels.set(options.models, (known = readForeignModels({ models: options.models })));
    return known;
  }
  return readForeignModels(options);
}

function readForeignModels(options: PythonExtractOptions): Map<string, ModelInfo> {
  const out = new Map<string, ModelInfo>();
  for (const [className, table] of options.modelTables ?? []) {
    out.set(className, { className, table, columns: new Map(), primaryKey: [], relationships: new Map() });
  }
  for (const m of options.models ?? []) {
    const create = m.changes.find((c) => c.kind === 'createTable');
    const byAttr = (m as HostModel & { columnsByAttribute?: Record<string, string> }).columnsByAttribute ?? {};
    out.set(m.className, {
      className: m.className, table: m.table, columns: new Map(Object.entries(byAttr)),
      primaryKey: create?.kind === 'createTable' ? (create.primaryKey ?? []) : [],
      relationships: new Map(m.relationships.map((r) => [r.attribute, r.target])),
      ...(m.tableNaming ? { tableNaming: m.tableNaming } : {}), ...(m.bases ? { bases: m.bases } : {}),
    });
  }
  return out;
}

const URL_SCHEMES: Record<string, Dialect> = { sqlite: 'sqlite', postgresql: 'postgres', postgres: 'postgres', mysql: 'mysql', mariadb: 'mysql' };
const DRIVER_MODULES: Record<string, Dialect> = {
  sqlite3: 'sqlite', aiosqlite: 'sqlite', psycopg2: 'postgres', psycopg: 'postgres', asyncpg: 'postgres', pymysql: 'mysql', MySQLdb: 'mysql', aiomysql: 'mysql',
};

/** Text without which the code names no dialect (`dialectInCode`): an engine factory's or a driver's name. */
const DIALECT_NAMES = ['create_engine', 'create_async_engine', ...Object.keys(DRIVER_MODULES)];
const mayNameDialect = typedTextTest(new RegExp(DIALECT_NAMES.join('|')), Math.max(...DIALECT_NAMES.map((name) => name.length)));

/** The dialect the code names: an engine URL (`create_engine("sqlite:///...")`), else an imported driver. */
function dialectInCode(root: Node): Dialect | undefined {
  let fromImport: Dialect | undefined;
  for (const statement of root.children) {
    const named = dialectsNamedIn(statement);
    if (named.engine) return named.engine;
    fromImport ??= named.imported;
  }
  return fromImport;
}

/** Kept per top-level statement: the copy of an edited file takes the unchanged ones over (treesitter.ts). */
const namedDialects = new WeakMap<Node, { engine?: Dialect; imported?: Dialect }>();

/** What a statement's text holds when it has an import or a `create_engine`/`create_async_engine` call. */
const NAMES_DIALECT = /import|create_(?:async_)?engine/;

/** The first engine URL's dialect in a statement, and the first imported driver's. */
function dialectsNamedIn(statement: Node): { engine?: Dialect; imported?: Dialect } {
  const known = namedDialects.get(statement);
  if (known) return known;
  const named: { engine?: Dialect; imported?: Dialect } = {};
  namedDialects.set(statement, named);
  // Typing in a long class builds its statement anew at each edit: no walk of it when its text names neither.
  if (!NAMES_DIALECT.test(statement.text)) return named;
  for (const n of statement.descendantsOfType(['call', 'import_statement', 'import_from_statement'])) {
    if (n.type !== 'call') {
      for (const name of n.descendantsOfType('dotted_name')) named.imported ??= DRIVER_MODULES[name.text.split('.')[0]];
      continue;
    }
    const callee = calleeName(n);
    if (callee !== 'create_engine' && callee !== 'create_async_engine') continue;
    const url = positionalArgs(n)[0];
    const value = url ? literalText(url) : undefined;
    if (!value) continue;
    let scheme = '';
    for (const ch of value) {
      if (ch === ':' || ch === '+') break;
      scheme += ch;
    }
    const d = URL_SCHEMES[scheme.toLowerCase()];
    if (d) {
      named.engine = d;
      break;
    }
  }
  return named;
}

function collectErrors(root: Node, errors: HostExtraction['errors']): void {
  if (!root.hasError) return;
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'ERROR') errors.push({ message: 'Python syntax error', span: spanOf(n) });
    else if (n.isMissing) errors.push({ message: `Python syntax error: missing ${n.type}`, span: spanOf(n) });
    if (!n.hasError && n.type !== 'ERROR') continue;
    for (const c of n.children) if (c) stack.push(c);
  }
}
