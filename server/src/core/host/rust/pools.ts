/**
 * sqlx pools and connect options as pools (host/pools.ts): the builder chain
 * from `PgPoolOptions::new()` / `SqliteConnectOptions::from_str(url)?` through
 * its calls (`.max_connections(20)`, `.journal_mode(..)`, `.pragma(..)`) to
 * `.connect(url)` / `.connect_with(options)`, read from the syntax tree.
 */
import {
  DRIVER_ARGUMENTS, type HostPool, type PoolSetting, proxyNamedIn, SQLITE_PRAGMAS, SQLX_METHODS, SQLX_POOL_CONNECTS, SQLX_POOL_TYPES, SQLX_POOLS, urlFacts,
} from '../pools';
import { decodeStringLiteral, isStringLiteral } from './strings';
import { enclosingMethodCall, pathName, spanOf, unwrapExpression, type Node } from './syntax';

/** Calls that take the options out of `from_str`'s Result. */
const RESULT_UNWRAPS = new Set(['unwrap', 'expect', 'unwrap_or_default']);

/** Chain ends that take the URL. */
const CONNECTS = new Set(['connect', 'connect_lazy']);

/** The pools built from `calls` (the file's call expressions); `imports`: what the file's top-level `use`s import from sqlx. */
export function extractRustPools(calls: Node[], text: string, imports: HostPool['imports']): HostPool[] {
  const pools: HostPool[] = [];
  for (const call of calls) {
    const callee = call.childForFieldName('function');
    if (callee?.type !== 'scoped_identifier') continue;
    const type = pathName(callee.childForFieldName('path'))?.name;
    const name = callee.childForFieldName('name')?.text ?? '';
    const known =
      type === undefined ? undefined
      : Object.hasOwn(SQLX_POOL_TYPES, type) ? SQLX_POOL_TYPES[type]
      : Object.hasOwn(SQLX_POOLS, type) && SQLX_POOL_CONNECTS.has(name) ? { dialect: SQLX_POOLS[type]!, kind: 'pool' as const }
      : undefined;
    if (!known) continue;
    pools.push(builderPool(call, callee, known, text, imports));
  }
  return pools;
}

function builderPool(constructor: Node, callee: Node, known: (typeof SQLX_POOL_TYPES)[string], text: string, imports: HostPool['imports']): HostPool {
  const pool: HostPool = {
    library: 'sqlx',
    kind: known.kind,
    span: spanOf(constructor),
    anchor: spanOf(callee),
    dialect: known.dialect,
    settings: {},
    opaque: false,
    pooled: true,
    imports,
  };
  const readUrl = (arg: Node | undefined) => {
    const literal = arg && unwrapExpression(arg);
    if (!literal || !isStringLiteral(literal)) return;
    const value = decodeStringLiteral(literal).text;
    const facts = urlFacts(value);
    pool.url = { value, span: spanOf(literal) };
    if (facts.inMemory) pool.inMemory = true;
    if (facts.proxy) pool.proxyEvidence = facts.proxy;
    for (const [name, v] of facts.parameters) {
      const setting = DRIVER_ARGUMENTS[name];
      if (setting) pool.settings[setting] = { span: spanOf(literal), value: v, ...numeric(v) };
    }
  };
  readUrl(argumentsOf(constructor)[0]);
  // New builder calls go right after the constructor and what unwraps its Result (`?`, `.unwrap()`, `.expect(..)`).
  let node = constructor;
  let afterConstructor = node.endIndex;
  let firstCall: Node | undefined;
  for (;;) {
    const parent = node.parent;
    if (parent && (parent.type === 'try_expression' || parent.type === 'await_expression')) {
      node = parent;
      if (!firstCall) afterConstructor = node.endIndex;
      continue;
    }
    const method = enclosingMethodCall(node);
    if (!method) break;
    if (!firstCall && RESULT_UNWRAPS.has(method.name)) {
      node = method.call;
      afterConstructor = node.endIndex;
      continue;
    }
    firstCall ??= method.call;
    readCall(pool, method.name, method.args, spanOf(method.call.childForFieldName('function')!.childForFieldName('field')!), method.call);
    if (CONNECTS.has(method.name)) readUrl(method.args[0]);
    node = method.call;
  }
  pool.span = { start: constructor.startIndex, end: node.endIndex };
  pool.insertion = builderInsertion(text, afterConstructor, firstCall);
  if (!pool.url) {
    const proxy = proxyNamedIn(text);
    if (proxy) pool.proxyEvidence = proxy;
  }
  return pool;
}

function argumentsOf(call: Node): Node[] {
  return call.childForFieldName('arguments')?.namedChildren.filter((n) => !n.type.endsWith('comment')) ?? [];
}

function numeric(value: string): { number?: number } {
  return /^\d+$/.test(value) ? { number: Number(value) } : {};
}

/** One builder call: its setting, from `.name(value)` to the end of the call. */
function readCall(pool: HostPool, name: string, args: Node[], field: { start: number }, call: Node): void {
  const span = { start: field.start - 1, end: call.endIndex }; // from the `.`
  if (name === 'pragma') {
    const key = args[0] && isStringLiteral(args[0]) ? decodeStringLiteral(args[0]).text.toLowerCase() : undefined;
    const setting = key ? SQLITE_PRAGMAS[key] : undefined;
    const second: Node | undefined = args[1];
    const value = second === undefined ? '' : second.type.includes('string') ? decodeStringLiteral(second).text : second.text;
    if (setting) pool.settings[setting] = { span, value, ...numeric(value) } satisfies PoolSetting;
    return;
  }
  if (name === 'filename' && args[0] && isStringLiteral(args[0]) && decodeStringLiteral(args[0]).text === ':memory:') pool.inMemory = true;
  if (name === 'in_memory' && args[0]?.text === 'true') pool.inMemory = true;
  const setting = SQLX_METHODS[name];
  if (!setting) return;
  if (setting === 'readOnly' && args[0]?.text !== 'true') return;
  const value = args[0]?.text ?? '';
  pool.settings[setting] = { span, value, ...numeric(value) };
}

/** Right after the constructor: on the chain's own line, or on a new line indented like the chain's first call. */
function builderInsertion(text: string, at: number, firstCall: Node | undefined): HostPool['insertion'] {
  const field = firstCall?.childForFieldName('function');
  const dot = field ? text.indexOf('.', at) : -1;
  const between = dot >= 0 ? text.slice(at, dot) : '';
  const separator = between.includes('\n') ? `\n${between.slice(between.lastIndexOf('\n') + 1)}` : '';
  return { at, before: separator, separator };
}
