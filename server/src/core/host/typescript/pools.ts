/**
 * Connection pools configured in TypeScript / JavaScript, as pools
 * (host/pools.ts) for the pool rules and the Pool tab:
 *
 * - node-postgres `new Pool({ max, idleTimeoutMillis, connectionTimeoutMillis, statement_timeout })`
 *   (`pg.Pool`, `require('pg').Pool`, Neon's Pool);
 * - postgres.js `postgres(url, { max, idle_timeout, connect_timeout, prepare })`;
 * - knex `knex({ client, connection, pool: { min, max }, acquireConnectionTimeout })`
 *   and each environment of a knexfile (`{ development: { client, pool }, ... }`);
 * - mysql2 `createPool({ connectionLimit, connectTimeout })`.
 *
 * The options object may be written in the call or held by a `const` of the
 * file; a spread (`...base`) or an options value the file does not show
 * leaves the pool opaque (an absent setting may be set there).
 */
import * as path from 'node:path';
import type { Dialect } from '../../../../../shared/types';
import {
  type HostPool, KNEX_POOL_OPTIONS, MYSQL2_OPTIONS, NODE_POSTGRES_OPTIONS, type PoolLibrary, type PoolSettingName, POSTGRES_JS_OPTIONS,
  proxyNamedIn, type SettingInsertion, urlFacts,
} from '../pools';
import { configDialect, type FileLibraries, type Library } from './libraries';
import { asCall, calleeOf, FUNCTIONS, type Node, plainString, spanOf, unwrap } from './syntax';

type ConstValue = (name: string, at: Node) => Node | undefined;

/** The libraries whose pools are read. */
const POOLING: Library[] = ['pg', 'postgres', 'knex', 'mysql'];

/** A knexfile: its object literals with a `client` are knex configurations, one per environment. */
const KNEXFILE = /^knexfile\.[cm]?[jt]s$/;

export function isKnexfile(file: string): boolean {
  return KNEXFILE.test(path.basename(file));
}

