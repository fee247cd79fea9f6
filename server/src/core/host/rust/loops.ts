/**
 * The loops around a node, outermost first: `for`, `while` / `while let`,
 * `loop`, and closures handed to iterator or stream adaptors
 * (`agents.iter().map(|a| ...)`, `stream::iter(ids).then(|id| async move {...})`).
 */
import type { LoopContext } from '../types';
import { asMethodCall, patternNames, spanOf, unwrapExpression, type Node } from './syntax';

export interface FoundLoop {
  context: LoopContext;
  /** The iterated expression, to tell whether it holds a query's rows. */
  iterable?: Node;
  /** Start of the loop: a variable iterated must be bound before it. */
  start: number;
}

/** Adaptors whose closure runs once per item. */
const PER_ITEM_METHODS = new Set([
  'map', 'for_each', 'then', 'filter_map', 'flat_map', 'and_then', 'try_for_each', 'for_each_concurrent',
  'try_for_each_concurrent', 'fold', 'try_fold', 'filter', 'scan', 'any', 'all', 'find_map', 'inspect', 'map_ok',
]);
/** These only exist on iterators and streams, so their closure always runs per item. */
const ALWAYS_ITERATING = new Set(['for_each', 'then', 'for_each_concurrent', 'try_for_each', 'try_for_each_concurrent', 'filter_map', 'flat_map', 'fold', 'try_fold', 'scan', 'find_map']);
/** Calls that turn a collection into an iterator or stream (`.iter()`, `stream::iter(x)`). */
const ITERATOR_SOURCES = new Set(['iter', 'into_iter', 'iter_mut', 'chunks', 'windows', 'values', 'keys', 'values_mut', 'drain', 'lines', 'into_values', 'into_keys']);

const FUNCTION_BOUNDARIES = new Set(['function_item', 'source_file', 'impl_item', 'trait_item', 'mod_item']);

export class LoopFinder {
  private readonly cache = new Map<number, FoundLoop | null>();

  /** Loops enclosing `node` within its function, outermost first. */
  around(node: Node): FoundLoop[] {
    const found: FoundLoop[] = [];
    let child = node;
    for (let parent = node.parent; parent && !FUNCTION_BOUNDARIES.has(parent.type); child = parent, parent = parent.parent) {
      const loop = this.loopOf(parent, child);
      if (loop) found.unshift(loop);
    }
    return found;
  }

  private loopOf(parent: Node, child: Node): FoundLoop | undefined {
    // Only the body repeats: a query in `for x in <query>` runs once.
    const body = parent.childForFieldName('body');
    if (!body || body.id !== child.id) return undefined;
    if (!this.cache.has(parent.id)) this.cache.set(parent.id, describeLoop(parent) ?? null);
    return this.cache.get(parent.id) ?? undefined;
  }

  /** Every loop found so far. */
  found(): FoundLoop[] {
    return [...this.cache.values()].filter((l): l is FoundLoop => l !== null);
  }
}

function describeLoop(node: Node): FoundLoop | undefined {
  const span = spanOf(node);
  const start = node.startIndex;
  switch (node.type) {
    case 'for_expression': {
      const iterable = node.childForFieldName('value') ?? undefined;
      return { context: { kind: 'for', span, targets: patternNames(node.childForFieldName('pattern')), iterable: oneLine(iterable?.text) }, iterable, start };
    }
    case 'while_expression': {
      const condition = node.childForFieldName('condition');
      if (condition?.type === 'let_condition') {
        const iterable = condition.childForFieldName('value') ?? undefined;
        return { context: { kind: 'while', span, targets: patternNames(condition.childForFieldName('pattern')), iterable: oneLine(iterable?.text) }, iterable, start };
      }
      return { context: { kind: 'while', span, targets: [] }, start };
    }
    case 'loop_expression':
      return { context: { kind: 'while', span, targets: [] }, start };
    case 'closure_expression':
      return iteratorClosure(node);
    default:
      return undefined;
  }
}

function iteratorClosure(closure: Node): FoundLoop | undefined {
  const args = closure.parent;
  const method = args?.type === 'arguments' ? asMethodCall(args.parent) : undefined;
  if (!method || !PER_ITEM_METHODS.has(method.name)) return undefined;
  if (!ALWAYS_ITERATING.has(method.name) && !readsIterator(method.receiver)) return undefined;
  return {
    context: {
      kind: 'iterator-closure',
      span: spanOf(method.call),
      targets: patternNames(closure.childForFieldName('parameters')),
      iterable: oneLine(method.receiver.text),
    },
    iterable: method.receiver,
    start: method.call.startIndex,
  };
}

/** A chain written over several lines (`rows\n    .iter()`) as one line, as messages quote it. */
export function oneLine<T extends string | undefined>(text: T): T {
  return (text === undefined ? text : text.replace(/\s*\n\s*/g, '')) as T;
}

/** Whether a method chain starts from an iterator source (`xs.iter().filter(..)`, `stream::iter(xs)`). */
function readsIterator(receiver: Node): boolean {
  let current: Node | undefined = unwrapExpression(receiver);
  while (current) {
    const method = asMethodCall(current);
    if (method) {
      if (ITERATOR_SOURCES.has(method.name)) return true;
      current = unwrapExpression(method.receiver);
      continue;
    }
    return current.type === 'call_expression' && isIterFunction(current);
  }
  return false;
}

function isIterFunction(call: Node): boolean {
  const callee = call.childForFieldName('function');
  const name = callee?.type === 'scoped_identifier' ? callee.childForFieldName('name')?.text : callee?.text;
  return name === 'iter' || name === 'iter_ok';
}

/**
 * The variable a loop walks: `&agents`, `agents.iter().enumerate()`,
 * `stream::iter(agents)`, `rows.try_next().await?` → 'agents' / 'rows'.
 */
export function iteratedVariable(iterable: Node): string | undefined {
  let current = unwrapExpression(iterable);
  for (;;) {
    if (current.type === 'identifier') return current.text;
    const method = asMethodCall(current);
    if (method) {
      current = unwrapExpression(method.receiver);
      continue;
    }
    const first = current.type === 'call_expression' && isIterFunction(current) ? current.childForFieldName('arguments')?.namedChildren[0] : undefined;
    if (!first) return undefined;
    current = unwrapExpression(first);
  }
}
