/**
 * Small helpers over the tree-sitter TypeScript / TSX / JavaScript trees (the
 * three grammars share these node kinds). Offsets are UTF-16 units, like every Span.
 */
import { type Node, walk } from '../tree';
import type { Span } from '../../sql/model';

export { type Node, spanOf, walk, within } from '../tree';

/** A call's arguments, comments left out. */
export function argsOf(call: Node): Node[] {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).filter((c) => c.type !== 'comment');
}

/** The root of the tree a node is in. */
export function rootOf(node: Node): Node {
  let n = node;
  while (n.parent) n = n.parent;
  return n;
}

/** Node kinds that only wrap an expression for the type checker or for grouping. */
const TRANSPARENT = new Set(['parenthesized_expression', 'as_expression', 'satisfies_expression', 'non_null_expression', 'type_assertion']);

/** Drops parentheses, `as T`, `satisfies T`, `x!` and `<T>x` around an expression. */
export function unwrap(node: Node): Node {
  let n = node;
  while (TRANSPARENT.has(n.type)) {
    const inner = n.namedChildren.find((c) => !c.type.endsWith('type') && c.type !== 'type_arguments' && c.type !== 'type_identifier' && c.type !== 'comment');
    if (!inner) return n;
    n = inner;
  }
  return n;
}

/** The nearest ancestor that is not a transparent wrapper, and the child of it on the way. */
export function outerOf(node: Node): { parent: Node | null; child: Node } {
  let child = node;
  let parent = node.parent;
  while (parent && TRANSPARENT.has(parent.type)) {
    child = parent;
    parent = parent.parent;
  }
  return { parent, child };
}

export function isFunction(node: Node): boolean {
  return FUNCTIONS.has(node.type);
}

export const FUNCTIONS = new Set([
  'function_declaration', 'function_expression', 'function', 'arrow_function', 'method_definition',
  'generator_function_declaration', 'generator_function',
]);

/** A call `callee(args)` or a tagged template `` tag`...` ``, with what the extractor reads of it. */
export interface Call {
  node: Node;
  /** The callee without type arguments (`pool.query` in `pool.query<T>(..)`). */
  callee: Node;
  /** `receiver.name(...)`: the receiver, or undefined for a plain function call. */
  receiver?: Node;
  /** The called name: the member's property, or the identifier called. */
  name?: string;
  args: Node[];
  /** A tagged template: its template string. */
  template?: Node;
  /**
   * The TypeScript grammar reads `await pool.query<T>(...)` as a call of
   * `await pool.query` (type arguments make it ambiguous): the call is then
   * awaited although no await_expression encloses it.
   */
  awaitedInside: boolean;
  /** A generic tagged template read as comparisons (see `genericTag`): the call run on it (`.execute(db)`). */
  run?: Call;
}

/** What a call expression calls (`asCall`'s `callee` and `awaitedInside`), without reading its arguments: for walks that test every call of a file. */
export function calleeOf(node: Node | null | undefined): { callee: Node; awaitedInside: boolean } | undefined {
  if (!node || node.type !== 'call_expression') return undefined;
  let callee = node.childForFieldName('function');
  if (!callee) return undefined;
  let awaitedInside = false;
  if (callee.type === 'await_expression') {
    const inner = callee.namedChildren[0];
    if (!inner) return undefined;
    callee = inner;
    awaitedInside = true;
  }
  callee = unwrap(callee);
  // `sql<{ id: number }[]>`...``: the grammar reads the type arguments as an instantiation of `await sql`.
  if (callee.type === 'instantiation_expression' && callee.namedChildren[0]) {
    callee = callee.namedChildren[0];
    if (callee.type === 'await_expression' && callee.namedChildren[0]) {
      callee = callee.namedChildren[0];
      awaitedInside = true;
    }
    callee = unwrap(callee);
  }
  return { callee, awaitedInside };
}

export function asCall(node: Node | null | undefined): Call | undefined {
  const called = calleeOf(node);
  if (!called) return undefined;
  const { callee, awaitedInside } = called;
  const argsNode = node!.childForFieldName('arguments');
  const template = argsNode?.type === 'template_string' ? argsNode : undefined;
  const args = template ? [] : (argsNode?.namedChildren.filter((a) => a.type !== 'comment') ?? []);
  const call: Call = { node: node!, callee, args, awaitedInside };
  if (template) call.template = template;
  if (callee.type === 'member_expression') {
    const object = callee.childForFieldName('object');
    const property = callee.childForFieldName('property');
    if (object) call.receiver = object;
    if (property) call.name = property.text;
  } else if (callee.type === 'identifier') {
    call.name = callee.text;
  }
  return call;
}

/** When `node` is the receiver of a method call (`node.name(...)`), that call. */
export function enclosingMethodCall(node: Node): Call | undefined {
  const { parent: member, child } = outerOf(node);
  if (member?.type !== 'member_expression' || member.childForFieldName('object')?.id !== child.id) return undefined;
  const call = member.parent;
  if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== member.id) return undefined;
  return asCall(call);
}

