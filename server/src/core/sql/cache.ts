/**
 * Statement-level parse cache: re-parsing a document after a one-line edit only
 * parses the statements whose text changed. Entries hold statement-relative
 * spans; callers rebase them. Bounded, least-recently-used eviction.
 */
import { bisect, itself } from './bisect';
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

/** The chunks `document` was assembled from (`recordChunks`), in its order, if it was parsed incrementally. */
export function placedChunks(document: object): PlacedChunk[] | undefined {
  return placements.get(document);
}

/**
 * A previous chunk's results, moved to `start` in place. The record follows
 * its results: a parse stopped half-way leaves the previous document's chunks
 * consistent for the next parse to take.
 */
export function takeChunk(chunk: PlacedChunk, start: number, shift: (value: ChunkResult, delta: number) => void): ChunkResult {
  shift(chunk.result, start - chunk.start);
  chunk.start = start;
  return chunk.result;
}

/**
 * The chunks of a document being replaced, by text. Taking one moves its
 * results to the new start in place: a one-line edit then costs the parse of
 * one statement and a walk of the others, not a copy of the whole document.
 * The previous document must not be read afterwards (a parse stopped
 * half-way may hand it to the next parse of its file).
 */
export class PreviousChunks {
  private readonly byText = new Map<string, SameText>();

  /** `range`: only the chunks from index `from` to `to` (excluded), those the caller does not take by place (`takeChunk`). */
  constructor(previous: object | undefined, range?: { from: number; to: number }) {
    const chunks = (previous && placements.get(previous)) ?? [];
    for (const chunk of range ? chunks.slice(range.from, range.to) : chunks) {
      const same = this.byText.get(chunk.text);
      if (same) {
        same.chunks.push(chunk);
        same.starts.push(chunk.start);
      } else this.byText.set(chunk.text, { chunks: [chunk], starts: [chunk.start], taken: [], first: 0 });
    }
  }

  /** The previous results of a chunk with this text (the one at the same start if any, else the first left), moved to `start`. */
  take(text: string, start: number, shift: (value: ChunkResult, delta: number) => void): ChunkResult | undefined {
    const same = this.byText.get(text);
    if (!same) return undefined;
    while (same.first < same.chunks.length && same.taken[same.first]) same.first++;
    if (same.first === same.chunks.length) return undefined;
    // A file may hold one statement hundreds of times: the one at `start` is found by bisection.
    const at = bisect(same.starts, start, itself);
    const i = at < same.chunks.length && same.starts[at] === start && !same.taken[at] ? at : same.first;
    same.taken[i] = true;
    return takeChunk(same.chunks[i]!, start, shift);
  }
}

/** The previous document's chunks of one text, in document order, with their starts then and which were taken. */
interface SameText {
  chunks: PlacedChunk[];
  starts: number[];
  taken: boolean[];
  /** No chunk before this one is left. */
  first: number;
}
