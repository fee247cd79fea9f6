/**
 * The edits that turn one text into another, line by line: what a Fix all sends for a file
 * whose new text was computed whole (the drizzle-kit chain's journal and Drizzle tables), so
 * the editor changes only the lines that differ (its cursor, folds and undo steps stay).
 */
import type { TextEdit } from 'vscode-languageserver/node';

/** Past this many cells of the table of common lines, the changed middle is replaced in one edit. */
const MAX_CELLS = 4_000_000;

export function lineEdits(before: string, after: string): TextEdit[] {
  if (before === after) return [];
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const oldMid = a.slice(head, a.length - tail);
  const newMid = b.slice(head, b.length - tail);
  const hunks = oldMid.length * newMid.length > MAX_CELLS ? [{ oldStart: 0, oldEnd: oldMid.length, newStart: 0, newEnd: newMid.length }] : diffHunks(oldMid, newMid);
  return hunks.map((h) => ({
    range: { start: { line: head + h.oldStart, character: 0 }, end: { line: head + h.oldEnd, character: 0 } },
    newText: newMid.slice(h.newStart, h.newEnd).join(''),
  }));
}

/** Lines with their line breaks (the last may have none), so joining them gives the text back. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

interface Hunk {
  oldStart: number;
  oldEnd: number;
  newStart: number;
  newEnd: number;
}

/** The runs of lines that differ, from the longest common subsequence of the two. */
function diffHunks(a: string[], b: string[]): Hunk[] {
  const n = a.length;
  const m = b.length;
  // lcs[i * (m + 1) + j]: the common lines of a[i..] and b[j..].
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] = a[i] === b[j] ? lcs[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(lcs[(i + 1) * (m + 1) + j]!, lcs[i * (m + 1) + j + 1]!);
    }
  }
  const hunks: Hunk[] = [];
  let open: Hunk | undefined;
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      if (open) hunks.push(open);
      open = undefined;
      i++;
      j++;
      continue;
    }
    open ??= { oldStart: i, oldEnd: i, newStart: j, newEnd: j };
    if (j < m && (i === n || lcs[i * (m + 1) + j + 1]! >= lcs[(i + 1) * (m + 1) + j]!)) open.newEnd = ++j;
    else open.oldEnd = ++i;
  }
  if (open) hunks.push(open);
  return hunks;
}
