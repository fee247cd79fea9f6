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
