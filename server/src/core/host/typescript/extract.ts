/**
 * TypeScript and JavaScript host extraction (`.ts .tsx .mts .cts .js .jsx
 * .mjs .cjs`, one language: the same libraries, the grammar chosen per file):
 * raw SQL sent through node-postgres, postgres.js, mysql2, knex.raw, Kysely's
 * `sql`, better-sqlite3 / node:sqlite, pg-promise, Prisma's raw queries
 * (sources.ts); what is done with each result (its terminal and the variable
 * it goes to); the loops around each query, the rows they walk and the
 * writes run per item; the functions around it and whether they serve a
 * request or run a job. Query-builder chains (knex, Kysely) are offered to
 * the builder reader (builders.ts) at one place and get the same context.
 * Syntax tree only (tree-sitter), never patterns over the source.
 */
import type { Dialect } from '../../../../../shared/types';
import type { Span, StatementKind } from '../../sql/model';
import { statementKindOf } from '../statement-kind';
import { hostGrammarOf, hostParser, type SyntaxNode } from '../treesitter';
import type { HostExtraction, HostModel, HostQuery, HostWrite, Terminal } from '../types';
import { boundPatterns } from './bound-patterns';
import { enclosingFunctions, functionIdOf } from './functions';
import { fileLibraries, type Library } from './libraries';
import { extractTypeScriptPools } from './pools';
import { type FoundLoop, iteratedVariable, LoopFinder } from './loops';
import { memberValue, type Origin, RAW_METHODS, rawCallOrigin, type SourceContext, STATEMENT_PASSES, STATEMENT_RUNS, TAG_RUNS, tagOrigin } from './sources';
import { type BuiltQuery, hearingVerdicts, knexVerdict, mayBuildQuery } from './builders';
import { ormModels, type QueryReaderContext } from './orms';
import { topLevelExit } from './command-line';
import { type FunctionFindings, newWalkId, type WalkCache } from '../walk-cache';
import { asCall, type Call, enclosingMethodCall, expressionRoots, FUNCTIONS, genericTag, type Node, outerOf, patternNames, spanOf, unwrap, walk, within } from './syntax';

/** Reads a builder or ORM call chain given its outermost node (the `await` expression or the outermost call). */
export type BuilderQuery = (node: SyntaxNode, text: string, context: QueryReaderContext) => BuiltQuery | undefined;

export interface TypeScriptExtractOptions {
  /** The configured dialect; otherwise the code tells (a driver import, a knex client), else the workspace decides. */
  dialect?: Dialect;
  /** The builder and ORM query reader; without one, builder chains are not read. */
  builderQuery?: BuilderQuery;
  /** The workspace's models (every ORM's, schema.prisma's included), for the ORM query readers. */
  models?: readonly HostModel[];
  /** The file's findings per top-level function, kept from its previous versions (../walk-cache.ts; the language server). */
  walkCache?: WalkCache;
  /**
   * The same text is extracted again soon (its models first, its queries once every file's models are known): its tree
   * is kept for that (treesitter.ts), and for the index fixes that edit its models (`fixTree`).
   */
  again?: boolean;
}

/** Everything QueryLens needs from one TypeScript or JavaScript file. Synchronous once `initHostParsers()` has resolved; never throws. */
export function extractTypeScript(text: string, file: string, options: TypeScriptExtractOptions = {}): HostExtraction {
  const out: HostExtraction = { language: 'typescript', queries: [], writes: [], accesses: [], models: [], errors: [] };
  try {
    const tree = hostParser(hostGrammarOf(file) ?? 'typescript').parse(text, { again: options.again === true, forFixes: options.again === true });
    if (!tree) throw new Error('tree-sitter returned no tree');
    const root = tree.rootNode as unknown as SyntaxNode;
    new Extraction(root, text, file, options, out).run(options.walkCache);
    const pools = extractTypeScriptPools(root, text, file, fileLibraries(root), constValue);
    if (pools.length) out.pools = pools;
    if (topLevelExit(root, text)) out.commandLine = true;
    out.models = ormModels(root, text, file, options.models);
    if (options.models) out.models = resolvedModels(out.models, options.models);
    out.errors.push(...syntaxErrors(root));
  } catch (e) {
    out.errors.push({ message: `QueryLens could not analyse ${file}: ${e instanceof Error ? e.message : String(e)}`, span: { start: 0, end: 0 } });
  }
  return out;
}

/**
 * The file's own models as the workspace resolved them (an ORM's `resolve`: columns of a base class in
 * another file, a project-wide naming strategy); entries without a table (bases, markers) leave the list.
 */
function resolvedModels(own: HostModel[], workspace: readonly HostModel[]): HostModel[] {
  const out: HostModel[] = [];
  for (const m of own) {
    const resolved = workspace.find((w) => w.orm === m.orm && w.className === m.className && w.span.start === m.span.start && w.span.end === m.span.end);
    if (resolved) out.push(resolved);
    else if (m.table !== '') out.push(m);
  }
  return out;
}

/** A query of the file with what extraction needs to relate it to others. */
interface Found {
  query: HostQuery;
  loops: FoundLoop[];
  functionId: number;
  /** The query whose SQL this one runs again (a prepared statement, a `const` query run twice). */
  owner?: Found;
  /** The expression holding its SQL text (raw SQL). */
  source?: Node;
}

