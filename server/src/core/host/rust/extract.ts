/**
 * Rust host extraction: sqlx queries (functions and macros) and
 * tokio-postgres style client calls, with the loops around them, the
 * variables their results go to, INSERTs run per item and transaction
 * commits. Syntax tree only (tree-sitter), never patterns over the source.
 */
import type { Dialect } from '../../../../../shared/types';
import { hostParser, type SyntaxCursor } from '../treesitter';
import type { EnclosingFunction, HostExtraction, HostQuery, HostWrite } from '../types';
import { assignedVariable, followChain, queryOrigin, type QueryOrigin } from './calls';
import { boundPatterns } from './bound-patterns';
import { DialectVotes } from './dialect';
import { followVariables, type FoundQuery, type RustHostQuery } from './deferred';
import { iteratedVariable, LoopFinder, type FoundLoop } from './loops';
import { extractRustPools } from './pools';
import { describeCollection } from './collections';

export type { RustHostQuery } from './deferred';
import { statementKindOf } from '../statement-kind';
import { decodeStringLiteral } from './strings';
import { isRustTestAttribute } from '../../config/scope';
import { asMethodCall, spanOf, walk, within, type Node } from './syntax';

export interface RustExtractOptions {
  /** The project's dialect (configuration); otherwise the file's pool type tells, else the workspace decides. */
  dialect?: Dialect;
  /** Extract queries in test code too (`#[cfg(test)]` modules, `#[test]` functions); skipped by default. */
  includeTests?: boolean;
}

/** Everything QueryLens needs from one Rust file. Synchronous once `initHostParsers()` has resolved; never throws. */
export function extractRust(text: string, file: string, options: RustExtractOptions = {}): RustHostExtraction {
  const extraction: RustHostExtraction = { language: 'rust', queries: [], writes: [], accesses: [], models: [], errors: [] };
  let tree;
  try {
    tree = hostParser('rust').parse(text);
    if (!tree) throw new Error('tree-sitter returned no tree');
    extractFromTree(tree.rootNode, text, options, extraction);
  } catch (e) {
    extraction.errors.push({ message: `QueryLens could not analyse ${file}: ${e instanceof Error ? e.message : String(e)}`, span: { start: 0, end: 0 } });
  } finally {
    tree?.delete();
  }
  return extraction;
}

/** A HostExtraction whose queries may say which prepared statement they execute. */
export interface RustHostExtraction extends HostExtraction {
  queries: RustHostQuery[];
}

interface Scan {
  candidates: Node[];
  commits: Node[];
  sqlxImports: Set<string>;
  votes: DialectVotes;
}

/**
 * One pass over the tree with a cursor: materialising a Node for every
 * token is what costs, so only the few kinds extraction reads become Nodes.
 */
function scan(root: Node): Scan {
  const found: Scan = { candidates: [], commits: [], sqlxImports: new Set(), votes: new DialectVotes() };
  const cursor = root.walk();
  try {
    let descend = true;
    for (;;) {
      if (descend) {
        visitScanned(cursor.nodeType, cursor, found);
        if (cursor.gotoFirstChild()) continue;
      }
      if (cursor.gotoNextSibling()) {
        descend = true;
        continue;
      }
      if (!cursor.gotoParent()) break;
      descend = false;
    }
  } finally {
    cursor.delete();
  }
  return found;
}

function visitScanned(type: string, cursor: SyntaxCursor, found: Scan): void {
  switch (type) {
    case 'identifier':
    case 'type_identifier':
      found.votes.see(cursor.nodeText);
      break;
    case 'macro_invocation':
      found.candidates.push(cursor.currentNode);
      break;
    case 'call_expression': {
      const node = cursor.currentNode;
      found.candidates.push(node);
      const method = asMethodCall(node);
      if (method?.name === 'commit' && method.args.length === 0) found.commits.push(node);
      break;
    }
    case 'use_declaration': {
      const argument = cursor.currentNode.childForFieldName('argument');
      if (argument && argument.text.startsWith('sqlx')) {
        walk(argument, (n) => {
          if (n.type === 'identifier') found.sqlxImports.add(n.text);
          if (n.type === 'use_wildcard') found.sqlxImports.add('*');
        });
      }
      break;
    }
  }
}

