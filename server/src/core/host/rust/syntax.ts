/**
 * Small helpers over the tree-sitter Rust syntax tree. Offsets are the
 * parser's indices, which are UTF-16 units when the parser is given a JS
 * string (checked by the non-ASCII tests), so they are file offsets as is.
 */
import { type Node, walk } from '../tree';

export { type Node, spanOf, walk, within } from '../tree';

/** The last segment of a path: `sqlx::query` → 'query', `query` → 'query'. */
export function pathName(node: Node | null): { name: string; qualifier?: string } | undefined {
  if (!node) return undefined;
  if (node.type === 'identifier') return { name: node.text };
  if (node.type === 'scoped_identifier') {
    const name = node.childForFieldName('name');
    if (!name) return undefined;
    return { name: name.text, qualifier: node.childForFieldName('path')?.text };
  }
  return undefined;
}

/** A method call `receiver.name(args)`: the parts, or undefined for any other node. */
export interface MethodCall {
  call: Node;
  receiver: Node;
  name: string;
  args: Node[];
}

export function asMethodCall(node: Node | null): MethodCall | undefined {
  if (node?.type !== 'call_expression') return undefined;
  const callee = node.childForFieldName('function');
  if (callee?.type !== 'field_expression') return undefined;
  const receiver = callee.childForFieldName('value');
  const field = callee.childForFieldName('field');
  if (!receiver || !field) return undefined;
  return { call: node, receiver, name: field.text, args: argumentsOf(node) };
}

export function argumentsOf(call: Node): Node[] {
  return call.childForFieldName('arguments')?.namedChildren.filter((n) => n.type !== 'line_comment' && n.type !== 'block_comment') ?? [];
}

/**
 * When `node` is the receiver of a method call (`node.name(...)`), that call.
 * The chain `a.b(x).c(y)` nests as call(field(call(field(a, b), x), c), y).
 */
export function enclosingMethodCall(node: Node): MethodCall | undefined {
  const field = node.parent;
  if (field?.type !== 'field_expression' || field.childForFieldName('value')?.id !== node.id) return undefined;
  const call = field.parent;
  if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== field.id) return undefined;
  return asMethodCall(call);
}

/** Identifiers bound by a pattern: `(id, name)` → ['id', 'name'], `Some(row)` → ['row'], `&agent` → ['agent']. */
export function patternNames(pattern: Node | null): string[] {
  if (!pattern) return [];
  const names: string[] = [];
  walk(pattern, (n) => {
    // `Agent { id, .. }` binds `id`.
    if (n.type === 'shorthand_field_identifier') names.push(n.text);
    if (n.type === 'identifier') {
      // The constructor of a tuple-struct pattern (`Some` in `Some(row)`) binds nothing.
      if (n.parent?.type === 'tuple_struct_pattern' && n.parent.childForFieldName('type')?.id === n.id) return;
      if (n.parent?.type === 'scoped_identifier') return;
      names.push(n.text);
    }
    // `x: &Agent` in closure parameters: only the pattern binds.
    if (n.type === 'parameter') {
      names.push(...patternNames(n.childForFieldName('pattern')));
      return false;
    }
    if (n.type.endsWith('_type') || n.type === 'type_identifier') return false;
  });
  return names;
}

/** Removes `&`, `&mut`, parentheses and `?`/`.await` around an expression. */
export function unwrapExpression(node: Node): Node {
  let current = node;
  for (;;) {
    const inner =
      current.type === 'reference_expression' ? current.childForFieldName('value')
      : current.type === 'parenthesized_expression' || current.type === 'try_expression' ? current.namedChildren[0]
      : current.type === 'await_expression' ? current.namedChildren[0]
      : current.type === 'unary_expression' ? current.namedChildren[0]
      : null;
    if (!inner) return current;
    current = inner;
  }
}
