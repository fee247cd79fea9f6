/**
 * What a TypeScript / JavaScript file says about its database libraries: the
 * modules it imports or requires (pg, postgres, mysql2, better-sqlite3,
 * node:sqlite, knex, kysely, @prisma/client, drizzle-orm...), the variables
 * that hold a connection of one (`const pool = new Pool()`, `const sql =
 * postgres(url)`, `const db = new Database('app.db')`, `knex({ client: 'pg' })`),
 * and so the dialect the code talks.
 */
import type { Dialect } from '../../../../../shared/types';
import { asCall, type Node, plainString, unwrap } from './syntax';

export type Library =
  | 'pg' | 'postgres' | 'pg-promise' | 'mysql' | 'sqlite' | 'knex' | 'kysely' | 'prisma' | 'drizzle' | 'redbean' | 'slonik';

interface ModuleInfo {
  library: Library;
  dialect?: Dialect;
}

/** Modules by name (a subpath, `drizzle-orm/pg-core`, counts as its package). */
const MODULES: Record<string, ModuleInfo> = {
  pg: { library: 'pg', dialect: 'postgres' },
  'pg-pool': { library: 'pg', dialect: 'postgres' },
  'pg-native': { library: 'pg', dialect: 'postgres' },
  '@vercel/postgres': { library: 'pg', dialect: 'postgres' },
  '@neondatabase/serverless': { library: 'pg', dialect: 'postgres' },
  postgres: { library: 'postgres', dialect: 'postgres' },
  'pg-promise': { library: 'pg-promise', dialect: 'postgres' },
  mysql: { library: 'mysql', dialect: 'mysql' },
  mysql2: { library: 'mysql', dialect: 'mysql' },
  mariadb: { library: 'mysql', dialect: 'mysql' },
  'better-sqlite3': { library: 'sqlite', dialect: 'sqlite' },
  'node:sqlite': { library: 'sqlite', dialect: 'sqlite' },
  'bun:sqlite': { library: 'sqlite', dialect: 'sqlite' },
  sqlite3: { library: 'sqlite', dialect: 'sqlite' },
  sqlite: { library: 'sqlite', dialect: 'sqlite' },
  knex: { library: 'knex' },
  kysely: { library: 'kysely' },
  '@prisma/client': { library: 'prisma' },
  'drizzle-orm': { library: 'drizzle' },
  'redbean-node': { library: 'redbean' },
  slonik: { library: 'slonik', dialect: 'postgres' },
};

/** Every library of `MODULES`. */
export const LIBRARIES: readonly Library[] = [...new Set(Object.values(MODULES).map((m) => m.library))];

const escaped = (name: string) => name.replace(/[.*+?^$()|[\]\\/{}]/g, '\\$&');
/** `namesDatabaseModule`'s test for each list of libraries. */
const namingLibraries = new Map<readonly Library[], RegExp>();

/**
 * Whether the text imports or requires a module of one of `libraries` (or a subpath of one): its name
 * quoted after `from`, `import`, `import(` or `require(` (comments between). `readLibraries` reads
 * no other (an import statement's source, `require(..)`); a string that only names one
 * (dokploy's `type: "postgres" | "mysql"`, `case "mariadb":`) is no import.
 */
