/**
 * poolReport: how a database's connections are doing. PostgreSQL from
 * `pg_stat_activity` (every client backend of the server, since
 * max_connections is a server-wide limit), `pg_blocking_pids` and `pg_locks`;
 * SQLite from its pragmas (sqlite.ts). QueryLens's own node-postgres pool
 * comes from the driver.
 */
import type { BlockedSession, PoolReport, PostgresPoolReport, SessionInfo } from '../../../../shared/dashboard';
import { withJob } from '../explain/run';
import type { Driver } from '../types';
import { sqlitePragmas } from './sqlite';
import { LONG_RUNNING_MS, utilisationLevel } from './thresholds';

export interface PoolReportOptions {
  /** Non-idle sessions whose query started at least this long ago are listed as long-running (ms; PgHero's 60 s). */
  longRunningMs?: number;
  /** Statement timeout of the monitoring queries (ms). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The states every report lists, even at zero, so a chart's series never disappear. */
export const POOL_STATES = ['active', 'idle', 'idle in transaction', 'idle in transaction (aborted)', 'waiting'] as const;

interface ActivityRow {
  pid: number;
  application: string;
  client: string | null;
  state: string;
  wait_event_type: string | null;
  wait_event: string | null;
  duration_ms: number;
  query: string;
  blocked_by: number[];
}

// The monitoring session itself is left out (pid <> pg_backend_pid()): it is
// always "active" running this very query, and would be counted in every sample.
const ACTIVITY_SQL = `
SELECT a.pid,
       coalesce(a.application_name, '') AS application,
       coalesce(host(a.client_addr), CASE WHEN a.client_port = -1 THEN 'local socket' END) AS client,
       coalesce(a.state, '') AS state,
       a.wait_event_type,
       a.wait_event,
       coalesce(extract(epoch FROM clock_timestamp() - a.query_start) * 1000, 0)::float8 AS duration_ms,
       coalesce(a.query, '') AS query,
       pg_blocking_pids(a.pid) AS blocked_by
FROM pg_stat_activity a
WHERE a.backend_type = 'client backend' AND a.pid <> pg_backend_pid()`;

const LOCKS_SQL = `
SELECT l.pid, l.locktype, l.mode, l.relation::regclass::text AS relation
FROM pg_locks l
WHERE NOT l.granted AND l.pid = ANY ($1::int[])`;

export async function poolReport(driver: Driver, options: PoolReportOptions = {}): Promise<PoolReport> {
  const base = { connection: driver.name, driver: driver.kind, at: new Date().toISOString() };
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (driver.dialect === 'sqlite') {
    const pragmas = await withJob(driver, { timeoutMs, ...(options.signal ? { signal: options.signal } : {}) }, (job) => sqlitePragmas(job));
    return { ...base, sqlite: { pragmas } };
  }
  const postgres = await postgresPool(driver, options.longRunningMs ?? LONG_RUNNING_MS, timeoutMs, options.signal);
  // Read after the monitoring session went back, so it counts as idle, not taken.
  const ourPool = driver.poolStats?.();
  return { ...base, postgres, ...(ourPool ? { ourPool } : {}) };
}

async function postgresPool(driver: Driver, longRunningMs: number, timeoutMs: number, signal?: AbortSignal): Promise<PostgresPoolReport> {
  return withJob(driver, { timeoutMs, ...(signal ? { signal } : {}) }, async (job) => {
    const max = Number((await job.q(`SELECT current_setting('max_connections')::int AS max`)).rows[0]?.max);
    const rows = (await job.q(ACTIVITY_SQL)).rows as unknown as ActivityRow[];
    const blockedPids = rows.filter((r) => r.blocked_by.length > 0).map((r) => r.pid);
    const locks = blockedPids.length > 0 ? (await job.q(LOCKS_SQL, [blockedPids])).rows : [];
    return summarise(rows, max, longRunningMs, lockDescriptions(locks));
  });
}

/** `ShareLock on transactionid`, `AccessExclusiveLock on relation app.orders`, per waiting pid. */
function lockDescriptions(rows: Record<string, unknown>[]): Map<number, string> {
  const byPid = new Map<number, string>();
  for (const r of rows) {
    const what = r.relation ? `${String(r.locktype)} ${String(r.relation)}` : String(r.locktype);
    const text = `${String(r.mode)} on ${what}`;
    const pid = Number(r.pid);
    byPid.set(pid, byPid.has(pid) ? `${byPid.get(pid)}; ${text}` : text);
  }
  return byPid;
}

/** `waiting` is PgHero's and pg_activity's word for an active session stuck on a lock: it is not doing work. */
export function sessionState(state: string, waitEventType: string | null): string {
  if (state === 'active' && waitEventType === 'Lock') return 'waiting';
  return state || 'unknown';
}

function sessionInfo(r: ActivityRow): SessionInfo {
  return {
    pid: r.pid,
    application: r.application,
    ...(r.client ? { client: r.client } : {}),
    state: sessionState(r.state, r.wait_event_type),
    durationMs: Math.round(r.duration_ms),
    ...(r.wait_event_type ? { waitEvent: r.wait_event ? `${r.wait_event_type}: ${r.wait_event}` : r.wait_event_type } : {}),
    // Passed through untouched: escaping is the renderer's job (HTML in the webview, nothing in the CLI's text).
    query: r.query,
  };
}

function summarise(rows: ActivityRow[], maxConnections: number, longRunningMs: number, locks: Map<number, string>): PostgresPoolReport {
  const byState: Record<string, number> = Object.fromEntries(POOL_STATES.map((s) => [s, 0]));
  const apps = new Map<string, { application: string; client?: string; count: number }>();
  for (const r of rows) {
    const state = sessionState(r.state, r.wait_event_type);
    byState[state] = (byState[state] ?? 0) + 1;
    const key = `${r.application}\u0000${r.client ?? ''}`;
    const app = apps.get(key) ?? { application: r.application, ...(r.client ? { client: r.client } : {}), count: 0 };
    app.count++;
    apps.set(key, app);
  }
  const sessions = rows.map(sessionInfo);
  const byPid = new Map(sessions.map((s) => [s.pid, s]));
  const blocked: BlockedSession[] = rows
    .filter((r) => r.blocked_by.length > 0)
    .map((r) => ({ ...byPid.get(r.pid)!, blockedBy: [...r.blocked_by].sort((a, b) => a - b), ...(locks.has(r.pid) ? { lock: locks.get(r.pid)! } : {}) }))
    .sort((a, b) => b.durationMs - a.durationMs);
  const blockerPids = new Set(blocked.flatMap((b) => b.blockedBy));
  const total = rows.length;
  const utilisation = maxConnections > 0 ? total / maxConnections : 0;
  return {
    maxConnections,
    total,
    byState,
    byApplication: [...apps.values()].sort((a, b) => b.count - a.count || a.application.localeCompare(b.application)),
    utilisation,
    level: utilisationLevel(utilisation),
    longRunning: sessions.filter((s) => s.state !== 'idle' && s.durationMs >= longRunningMs).sort((a, b) => b.durationMs - a.durationMs),
    blocked,
    blocking: sessions.filter((s) => blockerPids.has(s.pid)).sort((a, b) => a.pid - b.pid),
    longRunningThresholdMs: longRunningMs,
  };
}
