/**
 * Judgements the server, the CLI and the dashboard webview make the same way:
 * pool utilisation levels (the seeds' thresholds) and benchmark comparisons.
 * Pure functions of shared/dashboard.ts data, so both sides import one copy.
 */
import type { BenchmarkComparison, BenchmarkRun, LatencyStats, Level } from './dashboard';

/** Seed 004 "Alert Configuration" (PoolManager): pool utilisation WARNING from 70 %, CRITICAL from 90 %. */
export const UTILISATION_WARN = 0.7;
export const UTILISATION_CRITICAL = 0.9;

export function utilisationLevel(utilisation: number): Level {
  if (utilisation >= UTILISATION_CRITICAL) return 'critical';
  if (utilisation >= UTILISATION_WARN) return 'warn';
  return 'ok';
}

/** The statistics of a run, in the order they are shown and compared. */
export const LATENCY_STATS: readonly (keyof LatencyStats)[] = ['minMs', 'meanMs', 'p50Ms', 'p95Ms', 'p99Ms', 'maxMs', 'opsPerSec', 'errors'];

function round(value: number, digits: number): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * head / base per statistic (1 when both are 0, Infinity when only the base
 * is: JSON turns it into null) and head - base. Lower is better for all but
 * ops/s.
 */
export function compareRuns(base: BenchmarkRun, head: BenchmarkRun): BenchmarkComparison {
  const ratios = {} as Record<keyof LatencyStats, number>;
  const deltas = {} as Record<keyof LatencyStats, number>;
  for (const metric of LATENCY_STATS) {
    const b = base.stats[metric];
    const h = head.stats[metric];
    ratios[metric] = b === 0 ? (h === 0 ? 1 : Infinity) : round(h / b, 3);
    deltas[metric] = round(h - b, metric === 'opsPerSec' ? 1 : 3);
  }
  return { base: base.id, head: head.id, ratios, deltas };
}
