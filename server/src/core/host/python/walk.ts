/**
 * One pass over a Python syntax tree: queries (ORM chains and raw SQL), writes
 * and attribute reads, each with its enclosing loops. Scopes follow functions:
 * a statement or result held in a variable is followed within its function.
 */
import type { Dialect } from '../../../../../shared/types';
import type { AttributeAccess, BoundPattern, EmbeddedSql, HostQuery, HostWrite, LoopContext, Terminal } from '../types';
import { boundPatterns, namedValues } from './bound-params';
import { type Chain, type ChainStep, enclosingParent, EXECUTORS, flatten, isChainTop, QUERY_TERMINALS, RESULT_TERMINALS, STATEMENT_STARTS } from './chains';
import { enclosingFunctions } from './enclosing-functions';
import { carriesManyRows, loopPlacement } from './loop-placement';
import { COMPREHENSIONS, comprehensionLoop, forLoop, whileLoop } from './loops';
import { ownCollectionOf } from './collections';
import { calleeName, type Node, positionalArgs, rootIdentifier, spanOf, unwrap, valueRoots } from './nodes';
import { type ModelResolver, OrmQuery } from './orm-query';
import { conventionalRunner, isBaseStatement, type RepositoryClass, repositoryClass, repositoryModel, statementRunner } from './repository';
import type { StatementKind } from '../../sql/model';
import { looksLikeSql, statementKindOf } from '../statement-kind';
import { embeddedSql, isStringLiteral } from './sql-strings';
import { byMembers } from '../treesitter';
import { newWalkId, type WalkCache } from '../walk-cache';

interface PendingOrm {
  kind: 'orm';
  q: OrmQuery;
  node: Node;
  /** Where `.limit(...)` would be appended to the statement. */
  end: number;
  loops: LoopContext[];
  consumed: boolean;
}
interface PendingSql {
  kind: 'sql';
  sql: EmbeddedSql;
  node: Node;
  loops: LoopContext[];
  consumed: boolean;
}
type Pending = PendingOrm | PendingSql;

class Scope {
  readonly vars = new Map<string, number>();
  readonly pending = new Map<string, Pending>();
  readonly strings = new Map<string, Node>();
  /** What each local name was last assigned (LIKE patterns held in a variable); kept in functions only. */
  readonly values = new Map<string, Node>();
  /** Local repositories (`repository = OrderRepository.from_session(session)`) → their model class. */
  readonly repositories = new Map<string, string>();
  readonly all: Pending[] = [];
  constructor(readonly parent?: Scope) {}
  isEmpty(): boolean {
    return this.holdsOnlyStrings() && this.strings.size === 0;
  }
  /** Nothing but string constants (`STATUS = "open"`, an Enum's members): what a function reads of them is a walk-cache fact. */
  holdsOnlyStrings(): boolean {
    return this.vars.size === 0 && this.pending.size === 0 && this.all.length === 0;
  }
  lookup<T>(pick: (s: Scope) => T | undefined): T | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const v = pick(s);
      if (v !== undefined) return v;
    }
    return undefined;
  }
}

/** Prefix of a method's key in the walk cache (a module-level function's is its text). */
const METHOD_KEY = 'method\0';
const FUNCTION_KEY = 'function\0';

/**
 * The walk cache's key of a function (its text, marked: a method's findings are kept apart
 * from a module-level function's of the same text), kept with the node: an edit's copy of the
 * tree takes the unchanged functions and methods over (treesitter.ts), and their key is then the
 * same string as the last version's, whose hash is known and which the cache's map holds itself
 * (a new slice of each function's text was hashed and compared in full at every edit). Made by
 * concatenation, the key becomes a string of its own once the cache's map hashes it: a slice
 * kept would hold the whole text of its version.
 */
function cacheKey(node: Node, inClass: boolean): string {
  const known = cacheKeys.get(node);
  if (known?.inClass === inClass) return known.key;
  const key = `${inClass ? METHOD_KEY : FUNCTION_KEY}${node.text}`;
  cacheKeys.set(node, { inClass, key });
  return key;
}

const cacheKeys = new WeakMap<Node, { inClass: boolean; key: string }>();

