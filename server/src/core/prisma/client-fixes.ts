/**
 * Fixes of Prisma Client calls, written as Prisma Client code (the TypeScript
 * adapter asks for them when a query is Prisma's: `HostQuery.orm`); tests
 * compile the result with `tsc --noEmit` against a client `prisma generate`
 * wrote:
 *
 * - unpaginated-query: `take: n` added to the arguments object;
 * - n-plus-one: above the loop, one `findMany` over the collected keys
 *   (`where: { authorId: { in: userIds } }`), the rest of the call as written;
 * - commit-in-loop: a loop whose body is one `create({ data: {...} })` becomes
 *   `createMany({ data: items.map((item) => ({...})) })`.
 *
 * Each returns nothing when the call is not in a shape it rewrites safely.
 * The call is found again in the file's syntax tree (treesitter.ts keeps the
 * tree of a text it parsed), never by patterns over the text.
 */
import type { BatchSite, BuiltStatement } from '../host/adapter';
import { hostGrammarOf, hostParser, type SyntaxNode } from '../host/treesitter';
import type { HostQuery, LoopContext } from '../host/types';
import { unwrap, usesLoopValues } from '../host/typescript/syntax';
import type { Predicate, Span } from '../sql/model';
import { PRISMA_METHODS, prismaCallShape, propertyName, type PrismaCall } from './client';

export interface PrismaEdit {
  title: string;
  span: Span;
  newText: string;
}

/** The Prisma call whose span is `span` in `text`. */
function callAt(text: string, file: string, span: Span): Omit<PrismaCall, 'model'> | undefined {
  let node = rootOf(text, file);
  // Down the tree to the outermost node that spans exactly the call.
  while (node && !(node.startIndex === span.start && node.endIndex === span.end)) {
    node = node.children.find((c) => c.startIndex <= span.start && c.endIndex >= span.end);
  }
  return node ? prismaCallShape(node) : undefined;
}

function rootOf(text: string, file: string): SyntaxNode | undefined {
  return hostParser(hostGrammarOf(file) ?? 'typescript').parse(text)?.rootNode as unknown as SyntaxNode | undefined;
}

function pairs(object: SyntaxNode): SyntaxNode[] {
  return object.namedChildren.filter((c) => c.type !== 'comment');
}

