/**
 * Everything the dashboard webview and the extension say to each other,
 * declared once: the dashboard state (what the extension sends whole, and
 * what the webview keeps with setState so a reload shows it again) and the
 * messages each side sends, with the checks each side runs on what it gets.
 * Pure: tested in Node, bundled into the webview.
 */
import type { DriverKind } from '../../../shared/connections';
import type { BenchmarkRun, IndexHealthReport, MigrationsReport, PoolReport, SettingsReport, TableHealthReport } from '../../../shared/dashboard';

export const DASHBOARD_TABS = ['migrations', 'pool', 'benchmarks', 'health', 'tables', 'settings'] as const;
export type DashboardTab = (typeof DASHBOARD_TABS)[number];

export const TAB_LABEL: Record<DashboardTab, string> = {
  migrations: 'Migrations',
  pool: 'Pool',
  benchmarks: 'Benchmarks',
  health: 'Index health',
  tables: 'Table health',
  settings: 'Settings',
};

/** One report as the dashboard holds it: the last value read, the last error, when, and whether a read is running. */
export interface Loaded<T> {
  value?: T;
  /** The last read failed (the value, if any, is older). Names the connection. */
  error?: string;
  /** ISO time of the last successful read. */
  at?: string;
  loading?: boolean;
}

/** One point of the pool time series. */
export interface PoolSample {
  /** Epoch ms. */
  t: number;
  total: number;
  byState: Record<string, number>;
  /** 0..1 of max_connections (PostgreSQL). */
  utilisation?: number;
}

export interface DashboardConnection {
  name: string;
  driver: DriverKind;
  production: boolean;
  readOnly: boolean;
}

export type RunRole = 'show' | 'base' | 'head';

export interface DashboardState {
  /** Bumped on every change: the webview skips a state it already shows. */
  seq: number;
  tab: DashboardTab;
  /** The active connection (absent when it cannot be used: `connectionError` says why). */
  connection?: DashboardConnection;
  connectionError?: string;
  migrations: Loaded<MigrationsReport>;
  pool: Loaded<PoolReport> & { history: PoolSample[] };
  benchmarks: Loaded<BenchmarkRun[]> & {
    /** The run whose charts and details show. */
    selected?: string;
    /** The two runs compared side by side (base → head). */
    base?: string;
    head?: string;
    running?: boolean;
    /** Where "Run benchmark" runs: the last cursor position in a file editor (`queries.sql:5`). */
    target?: string;
  };
  health: Loaded<IndexHealthReport>;
  /** The last report and the one before it (sizes grow between two refreshes), this connection's only. */
  tables: Loaded<TableHealthReport> & { previous?: TableHealthReport };
  settings: Loaded<SettingsReport>;
  /** Milliseconds between two pool reads while the Pool tab is visible. */
  poolRefreshMs: number;
}

export const DEFAULT_POOL_REFRESH_MS = 5_000;

export function emptyDashboardState(): DashboardState {
  return {
    seq: 0,
    tab: 'migrations',
    migrations: {},
    pool: { history: [] },
    benchmarks: {},
    health: {},
    tables: {},
    settings: {},
    poolRefreshMs: DEFAULT_POOL_REFRESH_MS,
  };
}

/** Sent by the extension. */
export type DashboardToWebview = { type: 'show'; state: DashboardState };

/** What the dashboard's buttons and rows ask the extension for. */
export type DashboardAction =
  /** Show another tab (it is read the first time). */
  | { type: 'tab'; tab: DashboardTab }
  /** Read a tab's report again. */
  | { type: 'refresh'; tab: DashboardTab }
  /** Open a file of a report (a migration, the code of a query) at a 0-based line. */
  | { type: 'open'; file: string; line?: number }
  | { type: 'copy'; text: string }
  /** Apply the pending migrations / revert the last one of a set (SQL-file tools). */
  | { type: 'migration'; dir: string; action: 'apply' | 'revert' }
  /** Run a full benchmark of the query at the last cursor position. */
  | { type: 'runBenchmark' }
  /** Show a saved run, or make it the base / head of the comparison. */
  | { type: 'pickRun'; id: string; role: RunRole };

