/**
 * What the extraction found in each top-level function of a Python or
 * TypeScript file, kept from one version of the file to the next (the language
 * server). Typing in one function of a 3,000-line module reads that function
 * again; the queries, writes and attribute reads of the others are taken over,
 * moved to their new offsets.
 *
 * A top-level function's findings are a function of its text, as long as the
 * extraction enters it with nothing in the module's scope it could read or
 * consume (the extractors check: python/walk.ts, typescript/extract.ts) and of
 * what the whole extraction shares: the dialects, the session receivers or
 * libraries named in the file, the models the queries resolve against. Those
 * form the cache's context: when it differs, nothing is taken over. What one
 * function's findings read of the rest of the file beyond that (TypeScript:
 * whether a name is a knex instance) is kept with them as `facts`, checked by
 * the extractor before it takes them over.
 */
import type { AttributeAccess, EmbeddedSql, HostQuery, HostWrite, LoopContext } from './types';
import { collectSpans, rebase } from '../sql/chunk';
import type { Span } from '../sql/model';

/** A function's findings: file offsets, query indices in the file's `queries`. */
export interface FunctionFindings {
  /** Names this walk of the function's text; moved copies keep it (see `hostQueryKey`). */
  id: string;
  /** Offset of the function when these were found or last moved. */
  start: number;
  /** Offset of the function's end then (its text is the key's: the length stays). */
  end: number;
  /** Index of its first query in the file's `queries`. */
  firstQuery: number;
  queries: HostQuery[];
  writes: HostWrite[];
  accesses: AttributeAccess[];
  /** File-wide answers the findings were read with (the extractor's keys and answers), to be the same before they are taken over. */
  facts?: readonly (readonly [string, unknown])[];
  /**
   * A moved copy (`moved`): no object of it that holds a position is shared
   * with another version's findings but the previous one's, so the next move
   * shifts it in place (`moveInPlace`) instead of copying it again.
   */
  owned?: boolean;
}

let walks = 0;

/** The next `FunctionFindings.id`. */
export function newWalkId(): string {
  return `walk${++walks}`;
}

/**
 * What the cache knows of each query it holds: its key (`hostQueryKey`), its first version and how far it has
 * moved since (`hostQueryOrigin`), and the span of its function in that first version (`hostQueryFunction`).
 */
const held = new WeakMap<HostQuery, { key: string; origin: HostQuery; delta: number; within: Span }>();

/**
 * A key that two host queries share only when they came from the same walk of
 * the same function text, at the same place in it: what the code around the
 * query says is then the same, relative to the query (terminal, loops, where
 * `.limit()` goes, how the SQL maps into the file). Undefined for a query the
 * cache does not hold. Lets the engine reuse rule reports of host statements.
 */
export function hostQueryKey(query: HostQuery): string | undefined {
  return held.get(query)?.key;
}

/**
 * The query as the extractor first made it and how far `query` has moved
 * from it since (every span and offset of `query` is the origin's plus
 * `delta`; the rest is the same): `{ origin: query, delta: 0 }` for a query
 * found in this version. Lets what is computed from a query's positions be
 * kept for its origin and moved with one addition (core/engine/hostDocument.ts).
 */
export function hostQueryOrigin(query: HostQuery): { origin: HostQuery; delta: number } {
  return held.get(query) ?? { origin: query, delta: 0 };
}

/**
 * The span of the function a query the cache holds was found in, in the query's version of the
 * file (everything in it moves with the query); undefined for a query the cache does not hold.
 * What a rule reads of the function alone is the same wherever the query's key is
 * (`hostQueryKey`), relative to this start.
 */
export function hostQueryFunction(query: HostQuery): Span | undefined {
  const known = held.get(query);
  return known && { start: known.within.start + known.delta, end: known.within.end + known.delta };
}

/** Names the queries of a walk (`keep`): their own origins. */
function nameQueries(f: FunctionFindings): void {
  const within = { start: f.start, end: f.end };
  f.queries.forEach((q, i) => held.set(q, { key: `${f.id}:${i}`, origin: q, delta: 0, within }));
}

export class WalkCache {
  private context?: string;
  private models?: readonly unknown[];
  private entries = new Map<string, FunctionFindings>();
  private used = new Map<string, FunctionFindings>();

  /** Starts a walk; `models` are compared by identity (the workspace's model list is rebuilt when one changes). */
  begin(context: string, models: readonly unknown[]): void {
    if (context !== this.context || models.length !== this.models?.length || models.some((m, i) => m !== this.models![i])) {
      this.entries = new Map();
      this.context = context;
      this.models = models;
    }
    this.used = new Map();
  }

  /** Ends a walk: findings of functions it did not meet are dropped. */
  end(): void {
    this.entries = this.used;
  }

  /** The findings kept for a function with this text, as they were (not moved): to check their `facts` before taking them. */
  peek(text: string): FunctionFindings | undefined {
    return this.used.get(text) ?? this.entries.get(text);
  }

  /** The findings of a function with this text, at `start` and numbered from `firstQuery`. */
  take(text: string, start: number, firstQuery: number): FunctionFindings | undefined {
    const again = this.used.get(text);
    const known = again ?? this.entries.get(text);
    if (!known) return undefined;
    let found = known;
    // A copy the cache owns moves in place, once per walk: a second function of the same text (`again`) gets a copy of its own.
    if (known.start !== start || known.firstQuery !== firstQuery) found = known.owned && !again ? moveInPlace(known, start, firstQuery) : moved(known, start, firstQuery);
    this.used.set(text, found);
    return found;
  }

