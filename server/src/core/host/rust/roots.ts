/**
 * The variables a query's parameters come from (`agent.id` → 'agent'), for
 * `.bind(x)` arguments, tokio-postgres `&[&a, &b]` slices and the macro
 * arguments of `query!("...", agent.id)`, which tree-sitter leaves as tokens.
 */
import { type Node } from './syntax';

/** Roots of an ordinary expression. */
export function expressionRoots(node: Node | null | undefined, into: Set<string> = new Set()): Set<string> {
  if (!node) return into;
  switch (node.type) {
    case 'identifier':
    case 'self':
      into.add(node.text);
      break;
    case 'field_expression':
    case 'index_expression':
    case 'reference_expression':
    case 'type_cast_expression':
    case 'try_expression':
    case 'await_expression':
      expressionRoots(node.childForFieldName('value') ?? node.namedChildren[0], into);
      break;
    case 'call_expression': {
      let callee = node.childForFieldName('function');
      // `row.get::<i64, _>("id")`: the turbofish wraps the method.
      if (callee?.type === 'generic_function') callee = callee.childForFieldName('function');
      // `agent.id.clone()` comes from `agent`; `Some(agent.id)` / `Json(x)` from their arguments.
      if (callee?.type === 'field_expression') expressionRoots(callee.childForFieldName('value'), into);
      for (const arg of node.childForFieldName('arguments')?.namedChildren ?? []) expressionRoots(arg, into);
      break;
    }
    case 'macro_invocation':
      tokenTreeRoots(node.namedChildren.find((c) => c.type === 'token_tree'), into);
      break;
    default:
      if (node.type.endsWith('_literal') || node.type === 'closure_expression') break;
      // Tuples, arrays, parentheses, unary and binary operators: whatever they combine.
      for (const child of node.namedChildren) expressionRoots(child, into);
  }
  return into;
}

/**
 * Macro arguments after the SQL string, split at top-level commas. Each
 * argument's root is its first variable-like identifier: not a path segment
 * (`Uuid::new_v4()`), not a called function (`Some(` → look inside).
 */
export function macroArgumentRoots(tokenTree: Node, afterOffset: number): Set<string> {
  const into = new Set<string>();
  for (const argument of macroArguments(tokenTree, afterOffset)) firstRoot(argument, into);
  return into;
}

/** Macro arguments after the SQL string, split at top-level commas (tree-sitter leaves them as tokens). */
export function macroArguments(tokenTree: Node, afterOffset: number): Node[][] {
  const out: Node[][] = [];
  let argument: Node[] = [];
  for (const token of tokenTree.children) {
    if (token.startIndex < afterOffset || token.type === '(' || token.type === ')') continue;
    if (token.type !== ',') argument.push(token);
    else if (argument.length) {
      // (the comma right after the SQL string closes no argument)
      out.push(argument);
      argument = [];
    }
  }
  if (argument.length) out.push(argument);
  return out;
}

function tokenTreeRoots(tree: Node | undefined, into: Set<string>): void {
  if (!tree) return;
  const tokens = tree.children.filter((t) => !['(', ')', '[', ']', '{', '}'].includes(t.type));
  let argument: Node[] = [];
  for (const token of tokens) {
    if (token.type === ',') {
      firstRoot(argument, into);
      argument = [];
    } else argument.push(token);
  }
  firstRoot(argument, into);
}

function firstRoot(tokens: Node[], into: Set<string>): void {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const next = tokens[i + 1];
    const previous = tokens[i - 1];
    if (token.type === 'identifier' || token.type === 'self') {
      if (previous?.type === '::' || previous?.type === '.' || previous?.type === 'as') continue;
      if (next?.type === '::') continue;
      if (next?.type === 'token_tree' && next.child(0)?.type === '(') {
        // A call (`Some(x)`, `f(x)`): its arguments are where the values come from.
        tokenTreeRoots(next, into);
        return;
      }
      into.add(token.text);
      return;
    }
    if (token.type === 'token_tree') {
      tokenTreeRoots(token, into);
      return;
    }
  }
}
