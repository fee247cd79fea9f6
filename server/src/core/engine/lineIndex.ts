import type { Position, Range } from '../../../../shared/types';
import type { Span } from '../sql/model';

/** Converts between UTF-16 offsets and LSP line/character positions of one text. */
export class LineIndex {
  private starts: number[] | undefined;

  constructor(private readonly text: string) {}

  /**
   * Where each line starts, found when first asked: a check makes the index of every file it
   * analyses, and most files (a web project's components) have no finding to place.
   */
  private get lineStarts(): number[] {
    return (this.starts ??= lineStartsOf(this.text));
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineAt(clamped);
    return { line, character: clamped - this.lineStarts[line]! };
  }

  /**
   * `positionAt(offset)` as one number, line × 2^32 + character (a line has
   * fewer than 2^32 characters, a file fewer than 2^21 lines): a key that
   * allocates nothing.
   */
  positionKeyAt(offset: number): number {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineAt(clamped);
    return line * 0x1_0000_0000 + (clamped - this.lineStarts[line]!);
  }

  /** The line holding `offset` (within the text). */
  private lineAt(offset: number): number {
    const starts = this.lineStarts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  offsetAt(position: Position): number {
    const starts = this.lineStarts;
    if (position.line >= starts.length) return this.text.length;
    const start = starts[Math.max(0, position.line)]!;
    return Math.min(start + position.character, this.text.length);
  }

  rangeOf(span: Span): Range {
    return { start: this.positionAt(span.start), end: this.positionAt(span.end) };
  }

  /** Offset of the start of the line holding `offset`. */
  lineStartOf(offset: number): number {
    return this.offsetAt({ line: this.positionAt(offset).line, character: 0 });
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }
}

/**
 * Where each line of `text` starts. Apart from the getter, which every position asks (thousands at
 * each edit of a large file) and which a compiler would otherwise compile without this loop, having
 * seen it unused, then throw away at the next text.
 */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  if (text.indexOf('\r') < 0) {
    // Lines end at \n only: found natively (a large file is indexed again at each edit).
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  } else {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 /* \n */) starts.push(i + 1);
      else if (c === 13 /* \r */ && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
    }
  }
  return starts;
}

/** The last few texts' line indexes: the fixes of many findings edit the same other file (its CREATE TABLE). */
const recent = new Map<string, LineIndex>();
const RECENT_MAX = 8;

/** A LineIndex of `text`, shared with the last callers that asked for the same text. */
export function lineIndexOf(text: string): LineIndex {
  let index = recent.get(text);
  if (index) return index;
  index = new LineIndex(text);
  if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
  recent.set(text, index);
  return index;
}
