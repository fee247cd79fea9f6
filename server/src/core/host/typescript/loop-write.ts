/**
 * What the ORMs' commit-in-loop and unpaginated fixes share (TypeORM's and
 * Drizzle's, orm/typeorm/fix.ts and orm/drizzle/fix.ts): the loop whose body
 * is one write and nothing else, read from the file's syntax tree, and an
 * option added to an options object in its layout. An edit is one span
 * replaced, as Prisma's (prisma/client-fixes.ts).
 */
import type { Span } from '../../sql/model';
import { hostGrammarOf, hostParser, type SyntaxNode } from '../treesitter';
import type { LoopContext } from '../types';
import { expressionRoots, patternNames, unwrap } from './syntax';

/** One span of the query's file replaced (TypeORM's, Drizzle's and Prisma's loop and limit fixes). */
export interface OrmSpanEdit {
  title: string;
  span: Span;
  newText: string;
}

/** The edit as a `TypeScriptOrm` hook's fix (host/typescript/orms.ts). */
export function asOrmEdit(edit: OrmSpanEdit | undefined): { title: string; edits: { span: Span; newText: string }[] } | undefined {
  return edit && { title: edit.title, edits: [{ span: edit.span, newText: edit.newText }] };
}

/** The node of `text` that spans exactly `span` (the outermost such), or undefined. */
export function nodeAt(text: string, file: string, span: Span): SyntaxNode | undefined {
  let node = hostParser(hostGrammarOf(file) ?? 'typescript').parse(text)?.rootNode as unknown as SyntaxNode | undefined;
  while (node && !(node.startIndex === span.start && node.endIndex === span.end)) {
    node = node.children.find((c) => c.startIndex <= span.start && c.endIndex >= span.end);
  }
  return node;
}

/** The call a query's node is: `await` and parentheses dropped. */
export function callOf(node: SyntaxNode): SyntaxNode | undefined {
  let n = unwrap(node);
  if (n.type === 'await_expression' && n.namedChildren[0]) n = unwrap(n.namedChildren[0]);
  return n.type === 'call_expression' ? n : undefined;
}

/**
 * `for (const item of items) { await write(...); }`: a `for ... of` over a
 * name or a property path whose body is the query's statement alone, so that
 * nothing else uses the write's result or runs per item. `call` is the write
 * (its `await` dropped), `item` the loop's pattern as written.
 */
export interface LoneWriteLoop {
  call: SyntaxNode;
  awaited: boolean;
  item: string;
  targets: string[];
  iterable: string;
  /** The iterable is declared a readonly array: passed on as a copy. */
  readonly?: boolean;
  /** The loop statement's indentation, for the statement that replaces it. */
  indent: string;
}

export function loneWriteLoop(text: string, file: string, query: { span: Span }, loop: LoopContext): LoneWriteLoop | undefined {
  if (loop.kind !== 'for') return undefined;
  const statement = nodeAt(text, file, loop.span);
  if (statement?.type !== 'for_in_statement' || !statement.children.some((c) => c.type === 'of')) return undefined;
  if (!['const', 'let'].includes(statement.childForFieldName('kind')?.text ?? '')) return undefined;
  const left = statement.childForFieldName('left');
  const right = statement.childForFieldName('right');
  if (!left || !right || !/^[\w$]+(\.[\w$]+)*$/.test(right.text)) return undefined;
  let body = statement.childForFieldName('body');
  if (body?.type === 'statement_block') {
    const inner = body.namedChildren.filter((c) => c.type !== 'comment');
    body = inner.length === 1 ? inner[0]! : null;
  }
  if (body?.type !== 'expression_statement' || !body.namedChildren[0]) return undefined;
  const expression = unwrap(body.namedChildren[0]);
  const awaited = expression.type === 'await_expression';
  const call = callOf(expression);
  if (!call || ![expression, call].some((n) => n.startIndex === query.span.start && n.endIndex === query.span.end)) return undefined;
  // `for (const [key, value] of byKey)` walks a Map's entries, most likely; a Set or a Map has no `.map`.
  if (left.type === 'array_pattern' || declaredAs(statement, right.text) === 'collection') return undefined;
  const lineStart = text.lastIndexOf('\n', statement.startIndex - 1) + 1;
  return {
    call, awaited, item: left.text, targets: patternNames(left), iterable: right.text, indent: /^[ \t]*/.exec(text.slice(lineStart))![0],
    ...(declaredAs(statement, right.text) === 'readonly' ? { readonly: true } : {}),
  };
}