/**
 * A top-level statement read in this version. A function or class (`key`
 * set) is read on its own, and its findings kept for the next version when
 * they depend on nothing else of the file than the cache's context and the
 * knex verdicts they heard (`facts`).
 */
interface Part {
  node: Node;
  key?: string;
  calls: Node[];
  templates: Node[];
  awaits: Node[];
  found: Found[];
  commits: Node[];
  facts: Map<string, unknown>;
}

/** A top-level function taken over from the cache. */
interface Taken {
  node: Node;
  key: string;
}

class Extraction {
  private readonly loops = new LoopFinder();
  private readonly ctx: SourceContext;
  /** The statement being read: where `add` puts what it finds. */
  private part!: Part;
  /** The first query run from each SQL source (by the text node's id), which holds its SQL. */
  private readonly owners = new Map<number, Found>();
  /** Loops whose iterable was looked up already (a loop holds many queries). */
  private readonly resolved = new Set<FoundLoop>();
  private readonly readerContext: QueryReaderContext;

  constructor(
    private readonly root: Node,
    private readonly text: string,
    private readonly file: string,
    private readonly options: TypeScriptExtractOptions,
    private readonly out: HostExtraction,
  ) {
    const libraries = fileLibraries(root);
    this.ctx = { libraries, ...(options.dialect ? { dialect: options.dialect } : {}), constValue: (name, at) => constValue(name, at) };
    this.readerContext = { models: options.models ?? [], file };
  }

  /**
   * Reads every top-level statement, phase by phase over the file; with a
   * cache, a function or class met before with the same text (and the same
   * context, and the same answers to its `facts`) is taken over instead.
   */
  run(cache?: WalkCache): void {
    const statements = this.root.children;
    const keys = cache ? unitKeys(statements) : undefined;
    if (cache && keys) cache.begin(this.cacheContext(keys.context), []);
    const items: (Part | Taken)[] = [];
    const parts: Part[] = [];
    // The facts the kept functions were read with, asked once each of this tree (most functions share them).
    const answers = new Map<string, unknown>();
    const answer = (fact: string) => {
      if (!answers.has(fact)) answers.set(fact, knexVerdict(fact, this.root));
      return answers.get(fact);
    };
    statements.forEach((node, i) => {
      const key = keys?.keys[i];
      const known = key !== undefined ? cache!.peek(key) : undefined;
      if (key !== undefined && known && (known.facts ?? []).every(([fact, said]) => answer(fact) === said)) {
        items.push({ node, key });
        return;
      }
      const part: Part = { node, ...(key !== undefined ? { key } : {}), calls: [], templates: [], awaits: [], found: [], commits: [], facts: new Map() };
      // One walk per statement for every node kind the phases read.
      for (const n of node.descendantsOfType(READ)) (n.type === 'call_expression' ? part.calls : n.type === 'template_string' ? part.templates : part.awaits).push(n);
      items.push(part);
      parts.push(part);
    });
    for (const part of parts) {
      this.part = part;
      this.readCalls(part);
    }
    // `sql<T>`...``, which the grammar reads as comparisons.
    for (const part of parts) {
      this.part = part;
      for (const template of part.templates) {
        if (template.parent?.type === 'call_expression') continue;
        const call = genericTag(template);
        const origin = call && tagOrigin(call, this.ctx);
        const found = origin && this.fromOrigin(origin, call);
        if (found) this.claimed.push(found.query.span);
      }
    }
    // postgres.js: `const q = sql`...`` run later by `await q` (or `this.q = sql`...`` in a constructor, by `await this.q`).
    for (const part of parts) {
      this.part = part;
      for (const node of part.awaits) {
        const inner = node.namedChildren[0];
        if (inner?.type === 'identifier' || inner?.type === 'member_expression') {
          const deferred = this.deferredTag(inner, node);
          if (deferred) this.claimed.push(deferred.query.span);
        }
      }
    }
    for (const part of parts) {
      this.part = part;
      this.offerBuilders(part);
    }
    this.settle(items, cache);
    if (cache && keys) cache.end();
  }

  /** Spans of the queries found so far, which builder chains are not read in. */
  private readonly claimed: Span[] = [];

  private readCalls(part: Part): void {
    for (const node of part.calls) {
      if (!mayStartQuery(node)) continue;
      const call = asCall(node);
      if (!call) continue;
      const origin = rawCallOrigin(call, this.ctx) ?? tagOrigin(call, this.ctx);
      if (origin) {
        const found = this.fromOrigin(origin);
        if (found) this.claimed.push(found.query.span);
        continue;
      }
      const deferred = this.deferredExecution(call);
      if (deferred) {
        this.claimed.push(deferred.query.span);
        continue;
      }
      if (call.name === 'commit' && call.args.length === 0 && call.receiver && /^(trx|tx|transaction|t|client|conn|connection)$/i.test(call.receiver.text)) part.commits.push(node);
    }
  }

