/**
 * The dashboard's arithmetic, apart from any view: utilisation levels, the
 * pool time series, benchmark comparisons, migration counts, the Alembic
 * graph's shape, index-health groups. Pure: tested in Node, bundled into the
 * webview (the charts read their series from here).
 */
import type {
  AlembicRevision,
  BenchmarkRun,
  HealthItem,
  LatencyStats,
  Level,
  MigrationSetReport,
  MigrationStatus,
  PoolReport,
} from '../../../shared/dashboard';
import { LATENCY_STATS, TABLE_HEALTH_KIND_LABEL } from '../../../shared/judge';
import type { PoolSample } from './messages';

// ---------------------------------------------------------------------------------------------
// Pool
// ---------------------------------------------------------------------------------------------

/** The seed's thresholds (PoolManager): warn from 70 % of max_connections, critical from 90 %; one copy in shared/. */
export { UTILISATION_CRITICAL, UTILISATION_WARN, utilisationLevel } from '../../../shared/judge';

/** The states shown first, in this order; others (`fastpath function call`, `disabled` ...) after, by name. */
export const POOL_STATE_ORDER = ['active', 'idle', 'idle in transaction', 'idle in transaction (aborted)', 'waiting'];

export function orderedStates(states: Iterable<string>): string[] {
  const all = [...new Set(states)];
  const known = POOL_STATE_ORDER.filter((s) => all.includes(s));
  return [...known, ...all.filter((s) => !POOL_STATE_ORDER.includes(s)).sort()];
}

/** How long the time series reaches back. */
export const POOL_HISTORY_MS = 10 * 60_000;

/** The history with the report's sample added (one per report time), older than `keepMs` before it dropped. */
export function appendPoolSample(history: PoolSample[], report: PoolReport, keepMs = POOL_HISTORY_MS): PoolSample[] {
  const pg = report.postgres;
  if (!pg) return history;
  const t = Date.parse(report.at);
  if (!Number.isFinite(t)) return history;
  const sample: PoolSample = { t, total: pg.total, byState: { ...pg.byState }, utilisation: pg.utilisation };
  const kept = history.filter((s) => s.t < t && s.t >= t - keepMs);
  return [...kept, sample];
}

/** Series for a chart: x values and one named line per series (same length). */
export interface ChartData {
  x: number[];
  series: { label: string; values: (number | null)[] }[];
}

/** Connections by state over time: x in epoch seconds (uPlot's time axis), a line per state seen. */
export function poolChartData(history: PoolSample[]): ChartData {
  const states = orderedStates(history.flatMap((s) => Object.keys(s.byState)));
  return {
    x: history.map((s) => s.t / 1000),
    series: states.map((state) => ({ label: state, values: history.map((s) => s.byState[state] ?? 0) })),
  };
}

// ---------------------------------------------------------------------------------------------
// Benchmarks
// ---------------------------------------------------------------------------------------------

export const STAT_KEYS: readonly (keyof LatencyStats)[] = LATENCY_STATS;

export const STAT_LABEL: Record<keyof LatencyStats, string> = {
  minMs: 'min',
  meanMs: 'mean',
  p50Ms: 'p50',
  p95Ms: 'p95',
  p99Ms: 'p99',
  maxMs: 'max',
  opsPerSec: 'ops/s',
  errors: 'errors',
};

/** As BenchmarkComparison says; one copy in shared/. */
export { compareRuns } from '../../../shared/judge';

export type Verdict = 'better' | 'worse' | 'same' | 'unknown';

/** Within ±5 % is noise. */
export const SAME_WITHIN = 0.05;

/** Whether head is better than base on a statistic: lower latency and fewer errors are better, more ops/s is. */
export function verdict(key: keyof LatencyStats, ratio: number | null): Verdict {
  // A saved comparison went through JSON: Infinity came back as null.
  if (ratio === null) ratio = Number.POSITIVE_INFINITY;
  if (Number.isNaN(ratio)) return 'unknown';
  if (Math.abs(ratio - 1) <= SAME_WITHIN) return 'same';
  const higherIsBetter = key === 'opsPerSec';
  return ratio > 1 === higherIsBetter ? 'better' : 'worse';
}

/** `×0.42`, `×1.00`, `×12`, `×∞` (base was 0), `—`. */
export function formatRatio(ratio: number | null): string {
  if (ratio === null || ratio === Number.POSITIVE_INFINITY) return '×∞';
  if (!Number.isFinite(ratio)) return '—';
  return `×${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(2)}`;
}

/** Targets met / set. */
export function targetSummary(run: BenchmarkRun): { passed: number; total: number; pass: boolean } {
  const passed = run.targets.filter((t) => t.pass).length;
  return { passed, total: run.targets.length, pass: passed === run.targets.length };
}

/** The latency histogram: x the buckets' upper bounds (ms), one series of counts. */
export function histogramChartData(run: BenchmarkRun): ChartData {
  return { x: [...run.histogram.bucketsMs], series: [{ label: 'queries', values: [...run.histogram.counts] }] };
}

/** Latency over the run: x seconds since start, y latency (ms). */
export function timelineChartData(run: BenchmarkRun): ChartData {
  return { x: run.timeline.map(([t]) => t / 1000), series: [{ label: 'latency (ms)', values: run.timeline.map(([, ms]) => ms) }] };
}