/** Sent by the webview. */
export type DashboardFromWebview =
  /** The page loaded (first time, or again after being hidden or reloaded): send the state if it has not got this one. */
  | { type: 'ready'; seq: number }
  | DashboardAction;

const ROLES: readonly string[] = ['show', 'base', 'head'];

function isTab(value: unknown): value is DashboardTab {
  return typeof value === 'string' && (DASHBOARD_TABS as readonly string[]).includes(value);
}

/**
 * A message from the webview, checked field by field: the page shows text
 * from databases, so the extension trusts nothing it sends. (What a checked
 * message may touch is checked again against the state: see allowedAction.)
 */
export function isDashboardMessage(value: unknown): value is DashboardFromWebview {
  const v = value as Record<string, unknown>;
  if (typeof v !== 'object' || v === null) return false;
  switch (v.type) {
    case 'ready':
      return typeof v.seq === 'number';
    case 'tab':
    case 'refresh':
      return isTab(v.tab);
    case 'open':
      return typeof v.file === 'string' && v.file !== '' && (v.line === undefined || (Number.isInteger(v.line) && (v.line as number) >= 0));
    case 'copy':
      return typeof v.text === 'string';
    case 'migration':
      return typeof v.dir === 'string' && (v.action === 'apply' || v.action === 'revert');
    case 'runBenchmark':
      return true;
    case 'pickRun':
      return typeof v.id === 'string' && typeof v.role === 'string' && ROLES.includes(v.role);
    default:
      return false;
  }
}

/** Every file a report of the state points at: the only files an `open` message may open. */
export function knownFiles(state: DashboardState): Set<string> {
  const files = new Set<string>();
  for (const set of state.migrations.value?.sets ?? []) {
    for (const row of set.rows) {
      if (row.file) files.add(row.file);
      if (row.downFile) files.add(row.downFile);
    }
    for (const revision of set.revisions ?? []) files.add(revision.file);
  }
  for (const item of [...(state.health.value?.items ?? []), ...(state.tables?.value?.items ?? [])]) for (const code of item.code ?? []) files.add(code.file);
  for (const run of state.benchmarks.value ?? []) if (run.source) files.add(run.source.file);
  return files;
}

/**
 * Whether a checked action may run against this state: files it opens, sets
 * it migrates and runs it picks must be ones the state shows (a migration
 * action only on a set QueryLens can apply). Undefined when allowed, else why not.
 */
export function refusal(state: DashboardState, action: DashboardAction): string | undefined {
  switch (action.type) {
    case 'open':
      return knownFiles(state).has(action.file) ? undefined : 'not a file of the dashboard';
    case 'migration': {
      const set = state.migrations.value?.sets.find((s) => s.dir === action.dir);
      if (!set) return 'not a migration folder of the dashboard';
      return set.canApply ? undefined : `QueryLens does not apply ${set.tool} migrations: run ${set.command ?? 'the tool'}`;
    }
    case 'pickRun':
      return (state.benchmarks.value ?? []).some((r) => r.id === action.id) ? undefined : 'not a saved run';
    default:
      return undefined;
  }
}

/** A message from the extension, checked on the webview side. */
export function isDashboardState(value: unknown): value is DashboardState {
  const s = value as DashboardState;
  return (
    typeof s === 'object' && s !== null && typeof s.seq === 'number' && isTab(s.tab) &&
    typeof s.migrations === 'object' && typeof s.pool === 'object' && Array.isArray(s.pool?.history) &&
    typeof s.benchmarks === 'object' && typeof s.health === 'object'
  );
}

export function isDashboardToWebview(value: unknown): value is DashboardToWebview {
  const v = value as Record<string, unknown>;
  return typeof v === 'object' && v !== null && v.type === 'show' && isDashboardState(v.state);
}
