/**
 * Where a query starts in Rust code and how its call chain ends:
 * sqlx functions (`sqlx::query_as::<_, T>("...")`) and macros (`query!("...", x)`),
 * and the string-taking methods of tokio-postgres / rusqlite style clients
 * (`client.query("...", &[&id])`).
 */
import type { Terminal } from '../types';
import { type BoundValue, sliceValues } from './bound-patterns';
import { expressionRoots, macroArgumentRoots, macroArguments } from './roots';
import { looksLikeSql } from '../statement-kind';
import { decodeStringLiteral, isStringLiteral } from './strings';
import { argumentsOf, asMethodCall, enclosingMethodCall, pathName, unwrapExpression, type Node } from './syntax';

export interface QueryOrigin {
  /** The call or macro invocation the chain starts with. */
  node: Node;
  literal: Node;
  /** `sqlx::query_as` → 'query_as', `query!` → 'query!', `client.query_one` → 'query_one'. */
  api: string;
  /** `query_as::<_, Memory>` / `query_as!(Memory, ...)` → 'Memory'. */
  entity?: string;
  parameterRoots: Set<string>;
  /** Client methods say what they do with the result themselves. */
  terminal?: Terminal;
  /** The values bound to the placeholders in the call itself: macro arguments, a client's slice. */
  values: readonly BoundValue[];
}

const SQLX_FUNCTIONS = new Set(['query', 'query_as', 'query_scalar', 'query_with', 'query_as_with', 'query_scalar_with']);
const SQLX_MACROS = new Set(['query', 'query_as', 'query_scalar', 'query_unchecked', 'query_as_unchecked', 'query_scalar_unchecked']);

/** Methods that run a SQL string directly (tokio-postgres, rusqlite, sqlx's Executor on `&str`). */
export const CLIENT_METHODS: Record<string, Terminal> = {
  query: 'fetch_all',
  query_one: 'fetch_one',
  query_opt: 'fetch_optional',
  query_raw: 'fetch',
  simple_query: 'fetch_all',
  execute: 'execute',
  batch_execute: 'execute',
  prepare: 'unknown',
  prepare_cached: 'unknown',
  prepare_typed: 'unknown',
  query_row: 'fetch_one',
  fetch_all: 'fetch_all',
  fetch_one: 'fetch_one',
  fetch_optional: 'fetch_optional',
  fetch: 'fetch',
};

/** sqlx's terminal calls on a query object. */
export const SQLX_TERMINALS: Record<string, Terminal> = {
  fetch_all: 'fetch_all',
  fetch_one: 'fetch_one',
  fetch_optional: 'fetch_optional',
  fetch: 'fetch',
  fetch_many: 'fetch',
  execute: 'execute',
  execute_many: 'execute',
};

function isSqlxPath(qualifier: string | undefined): boolean {
  return qualifier === undefined || qualifier === 'sqlx' || qualifier.endsWith('::sqlx');
}

/**
 * The query starting at `node`, if any. `sqlxImports` holds the names a
 * `use sqlx::...` brings in ('*' for a glob): a bare `query("...")` counts when
 * imported from sqlx or when its string reads as SQL.
 */
export function queryOrigin(node: Node, sqlxImports: Set<string>): QueryOrigin | undefined {
  if (node.type === 'macro_invocation') return macroOrigin(node);
  if (node.type !== 'call_expression') return undefined;
  const method = asMethodCall(node);
  if (method) return clientOrigin(method);
  return sqlxFunctionOrigin(node, sqlxImports);
}

function sqlxFunctionOrigin(call: Node, sqlxImports: Set<string>): QueryOrigin | undefined {
  let callee = call.childForFieldName('function');
  let typeArguments: Node | null = null;
  if (callee?.type === 'generic_function') {
    typeArguments = callee.childForFieldName('type_arguments');
    callee = callee.childForFieldName('function');
  }
  const path = pathName(callee);
  if (!path || !SQLX_FUNCTIONS.has(path.name) || !isSqlxPath(path.qualifier)) return undefined;
  const first = argumentsOf(call)[0];
  const literal = first && unwrapExpression(first);
  if (!isStringLiteral(literal)) return undefined;
  if (!path.qualifier && !sqlxImports.has(path.name) && !sqlxImports.has('*') && !looksLikeSql(decodeStringLiteral(literal).text)) return undefined;
  const types = typeArguments?.namedChildren ?? [];
  const entity = path.name.startsWith('query_as') ? types[types.length - 1]?.text : undefined;
  return { node: call, literal, api: path.name, entity, parameterRoots: new Set(), values: [] };
}

