/**
 * Whether a TypeScript or JavaScript file is a command-line program: its
 * top-level code, as it runs when the file is loaded, exits the process
 * when its work is done (`process.exit(...)`), directly, in an immediately
 * invoked function (`(async () => { ...; process.exit(0); })()`) or in a
 * `.then`/`.finally` callback of a top-level call (`main().then(() => process.exit(0))`).
 * An exit on a failure (under an `if`, in a `catch`) does not count: a server
 * exits so when its configuration is missing or its start fails, and from its
 * handlers (`process.on('SIGTERM', ...)`), which do not count either. Such a
 * file is run by hand or once (a password reset, a backfill), not on a request path.
 */
import type { SyntaxNode } from '../treesitter';
import { unwrap } from './syntax';

const FUNCTIONS = new Set(['arrow_function', 'function_expression', 'function']);
const SETTLE = new Set(['then', 'finally']);
/** Blocks that run on a condition or a failure. */
const CONDITIONAL = new Set(['if_statement', 'catch_clause', 'switch_case', 'ternary_expression', 'binary_expression']);

/** The `process.exit(...)` call of the file's top-level flow, else undefined. */
export function topLevelExit(root: SyntaxNode, text: string): SyntaxNode | undefined {
  if (!text.includes('process.exit')) return undefined;
  for (const call of root.descendantsOfType('call_expression')) {
    if (unwrap(call.childForFieldName('function')!).text !== 'process.exit') continue;
    if (runsAtLoad(call)) return call;
  }
  return undefined;
}

/** Whether every function around `node` runs when the file loads: an IIFE, or a settle callback of a call that does. */
function runsAtLoad(node: SyntaxNode): boolean {
  for (let n: SyntaxNode | null = node.parent; n; n = n.parent) {
    if (n.type === 'program') return true;
    if (!FUNCTIONS.has(n.type)) {
      if (CONDITIONAL.has(n.type) || n.type === 'class_body' || n.type === 'function_declaration' || n.type === 'method_definition' || n.type === 'generator_function_declaration') return false;
      continue;
    }
    let outer = n.parent;
    while (outer?.type === 'parenthesized_expression') outer = outer.parent;
    // (async () => { ... })()
    if (outer?.type === 'call_expression' && unwrap(outer.childForFieldName('function')!).id === n.id) continue;
    // main().then(() => process.exit(0))
    const call = outer?.type === 'arguments' ? outer.parent : null;
    const callee = call?.type === 'call_expression' ? unwrap(call.childForFieldName('function')!) : undefined;
    if (callee?.type === 'member_expression' && SETTLE.has(callee.childForFieldName('property')?.text ?? '')) continue;
    return false;
  }
  return false;
}
