/**
 * Where the collection a loop walks comes from, when the code shows it is
 * small by construction, as a reviewer would trace it:
 * - one object's own collection (`pkg.keywords`), also through a local built
 *   from it (`let wanted = pkg.keywords.iter().map(..).collect()`) or a
 *   parameter every caller in the file fills so (`update_owners(&data.owners)`);
 * - values of a fieldless enum: the loop's item has a named type and is cast
 *   to an integer (`alg as i32`), which Rust allows only for such enums.
 * A list of records a caller hands in (`store_all(items: &[NewMemory])`, with
 * no caller in the file, or callers that pass a list of their own) is neither.
 */
import type { LoopContext } from '../types';
import { oneLine, type FoundLoop } from './loops';
import { argumentsOf, asMethodCall, pathName, unwrapExpression, walk, type Node } from './syntax';

/** Calls that pass a collection on, smaller or the same: what the loop walks is still the collection they start from. */
const PASS_ON = new Set([
  'iter', 'into_iter', 'iter_mut', 'filter', 'map', 'collect', 'cloned', 'copied', 'enumerate', 'rev', 'skip', 'take',
  'filter_map', 'keys', 'values', 'into_keys', 'into_values', 'to_vec', 'to_owned', 'clone', 'as_slice', 'dedup', 'peekable',
]);
const INTEGER_TYPES = /^(i8|i16|i32|i64|i128|isize|u8|u16|u32|u64|u128|usize)$/;
/** How far through callers a parameter is followed. */
const MAX_CALLER_DEPTH = 2;

/** Fills `ownCollection` / `closedSet` of a loop's context when the code shows them. */
export function describeCollection(loop: FoundLoop, isTest: (node: Node) => boolean): void {
  const context: LoopContext = loop.context;
  if (!loop.iterable || context.kind === 'while' || context.iterableQuery !== undefined) return;
  const fn = enclosingFunction(loop.iterable);
  if (!fn) return;
  const own = ownCollectionOf(loop.iterable, fn, loop.start, 0, isTest);
  if (own) context.ownCollection = own;
  const closed = closedSetOf(loop, fn);
  if (closed) context.closedSet = closed;
}

function enclosingFunction(node: Node): Node | undefined {
  for (let n = node.parent; n; n = n.parent) if (n.type === 'function_item') return n;
  return undefined;
}

/** The collection `expr` starts from, through the calls that pass it on. */
function baseOf(expr: Node): Node {
  let current = unwrapExpression(expr);
  for (;;) {
    const method = asMethodCall(current);
    if (!method || !PASS_ON.has(method.name)) return current;
    current = unwrapExpression(method.receiver);
  }
}

/** `a.b` (not `self.b`) the expression walks, through locals and callers; undefined when not shown. */
function ownCollectionOf(expr: Node, fn: Node, before: number, depth: number, isTest: (node: Node) => boolean): string | undefined {
  const base = baseOf(expr);
  if (base.type === 'field_expression') {
    const owner = base.childForFieldName('value');
    return owner && owner.type !== 'self' && owner.text !== 'self' && !owner.text.startsWith('self.') ? oneLine(base.text) : undefined;
  }
  if (base.type !== 'identifier') return undefined;
  const local = letValue(fn, base.text, before);
  if (local) return ownCollectionOf(local, fn, local.startIndex, depth, isTest);
  const at = parameterIndex(fn, base.text);
  if (at === undefined || depth >= MAX_CALLER_DEPTH) return undefined;
  const name = fn.childForFieldName('name')?.text;
  if (!name) return undefined;
  const found: string[] = [];
  let unknown = false;
  walk(rootOf(fn), (n) => {
    if (unknown) return false;
    if (n.id === fn.id) return false; // recursion says nothing of the first caller
    if (n.type !== 'call_expression' || calledName(n) !== name || isTest(n)) return;
    const caller = enclosingFunction(n);
    const arg = argumentsOf(n)[at];
    const origin = caller && arg ? ownCollectionOf(arg, caller, n.startIndex, depth + 1, isTest) : undefined;
    if (origin) found.push(origin);
    else unknown = true;
  });
  return !unknown && found.length > 0 ? [...new Set(found)].join(', ') : undefined;
}