/** The identifier an expression hangs from: `agent.id` → 'agent', `rows[i].x` → 'rows', `this.db` → 'this'. */
export function rootIdentifier(node: Node): string | undefined {
  let n: Node | null = unwrap(node);
  while (n) {
    if (n.type === 'identifier' || n.type === 'this' || n.type === 'shorthand_property_identifier') return n.text;
    if (n.type === 'member_expression') n = n.childForFieldName('object');
    else if (n.type === 'subscript_expression') n = n.childForFieldName('object');
    else if (n.type === 'call_expression') n = asCall(n)?.callee ?? null;
    else if (n.type === 'await_expression') n = n.namedChildren[0] ?? null;
    else if (TRANSPARENT.has(n.type)) n = unwrap(n);
    else return undefined;
    if (n) n = unwrap(n);
  }
  return undefined;
}

/**
 * Identifiers an argument is computed from: `agent.id` → agent, `rows[i].id` → rows and i,
 * `[a.id, b]` → a, b, `{ id: a.id }` → a; function bodies left out.
 */
export function expressionRoots(node: Node, out = new Set<string>()): Set<string> {
  walk(node, (n) => {
    if (FUNCTIONS.has(n.type)) return false;
    if (n.type === 'identifier' || n.type === 'shorthand_property_identifier') {
      const parent = n.parent;
      // `a.b`: `b` is a property_identifier, never an identifier; `{ key: v }` keys are property_identifiers too.
      if (parent?.type === 'member_expression' && parent.childForFieldName('property')?.id === n.id) return;
      out.add(n.text);
    }
    if (n.type === 'this') out.add('this');
  });
  return out;
}

/**
 * Whether an expression's value is a loop item's own: it uses a name the loop binds (`targets`) or one
 * declared in the loop's body before `before` (`const next = f(item)`). The judgement of an ORM write per
 * item that sets values of its own, which no one call for all items can write (Prisma's `data`, TypeORM's
 * `update(criteria, values)`).
 */
export function usesLoopValues(value: Node, targets: string[], loop: Span, before: number): boolean {
  const names = expressionRoots(value);
  if (targets.some((t) => names.has(t))) return true;
  const declared = new Set(
    rootOf(value)
      .descendantsOfType('variable_declarator')
      .filter((d) => d.startIndex >= loop.start && d.endIndex <= loop.end && d.endIndex <= before)
      .flatMap((d) => patternNames(d.childForFieldName('name'))),
  );
  return [...names].some((n) => declared.has(n));
}

/** Names bound by a declaration or loop pattern: `a`, `[a, b]`, `{ id, name: n }`, `{ ...rest }`. */
export function patternNames(pattern: Node | null | undefined, out: string[] = []): string[] {
  if (!pattern) return out;
  switch (pattern.type) {
    case 'identifier':
    case 'shorthand_property_identifier_pattern':
      out.push(pattern.text);
      break;
    case 'pair_pattern':
      patternNames(pattern.childForFieldName('value'), out);
      break;
    case 'assignment_pattern':
      patternNames(pattern.childForFieldName('left'), out);
      break;
    case 'object_assignment_pattern':
      patternNames(pattern.childForFieldName('left'), out);
      break;
    case 'array_pattern':
    case 'object_pattern':
    case 'rest_pattern':
      for (const c of pattern.namedChildren) patternNames(c, out);
      break;
    case 'required_parameter':
    case 'optional_parameter':
      patternNames(pattern.childForFieldName('pattern'), out);
      break;
    case 'formal_parameters':
      for (const c of pattern.namedChildren) patternNames(c, out);
      break;
  }
  return out;
}

/** A chain written over several lines (`rows\n    .filter(..)`) as one line, as messages quote it. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

/** The string value of a plain string literal without escapes worth resolving (module names, routes). */
export function plainString(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  const n = unwrap(node);
  if (n.type === 'string') return n.namedChildren.filter((c) => c.type === 'string_fragment').map((c) => c.text).join('');
  if (n.type === 'template_string' && !n.namedChildren.some((c) => c.type === 'template_substitution')) {
    return n.namedChildren.filter((c) => c.type === 'string_fragment').map((c) => c.text).join('');
  }
  return undefined;
}

/**
 * `` sql<User>`SELECT ...`.execute(db) ``: the TypeScript grammar reads a tagged
 * template with type arguments as `(sql < User) > `...`.execute(db)`, two
 * comparisons. From the template, the tagged call it stands for: `node` is
 * the outer comparison (the whole expression), `run` the call on the template.
 */
export function genericTag(template: Node): Call | undefined {
  let top = template;
  let run: Call | undefined;
  const member = template.parent;
  if (member?.type === 'member_expression' && member.childForFieldName('object')?.id === template.id) {
    run = asCall(member.parent);
    if (!run || run.callee.id !== member.id) return undefined;
    top = run.node;
  }
  const greater = top.parent;
  if (greater?.type !== 'binary_expression' || greater.childForFieldName('operator')?.text !== '>' || greater.childForFieldName('right')?.id !== top.id) return undefined;
  const less = greater.childForFieldName('left');
  if (less?.type !== 'binary_expression' || less.childForFieldName('operator')?.text !== '<') return undefined;
  let tag = less.childForFieldName('left');
  let awaitedInside = false;
  if (tag?.type === 'await_expression') {
    tag = tag.namedChildren[0] ?? null;
    awaitedInside = true;
  }
  if (!tag || (tag.type !== 'identifier' && tag.type !== 'member_expression')) return undefined;
  const call: Call = { node: greater, callee: tag, args: [], template, awaitedInside };
  if (tag.type === 'member_expression') {
    const object = tag.childForFieldName('object');
    if (object) call.receiver = object;
    call.name = tag.childForFieldName('property')?.text;
  } else call.name = tag.text;
  if (run) call.run = run;
  return call;
}