function indentationAt(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/** unpaginated-query: `take: limit` in the call's arguments (`findMany()` → `findMany({ take: 100 })`). */
export function prismaTakeEdit(text: string, file: string, query: HostQuery, limit: number): PrismaEdit | undefined {
  const found = callAt(text, file, query.span);
  if (!found || PRISMA_METHODS[found.method.text]?.terminal !== 'all') return undefined;
  const title = `Add take: ${limit} to the ${found.method.text} arguments`;
  const argsNode = found.call.childForFieldName('arguments');
  if (!found.args) {
    if (!argsNode) return undefined;
    const at = argsNode.startIndex + 1;
    return { title, span: { start: at, end: argsNode.endIndex - 1 }, newText: `{ take: ${limit} }` };
  }
  if (found.args.type !== 'object') return undefined;
  const props = pairs(found.args);
  if (props.some((p) => p.type === 'pair' && propertyName(p) === 'take')) return undefined;
  const last = props[props.length - 1];
  if (!last) return { title, span: { start: found.args.startIndex, end: found.args.endIndex }, newText: `{ take: ${limit} }` };
  const multiline = text.slice(found.args.startIndex, found.args.endIndex).includes('\n');
  const comma = text.slice(last.endIndex, found.args.endIndex).trimStart().startsWith(',');
  const at = comma ? text.indexOf(',', last.endIndex) + 1 : last.endIndex;
  const indent = indentationAt(text, last.startIndex);
  const newText = multiline ? (comma ? `\n${indent}take: ${limit},` : `,\n${indent}take: ${limit}`) : comma ? ` take: ${limit},` : `, take: ${limit}`;
  return { title, span: { start: at, end: at }, newText };
}

const LOOKUPS = new Set(['findMany', 'findFirst', 'findFirstOrThrow', 'findUnique', 'findUniqueOrThrow']);
/** Arguments that bound or skip rows per call: over all keys at once they would mean something else. */
const PER_CALL = new Set(['take', 'skip', 'cursor', 'distinct']);

/**
 * n-plus-one: `const rows = await prisma.post.findMany({ where: { authorId: { in: keys } }, ... })`,
 * the call as written with its key condition over all keys. Only when every
 * top-level condition of its `where` is one QueryLens read and none but the key
 * uses the loop's names.
 */
export function prismaBatchLookup(text: string, file: string, query: HostQuery, loopTargets: string[], key: Predicate, site: BatchSite): BuiltStatement | undefined {
  const found = callAt(text, file, query.span);
  if (!found?.args || found.args.type !== 'object' || !LOOKUPS.has(found.method.text) || !/^await\s/.test(text.slice(query.span.start, query.span.end))) return undefined;
  const predicates = query.model?.predicates ?? [];
  let where: SyntaxNode | undefined;
  for (const prop of pairs(found.args)) {
    const name = prop.type === 'pair' ? propertyName(prop) : undefined;
    if (!name || PER_CALL.has(name)) return undefined;
    if (name === 'where') where = unwrap(prop.childForFieldName('value')!);
  }
  if (!where || where.type !== 'object') return undefined;
  const conditions = pairs(where);
  if (!conditions.every((c) => c.type === 'pair' && predicates.some((p) => p.span.start === c.startIndex && p.span.end === c.endIndex))) return undefined;
  const keyPair = conditions.find((c) => c.startIndex === key.span.start && c.endIndex === key.span.end);
  const field = keyPair?.childForFieldName('key')?.text;
  if (!keyPair || !field) return undefined;
  const args = text.slice(found.args.startIndex, keyPair.startIndex) + `${field}: { in: ${site.keys} }` + text.slice(keyPair.endIndex, found.args.endIndex);
  const rest = text.slice(found.args.startIndex, keyPair.startIndex) + text.slice(keyPair.endIndex, found.args.endIndex);
  if (loopTargets.some((t) => new RegExp(`(^|[^\\w$.])${t.replace(/\$/g, '\\$')}(?![\\w$])`).test(rest))) return undefined;
  const client = text.slice(found.receiver.startIndex, found.accessor.endIndex);
  return { statement: `const ${site.rows} = await ${client}.findMany(${args});` };
}

/** Keys of a Prisma `data` object that write relations (nested writes): `createMany` takes none. */
const NESTED_WRITES = /\b(connect|connectOrCreate|create|createMany|set)\s*:/;

/**
 * commit-in-loop: a loop whose body is one `create({ data: {...} })` of the
 * item becomes one `createMany` over the items.
 */
export function prismaCreateManyEdit(text: string, file: string, query: HostQuery, loop: LoopContext): PrismaEdit | undefined {
  const iterable = loop.iterable?.trim();
  if (loop.kind !== 'for' || !iterable || !/^[\w$]+(\.[\w$]+)*$/.test(iterable)) return undefined;
  const found = callAt(text, file, query.span);
  if (!found?.args || found.args.type !== 'object' || found.method.text !== 'create') return undefined;
  const props = pairs(found.args);
  const data = props.length === 1 && props[0]!.type === 'pair' && propertyName(props[0]!) === 'data' ? unwrap(props[0]!.childForFieldName('value')!) : undefined;
  if (!data || data.type !== 'object' || NESTED_WRITES.test(data.text)) return undefined;
  // The loop holds the create alone: `for (const x of xs) { await prisma.t.create(...); }`.
  const head = /^for\s*\(\s*(?:const|let)\s+([^;]+?)\s+of\s+[^;{}]+\)\s*\{?\s*$/.exec(text.slice(loop.span.start, query.span.start));
  const tail = text.slice(query.span.end, loop.span.end);
  if (!head || !/^\s*;?\s*\}?$/.test(tail) || /:/.test(head[1]!.replace(/\{[^}]*\}/g, ''))) return undefined;
  const awaited = /^await\s/.test(text.slice(query.span.start, query.span.end));
  const client = text.slice(found.receiver.startIndex, found.accessor.endIndex);
  const indent = indentationAt(text, loop.span.start);
  const body = data.text.split('\n').map((l, i) => (i === 0 ? l : `  ${l}`)).join('\n');
  return {
    title: `Create all of ${iterable} with one createMany`,
    span: { ...loop.span },
    newText:
      `// QueryLens commit-in-loop: one INSERT for all of ${iterable} (createMany writes no relations: their keys go in data).\n` +
      `${indent}${awaited ? 'await ' : ''}${client}.createMany({ data: ${iterable}.map((${head[1]}) => (${body})) });`,
  };
}

