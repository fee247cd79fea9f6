/**
 * Method-call chains (`session.query(M).filter(...).all()`) flattened into
 * steps, and the terminal calls that say what is done with a result.
 */
import type { Terminal } from '../types';
import { type Node, unwrap } from './nodes';
import type { Step } from './orm-query';

export interface ChainStep extends Step {
  /** The object the method is called on; undefined for a plain function call (`select(M)`). */
  receiver?: Node;
}

export interface Chain {
  /** What the first step is called on (`session`, `self.db`), or the function name of `select(...)`. */
  root: Node;
  steps: ChainStep[];
}

/** `a.b(x).c(y)` → root `a`, steps b(x), c(y). `(await s.execute(q)).all()` looks through the await. */
export function flatten(top: Node): Chain {
  const steps: ChainStep[] = [];
  let n = unwrap(top);
  for (;;) {
    if (n.type !== 'call') return { root: n, steps };
    const fn = n.childForFieldName('function');
    const args = n.childForFieldName('arguments');
    const positional = args?.type === 'argument_list'
      ? args.namedChildren.filter((a) => !['keyword_argument', 'comment', 'list_splat', 'dictionary_splat'].includes(a.type))
      : args ? [args] : [];
    if (fn?.type === 'attribute') {
      const object = fn.childForFieldName('object')!;
      steps.unshift({ name: fn.childForFieldName('attribute')?.text ?? '', call: n, args: positional, receiver: object });
      n = unwrap(object);
    } else {
      steps.unshift({ name: fn?.text ?? '', call: n, args: positional });
      return { root: fn ?? n, steps };
    }
  }
}

/** Whether a call is the outermost of its chain (not the receiver of a further method call). */
export function isChainTop(call: Node): boolean {
  let child = call;
  let p = call.parent;
  while (p && (p.type === 'await' || p.type === 'parenthesized_expression')) {
    child = p;
    p = p.parent;
  }
  if (p?.type !== 'attribute' || p.childForFieldName('object')?.id !== child.id) return true;
  const call2 = p.parent;
  return !(call2?.type === 'call' && call2.childForFieldName('function')?.id === p.id);
}

/** The statement-level parent of an expression, looking through `await` and parentheses. */
export function enclosingParent(node: Node): { parent: Node | null; child: Node } {
  let child = node;
  let p = node.parent;
  while (p && (p.type === 'await' || p.type === 'parenthesized_expression')) {
    child = p;
    p = p.parent;
  }
  return { parent: p, child };
}

/** 1.x Query terminals. */
export const QUERY_TERMINALS: Record<string, Terminal> = {
  all: 'all', first: 'first', one: 'one', one_or_none: 'one_or_none', scalar: 'scalar', count: 'count', get: 'get',
  delete: 'execute', update: 'execute', exists: 'scalar', paginate: 'unknown', yield_per: 'iterate',
};

/** Result terminals after `session.execute(...)`, `cursor.execute(...)`. */
export const RESULT_TERMINALS: Record<string, Terminal> = {
  all: 'all', fetchall: 'all', fetchmany: 'all', first: 'first', fetchone: 'first', one: 'one', scalar_one: 'one',
  one_or_none: 'one_or_none', scalar_one_or_none: 'one_or_none', scalar: 'scalar', partitions: 'iterate',
};

/** Calls that run a statement: `session.execute(stmt)`, `conn.exec_driver_sql("...")`, `cursor.execute(...)`. */
export const EXECUTORS = new Set(['execute', 'exec_driver_sql', 'executemany', 'executescript', 'scalars', 'scalar', 'stream', 'stream_scalars', 'fetch', 'fetchrow', 'fetchval']);

/** Statement constructors of SQLAlchemy 2.0 style. */
export const STATEMENT_STARTS: Record<string, 'select' | 'insert' | 'update' | 'delete'> = {
  select: 'select', insert: 'insert', update: 'update', delete: 'delete',
};
