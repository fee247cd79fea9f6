/**
 * `compute`, remembering its answer for the last text it was asked about: for a question asked
 * of the same text many times in a row (each call of a file, each index fix of one schema) whose
 * answer callers only read. One entry: a new text replaces it.
 */
export function forLastText<T>(compute: (text: string) => T): (text: string) => T {
  let last: { text: string; value: T } | undefined;
  return (text) => {
    if (last?.text !== text) last = { text, value: compute(text) };
    return last.value;
  };
}

/**
 * Where `after` differs from `before`: the text between their common prefix and their
 * common suffix, `[start, oldEnd)` in `before` and `[start, newEnd)` in `after` (the one
 * edit that turns one into the other; the whole text for unrelated texts). Found by
 * binary searches over slice comparisons: native compares, not a character loop in JavaScript.
 */
export function changedRange(before: string, after: string): { start: number; oldEnd: number; newEnd: number } {
  const max = Math.min(before.length, after.length);
  let lo = 0;
  let hi = max;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (before.slice(lo, mid) === after.slice(lo, mid)) lo = mid;
    else hi = mid - 1;
  }
  const start = lo;
  lo = 0;
  hi = max - start;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (before.slice(before.length - mid, before.length - lo) === after.slice(after.length - mid, after.length - lo)) lo = mid;
    else hi = mid - 1;
  }
  return { start, oldEnd: before.length - lo, newEnd: after.length - lo };
}

/**
 * `pattern.test(text)` for the versions of a file as it is typed: remembers the last text
 * and where the pattern matched in it, and searches a text that differs from it by an edit
 * only around the edit (a match away from the edit is still there; one the edit makes must
 * touch it). The language server asks whether a file names a word (an engine factory, a
 * model's marker) at every edit, and each search of a 4,000-line file takes most of a
 * millisecond. `pattern` must match at most `longest` characters (words, no unbounded
 * repetition) and look at no more than the character on either side (`\b`, no anchors).
 */
export function typedTextTest(pattern: RegExp, longest: number): (text: string) => boolean {
  const search = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '') + 'g');
  /** The first match of `search` in `text` within `[from, to)` that the slice's ends did not cut off from its neighbours. */
  const matchIn = (text: string, from: number, to: number): number | undefined => {
    const slice = from === 0 && to === text.length ? text : text.slice(from, to);
    search.lastIndex = 0;
    for (let m = search.exec(slice); m; m = search.exec(slice)) {
      const inside = (m.index > 0 || from === 0) && (m.index + m[0].length < slice.length || to === text.length);
      if (inside) return from + m.index;
      search.lastIndex = m.index + 1;
    }
    return undefined;
  };
  let last: { text: string; match: number | undefined } | undefined;
  return (text) => {
    if (last?.text === text) return last.match !== undefined;
    let match: number | undefined;
    if (!last) match = matchIn(text, 0, text.length);
    else {
      const { start, oldEnd, newEnd } = changedRange(last.text, text);
      const was = last.match;
      // A match with a character of context on either side clear of the edit is still there (moved, after it).
      if (was !== undefined && was + longest < start) match = was;
      else if (was !== undefined && was > oldEnd) match = was + newEnd - oldEnd;
      else if (was !== undefined) match = matchIn(text, 0, text.length);
      else match = matchIn(text, Math.max(0, start - longest - 2), Math.min(text.length, newEnd + longest + 2));
    }
    last = { text, match };
    return match !== undefined;
  };
}