function rootOf(node: Node): Node {
  let n = node;
  while (n.parent) n = n.parent;
  return n;
}

/** `name(..)`, `module::name(..)`, `Self::name(..)`, `self.name(..)`. */
function calledName(call: Node): string | undefined {
  const method = asMethodCall(call);
  if (method) return method.receiver.text === 'self' ? method.name : undefined;
  return pathName(call.childForFieldName('function'))?.name;
}

/** The value of the last `let name = value` in `fn` before `before`. */
function letValue(fn: Node, name: string, before: number): Node | undefined {
  let value: Node | undefined;
  walk(fn, (n) => {
    if (n.startIndex >= before) return false;
    if (n.type === 'let_declaration' && n.childForFieldName('pattern')?.text.replace(/^mut\s+/, '') === name) value = n.childForFieldName('value') ?? undefined;
  });
  return value;
}

/** The position of parameter `name` among the arguments a caller passes (`self` is not one of them). */
function parameterIndex(fn: Node, name: string): number | undefined {
  const parameters = (fn.childForFieldName('parameters')?.namedChildren ?? []).filter((p) => p.type === 'parameter');
  const at = parameters.findIndex((p) => p.childForFieldName('pattern')?.text.replace(/^mut\s+/, '') === name);
  return at < 0 ? undefined : at;
}

/** The declared type of parameter `name`, generics resolved to their `Item = T` bound. */
function parameterType(fn: Node, name: string): string | undefined {
  const parameter = (fn.childForFieldName('parameters')?.namedChildren ?? []).find((p) => p.type === 'parameter' && p.childForFieldName('pattern')?.text.replace(/^mut\s+/, '') === name);
  return parameter?.childForFieldName('type')?.text;
}

/**
 * The element type of what the loop walks, when it is a fieldless enum: the
 * loop walks a parameter whose items have a named type (`&[Kind]`, `Vec<Kind>`,
 * `impl IntoIterator<Item = Kind>`, `I: Iterator<Item = Kind>`), and the body
 * casts the item to an integer.
 */
function closedSetOf(loop: FoundLoop, fn: Node): string | undefined {
  const base = baseOf(loop.iterable!);
  if (base.type !== 'identifier' || loop.context.targets.length !== 1) return undefined;
  const declared = parameterType(fn, base.text);
  if (!declared) return undefined;
  const generics = `${fn.childForFieldName('type_parameters')?.text ?? ''} ${fn.namedChildren.find((c) => c.type === 'where_clause')?.text ?? ''}`;
  const bound = new RegExp(`\\b${declared.replace(/\W/g, '')}\\s*:[^,{>]*?Item\\s*=\\s*([A-Za-z_]\\w*)`).exec(generics)?.[1];
  const element =
    bound ?? /Item\s*=\s*([A-Za-z_]\w*)\s*>?$/.exec(declared)?.[1] ?? /^&?(?:mut\s+)?(?:\[\s*|(?:Vec|HashSet|BTreeSet)<\s*)([A-Za-z_]\w*)\s*[\]>]$/.exec(declared)?.[1];
  if (!element || !/^[A-Z]/.test(element)) return undefined;
  const target = loop.context.targets[0]!;
  // A macro's arguments (`sqlx::query!(.., alg as i32)`) stay tokens in the tree: the cast is read from them.
  const tokenCast = new RegExp(`(^|[^\\w.])${target}\\s+as\\s+(${INTEGER_TYPES.source.slice(2, -2)})\\b`);
  let cast = false;
  walk(loop.iterable!.parent!, (n) => {
    if (cast) return false;
    const value = n.type === 'type_cast_expression' ? n.childForFieldName('value') : null;
    if (value && unwrapExpression(value).text === target && INTEGER_TYPES.test(n.childForFieldName('type')?.text ?? '')) cast = true;
    if (n.type === 'token_tree' && tokenCast.test(n.text)) cast = true;
  });
  return cast ? element : undefined;
}