/** Whether the `data` of a Prisma write uses one of the loop's names (each item writes values of its own); undefined when the call is not read. */
export function prismaDataPerItem(text: string, file: string, query: HostQuery, targets: string[], loop: Span): boolean | undefined {
  const found = callAt(text, file, query.span);
  if (!found?.args || found.args.type !== 'object') return undefined;
  const data = pairs(found.args).find((p) => p.type === 'pair' && propertyName(p) === 'data');
  const value = data?.childForFieldName('value');
  if (!value) return undefined;
  return usesLoopValues(value, targets, loop, query.span.start);
}

/** Keys of a `data` object that create related rows (nested writes): no bulk form writes them. */
const NESTED_CREATES = /\b(create|createMany|connectOrCreate|upsert)\s*:/;

/** Whether the `data` of a Prisma create also creates related rows (`fields: { createMany: ... }`); undefined when the call is not read. */
export function prismaNestedCreate(text: string, file: string, query: HostQuery): boolean | undefined {
  const found = callAt(text, file, query.span);
  if (!found?.args || found.args.type !== 'object') return undefined;
  const data = pairs(found.args).find((p) => p.type === 'pair' && propertyName(p) === 'data')?.childForFieldName('value');
  return data ? NESTED_CREATES.test(data.text) : undefined;
}

/** The Prisma Client method a query calls (`upsert`), read from the call. */
export function prismaMethodOf(text: string, file: string, query: HostQuery): string | undefined {
  return callAt(text, file, query.span)?.method.text;
}

/**
 * n-plus-one advice: the rows a query reads per row of `outer` loaded with `outer`'s instead, through
 * the relation of `outer`'s model that holds them (`include: { posts: true }`, or in its `select`; a
 * count per row is `_count: { select: { posts: true } }`). Prisma sends one more query for all the
 * rows' keys, as the batched rewrite does, and hands each row its own. Undefined when no one relation
 * of that model holds them, or `outer` groups (a groupBy has no include).
 */
export function prismaIncludeAdvice(outer: HostQuery, query: HostQuery, column: string): string | undefined {
  const load = query.loadedWith?.find((l) => l.column === column && l.parent === outer.entity);
  if (!load || outer.model?.groupBy.length) return undefined;
  const relation = load.relation;
  // Prisma takes a select or an include, not both: a query that selects its fields loads relations in its select.
  const into = outer.model?.columns.length ? 'select' : 'include';
  const model = query.model;
  const others = (model?.predicates.filter((p) => p.column.column !== column).length ?? 0) > 0;
  if (model?.isAggregate) {
    // An aggregate of sums or averages has no such load, and only a list relation is counted.
    if (query.terminal !== 'scalar' || !load.many) return undefined;
    return (
      `Prisma Client can also count them with the list: add ${wrap(into, `_count: { select: { ${relation}: ${others ? '{ where: { ... } }' : 'true'} } }`)}` +
      `${others ? ", with this count's other conditions in that where" : ''}.`
    );
  }
  // A to-one relation (a post's author) takes no where, orderBy or take: the row's key names its one row,
  // and a condition beside the key (the author only if active) would be lost.
  if (!load.many && others) return undefined;
  const nested = load.many && (others || (model?.orderBy.length ?? 0) > 0 || model?.limit !== undefined);
  return (
    `Prisma Client can also load them with the list: add ${wrap(into, `${relation}: ${nested ? '{ where, orderBy, take }' : 'true'}`)}` +
    `${nested ? ", with this query's other conditions, order and take inside" : ''}: one more query for all the rows, each row given its own.`
  );
}

/** `include: { posts: true } to its query`, or `posts: true to its select` (a select names its fields). */
function wrap(into: 'select' | 'include', entry: string): string {
  return into === 'include' ? `include: { ${entry} } to its query` : `${entry} to its select`;
}