  /** What every top-level function's findings depend on besides its text and place (see `unitKeys`). */
  private cacheContext(statements: string[]): string {
    const { names, dialect, libraries } = this.ctx.libraries;
    // Builder chains are read only in a text that may hold one (builders.ts): one that starts naming knex reads every function again.
    return JSON.stringify([this.file, this.options.dialect ?? null, !!this.options.builderQuery, mayBuildQuery(this.text), [...names], dialect ?? null, [...libraries], modelsKey(this.options.models), statements]);
  }

  // -------------------------------------------------------------------------------------------
  // Raw SQL

  /** The query an origin starts, with its chain, its use and its context; undefined for a fragment. */
  private fromOrigin(origin: Origin, generic?: Call): Found | undefined {
    let node = origin.node;
    let terminal = origin.terminal;
    let beforeTerminal: number | undefined;
    const roots = new Set(origin.source.roots);
    if (origin.api === 'prepare') {
      const run = followStatement(node, roots);
      node = run.end;
      if (run.terminal) {
        terminal = run.terminal;
        beforeTerminal = run.beforeTerminal;
      }
    } else if (origin.tag === 'kysely') {
      // Kysely's sql`` runs only through `.execute(db)`; anything else is a fragment of a builder.
      const execute = generic ? generic.run : enclosingMethodCall(node);
      // (`const q = sql`...`` is run later by `q.execute(db)`: deferredExecution.)
      if (execute?.name !== 'execute') return undefined;
      beforeTerminal = execute.callee.childForFieldName('object')?.endIndex;
      if (!generic) node = execute.node;
    } else if (origin.tag) {
      const run = generic ? generic.run : enclosingMethodCall(node);
      if (run?.name && Object.hasOwn(TAG_RUNS, run.name)) {
        terminal = TAG_RUNS[run.name];
        beforeTerminal = run.callee.childForFieldName('object')?.endIndex;
        if (!generic) node = run.node;
      }
    }
    // A tagged template runs when awaited (or run by a method): kept in a `const`, it is a fragment or run later.
    const lazy = !!origin.tag && node === origin.node;
    const use = useOf(node, origin.source.library, (generic ?? asCall(node))?.awaitedInside ?? false, lazy);
    if (origin.tag && !use.executed) return undefined;
    if (origin.api === 'raw' && !use.executed) return undefined; // knex.raw(..) as a fragment of a builder
    return this.addSql(origin, origin.node, use, terminal, roots, beforeTerminal);
  }

  /**
   * `stmt.all(id)` where `const stmt = db.prepare('...')`, `q.execute(db)` where
   * `const q = sql`...`` (Kysely): one more run of that SQL, here, in this
   * call's loops.
   */
  private deferredExecution(call: Call): Found | undefined {
    const receiver = call.receiver && unwrap(call.receiver);
    if (!receiver || !call.name) return undefined;
    // `stmt.get(id)`, or a statement kept in a class field: `this.findUser.get(id)`.
    const value = receiver.type === 'identifier' ? constValue(receiver.text, call.node) : receiver.type === 'member_expression' ? memberValue(receiver, this.ctx) : undefined;
    const made = value ? asCall(unwrap(value)) : undefined;
    if (!made) return undefined;
    const origin = rawCallOrigin(made, this.ctx) ?? tagOrigin(made, this.ctx);
    if (!origin) return undefined;
    let terminal: Terminal | undefined;
    if (origin.api === 'prepare' && Object.hasOwn(STATEMENT_RUNS, call.name)) terminal = STATEMENT_RUNS[call.name];
    else if (origin.tag === 'kysely' && call.name === 'execute') terminal = undefined;
    else if (origin.tag === 'postgres' && Object.hasOwn(TAG_RUNS, call.name)) terminal = TAG_RUNS[call.name];
    else return undefined;
    const roots = new Set(origin.source.roots);
    for (const arg of call.args) expressionRoots(arg, roots);
    return this.runAgain(origin, call.node, terminal, roots, call.callee.childForFieldName('object')?.endIndex);
  }

  /** `await q` where `const q = sql`...`` (postgres.js), `await this.q` where a field holds one: the query runs here. */
  private deferredTag(held: Node, awaited: Node): Found | undefined {
    const value = held.type === 'identifier' ? constValue(held.text, awaited) : memberValue(held, this.ctx);
    const made = value ? asCall(unwrap(value)) : undefined;
    const origin = made?.template ? tagOrigin(made, this.ctx) : undefined;
    if (!origin || origin.tag === 'kysely') return undefined;
    return this.runAgain(origin, awaited, undefined, new Set(origin.source.roots), undefined);
  }

  private runAgain(origin: Origin, node: Node, terminal: Terminal | undefined, roots: Set<string>, beforeTerminal: number | undefined): Found {
    return this.addSql(origin, node, useOf(node, origin.source.library, false), terminal, roots, beforeTerminal);
  }

