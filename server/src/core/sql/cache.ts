/**
 * Statement-level parse cache: re-parsing a document after a one-line edit only
 * parses the statements whose text changed. Entries hold statement-relative
 * spans; callers rebase them. Bounded, least-recently-used eviction.
 */
import type { ChunkResult } from './chunk';

export class ChunkCache {
  private readonly map = new Map<string, ChunkResult>();

  constructor(private readonly maxEntries = 20_000) {}

  get(key: string): ChunkResult | undefined {
    const hit = this.map.get(key);
    if (hit) {
      // Refresh its position for LRU order.
      this.map.delete(key);
      this.map.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: ChunkResult): void {
    this.map.set(key, value);
    if (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}

/** One chunk of a parsed document: its text, where it starts, and its (document-owned) results. */
export interface PlacedChunk {
  text: string;
  start: number;
  result: ChunkResult;
}

const placements = new WeakMap<object, PlacedChunk[]>();

/** Remembers how `document` was assembled, so the next parse of its file can take its chunks over. */
export function recordChunks(document: object, chunks: PlacedChunk[]): void {
  placements.set(document, chunks);
}

/**
 * The chunks of a document being replaced, by text. Taking one moves its
 * results to the new start in place: a one-line edit then costs the parse of
 * one statement and a walk of the others, not a copy of the whole document.
 * The previous document must not be read afterwards (a parse stopped
 * half-way may hand it to the next parse of its file).
 */
export class PreviousChunks {
  private readonly byText = new Map<string, PlacedChunk[]>();

  constructor(previous: object | undefined) {
    for (const chunk of (previous && placements.get(previous)) ?? []) {
      const list = this.byText.get(chunk.text);
      if (list) list.push(chunk);
      else this.byText.set(chunk.text, [chunk]);
    }
  }

  /** The previous results of a chunk with this text (the one at the same start if any), moved to `start`. */
  take(text: string, start: number, shift: (value: unknown, delta: number) => void): ChunkResult | undefined {
    const list = this.byText.get(text);
    if (!list || list.length === 0) return undefined;
    const i = Math.max(0, list.findIndex((c) => c.start === start));
    const [chunk] = list.splice(i, 1);
    shift(chunk!.result, start - chunk!.start);
    // The record follows its results: a parse stopped half-way leaves the
    // previous document's chunks consistent for the next parse to take.
    chunk!.start = start;
    return chunk!.result;
  }
}