/**
 * What the file declares `name` to be, where it shows: a Set, a Map or another iterable
 * (`new Set(...)`, `: Map<K, V>`), which has no `.map`, or a readonly array, which the
 * ORMs' array parameters do not take as it is. Undefined when it does not say.
 */
function declaredAs(from: SyntaxNode, name: string): 'collection' | 'readonly' | undefined {
  if (!/^[\w$]+$/.test(name)) return undefined;
  let root = from;
  while (root.parent) root = root.parent;
  for (const d of root.descendantsOfType(['variable_declarator', 'required_parameter', 'optional_parameter'])) {
    const id = d.childForFieldName(d.type === 'variable_declarator' ? 'name' : 'pattern');
    if (id?.type !== 'identifier' || id.text !== name || d.startIndex > from.startIndex) continue;
    const type = d.childForFieldName('type')?.text.replace(/^:\s*/, '') ?? '';
    const value = d.childForFieldName('value')?.text ?? '';
    if (/^(Readonly)?(Set|Map|Iterable|AsyncIterable|IterableIterator|Generator)\b/.test(type) || /^new\s+(Set|Map)\b/.test(value)) return 'collection';
    if (/^(readonly\s|ReadonlyArray\b)/.test(type)) return 'readonly';
  }
  return undefined;
}

/**
 * The values a write per item is given, as the one array over all items:
 * `items.map((item) => ({ ... }))`, or `items` when the value is the item.
 * Undefined when they do not use the item (every item would write the same
 * values) or await (a `.map` callback cannot).
 */
export function mappedValues(text: string, value: SyntaxNode, loop: LoneWriteLoop): string | undefined {
  const bare = unwrap(value);
  if (bare.type === 'identifier' && loop.targets.length === 1 && bare.text === loop.targets[0] && loop.item === bare.text) return loop.readonly ? `[...${loop.iterable}]` : loop.iterable;
  const names = expressionRoots(value);
  if (!loop.targets.some((t) => names.has(t))) return undefined;
  if (value.descendantsOfType(['await_expression', 'yield_expression']).length > 0) return undefined;
  // Lines after the first were indented for the loop's body: one level out, as the statement that replaces the loop.
  const lines = text.slice(value.startIndex, value.endIndex).split('\n');
  const bodyIndent = /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', value.startIndex - 1) + 1))![0];
  const shift = bodyIndent.length > loop.indent.length ? bodyIndent.length - loop.indent.length : 0;
  const written = lines.map((l, i) => (i > 0 && /^[ \t]*$/.test(l.slice(0, shift)) ? l.slice(shift) : l)).join('\n');
  return `${loop.iterable}.map((${loop.item}) => ${bare.type === 'object' ? `(${written})` : written})`;
}

/** The write's call with its argument `value` replaced by `values`, as one statement. */
export function callOverAll(text: string, loop: LoneWriteLoop, value: SyntaxNode, values: string): string {
  const call = text.slice(loop.call.startIndex, value.startIndex) + values + text.slice(value.endIndex, loop.call.endIndex);
  return `${loop.awaited ? 'await ' : ''}${call};`;
}

/** `name: value` added at the end of an object literal, in its layout (one per line, or inline); undefined when it has a spread. */
export function addProperty(text: string, object: SyntaxNode, property: string): Omit<OrmSpanEdit, 'title'> | undefined {
  const props = object.namedChildren.filter((c) => c.type !== 'comment');
  if (props.some((p) => p.type !== 'pair' && p.type !== 'shorthand_property_identifier')) return undefined;
  const last = props[props.length - 1];
  if (!last) return { span: { start: object.startIndex, end: object.endIndex }, newText: `{ ${property} }` };
  const multiline = text.slice(object.startIndex, object.endIndex).includes('\n');
  const comma = text.slice(last.endIndex, object.endIndex).trimStart().startsWith(',');
  const at = comma ? text.indexOf(',', last.endIndex) + 1 : last.endIndex;
  const indent = /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', last.startIndex - 1) + 1))![0];
  const newText = multiline ? (comma ? `\n${indent}${property},` : `,\n${indent}${property}`) : comma ? ` ${property},` : `, ${property}`;
  return { span: { start: at, end: at }, newText };
}
