/**
 * SQLAlchemy engines as pools (host/pools.ts): `create_engine(...)` and
 * `create_async_engine(...)` imported from SQLAlchemy (a project's own
 * function of the same name is not one), their pool arguments, the driver's
 * `connect_args`, the URL when the code writes it, and the `connect` event
 * listeners that set up each connection (SQLite pragmas).
 */
import {
  DRIVER_ARGUMENTS, type HostPool, type PoolSetting, type PoolSettingName, proxyNamedIn, SQLALCHEMY_ARGUMENTS, SQLALCHEMY_ENGINE_FACTORIES,
  SQLALCHEMY_MODULES, SQLITE_PRAGMAS, type SettingInsertion, UNPOOLED_CLASSES, urlFacts,
} from '../pools';
import { type Node, positionalArgs, spanOf, stringValue, unwrap } from './nodes';
import { literalText } from './sql-strings';
import { typedTextTest } from '../../last-text';

/** `timeout` in connect_args: sqlite3's lock wait, asyncpg's connect timeout. */
function timeoutSetting(pool: HostPool): PoolSettingName | undefined {
  return pool.dialect === 'sqlite' ? 'busyTimeout' : pool.driver === 'asyncpg' ? 'connectTimeout' : undefined;
}

/** Whether a text names an engine factory (a typed version is searched around the edit: `typedTextTest`). */
const namesEngineFactory = typedTextTest(new RegExp([...SQLALCHEMY_ENGINE_FACTORIES].join('|')), Math.max(...[...SQLALCHEMY_ENGINE_FACTORIES].map((name) => name.length)));

export function extractPythonPools(root: Node, text: string): HostPool[] {
  if (!namesEngineFactory(text)) return [];
  const names = sqlalchemyNames(root, text);
  const pools: HostPool[] = [];
  let hooks: ConnectHook[] | undefined;
  for (const call of root.descendantsOfType('call')) {
    const callee = call.childForFieldName('function');
    const factory = callee ? factoryOf(callee, names) : undefined;
    if (!callee || !factory) continue;
    hooks ??= connectHooks(root);
    const pool = enginePool(call, callee, text, hooks, names.imports);
    if (factory === 'create_async_engine') pool.asyncEngine = true;
    if (names.alembic) pool.runsMigrations = true;
    pools.push(pool);
  }
  return pools;
}

interface SqlalchemyNames {
  /** Local names of the engine factories → their SQLAlchemy names (`_create_async_engine` → `create_async_engine`). */
  factories: Map<string, string>;
  /** Local names of SQLAlchemy modules (`sa`, `sqlalchemy`, `engine` from `from sqlalchemy import engine`). */
  modules: Set<string>;
  /** The names the module's top-level imports take from SQLAlchemy, and the end of the last top-level import's line. */
  imports: HostPool['imports'];
  alembic: boolean;
}

function sqlalchemyNames(root: Node, text: string): SqlalchemyNames {
  const names: SqlalchemyNames = { factories: new Map(), modules: new Set(), imports: { names: [], at: 0 }, alembic: false };
  for (const statement of root.namedChildren) {
    if (statement.type !== 'import_statement' && statement.type !== 'import_from_statement' && statement.type !== 'future_import_statement') continue;
    const end = text.indexOf('\n', statement.endIndex);
    names.imports.at = end < 0 ? text.length : end + 1;
  }
  for (const statement of root.descendantsOfType(['import_statement', 'import_from_statement'])) {
    if (statement.type === 'import_statement') {
      for (const item of statement.namedChildren) {
        const module = item.type === 'aliased_import' ? item.childForFieldName('name')?.text : item.text;
        if (!module || !SQLALCHEMY_MODULES.has(module)) continue;
        names.modules.add(item.type === 'aliased_import' ? (item.childForFieldName('alias')?.text ?? module) : module);
      }
      continue;
    }
    const module = statement.childForFieldName('module_name')?.text;
    if (module === 'alembic') names.alembic = true;
    if (!module || !SQLALCHEMY_MODULES.has(module)) continue;
    const moduleNode = statement.childForFieldName('module_name');
    for (const item of statement.namedChildren) {
      if (!item || item.startIndex === moduleNode?.startIndex || (item.type !== 'dotted_name' && item.type !== 'aliased_import')) continue;
      const name = item.type === 'aliased_import' ? item.childForFieldName('name')?.text : item.text;
      const local = item.type === 'aliased_import' ? item.childForFieldName('alias')?.text : name;
      if (!name || !local) continue;
      if (statement.parent?.type === 'module') names.imports.names.push(local); // in scope everywhere
      if (SQLALCHEMY_ENGINE_FACTORIES.has(name)) names.factories.set(local, name);
      else if (SQLALCHEMY_MODULES.has(`${module}.${name}`)) names.modules.add(local);
    }
  }
  return names;
}

