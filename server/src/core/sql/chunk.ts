/** The parse result of one split chunk, relative to the chunk's start, and how to place it in a document. */
import type { Dialect } from '../../../../shared/types';
import type { Span, Statement, SyntaxError } from './model';
import { Lexer, Tok, isTrivia } from './split/lexer';
import { NO_ITEMS } from './build';

export interface ChunkResult {
  statements: Statement[];
  errors: SyntaxError[];
}

/**
 * The span to underline for an error at `offset`: the token there, or, at the
 * end of the input, the last token (a zero-width range is invisible in an editor).
 */
export function errorSpanAt(text: string, offset: number, dialect: Dialect): Span {
  const lx = new Lexer(text, dialect);
  let pos = 0;
  let last: Span | undefined;
  while (pos < text.length) {
    const t = lx.next(pos);
    if (t === Tok.Eof) break;
    if (!isTrivia(t)) {
      if (pos >= offset || lx.end > offset) return { start: Math.max(pos, Math.min(offset, lx.end - 1)), end: lx.end };
      last = { start: pos, end: lx.end };
    }
    pos = lx.end;
  }
  if (last) return last;
  return { start: Math.min(offset, text.length), end: Math.min(offset + 1, text.length) };
}

/** A deep copy of a chunk result with every span moved by `delta` (cache entries are shared). */
export function rebase<T>(value: T, delta: number): T {
  if (Array.isArray(value)) return (value === NO_ITEMS ? value : value.map((v) => rebase(v, delta))) as T;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.start === 'number' && typeof o.end === 'number') return { start: o.start + delta, end: o.end + delta } as T;
    const out: Record<string, unknown> = {};
    for (const k in o) {
      const v = o[k];
      out[k] = v && typeof v === 'object' ? rebase(v, delta) : v;
    }
    return out as T;
  }
  return value;
}

/** The spans of document-owned values, listed on their first move (`shiftOwned`). */
const spanLists = new WeakMap<object, Span[]>();

/**
 * Moves every span of `value` by `delta`, in place. Only for values a document
 * owns (made by `rebase`, so no span object is shared): never for cache
 * entries. Such a value moves at every edit before it, so its spans are
 * listed on its first move and each later move walks that flat list instead
 * of the whole tree: its shape must not change afterwards (a parsed chunk's
 * does not: later passes only set flags and strings on it).
 */
export function shiftOwned(value: object, delta: number): void {
  if (delta === 0) return;
  let spans = spanLists.get(value);
  if (!spans) spanLists.set(value, (spans = collectSpans(value, [])));
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i]!;
    span.start += delta;
    span.end += delta;
  }
}

/** The spans of `value`: each object with numeric `start` and `end`, not looked into. */
export function collectSpans(value: unknown, out: Span[]): Span[] {
  if (!value || typeof value !== 'object') return out;
  if (Array.isArray(value)) {
    for (const v of value) collectSpans(v, out);
    return out;
  }
  const o = value as Record<string, unknown>;
  if (typeof o.start === 'number' && typeof o.end === 'number') {
    out.push(o as unknown as Span);
    return out;
  }
  for (const k in o) {
    const v = o[k];
    if (v && typeof v === 'object') collectSpans(v, out);
  }
  return out;
}

/**
 * Moves every span of a freshly built chunk result by `delta` (>= 0), in place: what
 * `rebase` does without the copy, for a result nothing else holds. Builders
 * may put one span object in several places (a statement's span in its
 * changes), so each object moves once: a moved span's `end` is held negative
 * (`-1 - end`) until the whole result is walked, then set back, so that a
 * second sight of it is known without a set of the spans moved (one per
 * statement of a corpus, a few megabytes of garbage).
 */
export function shiftFresh(value: unknown, delta: number): void {
  if (delta === 0) return;
  try {
    shiftMarking(value, delta);
  } finally {
    for (let i = 0; i < moved.length; i++) moved[i]!.end = -1 - moved[i]!.end;
    moved.length = 0;
  }
}

/** The spans `shiftMarking` moved (their `end` held negative), until `shiftFresh` sets them back. */
const moved: Span[] = [];

function shiftMarking(value: unknown, delta: number): void {
  if (!value || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const v of value) shiftMarking(v, delta);
    return;
  }
  const o = value as Record<string, unknown>;
  if (typeof o.start === 'number' && typeof o.end === 'number') {
    if (o.end < 0) return; // moved already, through another reference
    o.start += delta;
    o.end = -1 - (o.end + delta);
    moved.push(o as unknown as Span);
    return;
  }
  for (const k in o) {
    const v = o[k];
    if (v && typeof v === 'object') shiftMarking(v, delta);
  }
}