/** The pools the file configures. Never throws on odd code: an unknown shape is no pool. */
export function extractTypeScriptPools(root: Node, text: string, file: string, libraries: FileLibraries, constValue: ConstValue): HostPool[] {
  const knexfile = isKnexfile(file);
  // Most files make no pool: only those that import a pooling library (or call `require('knex')(..)` inline) are walked.
  if (!knexfile && !POOLING.some((l) => libraries.libraries.has(l)) && !/\brequire\s*\(\s*['"](?:knex|postgres)['"]\s*\)\s*\(/.test(text)) return [];
  const pools: HostPool[] = [];
  const used = new Set<number>();
  for (const node of poolCandidates(root, libraries, knexfile)) {
    const found = poolCall(node, libraries);
    if (!found) continue;
    const pool = readPool(node, found, text, constValue);
    if (!pool) continue;
    if (pool.config) used.add(pool.config.id);
    pools.push(pool.pool);
  }
  if (knexfile) {
    for (const object of root.descendantsOfType('object')) {
      if (used.has(object.id) || !pairOf(object, 'client')) continue;
      pools.push(knexfilePool(object, text));
    }
  }
  return pools.sort((a, b) => a.span.start - b.span.start);
}

const CALLS = ['new_expression', 'call_expression'];

/**
 * The calls that may make a pool: in a knexfile every one; elsewhere those of
 * the top-level statements that name a binding of a pool library or call
 * `require` (a pool call's callee starts with one of them), so that typing in
 * a large file does not read its thousands of other calls again.
 */
function poolCandidates(root: Node, libraries: FileLibraries, knexfile: boolean): Node[] {
  if (knexfile) return root.descendantsOfType(CALLS);
  const names = [...libraries.names].filter(([, binding]) => binding.imported !== 'instance').map(([name]) => name);
  names.push('require');
  const out: Node[] = [];
  for (const statement of root.children) {
    const text = statement.text;
    if (names.some((name) => text.includes(name))) out.push(...statement.descendantsOfType(CALLS));
  }
  return out;
}

interface PoolCall {
  library: PoolLibrary;
  /** The constructor or factory as written: where findings point. */
  anchor: Node;
  args: Node[];
}

/** `new Pool(..)`, `postgres(..)`, `knex(..)`, `mysql.createPool(..)`: the library whose pool the node makes. */
function poolCall(node: Node, libraries: FileLibraries): PoolCall | undefined {
  const isNew = node.type === 'new_expression';
  const callee = isNew ? node.childForFieldName('constructor') : calleeOf(node)?.callee;
  if (!callee) return undefined;
  // The arguments are read only for a call that makes a pool: a file holds thousands of other calls.
  const args = () => node.childForFieldName('arguments')?.namedChildren.filter((a) => a.type !== 'comment') ?? [];
  const anchor = isNew ? node : callee;
  // require('knex')({...}) / require('postgres')(url)
  if (!isNew && callee.type === 'call_expression') {
    const required = asCall(callee);
    const module = required?.name === 'require' && !required.receiver ? plainString(required.args[0]) : undefined;
    if (module === 'knex') return { library: 'knex', anchor: callee, args: args() };
    if (module === 'postgres') return { library: 'postgres.js', anchor: callee, args: args() };
    return undefined;
  }
  const called = unwrap(callee);
  // `name.member` names a binding only when `name` is a plain identifier (`a.b.c`, `f().x`, `this.x` never do).
  if (called.type === 'member_expression') {
    const object = called.childForFieldName('object');
    if (object?.type !== 'identifier' || !libraries.names.has(object.text)) return undefined;
  }
  const text = called.text;
  const dot = text.indexOf('.');
  const binding = libraries.names.get(dot < 0 ? text : text.slice(0, dot));
  if (!binding || binding.imported === 'instance') return undefined;
  const parts = text.split('.');
  if (parts.length > 2) return undefined;
  const name = parts.length === 2 ? parts[1]! : binding.imported;
  const as = (library: PoolLibrary): PoolCall => ({ library, anchor, args: args() });
  switch (binding.library) {
    case 'pg':
      return isNew && name === 'Pool' ? as('node-postgres') : undefined;
    case 'postgres':
      return !isNew && (name === 'default' || name === 'postgres') ? as('postgres.js') : undefined;
    case 'knex':
      return !isNew && (name === 'default' || name === 'knex' || name === 'Knex') ? as('knex') : undefined;
    case 'mysql':
      return !isNew && name === 'createPool' ? as('mysql2') : undefined;
    default:
      return undefined;
  }
}

/** The anchor of a `new Pool(..)`: `new Pool` (what findings underline), without the arguments. */
function anchorSpan(call: PoolCall): { start: number; end: number } {
  if (call.anchor.type === 'new_expression') {
    const constructor = call.anchor.childForFieldName('constructor')!;
    return { start: call.anchor.startIndex, end: constructor.endIndex };
  }
  return spanOf(call.anchor);
}

function readPool(node: Node, call: PoolCall, text: string, constValue: ConstValue): { pool: HostPool; config?: Node } | undefined {
  const pool: HostPool = {
    library: call.library,
    kind: 'pool',
    span: spanOf(node),
    anchor: anchorSpan(call),
    settings: {},
    opaque: false,
    pooled: true,
    imports: { names: [], at: 0 },
  };
  let [first, second] = call.args;
  // postgres.js: postgres(url, options) or postgres(options); the others take one options object (or a URL string).
  let urlNode: Node | undefined;
  if (first && plainString(first) !== undefined) {
    urlNode = first;
    first = second;
  } else if (call.library === 'postgres.js' && first && unwrap(first).type !== 'object' && second) {
    pool.opaque = true; // a URL from elsewhere: the options follow it
    first = second;
  }
  let config: Node | undefined;
  if (first) {
    const value = unwrap(first);
    config = value.type === 'object' ? value : value.type === 'identifier' ? objectOf(constValue(value.text, node)) : undefined;
    if (!config) pool.opaque = true;
  }
  const options = call.library === 'node-postgres' ? NODE_POSTGRES_OPTIONS : call.library === 'postgres.js' ? POSTGRES_JS_OPTIONS : call.library === 'mysql2' ? MYSQL2_OPTIONS : KNEX_POOL_OPTIONS;
  if (config) {
    readOptions(pool, config, options, text);
    if (call.library === 'knex') readKnex(pool, config, text);
    else {
      urlNode ??= stringPair(config, call.library === 'mysql2' ? 'uri' : 'connectionString');
      if (!pool.opaque) {
        const insertion = objectInsertion(config, text);
        if (insertion) pool.insertion = insertion;
      }
    }
  } else if (!first && call.library !== 'knex') {
    // `new Pool()`: the options object the fix writes.
    const args = node.childForFieldName('arguments');
    if (args && call.library === 'node-postgres' && args.namedChildren.length === 0) pool.insertion = { at: args.startIndex + 1, before: '{ ', separator: ', ', after: ' }' };
  }
  if (call.library === 'knex' && !config) pool.opaque = true;
  const dialect: Dialect | undefined = call.library === 'node-postgres' || call.library === 'postgres.js' ? 'postgres' : call.library === 'mysql2' ? 'mysql' : config ? configDialect(config) : undefined;
  if (dialect) pool.dialect = dialect;
  if (!pool.url) setUrl(pool, urlNode, text);
  if (isFunctionLocal(node)) pool.functionLocal = true;
  return { pool, ...(config ? { config } : {}) };
}

/** A knexfile environment (`production: { client: 'pg', pool: { min, max } }`) or a knexfile's only configuration. */
function knexfilePool(object: Node, text: string): HostPool {
  const pair = object.parent?.type === 'pair' ? object.parent : undefined;
  const env = pair ? (plainString(pair.childForFieldName('key')) ?? pair.childForFieldName('key')?.text) : undefined;
  const anchor = pair?.childForFieldName('key') ?? pairOf(object, 'client')!;
  const pool: HostPool = {
    library: 'knex',
    kind: 'pool',
    span: spanOf(object),
    anchor: spanOf(anchor),
    label: env ? `knexfile ${env}` : 'knexfile',
    ...(env ? { environment: env } : {}),
    settings: {},
    opaque: false,
    pooled: true,
    imports: { names: [], at: 0 },
  };
  const dialect = configDialect(object);
  if (dialect) pool.dialect = dialect;
  readKnex(pool, object, text);
  return pool;
}

/** knex's configuration: its `pool: {...}` (tarn's options), `acquireConnectionTimeout`, and the URL of `connection`. */
function readKnex(pool: HostPool, config: Node, text: string): void {
  readOptions(pool, config, { acquireConnectionTimeout: 'acquireTimeout' }, text);
  const poolPair = pairOf(config, 'pool');
  const poolValue = poolPair?.childForFieldName('value');
  const poolObject = poolValue ? unwrap(poolValue) : undefined;
  if (poolObject?.type === 'object') {
    readOptions(pool, poolObject, KNEX_POOL_OPTIONS, text);
    if (!pool.opaque) {
      const insertion = objectInsertion(poolObject, text);
      if (insertion) pool.insertion = insertion;
    }
  } else if (poolPair) pool.opaque = true;
  else {
    const insertion = objectInsertion(config, text);
    if (insertion && !pool.opaque) pool.insertion = { ...insertion, before: `${insertion.before}pool: { `, after: ` }${insertion.after ?? ''}` };
  }
  const connection = pairOf(config, 'connection')?.childForFieldName('value');
  const misplaced = connection && unwrap(connection).type === 'object' ? pairOf(unwrap(connection), 'pool') : undefined;
  if (misplaced) {
    const insertion = poolPair ? undefined : objectInsertion(config, text);
    pool.misplacedPool = { span: spanOf(misplaced), removal: entryRemoval(misplaced, text), ...(insertion ? { insertion } : {}) };
  }
  if (connection) {
    const value = unwrap(connection);
    const url = plainString(value) !== undefined ? value : value.type === 'object' ? stringPair(value, 'connectionString') : undefined;
    if (url) setUrl(pool, url, text);
  }
}

function setUrl(pool: HostPool, urlNode: Node | undefined, text: string): void {
  const url = urlNode ? plainString(urlNode) : undefined;
  const facts = url !== undefined ? urlFacts(url) : undefined;
  if (url !== undefined && urlNode) pool.url = { value: url, span: spanOf(urlNode) };
  if (facts?.inMemory) pool.inMemory = true;
  // A URL written here tells where this pool connects; the file's words count only for a URL from elsewhere.
  const proxy = facts ? facts.proxy : proxyNamedIn(text);
  if (proxy) pool.proxyEvidence = proxy;
}

/** The options of `object` the library knows, as settings; a spread makes the pool opaque. */
function readOptions(pool: HostPool, object: Node, options: Record<string, PoolSettingName>, text: string): void {
  for (const item of object.namedChildren) {
    if (item.type === 'spread_element') pool.opaque = true;
    if (item.type !== 'pair' && item.type !== 'shorthand_property_identifier') continue;
    const key = item.type === 'pair' ? keyOf(item) : item.text;
    if (!key || !Object.hasOwn(options, key)) continue;
    const value = item.type === 'pair' ? item.childForFieldName('value') : item;
    if (!value) continue;
    const written = text.slice(value.startIndex, value.endIndex);
    const number = numberOf(value);
    pool.settings[options[key]!] = { span: spanOf(item), value: written, ...(number !== undefined ? { number } : {}) };
  }
}

/** `10`, `10_000`, `30 * 1000`: the number a literal expression is. */
function numberOf(node: Node): number | undefined {
  const n = unwrap(node);
  if (n.type === 'number') {
    const value = Number(n.text.replace(/_/g, ''));
    return Number.isFinite(value) ? value : undefined;
  }
  if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '*') {
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    const a = left ? numberOf(left) : undefined;
    const b = right ? numberOf(right) : undefined;
    return a !== undefined && b !== undefined ? a * b : undefined;
  }
  return undefined;
}

function keyOf(pair: Node): string | undefined {
  const key = pair.childForFieldName('key');
  if (!key) return undefined;
  return key.type === 'property_identifier' ? key.text : plainString(key);
}

function pairOf(object: Node, key: string): Node | undefined {
  return object.namedChildren.find((c) => c.type === 'pair' && keyOf(c) === key);
}

/** The string literal a pair of `object` holds (`connectionString: 'postgres://..'`). */
function stringPair(object: Node, key: string): Node | undefined {
  const value = pairOf(object, key)?.childForFieldName('value');
  return value && plainString(value) !== undefined ? value : undefined;
}

function objectOf(node: Node | undefined): Node | undefined {
  const value = node ? unwrap(node) : undefined;
  return value?.type === 'object' ? value : undefined;
}

/** An object entry with the separator that goes with it: the comma before it when it is the last entry, else the one after it. */
function entryRemoval(entry: Node, text: string): { start: number; end: number } {
  const items = entry.parent!.namedChildren.filter((c) => c.type !== 'comment');
  const index = items.findIndex((c) => c.id === entry.id);
  const next = items[index + 1];
  if (next) return { start: entry.startIndex, end: next.startIndex };
  const previous = items[index - 1];
  const close = entry.parent!.endIndex - 1;
  // The last one: from the end of the previous entry, its comma and a trailing comma of this one included.
  return { start: previous ? previous.endIndex : entry.startIndex, end: /^\s*,/.test(text.slice(entry.endIndex, close)) ? entry.endIndex + text.slice(entry.endIndex, close).indexOf(',') + 1 : entry.endIndex };
}

/**
 * Where a new option goes in an object literal: after its last entry (`, max: 20` on one line;
 * a new line with the entries' indentation when they are written one per line), or inside `{}`.
 */
export function objectInsertion(object: Node, text: string): SettingInsertion | undefined {
  const items = object.namedChildren.filter((c) => c.type !== 'comment');
  const last = items[items.length - 1];
  if (!last) return { at: object.startIndex + 1, before: ' ', separator: ', ', after: ' ' };
  const close = object.endIndex - 1;
  const between = text.slice(last.endIndex, close);
  const trailingComma = /^\s*,/.test(between);
  if (!text.slice(object.startIndex, object.endIndex).includes('\n')) {
    return trailingComma ? { at: last.endIndex + between.indexOf(',') + 1, before: ' ', separator: ', ', after: ',' } : { at: last.endIndex, before: ', ', separator: ', ' };
  }
  const lineStart = text.lastIndexOf('\n', last.startIndex - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  if (trailingComma) return { at: last.endIndex + between.indexOf(',') + 1, before: `\n${indent}`, separator: `,\n${indent}`, after: ',' };
  return { at: last.endIndex, before: `,\n${indent}`, separator: `,\n${indent}` };
}

/**
 * A pool made inside a function and kept in a local `const` the function does not
 * return (a script's, a test's): it lives for one call. A pool returned, or
 * assigned to a field or a module variable, is the application's.
 */
function isFunctionLocal(node: Node): boolean {
  let fn: Node | null = node.parent;
  while (fn && !FUNCTIONS.has(fn.type)) fn = fn.parent;
  if (!fn) return false;
  let up: Node | null = node.parent;
  while (up && ['await_expression', 'parenthesized_expression', 'as_expression', 'satisfies_expression', 'non_null_expression'].includes(up.type)) up = up.parent;
  if (up?.type !== 'variable_declarator') return false;
  const name = up.childForFieldName('name');
  if (name?.type !== 'identifier') return false;
  const body = fn.childForFieldName('body');
  return !!body && !new RegExp(`\\breturn\\s+(?:\\{[^}]*)?\\b${name.text}\\b`).test(body.text);
}
