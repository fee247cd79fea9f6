/**
 * Where the list a Python loop walks comes from, when the code shows it is one
 * object's own collection (`incident.participants`), as a reviewer would trace
 * a local of the same function:
 * - `wanted = order.lines` or `wanted = [l for l in order.lines if l.open]`;
 * - `wanted = []` filled only by `wanted.append(..)` / `.add(..)` inside loops
 *   over such collections (`for line in order.lines: wanted.append(line)`).
 * A local filled any other way (a query, `extend(rows)`, a parameter, a call)
 * says nothing. The Rust side does the same for `let` locals and callers
 * (host/rust/collections.ts).
 */
import { COMPREHENSIONS } from './loops';
import { calleeName, receiverOf, type Node, unwrap } from './nodes';

/** How many locals deep a collection is followed (`a = obj.items`, `b = [x for x in a]`). */
const MAX_DEPTH = 3;
const FILLERS = new Set(['append', 'add']);

/** `a.b` (not `self.b`, not a call) the iterated expression walks, through locals; undefined when the code does not show it. */
export function ownCollectionOf(iterable: Node, depth = 0): string | undefined {
  const expr = unwrap(iterable);
  if (expr.type === 'attribute') return isOwnChain(expr) ? expr.text.replace(/\s+/g, '') : undefined;
  if (expr.type !== 'identifier' || depth >= MAX_DEPTH) return undefined;
  const fn = enclosingFunction(expr);
  if (!fn) return undefined;
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  const name = expr.text;
  const found = new Set<string>();
  let assigned = false;
  let unknown = false;
  for (const n of ownNodes(body)) {
    if (n.startIndex >= expr.startIndex) break;
    if (n.type === 'assignment' && n.childForFieldName('left')?.text === name) {
      assigned = true;
      const own = assignedCollection(n.childForFieldName('right'), depth);
      if (own === undefined) unknown = true;
      else if (own !== '') found.add(own);
    } else if (n.type === 'augmented_assignment' && n.childForFieldName('left')?.text === name) {
      unknown = true;
    } else if (n.type === 'call' && receiverOf(n)?.text === name) {
      const method = calleeName(n);
      if (!method || !FILLERS.has(method)) {
        if (method && /^(extend|insert|update|__setitem__)$/.test(method)) unknown = true;
        continue;
      }
      const loops = enclosingLoops(n, body);
      const owns = loops.map((loop) => ownCollectionOf(loop, depth + 1));
      if (owns.length === 0 || owns.some((o) => o === undefined)) unknown = true;
      else found.add(owns[owns.length - 1]!);
    }
  }
  return assigned && !unknown && found.size > 0 ? [...found].join(', ') : undefined;
}

/** `''` for an empty list or set (filled later), the collection for a copy or comprehension of one, else undefined. */
function assignedCollection(right: Node | null, depth: number): string | undefined {
  if (!right) return undefined;
  const value = unwrap(right);
  if ((value.type === 'list' || value.type === 'set') && value.namedChildren.length === 0) return '';
  if (value.type === 'call' && ['list', 'set'].includes(value.childForFieldName('function')?.text ?? '')) {
    const args = value.childForFieldName('arguments')?.namedChildren ?? [];
    if (args.length === 0) return '';
    return args.length === 1 ? ownCollectionOf(args[0]!, depth + 1) : undefined;
  }
  if (COMPREHENSIONS.has(value.type)) {
    const clauses = value.namedChildren.filter((c) => c.type === 'for_in_clause');
    const owns = clauses.map((c) => {
      const right = c.childForFieldName('right');
      return right ? ownCollectionOf(right, depth + 1) : undefined;
    });
    return owns.length > 0 && owns.every((o) => o !== undefined) ? owns[0] : undefined;
  }
  return ownCollectionOf(value, depth + 1);
}

/** An attribute chain on a name other than `self`/`cls`, with no call in it: `incident.participants`, `a.b.c`. */
function isOwnChain(node: Node): boolean {
  let current: Node | null = node;
  while (current?.type === 'attribute') current = current.childForFieldName('object');
  return current?.type === 'identifier' && current.text !== 'self' && current.text !== 'cls';
}

function enclosingFunction(node: Node): Node | undefined {
  for (let n = node.parent; n; n = n.parent) if (n.type === 'function_definition') return n;
  return undefined;
}

/** The iterated expressions of the `for` loops around `node`, outermost first, inside `body`. */
function enclosingLoops(node: Node, body: Node): Node[] {
  const out: Node[] = [];
  for (let n = node.parent; n && n.id !== body.id; n = n.parent) {
    if (n.type === 'for_statement') {
      const right = n.childForFieldName('right');
      if (right) out.unshift(right);
    } else if (n.type === 'while_statement') {
      return [];
    }
  }
  return out;
}

/** The nodes of a function body in source order, not entering nested functions or classes. */
function* ownNodes(node: Node): Iterable<Node> {
  for (const child of node.namedChildren) {
    yield child;
    if (child.type === 'function_definition' || child.type === 'class_definition' || child.type === 'lambda') continue;
    yield* ownNodes(child);
  }
}