export function namesDatabaseModule(text: string, libraries: readonly Library[]): boolean {
  let test = namingLibraries.get(libraries);
  if (!test) {
    const names = Object.keys(MODULES).filter((name) => libraries.includes(MODULES[name]!.library));
    const gap = String.raw`(?:\s|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*`;
    test = new RegExp(String.raw`(?:\bfrom|\bimport|\b(?:import|require)${gap}\()${gap}['"${'`'}](?:${names.map(escaped).join('|')})(?:\/[^'"${'`'}]*)?['"${'`'}]`);
    namingLibraries.set(libraries, test);
  }
  return test.test(text);
}

export function moduleInfo(source: string): ModuleInfo | undefined {
  if (Object.hasOwn(MODULES, source)) return MODULES[source];
  const scoped = source.startsWith('@') ? source.split('/').slice(0, 2).join('/') : source.split('/')[0]!;
  return Object.hasOwn(MODULES, scoped) ? MODULES[scoped] : undefined;
}

/** knex's `client` names and redbean's `R.setup(...)` first argument → dialect. */
const CLIENTS: Record<string, Dialect> = {
  pg: 'postgres', postgres: 'postgres', postgresql: 'postgres', 'pg-native': 'postgres', pgnative: 'postgres', cockroachdb: 'postgres',
  mysql: 'mysql', mysql2: 'mysql', mariadb: 'mysql',
  sqlite3: 'sqlite', sqlite: 'sqlite', 'better-sqlite3': 'sqlite',
};

/** Kysely's dialect classes. */
const KYSELY_DIALECTS: Record<string, Dialect> = { PostgresDialect: 'postgres', SqliteDialect: 'sqlite', MysqlDialect: 'mysql', PostgresJSDialect: 'postgres', NeonDialect: 'postgres', LibsqlDialect: 'sqlite', D1Dialect: 'sqlite', BunSqliteDialect: 'sqlite' };

export interface Binding {
  library: Library;
  /** The name imported (`default`, `*`, `Pool`, `sql`), or 'instance' for a connection the file creates. */
  imported: string;
  dialect?: Dialect;
}

export interface FileLibraries {
  /** Local names bound to a library's export or to a connection of one. */
  names: Map<string, Binding>;
  /** The dialect the file's code tells (a driver import, a knex client, a Kysely dialect), if one. */
  dialect?: Dialect;
  /** Every library the file imports. */
  libraries: Set<Library>;
}

/** The expressions a connection or a required module comes from (a declarator of any other kind is skipped at once). */
const CONNECTION_VALUES = new Set(['call_expression', 'new_expression', 'await_expression', 'member_expression']);

/** Kept per tree: the parser hands out one tree per text, and a file is extracted more than once per version. */
const byRoot = new WeakMap<Node, FileLibraries>();

/** Reads the file's imports, requires and connection constructors. */
export function fileLibraries(root: Node): FileLibraries {
  let known = byRoot.get(root);
  if (!known) byRoot.set(root, (known = readLibraries(root)));
  return known;
}

function readLibraries(root: Node): FileLibraries {
  const names = new Map<string, Binding>();
  const libraries = new Set<Library>();
  // Without a database module imported or required, no name is bound, and only a knex or RedBean
  // configuration call (`configuredDialect`) may tell a dialect: most files need no walk of their tree.
  const text = root.text;
  if (!namesDatabaseModule(text, LIBRARIES) && !CONFIGURES.test(text)) return { names, libraries };
  const votes: Dialect[] = [];
  const bind = (pattern: Node | null, info: ModuleInfo, imported: string) => {
    if (!pattern) return;
    libraries.add(info.library);
    if (info.dialect) votes.push(info.dialect);
    if (pattern.type === 'identifier') names.set(pattern.text, { library: info.library, imported, ...(info.dialect ? { dialect: info.dialect } : {}) });
    else if (pattern.type === 'object_pattern') {
      for (const p of pattern.namedChildren) {
        if (p.type === 'shorthand_property_identifier_pattern') names.set(p.text, { library: info.library, imported: p.text, ...(info.dialect ? { dialect: info.dialect } : {}) });
        else if (p.type === 'pair_pattern') {
          const value = p.childForFieldName('value');
          if (value?.type === 'identifier') names.set(value.text, { library: info.library, imported: p.childForFieldName('key')?.text ?? '', ...(info.dialect ? { dialect: info.dialect } : {}) });
        }
      }
    }
  };
  for (const n of libraryNodes(root)) {
    if (n.type === 'import_statement') {
      const info = moduleInfo(plainString(n.childForFieldName('source')) ?? '');
      if (!info) continue;
      libraries.add(info.library);
      if (info.dialect) votes.push(info.dialect);
      for (const clause of n.namedChildren.filter((c) => c.type === 'import_clause')) {
        for (const part of clause.namedChildren) {
          if (part.type === 'identifier') names.set(part.text, { library: info.library, imported: 'default', ...(info.dialect ? { dialect: info.dialect } : {}) });
          else if (part.type === 'namespace_import') {
            const id = part.namedChildren.find((c) => c.type === 'identifier');
            if (id) names.set(id.text, { library: info.library, imported: '*', ...(info.dialect ? { dialect: info.dialect } : {}) });
          } else if (part.type === 'named_imports') {
            for (const spec of part.namedChildren.filter((s) => s.type === 'import_specifier')) {
              const name = spec.childForFieldName('name')?.text;
              const alias = spec.childForFieldName('alias')?.text ?? name;
              if (name && alias) names.set(alias, { library: info.library, imported: name, ...(info.dialect ? { dialect: info.dialect } : {}) });
            }
          }
        }
      }
      continue;
    }
    if (n.type === 'variable_declarator') {
      const value = n.childForFieldName('value')!;
      const pattern = n.childForFieldName('name')!;
      const required = requiredModule(value);
      if (required) {
        bind(pattern, required.info, required.member ?? 'default');
        continue;
      }
      const created = createdConnection(value, names);
      if (created && pattern.type === 'identifier') {
        names.set(pattern.text, { library: created.library, imported: 'instance', ...(created.dialect ? { dialect: created.dialect } : {}) });
        if (created.dialect) votes.push(created.dialect);
      }
    }
    if (n.type === 'call_expression') {
      const told = configuredDialect(n);
      if (told) votes.unshift(told);
    }
  }
  const out: FileLibraries = { names, libraries };
  if (votes.length) out.dialect = votes[0];
  return out;
}

/** The calls `configuredDialect` reads: `R.setup(..)`, `knex({ client })`. */
const CONFIGURES = /\b(?:setup|knex|Knex)\b/;

/**
 * The nodes `readLibraries` reads, in document order: imports, declarators of
 * a value that may be a connection, calls that may configure one. Kept per
 * top-level statement (an edit's copy of the tree takes the unchanged ones
 * over, treesitter.ts): typing reads only the statement it changed.
 */
function libraryNodes(root: Node): Node[] {
  const out: Node[] = [];
  for (const statement of root.children) {
    let nodes = byStatement.get(statement);
    if (!nodes) byStatement.set(statement, (nodes = statement.descendantsOfType(['import_statement', 'variable_declarator', 'call_expression']).filter(mayTell)));
    for (const n of nodes) out.push(n);
  }
  return out;
}

const byStatement = new WeakMap<Node, Node[]>();

function mayTell(n: Node): boolean {
  if (n.type === 'import_statement') return true;
  if (n.type === 'variable_declarator') {
    const value = n.childForFieldName('value');
    return !!value && !!n.childForFieldName('name') && CONNECTION_VALUES.has(value.type) && mayMakeConnection(value);
  }
  // `knex({ client })`, `R.setup('sqlite')` (configuredDialect), not every `knex('table')` chain.
  const name = n.childForFieldName('function')?.text.split('.').pop() ?? '';
  if (name === 'setup') return true;
  const first = n.childForFieldName('arguments')?.namedChildren.find((a) => a.type !== 'comment');
  return (name === 'knex' || name === 'Knex') && first !== undefined && unwrap(first).type === 'object';
}

/**
 * What `requiredModule` or `createdConnection` may read as a module or a
 * connection, by shape: `new X(..)`, `x(..)`, `require(..)(..)`,
 * `require(..).X`, `lib.factory(..)` (not `pool.query(..)`, most of a file's declarations).
 */
function mayMakeConnection(value: Node): boolean {
  let n = unwrap(value);
  if (n.type === 'await_expression' && n.namedChildren[0]) n = unwrap(n.namedChildren[0]);
  if (n.type === 'new_expression') return true;
  if (n.type === 'member_expression') return n.childForFieldName('object') !== null && unwrap(n.childForFieldName('object')!).type === 'call_expression';
  const callee = asCall(n)?.callee;
  if (!callee) return false;
  if (callee.type !== 'member_expression') return true;
  const property = callee.childForFieldName('property')?.text;
  return property !== undefined && FACTORY_NAMES.has(property);
}

/** `require('pg')`, `require('pg').Pool`, `require('knex')(config)`. */
function requiredModule(value: Node): { info: ModuleInfo; member?: string } | undefined {
  let n = unwrap(value);
  let member: string | undefined;
  if (n.type === 'member_expression') {
    member = n.childForFieldName('property')?.text;
    n = unwrap(n.childForFieldName('object')!);
  }
  const call = asCall(n);
  if (!call) return undefined;
  // require('knex')(config): a connection, read by createdConnection.
  if (call.name !== 'require' || call.receiver) return undefined;
  const info = moduleInfo(plainString(call.args[0]) ?? '');
  return info ? { info, ...(member ? { member } : {}) } : undefined;
}

/** Constructors and factories of connections, by library. */
const CONNECTION_FACTORIES: Partial<Record<Library, Set<string>>> = {
  pg: new Set(['Pool', 'Client', 'default', 'createPool', 'neon', 'createClient']),
  postgres: new Set(['default', 'postgres']),
  'pg-promise': new Set(['default']),
  mysql: new Set(['createPool', 'createConnection', 'createPoolCluster']),
  sqlite: new Set(['default', 'Database', 'DatabaseSync', 'open']),
  knex: new Set(['default', 'knex', 'Knex']),
  kysely: new Set(['Kysely']),
  prisma: new Set(['PrismaClient']),
};

const FACTORY_NAMES = new Set(Object.values(CONNECTION_FACTORIES).flatMap((names) => [...names]));

/**
 * `new Pool()`, `postgres(url)`, `new Database(file)`, `mysql.createPool(..)`,
 * `knex({ client: 'pg' })`, `require('knex')(config)`, `new Kysely({ dialect: new PostgresDialect(..) })`:
 * the library and dialect of the connection it makes.
 */
function createdConnection(value: Node, names: Map<string, Binding>): { library: Library; dialect?: Dialect } | undefined {
  let n = unwrap(value);
  if (n.type === 'await_expression' && n.namedChildren[0]) n = unwrap(n.namedChildren[0]);
  const callee = n.type === 'new_expression' ? n.childForFieldName('constructor') : n.type === 'call_expression' ? asCall(n)?.callee : undefined;
  if (!callee) return undefined;
  const args = n.childForFieldName('arguments')?.namedChildren ?? [];
  // require('knex')(config)
  if (callee.type === 'call_expression') {
    const required = requiredModule(callee);
    if (!required) return undefined;
    return withDialect(required.info.library, required.info.dialect, args[0]);
  }
  const parts = callee.text.split('.');
  const binding = names.get(parts[0]!);
  if (!binding) return undefined;
  const factory = parts.length > 1 ? parts[parts.length - 1]! : binding.imported;
  if (binding.imported === 'instance') return undefined;
  if (!CONNECTION_FACTORIES[binding.library]?.has(factory)) return undefined;
  return withDialect(binding.library, binding.dialect, args[0]);
}

function withDialect(library: Library, dialect: Dialect | undefined, config: Node | undefined): { library: Library; dialect?: Dialect } {
  const told = config ? configDialect(config) : undefined;
  const d = told ?? dialect;
  return { library, ...(d ? { dialect: d } : {}) };
}

/** `{ client: 'pg' }` (knex), `{ dialect: new PostgresDialect(..) }` (Kysely). */
export function configDialect(config: Node): Dialect | undefined {
  const object = unwrap(config);
  if (object.type !== 'object') return undefined;
  for (const pair of object.namedChildren) {
    if (pair.type !== 'pair') continue;
    const key = pair.childForFieldName('key')?.text.replace(/['"]/g, '');
    const value = pair.childForFieldName('value');
    if (!value) continue;
    if (key === 'client') {
      const client = plainString(value);
      if (client && Object.hasOwn(CLIENTS, client)) return CLIENTS[client];
    }
    if (key === 'dialect') {
      const v = unwrap(value);
      const cls = v.type === 'new_expression' ? v.childForFieldName('constructor')?.text : undefined;
      if (cls && Object.hasOwn(KYSELY_DIALECTS, cls)) return KYSELY_DIALECTS[cls];
    }
  }
  return undefined;
}

/** A dialect a call configures wherever it sits: `knex({ client })`, `new Kysely({ dialect })` in an export, redbean's `R.setup('sqlite')`. */
function configuredDialect(call: Node): Dialect | undefined {
  const c = asCall(call);
  if (!c) return undefined;
  if (c.name === 'setup' && c.receiver?.text === 'R') {
    const name = plainString(c.args[0]);
    return name && Object.hasOwn(CLIENTS, name) ? CLIENTS[name] : undefined;
  }
  if (c.name === 'knex' || c.name === 'Knex') return c.args[0] ? configDialect(c.args[0]) : undefined;
  return undefined;
}

export function kyselyDialectOf(newExpression: Node): Dialect | undefined {
  const args = newExpression.childForFieldName('arguments')?.namedChildren ?? [];
  return args[0] ? configDialect(args[0]) : undefined;
}