// ---------------------------------------------------------------------------------------------
// Migrations
// ---------------------------------------------------------------------------------------------

export const STATUS_ORDER: MigrationStatus[] = ['applied', 'pending', 'modified', 'missing', 'failed'];

export function statusCounts(set: MigrationSetReport): Record<MigrationStatus, number> {
  const counts: Record<MigrationStatus, number> = { applied: 0, pending: 0, modified: 0, missing: 0, failed: 0 };
  for (const row of set.rows) counts[row.status]++;
  return counts;
}

/** `3 applied · 1 pending · 1 modified` (only the statuses present; `no migrations` when none). */
export function statusSummary(set: MigrationSetReport): string {
  const counts = statusCounts(set);
  const parts = STATUS_ORDER.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length ? parts.join(' · ') : 'no migrations';
}

/** The last migration that ran and still has its file: what "revert last" reverts (undefined when none). */
export function lastApplied(set: MigrationSetReport) {
  const ran = set.rows.filter((r) => r.status === 'applied' || r.status === 'modified');
  return ran.at(-1);
}

export interface RevisionNode extends AlembicRevision {
  /** Revisions built on this one. */
  children: string[];
  /** No down revision. */
  base: boolean;
  /** More than one revision builds on it. */
  branchPoint: boolean;
  /** Merges several down revisions. */
  merge: boolean;
}

/**
 * The Alembic graph in the order `alembic history` prints it: heads first,
 * each revision after every revision that builds on it.
 */
export function alembicGraph(revisions: AlembicRevision[]): RevisionNode[] {
  const byId = new Map(revisions.map((r) => [r.revision, r]));
  const children = new Map<string, string[]>(revisions.map((r) => [r.revision, []]));
  for (const r of revisions) for (const down of r.downRevisions) children.get(down)?.push(r.revision);
  // Kahn's algorithm from the heads down: a revision is listed once all its children are.
  const remaining = new Map(revisions.map((r) => [r.revision, children.get(r.revision)!.length]));
  const ready = revisions.filter((r) => remaining.get(r.revision) === 0).map((r) => r.revision);
  const order: string[] = [];
  while (ready.length) {
    const id = ready.shift()!;
    order.push(id);
    for (const down of byId.get(id)!.downRevisions) {
      if (!remaining.has(down)) continue;
      const left = remaining.get(down)! - 1;
      remaining.set(down, left);
      if (left === 0) ready.push(down);
    }
  }
  // A cycle (a broken graph) still lists every revision.
  for (const r of revisions) if (!order.includes(r.revision)) order.push(r.revision);
  return order.map((id) => {
    const r = byId.get(id)!;
    const kids = children.get(id)!;
    return { ...r, children: kids, base: r.downRevisions.length === 0, branchPoint: kids.length > 1, merge: r.downRevisions.length > 1 };
  });
}

// ---------------------------------------------------------------------------------------------
// Index health
// ---------------------------------------------------------------------------------------------

export const HEALTH_KIND_LABEL: Record<string, string> = {
  'unused-index': 'Unused indexes',
  'duplicate-index': 'Duplicate indexes',
  'redundant-index': 'Redundant indexes',
  'unindexed-foreign-key': 'Foreign keys without an index',
  'seq-scan-table': 'Tables read by sequential scans',
  'low-cache-hit': 'Cache hit ratio',
  ...TABLE_HEALTH_KIND_LABEL,
  'slow-statement': 'Slowest statements (pg_stat_statements)',
};

const LEVEL_RANK: Record<Level, number> = { critical: 0, warn: 1, ok: 2 };

/** Items grouped by kind, in HEALTH_KIND_LABEL's order then by name; the worst level first within a group. */
export function healthGroups(items: HealthItem[]): { kind: string; label: string; items: HealthItem[] }[] {
  const kinds = [...new Set(items.map((i) => i.kind))];
  const known = Object.keys(HEALTH_KIND_LABEL);
  kinds.sort((a, b) => {
    const ia = known.indexOf(a);
    const ib = known.indexOf(b);
    if (ia !== ib) return (ia < 0 ? known.length : ia) - (ib < 0 ? known.length : ib);
    return a.localeCompare(b);
  });
  return kinds.map((kind) => ({
    kind,
    label: HEALTH_KIND_LABEL[kind] ?? kind,
    items: items.filter((i) => i.kind === kind).sort((a, b) => LEVEL_RANK[a.level] - LEVEL_RANK[b.level]),
  }));
}

/** The cache hit ratio's level: 99 % is the target; below 95 % is critical. */
export function cacheHitLevel(ratio: number): Level {
  if (ratio >= 0.99) return 'ok';
  if (ratio >= 0.95) return 'warn';
  return 'critical';
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

/** `42 %`, `99.5 %` (one decimal at most: a 99.5 % cache hit ratio is not 100 %). */
export function formatPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) return '—';
  return `${Number((ratio * 100).toFixed(1))} %`;
}

/** `8 kB`, `1.2 MB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 || value >= 10 ? Math.round(value) : Number(value.toFixed(1))} ${units[unit]}`;
}

/** `14:03:27` (24-hour, local time), `—` for no time. */
export function formatClock(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `2026-11-30 17:42` (local), from an ISO time. */
export function formatDateTime(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The last two segments of a path (`db/migrations`), for headings. */
export function shortPath(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts.slice(-2).join('/') || path;
}
