/**
 * Statistics of a benchmark's latencies, for the engine (./engine.ts), which
 * serves both the dashboard and the CodeLens's quick benchmark. Everything here runs once per run, after the timed loop,
 * so none of it counts against the engine's per-iteration overhead.
 */
import type { LatencyStats } from '../../../../shared/dashboard';

/** The statistics in the order every view prints them, with their short labels. */
export const STAT_LABELS: readonly [keyof LatencyStats, string][] = [
  ['minMs', 'min'],
  ['meanMs', 'mean'],
  ['p50Ms', 'p50'],
  ['p95Ms', 'p95'],
  ['p99Ms', 'p99'],
  ['maxMs', 'max'],
  ['opsPerSec', 'ops/s'],
  ['errors', 'errors'],
];

/** Nearest-rank percentile of ascending `sorted` (0 when empty). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * min/mean/percentiles/max of the successful iterations' latencies (ms);
 * ops/s is successful iterations per second of wall time.
 */
export function latencyStats(latencies: ArrayLike<number>, errors: number, wallMs: number): LatencyStats {
  const sorted = Float64Array.from(latencies).sort();
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
  return {
    minMs: sorted.length ? sorted[0]! : 0,
    meanMs: sorted.length ? sum / sorted.length : 0,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1]! : 0,
    opsPerSec: wallMs > 0 ? (sorted.length / wallMs) * 1000 : 0,
    errors,
  };
}

/**
 * Bucket upper bounds (ms) on a fixed logarithmic grid, the R5 preferred
 * numbers (1, 1.6, 2.5, 4, 6.3 per decade): fixed so that two runs' histograms
 * line up bucket for bucket when compared, fine enough to tell 5 ms from 8 ms.
 */
const R5 = [1, 1.6, 2.5, 4, 6.3];
const GRID: number[] = [];
for (let exp = -3; exp <= 5; exp++) for (const m of R5) GRID.push(Number((m * 10 ** exp).toPrecision(2)));

/** The grid trimmed to the buckets from the fastest to the slowest latency. */
export function histogram(latencies: ArrayLike<number>): { bucketsMs: number[]; counts: number[] } {
  if (latencies.length === 0) return { bucketsMs: [], counts: [] };
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < latencies.length; i++) {
    min = Math.min(min, latencies[i]!);
    max = Math.max(max, latencies[i]!);
  }
  const first = Math.max(0, bucketOf(min));
  const last = Math.max(first, bucketOf(max));
  const bucketsMs = GRID.slice(first, last + 1);
  const counts = new Array<number>(bucketsMs.length).fill(0);
  for (let i = 0; i < latencies.length; i++) counts[bucketOf(latencies[i]!) - first]!++;
  return { bucketsMs, counts };
}

/** Index of the first grid bound >= ms (the last bucket takes anything slower). */
function bucketOf(ms: number): number {
  let lo = 0;
  let hi = GRID.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (GRID[mid]! >= ms) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Latency over time, at most `points` points: [ms since the start, latency ms].
 * Iterations are taken in the order they started; past `points`, consecutive
 * iterations are merged into one point (their first start, their mean latency)
 * so a slow stretch still shows while the file stays small.
 */
export function timeline(startedAt: ArrayLike<number>, latencies: ArrayLike<number>, points = 300): [number, number][] {
  const n = latencies.length;
  const out: [number, number][] = [];
  const per = Math.max(1, Math.ceil(n / points));
  for (let i = 0; i < n; i += per) {
    const end = Math.min(n, i + per);
    let sum = 0;
    for (let j = i; j < end; j++) sum += latencies[j]!;
    out.push([startedAt[i]!, sum / (end - i)]);
  }
  return out;
}

/** Rounds for storage: sub-microsecond digits are noise and make diffs unreadable. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function roundStats(stats: LatencyStats): LatencyStats {
  return {
    minMs: round(stats.minMs),
    meanMs: round(stats.meanMs),
    p50Ms: round(stats.p50Ms),
    p95Ms: round(stats.p95Ms),
    p99Ms: round(stats.p99Ms),
    maxMs: round(stats.maxMs),
    opsPerSec: round(stats.opsPerSec, 1),
    errors: stats.errors,
  };
}
