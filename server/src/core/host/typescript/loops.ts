/**
 * The loops around a node, outermost first: `for`, `for...of`, `for await`,
 * `for...in`, `while`, `do...while`, and callbacks run once per item
 * (`items.forEach(cb)`, `items.map(cb)` — inside `Promise.all` too: still one
 * query per item, only sent concurrently — `pMap(items, cb)`,
 * `Promise.map(items, cb)`). A function that is no such callback ends the search.
 */
import type { LoopContext } from '../types';
import { asCall, type Call, FUNCTIONS, type Node, oneLine, patternNames, spanOf, unwrap } from './syntax';

export interface FoundLoop {
  context: LoopContext;
  /** The iterated expression, to tell whether it holds a query's rows. */
  iterable?: Node;
  /** Start of the loop: a variable iterated must be bound before it. */
  start: number;
}

/** Array methods whose callback runs once per element. */
const PER_ITEM_METHODS = new Set(['forEach', 'map', 'flatMap', 'filter', 'reduce', 'reduceRight', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex']);
/** Functions taking (items, callback): p-map, Bluebird's Promise.map / each / mapSeries, async's eachSeries... */
const PER_ITEM_FUNCTIONS = new Set(['pMap', 'pMapSeries', 'pEachSeries', 'mapSeries', 'eachSeries', 'eachLimit', 'mapLimit', 'each', 'map']);

export class LoopFinder {
  private readonly cache = new Map<number, FoundLoop | null>();

  /** Loops enclosing `node` up to its function (callbacks per item are loops, not boundaries), outermost first. */
  around(node: Node): FoundLoop[] {
    const found: FoundLoop[] = [];
    let child = node;
    for (let parent = node.parent; parent; child = parent, parent = parent.parent) {
      if (FUNCTIONS.has(parent.type)) {
        const loop = this.cached(parent, () => callbackLoop(parent));
        if (!loop && runsOnceWhereCalled(parent)) continue;
        if (!loop) break;
        found.unshift(loop);
        continue;
      }
      const loop = this.loopOf(parent, child);
      if (loop) found.unshift(loop);
    }
    return found;
  }

  /** Whether a function is the per-item callback of a loop (`rows.map(async (r) => ..)`). */
  isLoopCallback(fn: Node): boolean {
    return this.cached(fn, () => callbackLoop(fn)) !== undefined;
  }

  private loopOf(parent: Node, child: Node): FoundLoop | undefined {
    // Only the body repeats (and a while loop's condition): a query in `for (x of <query>)` runs once.
    const body = parent.childForFieldName('body');
    const repeats = body?.id === child.id || ((parent.type === 'while_statement' || parent.type === 'do_statement') && parent.childForFieldName('condition')?.id === child.id);
    if (!repeats) return undefined;
    return this.cached(parent, () => statementLoop(parent));
  }

  private cached(node: Node, describe: () => FoundLoop | undefined): FoundLoop | undefined {
    if (!this.cache.has(node.id)) this.cache.set(node.id, describe() ?? null);
    return this.cache.get(node.id) ?? undefined;
  }
}

function statementLoop(node: Node): FoundLoop | undefined {
  const span = spanOf(node);
  switch (node.type) {
    case 'for_in_statement': {
      const right = node.childForFieldName('right');
      const awaited = node.children.some((c) => c.type === 'await');
      const of = node.childForFieldName('operator')?.text === 'of';
      const targets = patternNames(node.childForFieldName('left'));
      const context: LoopContext = { kind: awaited ? 'async-for' : 'for', span, targets };
      if (right) context.iterable = of ? oneLine(right.text) : `Object.keys(${oneLine(right.text)})`;
      return { context, ...(right && of ? { iterable: right } : {}), start: node.startIndex };
    }
    case 'for_statement':
      return cStyleFor(node);
    case 'while_statement':
    case 'do_statement':
      return { context: { kind: 'while', span, targets: [] }, start: node.startIndex };
    default:
      return undefined;
  }
}

/**
 * `for (let i = 0; i < rows.length; i++)`: the counter, and the collection
 * its bound reads (`rows`), when there is one; the names the body takes from
 * it (`const row = rows[i]`) count as the loop's too.
 */
function cStyleFor(node: Node): FoundLoop {
  const targets = patternNames(node.childForFieldName('initializer')?.namedChildren.find((c) => c.type === 'variable_declarator')?.childForFieldName('name'));
  const context: LoopContext = { kind: 'for', span: spanOf(node), targets };
  if (targets.length === 1 && steppedCounter(node.childForFieldName('increment'), targets[0]!)) context.stepped = true;
  const condition = node.childForFieldName('condition');
  const bound = condition?.type === 'binary_expression' ? condition.childForFieldName('right') : undefined;
  let iterable: Node | undefined;
  if (bound?.type === 'member_expression' && bound.childForFieldName('property')?.text === 'length') {
    iterable = bound.childForFieldName('object') ?? undefined;
  }
  if (iterable) {
    context.iterable = oneLine(iterable.text);
    const body = node.childForFieldName('body');
    for (const statement of body?.namedChildren ?? []) {
      if (statement.type !== 'lexical_declaration' && statement.type !== 'variable_declaration') continue;
      for (const declarator of statement.namedChildren.filter((d) => d.type === 'variable_declarator')) {
        const value = declarator.childForFieldName('value');
        if (value && unwrap(value).type === 'subscript_expression' && unwrap(value).childForFieldName('object')?.text === iterable.text) {
          context.targets.push(...patternNames(declarator.childForFieldName('name')));
        }
      }
    }
  }
  return { context, ...(iterable ? { iterable } : {}), start: node.startIndex };
}

/** Whether the update of a counting loop moves `counter` by something other than one: `i += 500`, `i = i + size`. */
function steppedCounter(increment: Node | null, counter: string): boolean {
  if (!increment) return false;
  const update = unwrap(increment);
  const left = update.childForFieldName('left')?.text;
  const right = update.childForFieldName('right');
  if (left !== counter || !right) return false;
  const operator = update.childForFieldName('operator')?.text;
  if (update.type === 'augmented_assignment_expression') return (operator === '+=' || operator === '-=') && !isOne(right);
  if (update.type !== 'assignment_expression') return false;
  const sum = unwrap(right);
  const op = sum.childForFieldName('operator')?.text;
  if (sum.type !== 'binary_expression' || (op !== '+' && op !== '-')) return false;
  const [a, b] = [sum.childForFieldName('left'), sum.childForFieldName('right')];
  const step = a?.text === counter ? b : op === '+' && b?.text === counter ? a : undefined;
  return !!step && !isOne(step);
}

function isOne(node: Node): boolean {
  return unwrap(node).text.trim() === '1';
}

/** A function passed as the per-item callback of `items.map(..)`, `pMap(items, ..)`: the loop it makes. */
function callbackLoop(fn: Node): FoundLoop | undefined {
  const args = fn.parent;
  if (args?.type !== 'arguments') return undefined;
  const call = asCall(args.parent);
  if (!call) return undefined;
  const index = call.args.findIndex((a) => a.id === fn.id);
  let items: Node | undefined;
  if (call.receiver && call.name && PER_ITEM_METHODS.has(call.name) && index === 0) items = call.receiver;
  else if (isPerItemFunction(call) && index === 1) items = call.args[0];
  if (!items) return undefined;
  const parameters = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  // reduce's callback takes (accumulator, item).
  const params = parameters?.type === 'formal_parameters' ? parameters.namedChildren : parameters ? [parameters] : [];
  const itemParameter = call.name === 'reduce' || call.name === 'reduceRight' ? params[1] : params[0];
  const context: LoopContext = {
    kind: 'iterator-closure',
    span: spanOf(call.node),
    targets: patternNames(itemParameter),
    iterable: oneLine(items.text),
  };
  const statement = statementStart(call.node);
  if (statement !== undefined) context.statementStart = statement;
  return { context, iterable: items, start: call.node.startIndex };
}

/**
 * A transaction's callback, which the call runs once, there and then: Prisma's
 * `$transaction(async (tx) => ..)`, knex's, Drizzle's, TypeORM's and Sequelize's
 * `.transaction(async (trx) => ..)`, Kysely's `db.transaction().execute(async (trx) => ..)`.
 * A loop around the call repeats the callback's queries, so the search goes on past it.
 * (better-sqlite3's `db.transaction(fn)` only wraps `fn`; its queries run where the wrapper is called,
 * which is mostly not inside such a loop.)
 */
function runsOnceWhereCalled(fn: Node): boolean {
  const args = fn.parent;
  if (args?.type !== 'arguments') return false;
  const call = asCall(args.parent);
  if (!call || call.args[call.args.length - 1]?.id !== fn.id) return false;
  if (call.name === '$transaction' || (call.name === 'transaction' && call.receiver)) return true;
  const inner = call.name === 'execute' && call.receiver ? asCall(unwrap(call.receiver)) : undefined;
  return inner?.name === 'transaction' && inner.args.length === 0;
}

/** Statements that can follow another in a block. */
const STATEMENTS = new Set(['expression_statement', 'lexical_declaration', 'variable_declaration', 'return_statement']);

/** The start of the statement of a block holding `node` in the same function, when that function is `async`. */
function statementStart(node: Node): number | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (FUNCTIONS.has(n.type)) return undefined;
    if (!STATEMENTS.has(n.type) || n.parent?.type !== 'statement_block') continue;
    let fn = n.parent.parent;
    while (fn && !FUNCTIONS.has(fn.type)) fn = fn.parent;
    return fn?.children.some((c) => c.type === 'async') ? n.startIndex : undefined;
  }
  return undefined;
}

