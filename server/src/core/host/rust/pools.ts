/**
 * sqlx pools and connect options as pools (host/pools.ts): the builder chain
 * from `PgPoolOptions::new()` / `SqliteConnectOptions::from_str(url)?` through
 * its calls (`.max_connections(20)`, `.journal_mode(..)`, `.pragma(..)`) to
 * `.connect(url)` / `.connect_with(options)`, read from the syntax tree.
 * tokio-postgres pools the same way: deadpool-postgres `Pool::builder(manager)`
 * chains and `PoolConfig::new(n)` (in `Config { pool: Some(..) }`), bb8
 * `Pool::builder().max_size(n)...build(manager)` chains.
 */
import {
  BB8_METHODS, DEADPOOL_METHODS, DRIVER_ARGUMENTS, type HostPool, type PoolLibrary, type PoolSetting, type PoolSettingName, proxyNamedIn, SQLITE_PRAGMAS, SQLX_METHODS,
  SQLX_POOL_CONNECTS, SQLX_POOL_TYPES, SQLX_POOLS, TOKIO_POSTGRES_POOLS, urlFacts,
} from '../pools';
import { decodeStringLiteral, isStringLiteral } from './strings';
import { asMethodCall, enclosingMethodCall, pathName, spanOf, unwrapExpression, type Node } from './syntax';

/** Calls that take the options out of `from_str`'s Result. */
const RESULT_UNWRAPS = new Set(['unwrap', 'expect', 'unwrap_or_default']);

/** Chain ends that take the URL. */
const CONNECTS = new Set(['connect', 'connect_lazy']);

/** The pools built from `calls` (the file's call expressions); `imports`: what the file's top-level `use`s import from sqlx. */
export function extractRustPools(calls: Node[], text: string, imports: HostPool['imports']): HostPool[] {
  const pools: HostPool[] = [];
  const tokio = (['deadpool', 'bb8'] as const).filter((library) => TOKIO_POSTGRES_POOLS[library].crate.test(text));
  for (const call of calls) {
    const callee = call.childForFieldName('function');
    const literal = tokio.includes('deadpool') ? configLiteral(call) : undefined;
    if (literal) pools.push(deadpoolConfigPool(literal, literal.childForFieldName('name')!, text, imports));
    if (callee?.type !== 'scoped_identifier') continue;
    const path = pathName(callee.childForFieldName('path'));
    const type = path?.name;
    const name = callee.childForFieldName('name')?.text ?? '';
    const known =
      type === undefined ? undefined
      : Object.hasOwn(SQLX_POOL_TYPES, type) ? SQLX_POOL_TYPES[type]
      : Object.hasOwn(SQLX_POOLS, type) && SQLX_POOL_CONNECTS.has(name) ? { dialect: SQLX_POOLS[type]!, kind: 'pool' as const }
      : undefined;
    if (known) {
      pools.push(builderPool(call, callee, known, text, imports, 'sqlx'));
      continue;
    }
    const args = argumentsOf(call).length;
    const modules = path?.qualifier?.split('::');
    const library = tokio.find((l) => {
      const { builders, modules: own } = TOKIO_POSTGRES_POOLS[l];
      return builders.some((b) => b.type === type && b.name === name && b.args === args) && (!modules || modules.some((m) => own.includes(m)));
    });
    if (library) pools.push(builderPool(call, callee, { dialect: 'postgres', kind: 'pool' }, text, imports, library));
    else if (tokio.includes('deadpool') && type === 'PoolConfig' && name === 'new' && !isBuilderConfig(call) && !inConfigLiteral(call)) pools.push(deadpoolConfigPool(call, callee, text, imports));
  }
  return pools;
}

/** `Some(PoolConfig { .. })` as a field of a struct literal (`deadpool_postgres::Config { pool: Some(..) }`): the PoolConfig literal. */
function configLiteral(call: Node): Node | undefined {
  if (call.childForFieldName('function')?.text !== 'Some' || call.parent?.type !== 'field_initializer') return undefined;
  const arg = argumentsOf(call)[0];
  return arg?.type === 'struct_expression' && /(^|::)PoolConfig$/.test(arg.childForFieldName('name')?.text ?? '') ? arg : undefined;
}

/** `..PoolConfig::new(8)` inside such a literal: read with it. */
function inConfigLiteral(call: Node): boolean {
  const literal = call.parent?.type === 'base_field_initializer' ? call.parent.parent?.parent : undefined;
  const holder = literal?.parent?.type === 'arguments' ? literal.parent.parent : undefined;
  return holder !== undefined && holder !== null && configLiteral(holder) !== undefined;
}

/** `PoolConfig::new(n)` as the argument of a builder's `.config(..)`: the chain reads it. */
function isBuilderConfig(call: Node): boolean {
  return call.parent?.type === 'arguments' && asMethodCall(call.parent.parent)?.name === 'config';
}

/**
 * deadpool's pool configuration outside a builder chain: `Config { pool: Some(PoolConfig::new(16)), .. }`
 * (no timeouts), `Config { pool: Some(PoolConfig { max_size: 16, timeouts: .., ..PoolConfig::new(16) }) }`
 * (its fields read), or `PoolConfig::new(n)` kept in a variable (opaque: its timeouts may be set later).
 */
