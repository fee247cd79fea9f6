/**
 * Queries run later through a variable:
 * - a sqlx query built first and executed later (`let q = sqlx::query(..).bind(x); q.fetch_all(&pool)`)
 *   gets its terminal;
 * - a tokio-postgres statement prepared once and executed later
 *   (`let stmt = client.prepare("..")`, then `client.query(&stmt, &[&id])` in a loop)
 *   gives one more query per execution, at the execution, `preparedFrom` the
 *   prepare, so the loops around the execution are the ones that count.
 */
import type { HostQuery } from '../types';
import { assignedVariable, CLIENT_METHODS, SQLX_TERMINALS } from './calls';
import type { LoopFinder, FoundLoop } from './loops';
import { expressionRoots } from './roots';
import { asMethodCall, unwrapExpression, type Node } from './syntax';

/** A query of the file with what extraction needs to relate it to others. */
export interface FoundQuery {
  query: RustHostQuery;
  loops: FoundLoop[];
  functionId: number;
  /** `query_as`, `query!`, `prepare`, ... */
  api: string;
  /** The prepare this execution runs, while indices are not settled yet. */
  prepared?: FoundQuery;
}

/** A HostQuery plus what only Rust has. */
export interface RustHostQuery extends HostQuery {
  /**
   * Index in `queries` of the `client.prepare("...")` whose statement this
   * query executes. The SQL (same literal) is on both: SQL-text rules should
   * read it once, from the prepare; loop rules read the execution.
   */
  preparedFrom?: number;
}

/** The latest query in `functionId` assigned to `variable` before `offset`. */
function latestAssigned(found: FoundQuery[], variable: string, functionId: number, offset: number, accept: (f: FoundQuery) => boolean): FoundQuery | undefined {
  let latest: FoundQuery | undefined;
  for (const f of found) if (f.functionId === functionId && f.query.assignedTo === variable && f.query.span.end <= offset && accept(f)) latest = f;
  return latest;
}

export function followVariables(calls: Node[], found: FoundQuery[], loops: LoopFinder, functionIdOf: (node: Node) => number): FoundQuery[] {
  const executions: FoundQuery[] = [];
  for (const call of calls) {
    const method = asMethodCall(call);
    if (!method) continue;
    const functionId = functionIdOf(call);
    const receiver = unwrapExpression(method.receiver);
    const sqlxTerminal = SQLX_TERMINALS[method.name];
    if (sqlxTerminal && receiver.type === 'identifier') {
      const built = latestAssigned(found, receiver.text, functionId, call.startIndex, (f) => f.query.terminal === 'unknown' && !f.api.startsWith('prepare'));
      if (built) {
        built.query.terminal = sqlxTerminal;
        built.query.beforeTerminal = method.receiver.endIndex;
      }
      continue;
    }
    const clientTerminal = CLIENT_METHODS[method.name];
    const statement = method.args[0] && unwrapExpression(method.args[0]);
    if (!clientTerminal || method.name.startsWith('prepare') || statement?.type !== 'identifier') continue;
    const prepared = latestAssigned(found, statement.text, functionId, call.startIndex, (f) => f.api.startsWith('prepare'));
    if (!prepared) continue;
    const end = call.parent?.type === 'await_expression' ? call.parent : call;
    const around = loops.around(call);
    const query: RustHostQuery = {
      kind: 'sql',
      span: { start: call.startIndex, end: end.endIndex },
      statementKind: prepared.query.statementKind,
      sql: prepared.query.sql,
      terminal: clientTerminal,
      loops: around.map((l) => l.context),
      parameterRoots: [...method.args.slice(1).reduce((roots, arg) => expressionRoots(arg, roots), new Set<string>())],
      eagerLoads: [],
      beforeTerminal: method.receiver.endIndex,
    };
    const assignedTo = assignedVariable(end);
    if (assignedTo) query.assignedTo = assignedTo;
    executions.push({ query, loops: around, functionId, api: method.name, prepared });
  }
  return executions;
}