  /**
   * A run of an origin's SQL from `start` to the use's end. The first run of a
   * SQL source holds its SQL; later runs (a prepared statement's, a `const`
   * query's) point at it (`preparedFrom`), so SQL rules read it once.
   */
  private addSql(origin: Origin, start: Node, use: Use, terminal: Terminal | undefined, roots: Set<string>, beforeTerminal: number | undefined): Found {
    const statementKind = statementKindOf(origin.source.sql.text);
    const { sql, holes, values } = origin.source;
    const bound = boundPatterns(sql, sql.dialect ?? (/\$\d/.test(sql.text) ? 'postgres' : 'sqlite'), holes, values, constValue);
    const found = this.add(start, use.end, {
      kind: 'sql',
      statementKind,
      sql: origin.source.sql,
      terminal: finalTerminal(terminal, use.terminal, statementKind),
      parameterRoots: [...roots],
      ...(use.assignedTo ? { assignedTo: use.assignedTo } : {}),
      ...(use.filteredAt ? { filteredAt: use.filteredAt } : {}),
      ...(beforeTerminal !== undefined ? { beforeTerminal } : {}),
      ...(bound.length ? { boundPatterns: bound } : {}),
    });
    found.source = origin.source.text;
    const owner = this.owners.get(origin.source.text.id);
    if (owner) found.owner = owner;
    else this.owners.set(origin.source.text.id, found);
    return found;
  }

  // -------------------------------------------------------------------------------------------
  // Query builders