function deadpoolConfigPool(value: Node, anchor: Node, text: string, imports: HostPool['imports']): HostPool {
  const pool = newPool('deadpool', { dialect: 'postgres', kind: 'pool' }, value, anchor, imports);
  readDeadpoolConfig(pool, value);
  const holder = value.parent?.type === 'arguments' ? value.parent.parent : undefined; // Some(..)
  const direct = holder?.type === 'call_expression' && holder.childForFieldName('function')?.text === 'Some' && holder.parent?.type === 'field_initializer';
  if (!direct) pool.opaque = true;
  const proxy = proxyNamedIn(text);
  if (proxy) pool.proxyEvidence = proxy;
  return pool;
}

function newPool(library: PoolLibrary, known: (typeof SQLX_POOL_TYPES)[string], constructor: Node, callee: Node, imports: HostPool['imports']): HostPool {
  return { library, kind: known.kind, span: spanOf(constructor), anchor: spanOf(callee), dialect: known.dialect, settings: {}, opaque: false, pooled: true, imports };
}

/**
 * A deadpool `PoolConfig` or `Timeouts` value: `PoolConfig::new(16)` (16, no timeouts),
 * `PoolConfig { max_size: 16, timeouts: Timeouts { wait: Some(..), .. }, .. }`,
 * `Timeouts::wait_millis(5000)`; a value the code does not show (a variable) may set anything.
 */
function readDeadpoolConfig(pool: HostPool, node: Node): void {
  const value = unwrapExpression(node);
  const text = value.text.replace(/\s+/g, '');
  if (/^(Some\()?(deadpool_postgres::)?(PoolConfig|Timeouts)::(new|default)\(\)\)?$|^(Default::default\(\)|None)$/.test(text)) return;
  if (value.type === 'call_expression') {
    const callee = value.childForFieldName('function');
    const args = argumentsOf(value);
    const name = callee?.type === 'scoped_identifier' ? `${pathName(callee.childForFieldName('path'))?.name}::${callee.childForFieldName('name')?.text}` : callee?.text;
    if (name === 'Some' && args[0]) return readDeadpoolConfig(pool, args[0]);
    if (name === 'PoolConfig::new' && args[0]) return setFrom(pool, 'max', args[0], args[0]);
    if (name === 'Timeouts::wait_millis' && args[0]) return setFrom(pool, 'acquireTimeout', args[0], args[0]);
  }
  if (value.type === 'struct_expression') {
    for (const field of value.childForFieldName('body')?.namedChildren ?? []) {
      if (field.type === 'base_field_initializer') {
        if (field.namedChildren[0]) readDeadpoolConfig(pool, field.namedChildren[0]);
        continue;
      }
      const key = field.type === 'field_initializer' ? field.childForFieldName('field')?.text : field.type === 'shorthand_field_initializer' ? field.text : undefined;
      const fieldValue = field.type === 'field_initializer' ? field.childForFieldName('value') : field;
      if (!key || !fieldValue) continue;
      if (key === 'timeouts') readDeadpoolConfig(pool, fieldValue);
      else if (Object.hasOwn(DEADPOOL_METHODS, key) && fieldValue.text !== 'None') setFrom(pool, DEADPOOL_METHODS[key]!, field, fieldValue);
    }
    return;
  }
  // A variable or a call the code does not show: it may set the timeouts and the size.
  pool.opaque = true;
}

function setFrom(pool: HostPool, setting: PoolSettingName, where: Node, value: Node): void {
  pool.settings[setting] = { span: spanOf(where), value: value.text, ...numeric(value.text) };
}

function builderPool(constructor: Node, callee: Node, known: (typeof SQLX_POOL_TYPES)[string], text: string, imports: HostPool['imports'], library: PoolLibrary): HostPool {
  const pool = newPool(library, known, constructor, callee, imports);
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
    const field = spanOf(method.call.childForFieldName('function')!.childForFieldName('field')!);
    if (library === 'sqlx') readCall(pool, method.name, method.args, field, method.call);
    else readTokioCall(pool, method.name, method.args, field, method.call);
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

/** `20`, `20u32`, `Some(5)`: the number. */
function numeric(value: string): { number?: number } {
  const digits = /^(?:Some\()?(\d+)(?:_?u(?:8|16|32|64|size))?\)?$/.exec(value.trim());
  return digits ? { number: Number(digits[1]) } : {};
}

/** One deadpool / bb8 builder call. */
function readTokioCall(pool: HostPool, name: string, args: Node[], field: { start: number }, call: Node): void {
  const span = { start: field.start - 1, end: call.endIndex };
  if (pool.library === 'deadpool' && (name === 'config' || name === 'timeouts')) {
    if (args[0]) readDeadpoolConfig(pool, args[0]);
    return;
  }
  const setting = (pool.library === 'deadpool' ? DEADPOOL_METHODS : BB8_METHODS)[name];
  const value = args[0]?.text ?? '';
  if (!setting || value === 'None') return;
  pool.settings[setting] = { span, value, ...numeric(value) };
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
