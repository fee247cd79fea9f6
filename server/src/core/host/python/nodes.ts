/**
 * Small helpers over tree-sitter-python nodes shared by the Python extractors.
 * web-tree-sitter parses JavaScript strings as UTF-16, so `startIndex` and
 * `endIndex` are already UTF-16 offsets: the same unit as every Span.
 */
import type { Node } from '../tree';

export { type Node, spanOf } from '../tree';

/** Drops `(...)` and `await` around an expression. */
export function unwrap(node: Node): Node {
  let n = node;
  for (;;) {
    if (n.type === 'parenthesized_expression' || n.type === 'await') {
      const inner = n.namedChildren[n.namedChildren.length - 1];
      if (!inner) return n;
      n = inner;
    } else return n;
  }
}

/** `a.b.c` → 'c'; `name` → 'name'; the last segment of a callee. */
export function calleeName(call: Node): string | undefined {
  const fn = call.childForFieldName('function');
  if (!fn) return undefined;
  if (fn.type === 'identifier') return fn.text;
  if (fn.type === 'attribute') return fn.childForFieldName('attribute')?.text;
  return undefined;
}

/** The receiver of a method call (`session` in `session.add(x)`). */
export function receiverOf(call: Node): Node | undefined {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute') return undefined;
  return fn.childForFieldName('object') ?? undefined;
}

/** Positional arguments of a call (keyword arguments, `*args`, `**kw` left out). */
export function positionalArgs(call: Node): Node[] {
  const args = call.childForFieldName('arguments');
  if (!args || args.type !== 'argument_list') return args ? [args] : []; // `f(x for x in y)`
  return args.namedChildren.filter((a) => a.type !== 'keyword_argument' && a.type !== 'comment' && a.type !== 'list_splat' && a.type !== 'dictionary_splat');
}

export function keywordArgs(call: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  const args = call.childForFieldName('arguments');
  for (const a of args?.namedChildren ?? []) {
    if (a.type !== 'keyword_argument') continue;
    const name = a.childForFieldName('name')?.text;
    const value = a.childForFieldName('value');
    if (name && value) out.set(name, value);
  }
  return out;
}

/** The whole `name=value` node of a keyword argument. */
export function keywordNode(call: Node, name: string): Node | undefined {
  const args = call.childForFieldName('arguments');
  return args?.namedChildren.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name);
}

export function isTrue(node: Node | undefined): boolean {
  return node?.type === 'true';
}

/** The identifier an expression hangs from: `agent.id` → 'agent', `rows[0].x` → 'rows', `f(x).y` → undefined. */
export function rootIdentifier(node: Node): string | undefined {
  let n: Node | null = unwrap(node);
  while (n) {
    if (n.type === 'identifier') return n.text;
    if (n.type === 'attribute') n = n.childForFieldName('object');
    else if (n.type === 'subscript') n = n.childForFieldName('value');
    else if (n.type === 'call') n = n.childForFieldName('function');
    else if (n.type === 'parenthesized_expression' || n.type === 'await') n = unwrap(n);
    else return undefined;
  }
  return undefined;
}

/** Every identifier used as a value in an expression (attribute names and keyword names excluded). */
export function valueRoots(node: Node, out: Set<string>, skip: (name: string) => boolean): void {
  if (node.type === 'identifier') {
    if (!skip(node.text)) out.add(node.text);
    return;
  }
  if (node.type === 'attribute') {
    const obj = node.childForFieldName('object');
    if (obj) valueRoots(obj, out, skip);
    return;
  }
  if (node.type === 'keyword_argument') {
    const v = node.childForFieldName('value');
    if (v) valueRoots(v, out, skip);
    return;
  }
  if (node.type === 'lambda' || node.type.endsWith('comprehension') || node.type === 'generator_expression') return;
  for (const c of node.namedChildren) valueRoots(c, out, skip);
}

/** The Python string value of a plain literal (no f-string holes), or undefined. */
export function stringValue(node: Node | undefined | null): string | undefined {
  if (!node) return undefined;
  const n = unwrap(node);
  if (n.type !== 'string' && n.type !== 'concatenated_string') return undefined;
  const parts = n.type === 'string' ? [n] : n.namedChildren.filter((c) => c.type === 'string');
  let out = '';
  for (const part of parts) {
    if (part.namedChildren.some((c) => c.type === 'interpolation')) return undefined;
    for (const c of part.namedChildren) if (c.type === 'string_content') out += c.text;
  }
  return out;
}

/** `['a', 'b']` / `('a', 'b')` / `'a'` → ['a', 'b']; non-string items skipped. `read`: how an item is read (a string by default). */
export function stringList(node: Node | undefined | null, read: (node: Node) => string | undefined = stringValue): string[] {
  if (!node) return [];
  const n = unwrap(node);
  const single = read(n);
  if (single !== undefined) return [single];
  if (n.type !== 'list' && n.type !== 'tuple') return [];
  return n.namedChildren.map((c) => read(c)).filter((s): s is string => s !== undefined);
}

/** Top-down iteration over a subtree. */
export function* descendants(node: Node): Iterable<Node> {
  const stack: Node[] = [node];
  while (stack.length) {
    const n = stack.pop()!;
    yield n;
    const kids = n.namedChildren;
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
}