  /**
   * Every call chain that is not raw SQL, offered whole (its `await` included) to the builder reader.
   * ── The one call site of tsbuilders' `builderQuery` (builders.ts): wired through `options.builderQuery`. ──
   * A reader reads the chain's own top-level statement; what it asks of the rest of the file
   * (builders.ts: whether a name is a knex instance) it tells through a hook like `hearingVerdicts`,
   * kept in `part.facts` and asked again before the cache takes the statement's findings over
   * (walk-cache.ts); the module's other statements, imports and `const`s are in the cache's context.
   */
  private offerBuilders(part: Part): void {
    const builderQuery = this.options.builderQuery;
    if (!builderQuery) return;
    const claimed = this.claimed;
    for (const node of part.calls) {
      if (enclosingMethodCall(node) || node.parent?.type === 'call_expression' && node.parent.childForFieldName('function')?.id === node.id) continue;
      const { parent } = outerOf(node);
      const offered = parent?.type === 'await_expression' ? parent : node;
      if (claimed.some((s) => within(spanOf(offered), s) || within(s, spanOf(offered)))) continue;
      // What the chain reads of the rest of the file (whether a name is a knex instance) is kept with the part's findings.
      const built = hearingVerdicts((fact, answer) => part.facts.set(fact, answer), () => builderQuery(offered, this.text, this.readerContext));
      if (!built) continue;
      const use = useOf(offered, 'knex', false);
      this.add(offered, offered, {
        ...builtFields(built),
        ...(use.assignedTo ? { assignedTo: use.assignedTo } : {}),
        ...(use.filteredAt ? { filteredAt: use.filteredAt } : {}),
        ...(built.beforeTerminal !== undefined ? { beforeTerminal: built.beforeTerminal } : {}),
      }, built.span);
      // The queries the call sends to load relations (Prisma's include): in the call's loops and functions, at the relation's key.
      for (const relation of built.relationQueries ?? []) this.add(offered, offered, builtFields(relation), relation.span);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Context

  private add(start: Node, end: Node, fields: Omit<HostQuery, 'span' | 'loops' | 'eagerLoads'>, span?: Span): Found {
    const loops = this.loops.around(start);
    const isLoopCallback = (fn: Node) => this.loops.isLoopCallback(fn);
    const query: HostQuery = { ...fields, span: span ?? { start: Math.min(start.startIndex, end.startIndex), end: end.endIndex }, loops: loops.map((l) => l.context), eagerLoads: [] };
    const functions = enclosingFunctions(start, this.file, isLoopCallback);
    if (functions.length) query.functions = functions;
    const found: Found = { query, loops, functionId: functionIdOf(start, isLoopCallback) };
    this.part.found.push(found);
    return found;
  }

  /**
   * Indices, rows walked by loops, and the writes per item, once every query
   * is known: statement by statement, the findings taken over from the cache
   * moved to their place, those read now kept for the next version.
   */
  private settle(items: (Part | Taken)[], cache: WalkCache | undefined): void {
    const queries: HostQuery[] = [];
    const taken = new Map<Taken, FunctionFindings>();
    const firstOf = new Map<Part, number>();
    const found: Found[] = [];
    for (const item of items) {
      if (!('found' in item)) {
        const findings = cache!.take(item.key, item.node.startIndex, queries.length)!;
        taken.set(item, findings);
        queries.push(...findings.queries);
        continue;
      }
      firstOf.set(item, queries.length);
      item.found.sort((a, b) => a.query.span.start - b.query.span.start);
      for (const f of item.found) {
        this.indexOf.set(f, queries.length);
        queries.push(f.query);
        found.push(f);
      }
    }
    this.newFound = found;
    for (const f of found) {
      if (f.owner && f.owner !== f) f.query.preparedFrom = this.indexOf.get(f.owner);
      for (const loop of f.loops) this.resolveIterable(loop, f.functionId);
    }
    this.out.queries = queries;
    const writes: HostWrite[] = [];
    for (const item of items) {
      const findings = taken.get(item as Taken);
      if (findings) {
        writes.push(...findings.writes);
        continue;
      }
      const part = item as Part;
      const own = this.writesOf(part);
      writes.push(...own);
      const first = firstOf.get(part)!;
      if (cache && part.key !== undefined && this.isSelfContained(part)) {
        const facts = [...part.facts];
        cache.keep(part.key, { id: newWalkId(), start: part.node.startIndex, end: part.node.endIndex, firstQuery: first, queries: queries.slice(first, first + part.found.length), writes: own, accesses: [], ...(facts.length ? { facts } : {}) });
      }
    }
    this.out.writes = writes;
  }

  /** Global query index of each query found now. */
  private readonly indexOf = new Map<Found, number>();
  /** The queries found now, in file order. */
  private newFound: Found[] = [];

  /** A statement's writes: inserts and COMMITs run per item, commit calls in loops; by position. */
  private writesOf(part: Part): HostWrite[] {
    const writes: HostWrite[] = [];
    for (const f of part.found) {
      const q = f.query;
      if (q.loops.length === 0) continue;
      const index = this.indexOf.get(f)!;
      if (q.statementKind === 'insert') writes.push({ kind: 'insert', span: q.span, loops: q.loops, query: index });
      if (q.statementKind === 'transaction' && /^\s*(COMMIT|END)\b/i.test(q.sql?.text ?? '')) {
        writes.push({ kind: 'commit', span: q.span, loops: q.loops, ...(q.functions ? { functions: q.functions } : {}) });
      }
    }
    for (const call of part.commits) {
      const loops = this.loops.around(call);
      if (loops.length === 0) continue;
      const { parent } = outerOf(call);
      const end = parent?.type === 'await_expression' ? parent : call;
      writes.push({ kind: 'commit', span: spanOf(end), loops: loops.map((l) => l.context), receiver: asCall(call)?.receiver?.text });
    }
    return writes.sort((a, b) => a.span.start - b.span.start);
  }

  /**
   * Whether a function's findings hold wherever its text is (at the same place
   * among the statements of the cache's context): every query inside a function
   * of its own (a class field's would see the module's variables) and its SQL
   * written inside it (not a module-level `const`, whose offsets would not move with it).
   */
  private isSelfContained(part: Part): boolean {
    const span = spanOf(part.node);
    return part.found.every((f) => f.functionId !== -1 && (!f.source || within(spanOf(f.source), span)));
  }

  /**
   * `iterableQuery`: the loop walks a query's rows, the query itself
   * (`for (const r of (await pool.query(..)).rows)`) or the variable the latest
   * earlier query of the same function assigned (`for (const a of agents)`, `rows.map(..)`).
   */
  private resolveIterable(loop: FoundLoop, functionId: number): void {
    if (!loop.iterable || loop.context.iterableQuery !== undefined || this.resolved.has(loop)) return;
    this.resolved.add(loop);
    const span = spanOf(loop.iterable);
    let match = this.newFound.find((f) => within(f.query.span, span));
    if (!match) {
      const variable = iteratedVariable(loop.iterable);
      if (!variable) return;
      for (const f of this.newFound) if (f.functionId === functionId && f.query.assignedTo === variable && f.query.span.end <= loop.start) match = f;
      // A field of one row (`envelope.envelopeItems` of a findFirst with its relation included): that row's own collection.
      if (match && (match.query.terminal === 'first' || match.query.terminal === 'one') && unwrap(loop.iterable).text.startsWith(`${variable}.`)) {
        loop.context.ownCollection = unwrap(loop.iterable).text;
      }
    }
    if (match) loop.context.iterableQuery = this.indexOf.get(match);
  }
}

/** The node kinds the phases read, collected in one walk of each statement. */
const READ = ['call_expression', 'template_string', 'await_expression'];

/** Declarations whose findings can be a function of their text: functions and classes. */
const UNIT_DECLARATIONS = new Set(['function_declaration', 'generator_function_declaration', 'class_declaration', 'abstract_class_declaration']);
const FUNCTION_VALUES = new Set(['arrow_function', 'function_expression', 'function', 'generator_function']);

/**
 * A top-level function or class (declared, exported, or a `const` holding
 * functions): the statements whose findings the cache keeps; the declared
 * names of a `const`, which other statements' lookups may meet.
 */
function unitOf(statement: Node): { names: string[] } | undefined {
  const declaration = statement.type === 'export_statement' ? statement.childForFieldName('declaration') ?? statement.childForFieldName('value') : statement;
  if (!declaration) return undefined;
  if (UNIT_DECLARATIONS.has(declaration.type) || (statement !== declaration && (FUNCTION_VALUES.has(declaration.type) || declaration.type === 'class'))) return { names: [] };
  if (declaration.type !== 'lexical_declaration') return undefined;
  const declarators = declaration.namedChildren.filter((c) => c.type !== 'comment');
  const names: string[] = [];
  for (const d of declarators) {
    const value = d.type === 'variable_declarator' ? d.childForFieldName('value') : null;
    if (!value || !FUNCTION_VALUES.has(unwrap(value).type)) return undefined;
    names.push(d.childForFieldName('name')?.text ?? '');
  }
  return names.length ? { names } : undefined;
}

/**
 * The cache key of each top-level function or class without syntax errors,
 * and the rest of the file its findings may depend on (`context`): every other
 * statement's text (comments aside), and the names of the `const`s holding
 * functions. A key is the function's text and how many of those come before
 * it (a `const` is visible only after its declaration).
 */
function unitKeys(statements: readonly Node[]): { keys: (string | undefined)[]; context: string[] } {
  const context: string[] = [];
  const keys = statements.map((statement) => {
    if (statement.type === 'comment') return undefined;
    const read = readUnit(statement);
    if (!read.unit) {
      context.push(read.text);
      return undefined;
    }
    let key: string | undefined;
    if (!statement.hasError) {
      // The same string as the last version's while the statement and what precedes it stay: its hash is known.
      if (read.key?.at !== context.length) read.key = { at: context.length, key: `${context.length}\u0000${read.text}` };
      key = read.key.key;
    }
    if (read.unit.names.length) context.push(`\u0000const ${read.unit.names.join(', ')}`);
    return key;
  });
  return { keys, context };
}

/** What `unitKeys` reads of a top-level statement, kept with the statement node (an edit's tree takes the unchanged ones over: treesitter.ts). */
interface UnitRead {
  unit: { names: string[] } | undefined;
  text: string;
  key?: { at: number; key: string };
}
const unitReads = new WeakMap<Node, UnitRead>();

function readUnit(statement: Node): UnitRead {
  let read = unitReads.get(statement);
  if (!read) unitReads.set(statement, (read = { unit: unitOf(statement), text: statement.text }));
  return read;
}

/** Calls worth reading further (most calls of a file are none of these): tagged templates and the methods that run or end SQL. */
const QUERY_NAMES = new Set([...Object.keys(RAW_METHODS), ...Object.keys(STATEMENT_RUNS), ...Object.keys(TAG_RUNS), 'commit']);

function mayStartQuery(call: Node): boolean {
  const args = call.childForFieldName('arguments');
  if (args?.type === 'template_string') return true;
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'member_expression') return callee?.type === 'await_expression'; // `await pool.query<T>(..)`
  const name = callee.childForFieldName('property')?.text;
  return name !== undefined && QUERY_NAMES.has(name);
}

// ---------------------------------------------------------------------------------------------
// Chains and uses

/** better-sqlite3: `db.prepare(..).pluck().all(x)`: the run, its terminal, and the bound values' roots. */
function followStatement(prepare: Node, roots: Set<string>): { end: Node; terminal?: Terminal; beforeTerminal?: number } {
  let end = prepare;
  for (;;) {
    const next = enclosingMethodCall(end);
    if (!next?.name) return { end };
    if (STATEMENT_PASSES.has(next.name)) {
      end = next.node;
      continue;
    }
    if (Object.hasOwn(STATEMENT_RUNS, next.name)) {
      for (const arg of next.args) expressionRoots(arg, roots);
      return { end: next.node, terminal: STATEMENT_RUNS[next.name], beforeTerminal: end.endIndex };
    }
    return { end };
  }
}

interface Use {
  /** The outermost node of the query expression (its `await` included). */
  end: Node;
  /** The code runs it: awaited, returned, assigned, or a statement of its own. */
  executed: boolean;
  terminal?: Terminal;
  assignedTo?: string;
  /** The `.filter(...)` call on the variable the rows went to, later in its block (HostQuery.filteredAt). */
  filteredAt?: Span;
}

/**
 * What the code does with a query's result: `(await q).rows[0]`, `const { rows } = await q`,
 * `const [user] = await sql`..``, `return q`... (mysql2 resolves to `[rows, fields]`).
 */
function useOf(node: Node, library: Library | undefined, awaitedInside: boolean, lazy = false): Use {
  let end = node;
  let awaited = awaitedInside;
  let { parent, child } = outerOf(end);
  if (parent?.type === 'await_expression') {
    end = parent;
    awaited = true;
    ({ parent, child } = outerOf(end));
  }
  const mysql = library === 'mysql';
  if (!parent) return { end, executed: awaited };
  switch (parent.type) {
    case 'member_expression': {
      if (parent.childForFieldName('object')?.id !== child.id) break;
      const property = parent.childForFieldName('property')?.text;
      if (property === 'then') return { end, executed: true, terminal: thenTerminal(parent) };
      if (property === 'rows') return { end, executed: awaited, terminal: firstIndexed(parent) ? 'first' : 'all' };
      if (property === 'rowCount' || property === 'affectedRows' || property === 'changes') return { end, executed: awaited, terminal: 'execute' };
      return { end, executed: awaited };
    }
    case 'subscript_expression':
      if (parent.childForFieldName('object')?.id !== child.id || parent.childForFieldName('index')?.text !== '0') break;
      return { end, executed: awaited, terminal: mysql && !firstIndexed(parent) ? 'all' : 'first' };
    case 'variable_declarator': {
      if (parent.childForFieldName('value')?.id !== child.id) break;
      const pattern = parent.childForFieldName('name');
      const taken = assignment(pattern, mysql);
      // `const res = await pool.query(..)` then only `res.rows[0]`: one row is used.
      if (pattern?.type === 'identifier' && !taken.terminal && awaited) {
        const used = usesOfResult(pattern.text, parent);
        if (used) taken.terminal = used;
      }
      // `let rows = await db.query.t.findMany()` then `rows.filter(...)`: the code keeps part of what it read.
      const rows = taken.assignedTo;
      const filtered = rows && !rows.startsWith('this.') && (awaited || child.type === 'await_expression') ? filterOfResult(rows, parent) : undefined;
      return { end, executed: awaited || !lazy, ...taken, ...(filtered ? { filteredAt: filtered } : {}) };
    }
    case 'assignment_expression': {
      if (parent.childForFieldName('right')?.id !== child.id) break;
      return { end, executed: awaited || !lazy, ...assignment(parent.childForFieldName('left'), mysql) };
    }
    case 'expression_statement':
      return { end, executed: awaited || !lazy };
    case 'return_statement':
    case 'arrow_function':
    case 'for_in_statement':
    case 'yield_expression':
      return { end, executed: true };
    case 'arguments': {
      // Promise.all([..]) / Promise.all(xs.map(..)) runs what it is given.
      const call = asCall(parent.parent);
      return { end, executed: awaited || (call?.receiver?.text === 'Promise') };
    }
    case 'array': {
      const call = asCall(parent.parent?.parent);
      return { end, executed: awaited || (call?.receiver?.text === 'Promise') };
    }
  }
  return { end, executed: awaited };
}

/** What a pattern takes from a result: `{ rows }`, `{ rows: [first] }`, `[rows]` (mysql2), `[user]` (postgres.js), `result`. */
function assignment(pattern: Node | null, mysql: boolean): { terminal?: Terminal; assignedTo?: string } {
  if (!pattern) return {};
  if (pattern.type === 'identifier') return { assignedTo: pattern.text };
  if (pattern.type === 'member_expression' && pattern.text.startsWith('this.')) return { assignedTo: pattern.text };
  if (pattern.type === 'object_pattern') {
    for (const p of pattern.namedChildren) {
      if (p.type === 'shorthand_property_identifier_pattern' && p.text === 'rows') return { assignedTo: 'rows', terminal: 'all' };
      if (p.type === 'pair_pattern' && p.childForFieldName('key')?.text === 'rows') {
        const value = p.childForFieldName('value');
        if (value?.type === 'identifier') return { assignedTo: value.text, terminal: 'all' };
        if (value?.type === 'array_pattern') return { ...firstName(value), terminal: 'first' };
      }
    }
    if (pattern.namedChildren.some((p) => /^(rowCount|affectedRows|changes)$/.test(p.text))) return { terminal: 'execute' };
    return {};
  }
  if (pattern.type === 'array_pattern') {
    const first = pattern.namedChildren[0];
    if (mysql) {
      if (first?.type === 'identifier') return { assignedTo: first.text, terminal: 'all' };
      if (first?.type === 'array_pattern') return { ...firstName(first), terminal: 'first' };
      return {};
    }
    // A rest element (`[first, ...others]`) takes them all.
    if (pattern.namedChildren.some((c) => c.type === 'rest_pattern')) return { ...firstName(pattern), terminal: 'all' };
    return { ...firstName(pattern), terminal: 'first' };
  }
  return {};
}

/**
 * Whether `n` is the identifier `name` after `declarator`. A walk for them skips what ends before the
 * declarator (each query's rows were looked for in its whole function body, or module), and slices no
 * identifier of another length: documenso's check walked 190,000 nodes through `walk`, 126,000 now.
 */
function usesAfter(n: Node, name: string, declarator: Node): boolean {
  return n.type === 'identifier' && n.endIndex - n.startIndex === name.length && n.startIndex >= declarator.endIndex && n.text === name;
}

/**
 * How a variable holding a driver's result is read in the rest of its block:
 * only ever `res.rows[0]` → 'first'; only `res.rowCount` → 'execute'; any other use says nothing.
 */
function usesOfResult(name: string, declarator: Node): Terminal | undefined {
  let block: Node | null = declarator.parent;
  while (block && block.type !== 'statement_block' && block.type !== 'program') block = block.parent;
  if (!block) return undefined;
  let first = 0;
  let count = 0;
  let other = 0;
  walk(block, (n) => {
    if (!usesAfter(n, name, declarator)) return n.endIndex > declarator.endIndex;
    const { parent, child } = outerOf(n);
    const property = parent?.type === 'member_expression' && parent.childForFieldName('object')?.id === child.id ? parent.childForFieldName('property')?.text : undefined;
    if (property === 'rows' && firstIndexed(parent!)) first++;
    else if (property === 'rowCount' || property === 'affectedRows' || property === 'changes') count++;
    else other++;
  });
  if (other > 0) return undefined;
  return first > 0 && count === 0 ? 'first' : count > 0 && first === 0 ? 'execute' : undefined;
}

/**
 * The first `name.filter(...)` call after `declarator` in its block: an array's filter over the rows a query returned.
 * Inside a function body only: the walk cache keeps a query's findings while its own top-level statement stays, so
 * a module-level filter in another statement would go unseen when it changes.
 */
function filterOfResult(name: string, declarator: Node): Span | undefined {
  let block: Node | null = declarator.parent;
  while (block && block.type !== 'statement_block' && block.type !== 'program') block = block.parent;
  if (block?.type !== 'statement_block') return undefined;
  let found: Span | undefined;
  walk(block, (n) => {
    if (found) return false;
    if (!usesAfter(n, name, declarator)) return n.endIndex > declarator.endIndex;
    const member = n.parent;
    if (member?.type !== 'member_expression' || member.childForFieldName('object')?.id !== n.id || member.childForFieldName('property')?.text !== 'filter') return;
    const call = member.parent;
    if (call?.type === 'call_expression' && call.childForFieldName('function')?.id === member.id) found = spanOf(call);
  });
  return found;
}

function firstName(pattern: Node): { assignedTo?: string } {
  const name = patternNames(pattern.namedChildren[0])[0];
  return name ? { assignedTo: name } : {};
}

/** `x[0]` right after `node`. */
function firstIndexed(node: Node): boolean {
  const { parent, child } = outerOf(node);
  return parent?.type === 'subscript_expression' && parent.childForFieldName('object')?.id === child.id && parent.childForFieldName('index')?.text === '0';
}

/** `.then((r) => r.rows[0])` reads one row; `.then((r) => r.rows)` all. */
function thenTerminal(member: Node): Terminal | undefined {
  const call = asCall(member.parent);
  const body = call?.args[0] && unwrap(call.args[0]);
  if (!body || !FUNCTIONS.has(body.type)) return undefined;
  const text = body.childForFieldName('body')?.text ?? '';
  if (/\.rows\s*\[\s*0\s*\]|^\s*\(?\s*\w+\s*\)?\s*=>\s*\w+\s*\[\s*0\s*\]/.test(text)) return 'first';
  return /\.rows\b/.test(text) ? 'all' : undefined;
}

/** The API's own terminal, else the use's, else: a SELECT hands every row over, other statements are executed. */
function finalTerminal(api: Terminal | undefined, use: Terminal | undefined, kind: StatementKind): Terminal {
  if (api && api !== 'unknown') return api;
  if (api === 'unknown') return 'unknown'; // a prepared statement: its runs have the terminals
  if (use) return use;
  return kind === 'select' ? 'all' : 'execute';
}

// ---------------------------------------------------------------------------------------------
// Names

/** Scopes whose statements a `const` lives in. */
const SCOPES = new Set(['program', 'statement_block', 'class_body', 'switch_case', 'export_statement']);

/**
 * The initialiser of the `const` (or never-reassigned `let`) named `name` that is
 * visible at `at`: declared before it in an enclosing block, the module included.
 */
export function constValue(name: string, at: Node): Node | undefined {
  for (let scope: Node | null = at.parent; scope; scope = scope.parent) {
    if (!SCOPES.has(scope.type)) continue;
    for (const statement of scope.namedChildren) {
      if (statement.startIndex >= at.startIndex) break;
      const declaration = statement.type === 'export_statement' ? statement.namedChildren.find((c) => c.type === 'lexical_declaration') : statement;
      if (declaration?.type !== 'lexical_declaration' || declaration.childForFieldName('kind')?.text !== 'const') continue;
      for (const declarator of declaration.namedChildren) {
        if (declarator.type !== 'variable_declarator' || declarator.childForFieldName('name')?.text !== name) continue;
        const value = declarator.childForFieldName('value');
        if (value) return value;
      }
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Errors

/** ERROR and MISSING nodes, for the record (the rest of the file is still extracted). */
function syntaxErrors(root: Node): HostExtraction['errors'] {
  const errors: HostExtraction['errors'] = [];
  const visit = (node: Node): void => {
    if (errors.length >= 50) return;
    if (node.isMissing) errors.push({ message: `TypeScript syntax error: missing ${node.type}`, span: spanOf(node) });
    else if (node.isError) errors.push({ message: 'TypeScript syntax error', span: spanOf(node) });
    else if (node.hasError) for (const child of node.children) visit(child);
  };
  if (root.hasError) visit(root);
  return errors;
}

/** The workspace's models as a cache context (an ORM query reads its table and columns there): computed once per models list. */
const MODEL_KEYS = new WeakMap<readonly HostModel[], string>();
/** The host query of a builder's or ORM's query, but for what its use in the code says (assignment, terminal insertion). */
function builtFields(built: BuiltQuery): Omit<HostQuery, 'span' | 'loops' | 'eagerLoads'> {
  return {
    kind: 'orm',
    statementKind: built.statementKind,
    model: built.model,
    terminal: built.terminal,
    parameterRoots: built.parameterRoots,
    ...(built.library !== 'knex' && built.library !== 'kysely' ? { orm: built.library } : {}),
    ...(built.entity ? { entity: built.entity } : {}),
    ...(built.manyRows ? { manyRows: true } : {}),
    ...(built.unreadFilter ? { unreadFilter: true } : {}),
    ...(built.loadedWith?.length ? { loadedWith: built.loadedWith } : {}),
    ...(built.loadsRelation ? { loadsRelation: built.loadsRelation } : {}),
  };
}

function modelsKey(models: readonly HostModel[] | undefined): string {
  if (!models || models.length === 0) return '';
  let key = MODEL_KEYS.get(models);
  if (key === undefined) {
    key = JSON.stringify(models.map((m) => [m.orm, m.className, m.table, m.fields, m.changes, m.relationJoins ?? false]));
    MODEL_KEYS.set(models, key);
  }
  return key;
}