/** The SQLAlchemy factory a callee names (`create_engine`, `sa.create_async_engine`, an alias), if it names one. */
function factoryOf(callee: Node, names: SqlalchemyNames): string | undefined {
  if (callee.type === 'identifier') return names.factories.get(callee.text);
  if (callee.type !== 'attribute') return undefined;
  const attribute = callee.childForFieldName('attribute')?.text;
  const object = callee.childForFieldName('object')?.text;
  const fromModule = !!object && (names.modules.has(object) || SQLALCHEMY_MODULES.has(object));
  return attribute && SQLALCHEMY_ENGINE_FACTORIES.has(attribute) && fromModule ? attribute : undefined;
}

function enginePool(call: Node, callee: Node, text: string, hooks: ConnectHook[], imports: HostPool['imports']): HostPool {
  const args = call.childForFieldName('arguments');
  const pool: HostPool = {
    library: 'sqlalchemy',
    kind: 'pool',
    span: spanOf(call),
    anchor: spanOf(callee.type === 'attribute' ? callee.childForFieldName('attribute')! : callee),
    settings: {},
    opaque: false,
    pooled: true,
    imports,
  };
  const urlNode = positionalArgs(call)[0] ?? keywordValue(args, 'url');
  const url = urlNode ? literalText(unwrap(urlNode), '{}') : undefined;
  const facts = url !== undefined ? urlFacts(url) : undefined;
  if (url !== undefined && urlNode) pool.url = { value: url, span: spanOf(urlNode) };
  if (facts?.dialect) pool.dialect = facts.dialect;
  if (facts?.driver) pool.driver = facts.driver;
  for (const [name, value] of facts?.parameters ?? []) {
    const setting = DRIVER_ARGUMENTS[name];
    if (setting && urlNode) pool.settings[setting] = { span: spanOf(urlNode), value, ...numeric(value) };
  }
  for (const arg of args?.namedChildren ?? []) {
    if (arg.type === 'dictionary_splat' || arg.type === 'list_splat') pool.opaque = true;
    if (arg.type !== 'keyword_argument') continue;
    const name = arg.childForFieldName('name')?.text ?? '';
    const value = arg.childForFieldName('value');
    if (!value) continue;
    if (name === 'connect_args') {
      readConnectArgs(pool, value, text);
      continue;
    }
    const setting = SQLALCHEMY_ARGUMENTS[name];
    if (setting) pool.settings[setting] = { span: spanOf(arg), value: value.text, ...numeric(value.text) };
  }
  const poolClass = pool.settings.poolClass?.value.split('.').pop();
  if (poolClass && UNPOOLED_CLASSES.has(poolClass)) pool.pooled = false;
  if (facts?.inMemory) pool.inMemory = true;
  const insertion = afterLast(args?.namedChildren.filter((c) => c.type !== 'comment') ?? [], text, ', ');
  if (insertion) pool.insertion = insertion;
  const assignment = assignmentOf(call);
  const assigned = assignment?.childForFieldName('left')?.text;
  if (assigned) pool.assignedTo = assigned;
  if (assignment && isFunctionLocal(assignment)) pool.functionLocal = true;
  const statement = assignment?.parent?.type === 'expression_statement' ? assignment.parent : undefined;
  if (statement) pool.after = { at: statement.endIndex, indentation: text.slice(text.lastIndexOf('\n', statement.startIndex - 1) + 1, statement.startIndex) };
  const own = hooks.filter((h) => h.target === 'Engine' || (assigned !== undefined && (h.target === assigned || h.target === `${assigned}.sync_engine`)));
  for (const hook of own) readPragmas(pool, hook.body);
  // A URL written here tells where this engine connects; the file's words count only for a URL from elsewhere.
  const proxy = facts ? facts.proxy : proxyNamedIn(text);
  if (proxy) pool.proxyEvidence = proxy;
  return pool;
}

function keywordValue(args: Node | null, name: string): Node | undefined {
  const arg = args?.namedChildren.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name);
  return arg?.childForFieldName('value') ?? undefined;
}

function numeric(value: string): { number?: number } {
  return /^\d+(\.\d+)?$/.test(value) ? { number: Number(value) } : {};
}

/** `connect_args={"connect_timeout": 10, ...}`: the entries QueryLens knows; anything else leaves the arguments opaque. */
function readConnectArgs(pool: HostPool, value: Node, text: string): void {
  const dict = unwrap(value);
  if (dict.type !== 'dictionary') {
    pool.opaque = true;
    return;
  }
  const pairs = dict.namedChildren.filter((c) => c.type !== 'comment');
  for (const pair of pairs) {
    if (pair.type !== 'pair') {
      pool.opaque = true; // `**defaults`
      continue;
    }
    const key = stringValue(pair.childForFieldName('key'));
    const entry = pair.childForFieldName('value');
    const setting = key === 'timeout' ? timeoutSetting(pool) : key ? DRIVER_ARGUMENTS[key] : undefined;
    if (setting && entry) pool.settings[setting] = { span: spanOf(pair), value: entry.text, ...numeric(entry.text) } satisfies PoolSetting;
  }
  const insertion = afterLast(pairs, text, ', ');
  pool.connectArgsInsertion = insertion ?? { at: dict.startIndex + 1, before: '', separator: ', ' };
}

