/**
 * Judgements the server, the CLI and the dashboard webview make the same way:
 * pool utilisation levels (the seeds' thresholds), the pools configured in
 * code, and benchmark comparisons. Pure functions of shared/dashboard.ts
 * data, so both sides import one copy.
 */
import type { BenchmarkComparison, BenchmarkRun, ConfiguredPool, LatencyStats, Level } from './dashboard';

/** Seed 004 "Alert Configuration" (PoolManager): pool utilisation WARNING from 70 %, CRITICAL from 90 %. */
export const UTILISATION_WARN = 0.7;
export const UTILISATION_CRITICAL = 0.9;

export function utilisationLevel(utilisation: number): Level {
  if (utilisation >= UTILISATION_CRITICAL) return 'critical';
  if (utilisation >= UTILISATION_WARN) return 'warn';
  return 'ok';
}

/** `20 + 10 overflow`, `5–20`, `5 (default) + 10 overflow (default)`; `set at run time` when a variable sets it. */
export function poolSizeText(pool: ConfiguredPool): string {
  if (pool.size === undefined) return 'set at run time';
  const mark = (field: ConfiguredPool['defaults'][number]) => (pool.defaults.includes(field) ? ' (default)' : '');
  const base = pool.min !== undefined && pool.min > 0 ? `${pool.min}–${pool.size}` : `${pool.size}${mark('size')}`;
  return pool.overflow !== undefined ? `${base} + ${pool.overflow} overflow${mark('overflow')}` : base;
}

/** `create_engine (sqlalchemy, postgres)`. */
export function poolLabel(pool: ConfiguredPool): string {
  return `${pool.name} (${pool.library}${pool.dialect ? `, ${pool.dialect}` : ''})`;
}

/**
 * The most connections one instance of the code opens to a PostgreSQL server (the sum of its
 * sized pools' size + overflow) against the server's max_connections; none when no pool is sized.
 */
export function configuredSummary(pools: ConfiguredPool[], live: { maxConnections: number; total: number }): { total: number; text: string } | undefined {
  const sum = configuredConnections(pools);
  if (!sum) return undefined;
  const { total, counted } = sum;
  const fit = Math.floor(live.maxConnections / Math.max(1, total));
  return {
    total,
    text:
      `Configured: up to ${total} connections per instance of the code (${counted.length === 1 ? 'one pool' : `${counted.length} pools`}), ` +
      `against ${live.maxConnections} max_connections with ${live.total} in use now: ${fit} instance(s) fit.`,
  };
}

/** The sized PostgreSQL pools (dialect unknown counts) and the most connections they open together: size + overflow each. */
export function configuredConnections(pools: ConfiguredPool[]): { total: number; counted: ConfiguredPool[] } | undefined {
  const counted = pools.filter((p) => p.size !== undefined && (p.dialect === undefined || p.dialect === 'postgres'));
  if (counted.length === 0) return undefined;
  return { total: counted.reduce((sum, p) => sum + p.size! + (p.overflow ?? 0), 0), counted };
}

/** `pre ping: True, max lifetime: 3600`. */
export function settingsText(settings: Record<string, string>): string {
  const words = (name: string) => name.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
  return Object.entries(settings).map(([name, value]) => `${words(name)}: ${value}`).join(', ') || '—';
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

/** The table-health findings' headings, in the order they are shown (server text and the dashboard). */
export const TABLE_HEALTH_KIND_LABEL: Record<string, string> = {
  'xid-wraparound': 'Transaction ID wraparound',
  'sequence-overflow': 'Sequences near their maximum',
  'dead-tuples': 'Dead rows',
  'bloat': 'Bloat (estimate)',
  'not-valid-constraint': 'NOT VALID constraints',
  'retention-candidate': 'Retention candidates',
};