/** `fact` answers compared (plain data: arrays, booleans, runners). */
function sameFact(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Calls whose string argument is SQL (`text("...")`). */
export const TEXT_FUNCTIONS = new Set(['text', 'literal_column', 'SQL']);
/** Methods whose receiver is taken for a session (`isSession`). */
export const SESSION_METHODS = new Set(['commit', 'flush', 'query', 'execute', 'scalars', 'scalar', 'add_all', 'refresh', 'rollback', 'merge', 'expunge', 'bulk_save_objects', 'get']);

/** Kept per top-level statement and per member of a long class: the copy of an edited file takes the unchanged ones over (treesitter.ts). */
const sessionsByStatement = new WeakMap<Node, string[]>();

/**
 * Receivers of session methods (`db` in `db.commit()`) in a statement (a class's: those of each of
 * its members, kept per member, then its own: typing in one method of a long class reads that method).
 */
function sessionsIn(statement: Node): string[] {
  let names = sessionsByStatement.get(statement);
  if (!names) {
    const parts = byMembers(statement, CALL);
    names = [];
    for (const n of parts ? parts.own : statement.descendantsOfType('call')) {
      const fn = n.childForFieldName('function');
      if (fn?.type === 'attribute' && SESSION_METHODS.has(calleeName(n) ?? '')) names.push(fn.childForFieldName('object')!.text);
    }
    for (const member of parts?.members ?? []) for (const name of sessionsIn(member)) names.push(name);
    sessionsByStatement.set(statement, names);
  }
  return names;
}

const CALL = ['call'];

export class PythonWalker {
  readonly queries: HostQuery[] = [];
  readonly writes: HostWrite[] = [];
  readonly accesses: AttributeAccess[] = [];
  private readonly consumed = new Set<number>();
  private loops: LoopContext[] = [];
  private scope = new Scope();
  private readonly sessions = new Set<string>();
  /** Enclosing classes, innermost last: `self.model`, `self.get_all(statement)` (repository.ts). */
  private readonly classes: RepositoryClass[] = [];
  /** The file's walk cache, while `run` walks with one (and not inside a function or class kept whole). */
  private cache?: WalkCache;
  /**
   * While a function or a method of a module-level class is walked for the cache: what its
   * walk read of the module's string constants and of that class (the class at `depth` in
   * `classes`), by `fact` key, kept with its findings.
   */
  private reads?: { depth: number; start: number; facts: Map<string, unknown> };

  constructor(
    private readonly resolve: ModelResolver,
    private readonly dialect: Dialect,
    private readonly codeDialect: Dialect | undefined,
  ) {}

  /**
   * Walks the module. With `reuse` (a file's cache, `context` what else the
   * findings depend on: the models the queries resolve against), top-level
   * functions met before are taken over instead of walked (../walk-cache.ts).
   */
  run(root: Node, reuse?: { cache: WalkCache; context: string; models: readonly unknown[] }): void {
    for (const statement of root.children) for (const name of sessionsIn(statement)) this.sessions.add(name);
    if (!reuse || root.type !== 'module') this.visit(root);
    else {
      const { cache } = reuse;
      cache.begin(JSON.stringify([this.dialect, this.codeDialect ?? null, [...this.sessions].sort(), reuse.context]), reuse.models);
      this.cache = cache;
      for (const statement of root.namedChildren) this.visitTopLevel(statement, cache);
      this.cache = undefined;
      cache.end();
    }
    this.flushScope();
  }

  /**
   * A module-level statement, or a statement in the body of a module-level class
   * (`inClass`): a function is taken over from `cache` when its text is known
   * there (a method also when what it read of its class is still so).
   */
  private visitTopLevel(node: Node, cache: WalkCache, inClass = false): void {
    // Only with nothing in the module's scope but strings (whose reads are facts) is a function's walk a function of its text.
    if ((node.type !== 'function_definition' && node.type !== 'decorated_definition') || !this.scope.holdsOnlyStrings()) return this.visit(node);
    const key = cacheKey(node, inClass);
    const start = node.startIndex;
    const firstQuery = this.queries.length;
    const facts = cache.peek(key)?.facts;
    const known = facts && !facts.every(([k, answer]) => sameFact(this.fact(k, start), answer)) ? undefined : cache.take(key, start, firstQuery);
    if (known) {
      this.queries.push(...known.queries);
      this.writes.push(...known.writes);
      this.accesses.push(...known.accesses);
      return;
    }
    const writes = this.writes.length;
    const accesses = this.accesses.length;
    const outerReads = this.reads;
    const reads = { depth: inClass ? this.classes.length : 0, start, facts: new Map<string, unknown>() };
    this.reads = reads;
    // No cache inside what is kept whole (a decorated class's methods go with it).
    this.cache = undefined;
    this.visit(node);
    this.cache = cache;
    this.reads = outerReads;
    if (!this.scope.holdsOnlyStrings()) return;
    cache.keep(key, {
      id: newWalkId(),
      start,
      end: node.endIndex,
      firstQuery,
      queries: this.queries.slice(firstQuery),
      writes: this.writes.slice(writes),
      accesses: this.accesses.slice(accesses),
      ...(reads.facts.size > 0 ? { facts: [...reads.facts] } : {}),
    });
  }

  /**
   * What a function starting at `start` reads of the module's string constants (text, and
   * where from the function: spans point into it), and a method of the innermost class:
   * its `model = X` (the same), whether it defines a method, how a method runs the
   * statement it is given.
   */
  private fact(key: string, start: number): unknown {
    if (key.startsWith('string:')) {
      let module = this.scope;
      while (module.parent) module = module.parent;
      const literal = module.strings.get(key.slice('string:'.length));
      return literal ? [literal.text, literal.startIndex - start] : null;
    }
    const own = this.classes[this.classes.length - 1];
    if (!own) return null;
    if (key === 'model') return own.model ? [own.model.text, own.model.startIndex - start] : null;
    const [kind, name] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    if (kind === 'has') return own.methods.has(name);
    return statementRunner(own, name) ?? null;
  }

  /** The innermost class, as `key` of `fact` reads it: recorded when a method of it is walked for the cache. */
  private readClass(key: string): RepositoryClass | undefined {
    const reads = this.reads;
    if (reads && reads.depth > 0 && reads.depth === this.classes.length && !reads.facts.has(key)) reads.facts.set(key, this.fact(key, reads.start));
    return this.classes[this.classes.length - 1];
  }

  /** The string constant a name holds in the scopes of the walk; a read of the module's is recorded for the cache. */
  private lookupString(name: string): Node | undefined {
    for (let s: Scope | undefined = this.scope; s; s = s.parent) {
      const literal = s.strings.get(name);
      if (!s.parent && this.reads && !this.reads.facts.has(`string:${name}`)) this.reads.facts.set(`string:${name}`, this.fact(`string:${name}`, this.reads.start));
      if (literal !== undefined) return literal;
    }
    return undefined;
  }

  private visit(node: Node): void {
    switch (node.type) {
      case 'function_definition':
        return this.visitFunction(node);
      case 'class_definition': {
        this.classes.push(repositoryClass(node));
        const { cache } = this;
        // A module-level class: its methods are taken over from the walk cache like functions.
        const body = cache && this.classes.length === 1 && !this.scope.parent && this.loops.length === 0 ? node.childForFieldName('body') : null;
        for (const c of node.namedChildren) {
          if (c !== body) this.visit(c);
          else for (const statement of c.namedChildren) this.visitTopLevel(statement, cache!, true);
        }
        this.classes.pop();
        return;
      }
      case 'for_statement':
        return this.visitFor(node);
      case 'while_statement': {
        this.loops.push(whileLoop(node));
        this.children(node);
        this.loops.pop();
        return;
      }
      case 'assignment':
        return this.visitAssignment(node);
      case 'return_statement':
        return this.visitReturn(node);
      case 'call':
        if (isChainTop(node) && !this.consumed.has(node.id)) this.chain(node);
        return this.children(node);
      case 'attribute':
        this.access(node);
        return this.children(node);
      default:
        if (COMPREHENSIONS.has(node.type)) return this.visitComprehension(node);
        return this.children(node);
    }
  }

  private children(node: Node): void {
    for (const c of node.namedChildren) this.visit(c);
  }

  private visitFunction(node: Node): void {
    const outerLoops = this.loops;
    const outerScope = this.scope;
    this.loops = [];
    this.scope = new Scope(outerScope);
    const body = node.childForFieldName('body');
    if (body) this.visit(body);
    this.flushScope();
    this.scope = outerScope;
    this.loops = outerLoops;
  }

  /** Statements built but never executed in their function: reported where they were built. */
  private flushScope(): void {
    for (const p of this.scope.all) {
      if (p.consumed) continue;
      p.consumed = true;
      if (p.kind === 'orm') this.emitOrm(p.q, p.node, 'unknown', p.loops, p.end);
      else this.emitSql(p.sql, p.node, 'unknown', p.loops, []);
    }
  }

  private visitFor(node: Node): void {
    const right = node.childForFieldName('right');
    const loop = forLoop(node);
    if (right) {
      const q = this.iterated(right);
      if (q !== undefined) loop.iterableQuery = q;
      else describeCollection(loop, right);
    }
    this.loops.push(loop);
    const body = node.childForFieldName('body');
    if (body) this.visit(body);
    this.loops.pop();
    const alt = node.childForFieldName('alternative');
    if (alt) this.visit(alt);
  }

  private visitComprehension(node: Node): void {
    const clauses = node.namedChildren.filter((c) => c.type === 'for_in_clause');
    const first = clauses[0]?.childForFieldName('right');
    const loop = comprehensionLoop(node);
    if (first) {
      const q = this.iterated(first);
      if (q !== undefined) loop.iterableQuery = q;
      else describeCollection(loop, first);
    }
    this.loops.push(loop);
    for (const c of node.namedChildren) {
      if (c.id === clauses[0]?.id) continue;
      this.visit(c);
    }
    this.loops.pop();
  }

  /** Visits an iterated expression; returns the query whose rows it walks. */
  private iterated(right: Node): number | undefined {
    const before = this.queries.length;
    const ident = unwrap(right);
    const pending = ident.type === 'identifier' ? this.scope.lookup((s) => s.pending.get(ident.text)) : undefined;
    if (pending && !pending.consumed) {
      pending.consumed = true;
      return pending.kind === 'orm'
        ? this.emitOrm(pending.q, pending.node, 'iterate', pending.loops, pending.end)
        : this.emitSql(pending.sql, pending.node, 'iterate', pending.loops, []);
    }
    this.visit(right);
    let found: number | undefined;
    if (this.queries.length > before) found = before;
    else {
      const root = rootIdentifier(right);
      found = root !== undefined ? this.scope.lookup((s) => s.vars.get(root)) : undefined;
    }
    const q = found !== undefined ? this.queries[found] : undefined;
    if (q && (q.terminal === 'execute' || q.terminal === 'unknown')) q.terminal = 'iterate';
    return found;
  }

  private visitAssignment(node: Node): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (!right) return this.children(node);
    const name = left?.type === 'identifier' ? left.text : undefined;
    const before = this.queries.length;
    const value = unwrap(right);
    if (name && value.type === 'call' && TEXT_FUNCTIONS.has(calleeName(value) ?? '')) this.pendingText(value, name);
    this.visit(right);
    if (left && left.type !== 'identifier') this.visit(left);
    if (!name) return;
    const made = this.queries.slice(before).findIndex((q) => q.assignedTo === name);
    if (made >= 0) this.scope.vars.set(name, before + made);
    else {
      const root = rootIdentifier(right);
      const from = root !== undefined && root !== name ? this.scope.lookup((s) => s.vars.get(root)) : undefined;
      if (from !== undefined && !this.scope.pending.has(name)) this.scope.vars.set(name, from);
      else if (!(root === name && this.scope.vars.has(name))) this.scope.vars.delete(name);
    }
    if (isStringLiteral(right)) this.scope.strings.set(name, right);
    // Function scopes only: a module-level value would make a function's walk depend on more than its text (../walk-cache.ts).
    if (this.scope.parent) {
      this.scope.values.set(name, right);
      const model = repositoryModel(right, (cls) => !!this.resolve(cls));
      if (model) this.scope.repositories.set(name, model);
      else this.scope.repositories.delete(name);
    }
  }

  /**
   * `return statement`: a statement handed to the caller, who adds filters,
   * pagination, or runs it in a loop. It is checked where it is run (when that
   * can be followed), not here as if this were the whole query.
   */
  private visitReturn(node: Node): void {
    const value = node.namedChildren[0] ? unwrap(node.namedChildren[0]) : undefined;
    const pending = value?.type === 'identifier' ? this.scope.lookup((s) => s.pending.get(value.text)) : undefined;
    if (pending?.kind === 'orm' && !pending.consumed) pending.consumed = true;
    else this.children(node);
  }

  private access(node: Node): void {
    const obj = node.childForFieldName('object');
    const attr = node.childForFieldName('attribute');
    if (obj?.type !== 'identifier' || !attr || !this.loops.some((l) => l.targets.includes(obj.text))) return;
    const parent = node.parent;
    if (parent?.type === 'call' && parent.childForFieldName('function')?.id === node.id) return; // a method call
    this.accesses.push({ object: obj.text, attribute: attr.text, span: spanOf(node), loops: [...this.loops] });
  }

  // ---- chains -------------------------------------------------------------

  private chain(top: Node): void {
    const chain = flatten(top);
    if (this.write(top, chain)) return;
    if (this.ormChain(top, chain)) return;
    const exec = chain.steps.findIndex((s) => s.receiver && EXECUTORS.has(s.name) && s.args.length > 0);
    if (exec >= 0) return this.execute(top, chain, exec);
    if (this.runByRepository(top, chain)) return;
    const get = chain.steps[0];
    if (get?.name === 'get' && get.receiver && get.args.length >= 2 && this.isSession(get.receiver)) this.sessionGet(top, chain);
  }

  /** What a local name was last assigned in the enclosing functions. */
  private readonly valueOf = (name: string): Node | undefined => this.scope.lookup((s) => s.values.get(name));

  private newQuery(kind: StatementKind): OrmQuery {
    return new OrmQuery(kind, this.resolve, this.valueOf);
  }

  private isSession(receiver: Node): boolean {
    const t = receiver.text;
    const last = t.split('.').pop()!.toLowerCase();
    return this.sessions.has(t) || last.includes('session') || last === 'db' || last === 'sess';
  }

  private write(top: Node, chain: Chain): boolean {
    const step = chain.steps[0];
    if (!step?.receiver || chain.steps.length !== 1) return false;
    const loops = [...this.loops];
    if ((step.name === 'commit' || step.name === 'flush') && step.args.length === 0) {
      const placement = loopPlacement(top, step.receiver.text);
      const functions = enclosingFunctions(top);
      this.writes.push({
        kind: step.name, span: spanOf(top), loops, receiver: step.receiver.text,
        ...(placement ? { placement } : {}), ...(functions.length > 0 ? { functions } : {}),
      });
      return true;
    }
    if ((step.name === 'add' || step.name === 'add_all') && step.args.length === 1 && this.isSession(step.receiver)) {
      this.writes.push({ kind: 'add', span: spanOf(top), loops, receiver: step.receiver.text, argument: step.args[0].text });
      return true;
    }
    return false;
  }

  /** Builds an OrmQuery from a chain that starts one; `from` is the index after the start. */
  private ormStart(chain: Chain): { q: OrmQuery; from: number; pending?: Pending } | undefined {
    const { root, steps } = chain;
    const first = steps[0];
    if (root.type === 'attribute' && root.childForFieldName('attribute')?.text === 'query' && this.resolve(root.childForFieldName('object')?.text ?? '')) {
      const q = this.newQuery('select'); // Flask-SQLAlchemy `Model.query`
      q.addEntities([root.childForFieldName('object')!]);
      return { q, from: 0 };
    }
    if (root.type === 'identifier' && !first?.receiver) {
      // `select(M)` as a plain call; `select(self.model)` in a repository
      const kind = first ? STATEMENT_STARTS[first.name] : undefined;
      if (kind && first.args.length) {
        const q = this.newQuery(kind);
        const model = first.args.some((a) => unwrap(a).text === 'self.model') ? this.readClass('model')?.model : undefined;
        q.addEntities(first.args.map((a) => (model && unwrap(a).text === 'self.model' ? model : a)));
        return { q, from: 1 };
      }
    }
    if (root.type === 'identifier' && first?.receiver?.id === root.id && isBaseStatement(first.name)) {
      // `self.get_base_statement()` inherited from a repository base, `repository.get_base_statement()`: a select of its model.
      const own = root.text === 'self' ? this.readClass(`has:${first.name}`) : undefined;
      if (own && !own.methods.has(first.name)) this.readClass('model');
      const model = root.text === 'self' ? (own && !own.methods.has(first.name) ? own.model?.text : undefined) : this.scope.lookup((s) => s.repositories.get(root.text));
      if (model) {
        const q = this.newQuery('select');
        q.addEntity(model, spanOf(first.call));
        return { q, from: 1 };
      }
    }
    if (first?.receiver && ['sa', 'sqlalchemy', 'sql'].includes(first.receiver.text) && STATEMENT_STARTS[first.name]) {
      const q = this.newQuery(STATEMENT_STARTS[first.name]);
      q.addEntities(first.args);
      return { q, from: 1 };
    }
    if (first?.name === 'query' && first.receiver && first.args.length) {
      const q = this.newQuery('select');
      q.addEntities(first.args);
      return { q, from: 1 };
    }
    if (root.type === 'identifier' && first?.receiver) {
      const pending = this.scope.lookup((s) => s.pending.get(root.text));
      if (pending?.kind === 'orm') return { q: pending.q.clone(), from: 0, pending };
    }
    return undefined;
  }

  private ormChain(top: Node, chain: Chain): boolean {
    const start = this.ormStart(chain);
    if (!start) return false;
    const { q, pending } = start;
    let i = start.from;
    while (i < chain.steps.length && q.apply(chain.steps[i])) i++;
    const stepAt = chain.steps[i];
    const isSelect2 = !chain.steps.some((s) => s.name === 'query') && !(chain.root.type === 'attribute');
    if (!stepAt) {
      // No terminal: a statement (2.0) or Query object (1.x) held for later, iterated, or handed on.
      const { parent, child } = enclosingParent(top);
      const assigned = parent?.type === 'assignment' && parent.childForFieldName('right')?.id === child.id ? parent.childForFieldName('left') : null;
      if (pending) pending.consumed = true;
      if (assigned?.type === 'identifier') {
        const p: PendingOrm = { kind: 'orm', q, node: top, end: top.endIndex, loops: [...this.loops], consumed: false };
        this.scope.pending.set(assigned.text, p);
        this.scope.all.push(p);
        return true;
      }
      if (parent?.type === 'return_statement') return true; // the caller's to run (visitReturn)
      const iterated = (parent?.type === 'for_statement' || parent?.type === 'for_in_clause') && parent.childForFieldName('right')?.id === child.id;
      this.emitOrm(q, top, iterated ? 'iterate' : 'unknown', [...this.loops], top.endIndex);
      return true;
    }
    if (isSelect2 && !pending && ['subquery', 'scalar_subquery', 'cte', 'exists', 'alias', 'union', 'union_all', 'label'].includes(stepAt.name)) return true;
    if (pending) pending.consumed = true;
    let terminal: Terminal = QUERY_TERMINALS[stepAt.name] ?? 'unknown';
    if (stepAt.name === 'count') q.model.isAggregate = true;
    if (stepAt.name === 'first') q.limitOne(stepAt);
    if (stepAt.name === 'delete' || stepAt.name === 'update') {
      q.model.kind = stepAt.name;
      stepAt.args.forEach((a) => q.predicate(a, false));
    }
    if (stepAt.name === 'get') q.primaryKeyLookup(stepAt.call, stepAt.args[0]);
    if (stepAt.name === 'paginate') q.model.limit = { span: spanOf(stepAt.call) };
    if (terminal === 'unknown' && EXECUTORS.has(stepAt.name)) terminal = 'execute';
    this.emitOrm(q, top, terminal, [...this.loops], stepAt.receiver?.endIndex ?? top.endIndex);
    return true;
  }

  private execute(top: Node, chain: Chain, at: number): void {
    const step = chain.steps[at];
    const arg = unwrap(step.args[0]);
    const params = new Set<string>();
    for (const extra of step.args.slice(1)) valueRoots(extra, params, () => false);
    for (const kw of step.call.childForFieldName('arguments')?.namedChildren ?? []) if (kw.type === 'keyword_argument') valueRoots(kw, params, () => false);
    const terminal = this.resultTerminal(chain.steps.slice(at + 1), step.name);
    const loops = [...this.loops];
    const percent = step.name === 'exec_driver_sql' || step.receiver!.text.toLowerCase().includes('cur');
    const values = namedValues(step.args[1]);
    const bound = (sql: EmbeddedSql, literal: Node) => boundPatterns(sql, literal, this.dialect, values, this.valueOf);
    if (isStringLiteral(arg)) {
      // A bare string is SQL only when it reads like a statement: `client.stream("GET", url)` is HTTP.
      const sql = embeddedSql(arg, this.dialect, this.codeDialect, percent);
      if (sql && looksLikeSql(sql.text)) this.emitSql(sql, top, terminal, loops, [...params], bound(sql, arg));
      return;
    }
    if (arg.type === 'call' && TEXT_FUNCTIONS.has(calleeName(arg) ?? '') && positionalArgs(arg)[0]) {
      this.consumed.add(arg.id);
      const inner = unwrap(positionalArgs(arg)[0]);
      const literal = inner.type === 'identifier' ? this.lookupString(inner.text) : inner;
      const sql = literal && isStringLiteral(literal) ? embeddedSql(literal, this.dialect, this.codeDialect) : undefined;
      if (sql) this.emitSql(sql, top, terminal, loops, [...params], bound(sql, literal!));
      return;
    }
    if (arg.type === 'call') {
      const inner = flatten(arg);
      const start = this.ormStart(inner);
      if (!start) return;
      this.consumed.add(arg.id);
      let i = start.from;
      while (i < inner.steps.length && start.q.apply(inner.steps[i])) i++;
      if (start.pending) start.pending.consumed = true;
      for (const p of params) start.q.roots.add(p);
      this.emitOrm(start.q, top, terminal, loops, arg.endIndex);
      return;
    }
    if (arg.type === 'identifier') {
      const pending = this.scope.lookup((s) => s.pending.get(arg.text));
      if (pending) {
        pending.consumed = true;
        if (pending.kind === 'orm') {
          const q = pending.q.clone();
          for (const p of params) q.roots.add(p);
          this.emitOrm(q, top, terminal, loops, pending.end);
        } else this.emitSql(pending.sql, top, terminal, loops, [...params]);
        return;
      }
      const str = this.lookupString(arg.text);
      const sql = str ? embeddedSql(str, this.dialect, this.codeDialect, percent) : undefined;
      if (sql) this.emitSql(sql, top, terminal, loops, [...params]);
    }
  }

  /**
   * `self.get_all(statement)`: a statement built in this function, run by a
   * method of the class (or of a repository base, by its conventional name).
   */
  private runByRepository(top: Node, chain: Chain): boolean {
    const step = chain.steps[0];
    const receiver = step?.receiver?.text;
    const arg = step?.args[0] ? unwrap(step.args[0]) : undefined;
    if (!receiver || arg?.type !== 'identifier') return false;
    const pending = this.scope.lookup((s) => s.pending.get(arg.text));
    if (pending?.kind !== 'orm') return false;
    const runner =
      receiver === 'self' ? this.selfRunner(step.name)
      : this.scope.lookup((s) => s.repositories.get(receiver)) ? conventionalRunner(step.name) : undefined;
    if (pending.consumed || !runner) return false;
    pending.consumed = true;
    const q = pending.q.clone();
    if (runner.paginates) q.model.limit = { span: spanOf(step.call) };
    this.emitOrm(q, top, runner.terminal, [...this.loops], pending.end);
    return true;
  }

  /** How `self.<name>(statement)` runs the statement, in the innermost class. */
  private selfRunner(name: string) {
    const own = this.readClass(`runner:${name}`);
    return own ? statementRunner(own, name) : undefined;
  }

  /** `text("...")` held in a variable: pending until executed. */
  private pendingText(call: Node, name: string): boolean {
    const arg = positionalArgs(call)[0];
    if (!arg || !isStringLiteral(arg)) return false;
    const sql = embeddedSql(arg, this.dialect, this.codeDialect);
    if (!sql) return false;
    const p: PendingSql = { kind: 'sql', sql, node: call, loops: [...this.loops], consumed: false };
    this.scope.pending.set(name, p);
    this.scope.all.push(p);
    return true;
  }

  private resultTerminal(after: ChainStep[], executor: string): Terminal {
    for (const s of after) {
      if (s.name === 'scalars' || s.name === 'mappings' || s.name === 'unique' || s.name === 'tuples') continue;
      const t = RESULT_TERMINALS[s.name];
      if (t) return t;
      break;
    }
    if (after.some((s) => s.name === 'scalars')) return 'scalars';
    switch (executor) {
      case 'scalars':
      case 'stream_scalars':
        return 'scalars';
      case 'scalar':
      case 'fetchval':
        return 'scalar';
      case 'fetch':
        return 'all';
      case 'fetchrow':
        return 'first';
      default:
        return 'execute';
    }
  }

  /** `session.get(Agent, agent_id)`: a primary-key lookup. */
  private sessionGet(top: Node, chain: Chain): void {
    const step = chain.steps[0];
    const cls = unwrap(step.args[0]);
    if (cls.type !== 'identifier' || !this.resolve(cls.text)) return;
    const q = this.newQuery('select');
    q.addEntities([cls]);
    q.primaryKeyLookup(step.call, step.args[1]);
    this.emitOrm(q, top, 'get', [...this.loops], undefined);
  }

  // ---- results ------------------------------------------------------------

  private assignedName(top: Node): string | undefined {
    const { parent, child } = enclosingParent(top);
    if (parent?.type !== 'assignment' || parent.childForFieldName('right')?.id !== child.id) return undefined;
    const left = parent.childForFieldName('left');
    return left?.type === 'identifier' ? left.text : undefined;
  }

  private emitOrm(q: OrmQuery, top: Node, terminal: Terminal, loops: LoopContext[], beforeTerminal: number | undefined): number {
    const assignedTo = this.assignedName(top);
    const hq: HostQuery = {
      kind: 'orm', span: spanOf(top), statementKind: q.model.kind, model: q.model, terminal, loops,
      parameterRoots: [...q.roots], eagerLoads: q.eagerLoads,
      ...(assignedTo ? { assignedTo } : {}), ...(q.entity ? { entity: q.entity } : {}),
      ...(beforeTerminal !== undefined ? { beforeTerminal } : {}),
    };
    return this.push(hq, top);
  }

  private emitSql(sql: EmbeddedSql, top: Node, terminal: Terminal, loops: LoopContext[], params: string[], bound: BoundPattern[] = []): number {
    const assignedTo = this.assignedName(top);
    const hq: HostQuery = {
      kind: 'sql', span: spanOf(top), statementKind: statementKindOf(sql.text), sql, terminal, loops,
      parameterRoots: params, eagerLoads: [], ...(assignedTo ? { assignedTo } : {}), ...(bound.length ? { boundPatterns: bound } : {}),
    };
    return this.push(hq, top);
  }

  private push(hq: HostQuery, top: Node): number {
    const functions = enclosingFunctions(top);
    if (functions.length > 0) hq.functions = functions;
    if (hq.statementKind === 'insert' && hq.loops.length > 0 && carriesManyRows(top)) hq.manyRows = true;
    const index = this.queries.length;
    this.queries.push(hq);
    if (hq.statementKind === 'insert') this.writes.push({ kind: 'insert', span: hq.span, loops: hq.loops, query: index });
    return index;
  }
}

/** A loop over a local that holds one object's own collection (see collections.ts): its size is that object's children. */
function describeCollection(loop: LoopContext, iterable: Node): void {
  if (unwrap(iterable).type !== 'identifier') return; // `a.b` itself: the rules read the text
  const own = ownCollectionOf(iterable);
  if (own) loop.ownCollection = own;
}