/**
 * After the last of `items` (arguments, dictionary entries): on one line `, x`;
 * one per line, after the last one's line (its trailing comma and comment
 * stay with it), `\n<their indentation>x,`.
 */
function afterLast(items: Node[], text: string, inline: string): SettingInsertion | undefined {
  const last = items[items.length - 1];
  if (!last) return undefined;
  const lineStart = text.lastIndexOf('\n', last.startIndex - 1) + 1;
  const indentation = text.slice(lineStart, last.startIndex);
  if (!/^[ \t]*$/.test(indentation)) return { at: last.endIndex, before: inline, separator: inline };
  const trailing = /^[ \t]*,[ \t]*(#[^\n]*)?(?=\n)/.exec(text.slice(last.endIndex));
  if (trailing) return { at: last.endIndex + trailing[0].length, before: `\n${indentation}`, separator: `,\n${indentation}`, after: ',' };
  return { at: last.endIndex, before: `,\n${indentation}`, separator: `,\n${indentation}` };
}

/** The assignment `engine = create_engine(...)` / `self.engine = ...` the call is the value of. */
function assignmentOf(call: Node): Node | undefined {
  let node: Node = call;
  while (node.parent && (node.parent.type === 'await' || node.parent.type === 'parenthesized_expression')) node = node.parent;
  const parent = node.parent;
  return parent?.type === 'assignment' && parent.childForFieldName('right')?.id === node.id ? parent : undefined;
}

/**
 * `engine = ...` in a function that does not hand the name on: no `return` /
 * `yield` mentioning it (`return sessionmaker(bind=engine)` keeps it alive),
 * no `self.x = ... engine ...`, no `global engine`.
 */
function isFunctionLocal(assignment: Node): boolean {
  const left = assignment.childForFieldName('left');
  if (left?.type !== 'identifier') return false;
  let fn = assignment.parent;
  while (fn && fn.type !== 'function_definition') fn = fn.parent;
  const body = fn?.childForFieldName('body');
  if (!body) return false;
  const mentions = (n: Node | null | undefined) => !!n && (n.text === left.text || n.descendantsOfType('identifier').some((i) => i.text === left.text));
  for (const n of body.descendantsOfType(['return_statement', 'yield', 'global_statement', 'nonlocal_statement', 'assignment'])) {
    if (n.type !== 'assignment') {
      if (mentions(n)) return false;
      continue;
    }
    const target = n.childForFieldName('left');
    if ((target?.type === 'attribute' || target?.type === 'subscript') && mentions(n.childForFieldName('right'))) return false;
  }
  return true;
}

/** A `connect` event listener: the engine expression it hooks and the function (or call) that runs per connection. */
interface ConnectHook {
  target: string;
  body: Node;
}

/**
 * `@event.listens_for(engine, "connect")` functions and `event.listen(engine, "connect", fn)`
 * calls: the engine expression they hook and the listener.
 */
function connectHooks(root: Node): ConnectHook[] {
  const hooks: ConnectHook[] = [];
  const functions = new Map(root.descendantsOfType('function_definition').map((f) => [f.childForFieldName('name')?.text ?? '', f]));
  for (const call of root.descendantsOfType('call')) {
    const callee = call.childForFieldName('function');
    const name = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : callee?.text;
    if (name !== 'listens_for' && name !== 'listen') continue;
    const [target, event, listener] = positionalArgs(call);
    if (!target || stringValue(event) !== 'connect') continue;
    const decorated = call.parent?.type === 'decorator' ? call.parent.parent : undefined;
    const body = name === 'listens_for' ? decorated : listener && functions.get(listener.text);
    hooks.push({ target: target.text.replace(/^\w+\.(?=Engine$)/, ''), body: body ?? call });
  }
  return hooks;
}

/** The `PRAGMA name = value` strings a connect listener runs, as the pool's SQLite settings. */
function readPragmas(pool: HostPool, body: Node): void {
  for (const literal of body.descendantsOfType('string')) {
    const pragma = /^\s*PRAGMA\s+(\w+)\s*=\s*'?(\w+)/i.exec(stringValue(literal) ?? '');
    const setting = pragma ? SQLITE_PRAGMAS[pragma[1]!.toLowerCase()] : undefined;
    if (setting) pool.settings[setting] = { span: spanOf(literal), value: pragma![2]!, ...numeric(pragma![2]!) };
  }
}