function extractFromTree(root: Node, text: string, options: RustExtractOptions, out: RustHostExtraction): void {
  const scanned = scan(root);
  // Nothing named: the query's dialect is left to the workspace (the crate's manifest, its migrations).
  const dialect = options.dialect ?? scanned.votes.winner();
  const loops = new LoopFinder();
  const direct: FoundQuery[] = [];
  const testItems = new TestItems();
  for (const candidate of scanned.candidates) {
    if (!options.includeTests && testItems.holds(candidate)) continue;
    const origin = queryOrigin(candidate, scanned.sqlxImports);
    if (origin) direct.push(buildQuery(origin, dialect, loops));
  }
  const calls = scanned.candidates.filter((c) => c.type === 'call_expression' && (options.includeTests || !testItems.holds(c)));
  const found = [...direct, ...followVariables(calls, direct, loops, enclosingFunctionId)].sort((a, b) => a.query.span.start - b.query.span.start);
  for (const entry of found) {
    if (entry.prepared) entry.query.preparedFrom = found.indexOf(entry.prepared);
    for (const loop of entry.loops) resolveIterable(loop, entry.functionId, found);
  }
  out.queries = found.map((f) => f.query);
  out.writes = [...insertsInLoops(out.queries), ...scanned.commits.filter((c) => options.includeTests || !testItems.holds(c)).map((c) => commitWrite(c, loops))].sort((a, b) => a.span.start - b.span.start);
  const pools = extractRustPools(calls, text, topLevelImports(root, text));
  if (pools.length) out.pools = pools;
  for (const loop of loops.found()) describeCollection(loop, (n) => testItems.holds(n));
  out.errors = syntaxErrors(root);
}

/** The names the file's top-level `use sqlx...` declarations import (in scope everywhere in it), and the start of the line after its last `use`. */
function topLevelImports(root: Node, text: string): { names: string[]; at: number } {
  const imports = { names: [] as string[], at: 0 };
  for (const item of root.namedChildren) {
    if (item.type !== 'use_declaration') continue;
    const end = text.indexOf('\n', item.endIndex);
    imports.at = end < 0 ? text.length : end + 1;
    const argument = item.childForFieldName('argument');
    if (argument?.text.startsWith('sqlx')) walk(argument, (n) => void (n.type === 'identifier' && imports.names.push(n.text)));
  }
  return imports;
}

function buildQuery(origin: QueryOrigin, dialect: Dialect | undefined, loops: LoopFinder): FoundQuery {
  const chain = followChain(origin);
  const sql = dialect ? { ...decodeStringLiteral(origin.literal), dialect } : decodeStringLiteral(origin.literal);
  const around = loops.around(origin.node);
  const query: RustHostQuery = {
    kind: 'sql',
    span: { start: origin.node.startIndex, end: chain.end.endIndex },
    statementKind: statementKindOf(sql.text),
    sql,
    terminal: chain.terminal,
    loops: around.map((l) => l.context),
    parameterRoots: [...new Set([...origin.parameterRoots, ...chain.bindRoots])],
    eagerLoads: [],
  };
  const assignedTo = assignedVariable(chain.end);
  if (assignedTo) query.assignedTo = assignedTo;
  if (origin.entity) query.entity = origin.entity;
  if (chain.beforeTerminal !== undefined) query.beforeTerminal = chain.beforeTerminal;
  // Without a dialect yet (the workspace decides later), the placeholders tell: `$1` is PostgreSQL's, `?`/`?1` SQLite's.
  const bound = boundPatterns(sql, dialect ?? (/\$\d/.test(sql.text) ? 'postgres' : 'sqlite'), [...origin.values, ...chain.binds], origin.node);
  if (bound.length) query.boundPatterns = bound;
  const functions = enclosingFunctions(origin.node);
  if (functions.length > 0) query.functions = functions;
  return { query, loops: around, functionId: enclosingFunctionId(origin.node), api: origin.api };
}