function isPerItemFunction(call: Call): boolean {
  if (!call.name || !PER_ITEM_FUNCTIONS.has(call.name)) return false;
  // `pMap(items, fn)`, `Promise.map(items, fn)`, `Bluebird.each(..)`, `async.eachSeries(..)`; never `items.map(fn)`.
  if (!call.receiver) return call.name.startsWith('p') || call.name.endsWith('Series') || call.name.endsWith('Limit');
  return ['Promise', 'Bluebird', 'async', 'BPromise', 'P'].includes(call.receiver.text);
}

/**
 * The variable a loop walks: `rows`, `result.rows`, `Object.values(byId)`,
 * `rows.entries()`, `users.filter(..)` → 'rows' / 'result' / 'byId' / 'users'.
 */
export function iteratedVariable(iterable: Node): string | undefined {
  let n = unwrap(iterable);
  for (let hops = 0; hops < 8; hops++) {
    if (n.type === 'identifier') return n.text;
    if (n.type === 'await_expression' && n.namedChildren[0]) {
      n = unwrap(n.namedChildren[0]);
      continue;
    }
    if (n.type === 'member_expression') {
      n = unwrap(n.childForFieldName('object')!);
      continue;
    }
    const call = asCall(n);
    if (!call) return undefined;
    if (call.receiver && ['Object', 'Array'].includes(call.receiver.text) && call.args[0]) n = unwrap(call.args[0]);
    else if (call.receiver) n = unwrap(call.receiver);
    else return undefined;
  }
  return undefined;
}