  keep(text: string, findings: FunctionFindings): void {
    nameQueries(findings);
    this.used.set(text, findings);
  }
}

/**
 * A copy of `f` moved to `start` and renumbered from `firstQuery`. A copy, not
 * a move in place: the previous version of the file still holds `f`'s objects.
 */
function moved(f: FunctionFindings, start: number, firstQuery: number): FunctionFindings {
  const delta = start - f.start;
  const renumber = firstQuery - f.firstQuery;
  const loops = (list: LoopContext[]) => {
    for (const loop of list) {
      if (loop.iterableQuery !== undefined) loop.iterableQuery += renumber;
      if (loop.statementStart !== undefined) loop.statementStart += delta;
    }
  };
  // A moved copy keeps its query's key, and its origin (see `hostQueryOrigin`).
  const queries = f.queries.map((q) => {
    const copy = movedQuery(q, delta);
    const from = held.get(q)!;
    held.set(copy, { key: from.key, origin: from.origin, delta: from.delta + delta, within: from.within });
    return copy;
  });
  for (const q of queries) {
    loops(q.loops);
    if (q.beforeTerminal !== undefined) q.beforeTerminal += delta;
    if (q.preparedFrom !== undefined) q.preparedFrom += renumber;
  }
  // `rebase` copies deeply and moves every span; offsets and indices that are plain numbers follow.
  const writes = rebase(f.writes, delta);
  for (const w of writes) {
    loops(w.loops);
    if (w.query !== undefined) w.query += renumber;
  }
  const accesses = rebase(f.accesses, delta);
  for (const a of accesses) loops(a.loops);
  return { id: f.id, start, end: f.end + delta, firstQuery, queries, writes, accesses, ...(f.facts ? { facts: f.facts } : {}), owned: true };
}

/** What `moveInPlace` moves of a moved copy, listed on its first move in place: every span (no object twice) and loop. */
const movables = new WeakMap<FunctionFindings, { spans: Span[]; loops: LoopContext[] }>();

/**
 * `moved(f, start, firstQuery)` done on `f` itself: only for a copy `moved`
 * made (`owned`), whose positions nothing but the previous version of the
 * file holds, and that version is replaced (as the SQL path's chunks move in
 * place, core/sql/chunk.ts `shiftOwned`). The queries' origins and what holds
 * no position are never moved. Typing above a function moves it at every
 * keystroke: no copy of its queries is made after the first.
 */
function moveInPlace(f: FunctionFindings, start: number, firstQuery: number): FunctionFindings {
  const delta = start - f.start;
  const renumber = firstQuery - f.firstQuery;
  let movable = movables.get(f);
  if (!movable) movables.set(f, (movable = listMovable(f)));
  if (delta !== 0) {
    for (const span of movable.spans) {
      span.start += delta;
      span.end += delta;
    }
  }
  for (const loop of movable.loops) {
    if (loop.iterableQuery !== undefined) loop.iterableQuery += renumber;
    if (loop.statementStart !== undefined) loop.statementStart += delta;
  }
  for (const q of f.queries) {
    held.get(q)!.delta += delta;
    if (delta !== 0 && q.sql) {
      const offsets = q.sql.offsets;
      for (let i = 0; i < offsets.length; i++) offsets[i]! += delta;
    }
    if (q.beforeTerminal !== undefined) q.beforeTerminal += delta;
    if (q.preparedFrom !== undefined) q.preparedFrom += renumber;
  }
  for (const w of f.writes) if (w.query !== undefined) w.query += renumber;
  f.start = start;
  f.end += delta;
  f.firstQuery = firstQuery;
  return f;
}

/** The spans and loops of a moved copy (`moveInPlace`): those `moved` moves, each object once. */
function listMovable(f: FunctionFindings): { spans: Span[]; loops: LoopContext[] } {
  const spans: Span[] = [];
  for (const query of f.queries) {
    for (const key in query) {
      if (POSITIONLESS.has(key)) continue;
      const value = query[key as keyof HostQuery];
      if (key === 'sql' && value) collectSpans({ ...(value as EmbeddedSql), offsets: undefined }, spans);
      else collectSpans(value, spans);
    }
  }
  collectSpans(f.writes, spans);
  collectSpans(f.accesses, spans);
  const loops = [...f.queries, ...f.writes, ...f.accesses].flatMap((x) => x.loops);
  return { spans: [...new Set(spans)], loops: [...new Set(loops)] };
}

/** Fields of a host query that hold no position (names, roles, strings): a moved copy shares them. */
const POSITIONLESS = new Set<string>(['functions', 'parameterRoots', 'eagerLoads', 'loadedWith']);

/**
 * `rebase(query, delta)` with its SQL's offsets moved too, in one pass (`rebase`
 * would copy the offsets, one per character of the SQL, number by number), and
 * what holds no position shared.
 */
function movedQuery(query: HostQuery, delta: number): HostQuery {
  const out: Record<string, unknown> = {};
  for (const key in query) {
    const value = query[key as keyof HostQuery];
    if (key === 'sql' && value) {
      const sql = value as EmbeddedSql;
      const offsets = new Array<number>(sql.offsets.length);
      for (let i = 0; i < offsets.length; i++) offsets[i] = sql.offsets[i]! + delta;
      out.sql = { ...rebase({ ...sql, offsets: undefined }, delta), offsets };
    } else if (POSITIONLESS.has(key)) out[key] = value;
    else out[key] = value && typeof value === 'object' ? rebase(value, delta) : value;
  }
  return out as unknown as HostQuery;
}