function macroOrigin(invocation: Node): QueryOrigin | undefined {
  const path = pathName(invocation.childForFieldName('macro'));
  if (!path || !SQLX_MACROS.has(path.name) || !isSqlxPath(path.qualifier)) return undefined;
  const tokens = invocation.namedChildren.find((c) => c.type === 'token_tree');
  const literal = tokens?.namedChildren.find(isStringLiteral);
  if (!tokens || !literal) return undefined;
  // query_as!(Record, "SELECT ...", args): the record type comes first.
  const entity = path.name.startsWith('query_as') ? tokens.namedChildren.find((t) => t.endIndex <= literal.startIndex && t.type === 'identifier')?.text : undefined;
  return {
    node: invocation, literal, api: `${path.name}!`, entity,
    parameterRoots: macroArgumentRoots(tokens, literal.endIndex), values: macroArguments(tokens, literal.endIndex),
  };
}

function clientOrigin(method: ReturnType<typeof asMethodCall> & object): QueryOrigin | undefined {
  const terminal = CLIENT_METHODS[method.name];
  if (!terminal || method.args.length === 0) return undefined;
  const literal = unwrapExpression(method.args[0]);
  if (!isStringLiteral(literal)) return undefined;
  if (!looksLikeSql(decodeStringLiteral(literal).text)) return undefined;
  const parameterRoots = new Set<string>();
  for (const arg of method.args.slice(1)) expressionRoots(arg, parameterRoots);
  return { node: method.call, literal, api: method.name, parameterRoots, terminal, values: sliceValues(method.args[1]) };
}

export interface QueryChain {
  /** The last node of the chain: the terminal call, or its `.await`. */
  end: Node;
  terminal: Terminal;
  /** Offset just before the terminal call's `.`. */
  beforeTerminal?: number;
  /** Roots of `.bind(x)` arguments. */
  bindRoots: Set<string>;
  /** The `.bind(x)` arguments, in order. */
  binds: Node[];
}

/** Follows `.bind(..)`, `.map(..)`, ... up to the terminal call and its `.await`. */
export function followChain(origin: QueryOrigin): QueryChain {
  const bindRoots = new Set<string>();
  const binds: Node[] = [];
  let end = origin.node;
  let terminal: Terminal = origin.terminal ?? 'unknown';
  let beforeTerminal = origin.terminal ? origin.node.childForFieldName('function')?.childForFieldName('value')?.endIndex : undefined;
  for (;;) {
    if (end.parent?.type === 'await_expression') {
      end = end.parent;
      // Nothing after the awaited terminal belongs to the query.
      if (terminal !== 'unknown') break;
      continue;
    }
    if (terminal !== 'unknown') break;
    const next = enclosingMethodCall(end);
    if (!next) break;
    if (next.name === 'bind') for (const arg of next.args) {
      binds.push(arg);
      expressionRoots(arg, bindRoots);
    }
    const reached = SQLX_TERMINALS[next.name];
    if (reached) {
      terminal = reached;
      beforeTerminal = next.receiver.endIndex;
    }
    end = next.call;
  }
  return { end, terminal, beforeTerminal, bindRoots, binds };
}

/** Calls that only unwrap a result on its way to a variable: `.await?`, `.unwrap()`, `.map_err(..)?`. */
const UNWRAPPING = new Set(['unwrap', 'expect', 'map_err', 'context', 'with_context', 'unwrap_or_default', 'ok', 'unwrap_or', 'unwrap_or_else']);

/** The variable the result of the chain ending at `end` goes to: `let rows = ...`, `rows = ...`. */
export function assignedVariable(end: Node): string | undefined {
  let current = end;
  for (;;) {
    const parent = current.parent;
    if (!parent) return undefined;
    if (parent.type === 'try_expression' || parent.type === 'parenthesized_expression' || parent.type === 'await_expression') {
      current = parent;
      continue;
    }
    const method = enclosingMethodCall(current);
    if (method && UNWRAPPING.has(method.name)) {
      current = method.call;
      continue;
    }
    if (parent.type === 'let_declaration' && parent.childForFieldName('value')?.id === current.id) {
      const pattern = parent.childForFieldName('pattern');
      return pattern?.type === 'identifier' ? pattern.text : undefined;
    }
    if (parent.type === 'assignment_expression' && parent.childForFieldName('right')?.id === current.id) {
      const left = parent.childForFieldName('left');
      return left?.type === 'identifier' ? left.text : undefined;
    }
    return undefined;
  }
}