/** The functions around a node, innermost first, with their attributes and parameter types. */
function enclosingFunctions(node: Node): EnclosingFunction[] {
  const out: EnclosingFunction[] = [];
  for (let n = node.parent; n; n = n.parent) {
    if (n.type !== 'function_item') continue;
    const decorators: string[] = [];
    const siblings = n.parent?.namedChildren ?? [];
    for (let i = siblings.findIndex((c) => c.id === n.id) - 1; i >= 0 && ['attribute_item', 'line_comment'].includes(siblings[i]!.type); i--) {
      if (siblings[i]!.type === 'attribute_item') decorators.unshift(siblings[i]!.text.replace(/^#\[\s*|\s*\]$/g, ''));
    }
    const parameters = n.childForFieldName('parameters')?.namedChildren ?? [];
    const parameterTypes = parameters.map((p) => p.childForFieldName('type')?.text).filter((t): t is string => !!t);
    out.push({ name: n.childForFieldName('name')?.text ?? '', decorators, parameterTypes });
  }
  return out;
}

/** Whether a node lies in test code: an item (module, function, impl) with a test attribute (config/scope.ts), cached per item. */
class TestItems {
  private readonly known = new Map<number, boolean>();

  holds(node: Node): boolean {
    for (let n: Node | null = node.parent; n; n = n.parent) {
      if (n.type !== 'mod_item' && n.type !== 'function_item' && n.type !== 'impl_item') continue;
      let isTest = this.known.get(n.id);
      if (isTest === undefined) this.known.set(n.id, (isTest = hasTestAttribute(n)));
      if (isTest) return true;
    }
    return false;
  }
}

/** The attributes written just before an item (`#[cfg(test)]` over `mod tests { .. }`). */
function hasTestAttribute(item: Node): boolean {
  // Siblings through the parent's children: `previousNamedSibling` misses attributes in this tree-sitter build.
  const siblings = item.parent?.namedChildren ?? [];
  const at = siblings.findIndex((s) => s?.id === item.id);
  for (let i = at - 1; i >= 0; i--) {
    const sibling = siblings[i];
    if (!sibling) break;
    if (sibling.type === 'line_comment' || sibling.type === 'block_comment') continue;
    if (sibling.type !== 'attribute_item') return false;
    if (isRustTestAttribute(sibling.text)) return true;
  }
  return false;
}

function enclosingFunctionId(node: Node): number {
  for (let n = node.parent; n; n = n.parent) if (n.type === 'function_item') return n.id;
  return -1;
}

/**
 * `iterableQuery`: the loop walks a query's rows, either the query itself
 * (`for row in sqlx::query(..).fetch_all(..).await?`) or the variable the
 * latest earlier query in the same function assigned (`for a in &agents`).
 */
function resolveIterable(loop: FoundLoop, functionId: number, found: FoundQuery[]): void {
  if (!loop.iterable || loop.context.iterableQuery !== undefined) return;
  const iterableSpan = spanOf(loop.iterable);
  let index = found.findIndex((f) => within(f.query.span, iterableSpan));
  if (index < 0) {
    const variable = iteratedVariable(loop.iterable);
    if (!variable) return;
    for (let i = 0; i < found.length; i++) {
      const f = found[i];
      if (f.functionId === functionId && f.query.assignedTo === variable && f.query.span.end <= loop.start) index = i;
    }
  }
  if (index >= 0) loop.context.iterableQuery = index;
}

function insertsInLoops(queries: HostQuery[]): HostWrite[] {
  const writes: HostWrite[] = [];
  queries.forEach((q, index) => {
    if (q.statementKind === 'insert' && q.loops.length > 0) writes.push({ kind: 'insert', span: q.span, loops: q.loops, query: index });
  });
  return writes;
}

function commitWrite(call: Node, loops: LoopFinder): HostWrite {
  const end = call.parent?.type === 'await_expression' ? call.parent : call;
  const around = loops.around(call);
  const receiver = asMethodCall(call)?.receiver.text;
  const inner = around[around.length - 1];
  return {
    kind: 'commit',
    span: spanOf(end),
    loops: around.map((l) => l.context),
    receiver,
    ...(inner ? { placement: { conditional: false, isolated: false, ownSession: !!receiver && boundInLoop(call, inner, receiver) } } : {}),
  };
}

/** Whether `let <receiver> = ...` inside the loop's body precedes the call: a transaction begun per iteration. */
function boundInLoop(call: Node, loop: FoundLoop, receiver: string): boolean {
  let found = false;
  let node: Node | null = call;
  while (node && node.startIndex !== loop.start) node = node.parent;
  if (!node) return false;
  walk(node, (n) => {
    if (found || n.startIndex >= call.startIndex) return false;
    if (n.type === 'let_declaration' && n.childForFieldName('pattern')?.text.replace(/^mut\s+/, '') === receiver) found = true;
    return !found;
  });
  return found;
}

/** ERROR and MISSING nodes, for the record (the rest of the file is still extracted). */
function syntaxErrors(root: Node): HostExtraction['errors'] {
  const errors: HostExtraction['errors'] = [];
  const visit = (node: Node): void => {
    if (errors.length >= 50) return;
    if (node.isMissing) errors.push({ message: `Rust syntax error: missing ${node.type}`, span: spanOf(node) });
    else if (node.isError) errors.push({ message: 'Rust syntax error', span: spanOf(node) });
    else if (node.hasError) for (const child of node.children) visit(child);
  };
  if (root.hasError) visit(root);
  return errors;
}
