/**
 * Facts for the rules that tell a write per item from deliberate batching:
 * how a call sits in its innermost loop (under an `if`: every N rows; inside
 * a `try` that catches the item's failure: one transaction per item, on
 * purpose; on a session the loop body opens itself), and whether an INSERT
 * carries many rows in one statement.
 */
import type { LoopPlacement } from '../types';
import { calleeName, descendants, type Node, positionalArgs, unwrap } from './nodes';

const LOOPS = new Set(['for_statement', 'while_statement']);

/** The placement of `call` in its innermost `for`/`while`, or undefined outside any loop. */
export function loopPlacement(call: Node, receiver: string | undefined): LoopPlacement | undefined {
  let conditional = false;
  let isolated = false;
  let child: Node = call;
  for (let p = call.parent; p; child = p, p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'lambda') return undefined;
    if (LOOPS.has(p.type)) {
      const body = p.childForFieldName('body');
      return { conditional, isolated, ownSession: !!receiver && !!body && bindsBefore(body, receiver, call.startIndex) };
    }
    if (['if_statement', 'elif_clause', 'else_clause', 'conditional_expression'].includes(p.type)) conditional = true;
    // The call in a try body whose except goes on with the next item: a failure stays with its item.
    if (p.type === 'try_statement' && child.type === 'block' && p.namedChildren.some((c) => c.type === 'except_clause' && !reraises(c))) {
      isolated = true;
    }
  }
  return undefined;
}

/** Whether an except clause ends by raising again (then the loop stops at the first failure anyway). */
function reraises(clause: Node): boolean {
  const body = clause.namedChildren.find((c) => c.type === 'block');
  const last = body?.namedChildren[body.namedChildren.length - 1];
  return last?.type === 'raise_statement';
}

/**
 * Whether the loop body binds `receiver` before `offset`: `with Session() as s:`,
 * `async with sessionmaker() as s:`, `s = Session()`.
 */
function bindsBefore(body: Node, receiver: string, offset: number): boolean {
  for (const n of descendants(body)) {
    if (n.startIndex >= offset) continue;
    if (n.type === 'as_pattern') {
      const alias = n.childForFieldName('alias') ?? n.namedChildren[n.namedChildren.length - 1];
      if (alias?.text === receiver && n.namedChildren[0]?.type === 'call') return true;
    } else if (n.type === 'assignment') {
      const right = n.childForFieldName('right');
      if (n.childForFieldName('left')?.text === receiver && right?.type === 'call' && calleeName(right) !== undefined) return true;
    }
  }
  return false;
}

/** Names of variables that hold many rows (`rows`, `batch`, `records`), as opposed to one parameter set (`params`). */
const ROWS_NAME = /(rows|records|items|values|batch|chunk|mappings|objects|entries|payloads)$/i;

function manyRowsArgument(node: Node | undefined): boolean {
  if (!node) return false;
  const n = unwrap(node);
  if (n.type === 'list' || n.type === 'list_comprehension' || n.type === 'generator_expression') return true;
  return (n.type === 'identifier' || n.type === 'attribute') && ROWS_NAME.test(n.text);
}

/**
 * Whether the statement run by `top` writes many rows at once: `executemany`,
 * `execute(stmt, rows)` with a list of parameter sets, or `.values([...])`.
 */
export function carriesManyRows(top: Node): boolean {
  for (const n of descendants(top)) {
    if (n.type !== 'call') continue;
    const name = calleeName(n);
    const args = positionalArgs(n);
    if (name === 'executemany') return true;
    if ((name === 'execute' || name === 'exec_driver_sql') && manyRowsArgument(args[1])) return true;
    if (name === 'values' && args.length === 1 && manyRowsArgument(args[0])) return true;
  }
  return false;
}
