/**
 * The dashboard's logic apart from its view: thresholds, the pool time series,
 * benchmark ratios, the Alembic graph, health groups; the messages each side
 * accepts and what the extension refuses even from a well-formed message; the
 * page's CSP; the store (reads, dropped answers after a connection change,
 * the pool timer's rule, picks, restore); the tree items; the questions asked.
 */
import { strict as assert } from 'node:assert';
import type { ConnectionSetting } from '../../../shared/connections';
import { emptyDashboardState, isDashboardMessage, isDashboardToWebview, knownFiles, refusal, type DashboardConnection, type DashboardState } from '../../../client/src/dashboard/messages';
import {
  alembicGraph, appendPoolSample, cacheHitLevel, compareRuns, formatBytes, formatPercent, formatRatio, healthGroups, poolChartData,
  histogramChartData, statusSummary, timelineChartData, utilisationLevel, verdict,
} from '../../../client/src/dashboard/model';
import { dashboardPageHtml, DASHBOARD_SCRIPTS, DASHBOARD_STYLES } from '../../../client/src/dashboard/page';
import { DashboardStore, type DashboardSource } from '../../../client/src/dashboard/store';
import { dashboardFailure, locationLabel, migrationQuestion, migrationRefusal } from '../../../client/src/dashboard/texts';
import { connectionItems, migrationRowItem, migrationSetContext, migrationSetItem } from '../../../client/src/dashboard/treeModel';
import { makeNonce } from '../../../client/src/plan/html';
import { benchmarkRun, healthReport, migrationsReport, poolReport, settingsReport, tableHealthReport } from './dashboard-fixtures';

describe('client dashboard model', function () {
  it('levels utilisation with the seed thresholds: warn from 70 %, critical from 90 %', function () {
    assert.deepEqual([0, 0.69, 0.7, 0.89, 0.9, 1].map(utilisationLevel), ['ok', 'ok', 'warn', 'warn', 'critical', 'critical']);
    assert.deepEqual([0.995, 0.99, 0.97, 0.5].map(cacheHitLevel), ['ok', 'ok', 'warn', 'critical']);
  });

  it('keeps one pool sample per report time, for the last ten minutes, and charts a line per state', function () {
    let history = appendPoolSample([], poolReport({}, '2026-11-30T17:00:00.000Z'));
    history = appendPoolSample(history, poolReport({ byState: { active: 3, idle: 1, 'fastpath function call': 1 } }, '2026-11-30T17:00:05.000Z'));
    history = appendPoolSample(history, poolReport({}, '2026-11-30T17:00:05.000Z'));
    assert.equal(history.length, 2, 'same time replaces');
    history = appendPoolSample(history, poolReport({}, '2026-11-30T17:10:03.000Z'));
    assert.deepEqual(history.map((s) => new Date(s.t).toISOString()), ['2026-11-30T17:00:05.000Z', '2026-11-30T17:10:03.000Z']);
    const chart = poolChartData(history);
    assert.deepEqual(chart.x, history.map((s) => s.t / 1000));
    assert.deepEqual(chart.series.map((s) => s.label), ['active', 'idle', 'idle in transaction', 'waiting']);
    assert.deepEqual(chart.series[0]!.values, [10, 10]);
    assert.equal(appendPoolSample(history, { connection: 'f', driver: 'sqlite', at: '2026-11-30T17:11:00.000Z' }), history, 'SQLite has no series');
  });

  it('compares runs as head / base (1 when both are 0, Infinity when only base is) with deltas, and judges each statistic', function () {
    const base = benchmarkRun('b', 40);
    const head = benchmarkRun('h', 10, { stats: { ...benchmarkRun('h', 10).stats, errors: 2 } });
    const c = compareRuns(base, head);
    assert.equal(c.ratios.p95Ms, 0.25);
    assert.equal(c.ratios.opsPerSec, 4);
    assert.equal(c.ratios.minMs, 1);
    assert.equal(c.ratios.errors, Infinity);
    assert.equal(c.deltas.p95Ms, -30);
    assert.equal(c.deltas.errors, 2);
    assert.equal(verdict('p95Ms', 0.25), 'better');
    assert.equal(verdict('p95Ms', 1.3), 'worse');
    assert.equal(verdict('opsPerSec', 0.5), 'worse');
    assert.equal(verdict('opsPerSec', 1.04), 'same');
    assert.equal(verdict('errors', Infinity), 'worse');
    assert.equal(verdict('errors', null), 'worse', 'Infinity after a JSON round trip');
    assert.equal(verdict('p50Ms', NaN), 'unknown');
    assert.deepEqual([0.25, 1, 4, 12.4, Infinity, NaN].map(formatRatio), ['×0.25', '×1.00', '×4.00', '×12', '×∞', '—']);
  });

  it('charts a run: histogram buckets and latency over time in seconds', function () {
    const run = benchmarkRun('r', 10);
    assert.deepEqual(histogramChartData(run), { x: [1, 2, 5, 10], series: [{ label: 'queries', values: [10, 100, 80, 10] }] });
    assert.deepEqual(timelineChartData(run).x, [0, 0.5, 1]);
    assert.deepEqual(timelineChartData(run).series[0]!.values, [2, 3, 2.5]);
  });

  it('orders the Alembic graph newest first and marks merges, branch points and bases', function () {
    const graph = alembicGraph(migrationsReport().sets[1]!.revisions!);
    assert.deepEqual(graph.map((r) => [r.revision, r.merge, r.branchPoint, r.base]), [
      ['d4', true, false, false], ['b2', false, false, false], ['c3', false, false, false], ['a1', false, true, true],
    ]);
    assert.deepEqual(graph[3]!.children, ['b2', 'c3']);
    const cycle = alembicGraph([
      { revision: 'x', downRevisions: ['y'], description: '', file: 'x', head: false, current: false },
      { revision: 'y', downRevisions: ['x'], description: '', file: 'y', head: false, current: false },
    ]);
    assert.deepEqual(cycle.map((r) => r.revision), ['x', 'y'], 'a broken graph still lists everything');
  });

  it('groups health items by kind, summarises sets, formats numbers', function () {
    assert.deepEqual(healthGroups(healthReport().items).map((g) => [g.kind, g.label, g.items.map((i) => i.level)]), [
      ['unused-index', 'Unused indexes', ['critical', 'ok']],
      ['unindexed-foreign-key', 'Foreign keys without an index', ['warn']],
    ]);
    assert.equal(statusSummary(migrationsReport().sets[1]!), '2 applied · 2 pending');
    assert.deepEqual([0.75, 0.995, 0.05, 1].map(formatPercent), ['75 %', '99.5 %', '5 %', '100 %']);
    assert.deepEqual([512, 16384, 1536, 5 * 1024 * 1024].map(formatBytes), ['512 bytes', '16 kB', '1.5 kB', '5 MB']);
  });
});

describe('client dashboard messages and page', function () {
  const state: DashboardState = {
    ...emptyDashboardState(),
    migrations: { value: migrationsReport() },
    health: { value: healthReport() },
    benchmarks: { value: [benchmarkRun('r1', 10)] },
  };

  it('accepts only well-formed messages from the webview', function () {
    const good = [
      { type: 'ready', seq: 3 }, { type: 'tab', tab: 'pool' }, { type: 'refresh', tab: 'health' }, { type: 'tab', tab: 'settings' }, { type: 'refresh', tab: 'tables' }, { type: 'open', file: '/w/a.sql' },
      { type: 'open', file: '/w/a.sql', line: 0 }, { type: 'copy', text: 'x' }, { type: 'migration', dir: '/w/m', action: 'revert' },
      { type: 'runBenchmark' }, { type: 'pickRun', id: 'r1', role: 'base' },
    ];
    for (const m of good) assert.ok(isDashboardMessage(m), JSON.stringify(m));
    const bad = [
      null, 'tab', {}, { type: 'tab', tab: 'preferences' }, { type: 'open', file: '' }, { type: 'open', file: '/a', line: -1 },
      { type: 'open', file: '/a', line: 1.5 }, { type: 'copy' }, { type: 'migration', dir: '/w/m', action: 'drop' },
      { type: 'pickRun', id: 'r1', role: 'delete' }, { type: 'eval', code: 'x' }, { type: 'ready' },
    ];
    for (const m of bad) assert.ok(!isDashboardMessage(m), JSON.stringify(m));
    assert.ok(isDashboardToWebview({ type: 'show', state }));
    assert.ok(!isDashboardToWebview({ type: 'show', state: { seq: 1, tab: 'nope' } }));
  });

  it('refuses files, folders and runs the state does not show, and migration actions on ORM sets', function () {
    assert.ok(knownFiles(state).has('/w/alembic/versions/d4.py'));
    assert.ok(knownFiles(state).has('/w/queries/tasks.sql'));
    assert.equal(refusal(state, { type: 'open', file: '/w/migrations/20240101000000_create_workers.down.sql' }), undefined);
    assert.ok(refusal(state, { type: 'open', file: '/etc/passwd' }));
    assert.equal(refusal(state, { type: 'migration', dir: '/w/migrations', action: 'apply' }), undefined);
    assert.match(refusal(state, { type: 'migration', dir: '/w/alembic/versions', action: 'apply' })!, /alembic upgrade head/);
    assert.ok(refusal(state, { type: 'migration', dir: '/tmp', action: 'apply' }));
    assert.ok(refusal(state, { type: 'pickRun', id: 'nope', role: 'show' }));
    assert.equal(refusal(state, { type: 'pickRun', id: 'r1', role: 'show' }), undefined);
  });

  it('builds the page with the nonce on every script, local assets in order, and no inline styles in its CSP', function () {
    const nonce = makeNonce();
    const asset = (f: string) => `vscode-webview-resource://ext/dist/webview/${f}`;
    const html = dashboardPageHtml({ cspSource: 'vscode-webview-resource://ext', nonce, styles: DASHBOARD_STYLES.map(asset), scripts: DASHBOARD_SCRIPTS.map(asset) });
    const csp = /content="([^"]*)"/.exec(html)![1]!.replace(/&#39;/g, "'");
    assert.equal(csp, `default-src 'none'; img-src vscode-webview-resource://ext data:; font-src vscode-webview-resource://ext; style-src vscode-webview-resource://ext; script-src 'nonce-${nonce}'`);
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    assert.deepEqual(scripts, DASHBOARD_SCRIPTS.map((f) => `<script nonce="${nonce}" src="${asset(f)}">`));
    assert.deepEqual(DASHBOARD_SCRIPTS, ['uPlot.iife.min.js', 'dashboard.js'], 'uPlot before the script that draws with it');
    assert.ok(html.includes('<title>QueryLens Dashboard</title>'));
    assert.ok(!/https?:\/\//.test(html));
  });
});

describe('client dashboard store', function () {
  const connection: DashboardConnection = { name: 'local', driver: 'postgres', production: false, readOnly: false };

  function fakeSource(overrides: Partial<DashboardSource> = {}): DashboardSource & { calls: string[]; active: DashboardConnection } {
    const calls: string[] = [];
    const source: DashboardSource & { calls: string[]; active: DashboardConnection } = {
      calls,
      active: connection,
      connection: (): DashboardConnection => source.active,
      migrations: async (userAsked: boolean) => (calls.push(`migrations ${userAsked}`), migrationsReport()),
      pool: async (userAsked: boolean) => (calls.push(`pool ${userAsked}`), poolReport({}, new Date(Date.parse('2026-11-30T17:00:00Z') + calls.length * 5000).toISOString())),
      health: async () => (calls.push('health'), healthReport()),
      benchmarks: async () => (calls.push('benchmarks'), [benchmarkRun('r1', 10), benchmarkRun('r2', 20)]),
      tables: async () => (calls.push('tables'), tableHealthReport(calls.length * 1024)),
      settings: async () => (calls.push('settings'), settingsReport()),
      ...overrides,
    };
    return source;
  }

  it('keeps the previous table-health report for the growth column, and drops both when the connection changes', async function () {
    const source = fakeSource();
    const store = new DashboardStore(source);
    await store.refresh('tables', true);
    assert.equal(store.state.tables.previous, undefined);
    await store.refresh('tables', true);
    assert.equal(store.state.tables.previous!.tables[0]!.tableBytes, 1024 * 1024 + 1024);
    assert.equal(store.state.tables.value!.tables[0]!.tableBytes, 1024 * 1024 + 2048);
    await store.refresh('settings', true);
    assert.equal(store.state.settings.value!.rows[0]!.advised, '4GB');
    source.active = { ...connection, name: 'other' };
    store.connectionChanged();
    assert.deepEqual([store.state.tables, store.state.settings], [{}, {}]);
  });

  it('reads a tab the first time it shows, records when, and grows the pool series', async function () {
    const source = fakeSource();
    const store = new DashboardStore(source);
    const seen: number[] = [];
    store.onChange((s) => seen.push(s.seq));
    store.showTab('migrations');
    await new Promise((r) => setImmediate(r));
    assert.equal(store.state.migrations.at, migrationsReport().at);
    store.showTab('migrations');
    assert.deepEqual(source.calls, ['migrations true'], 'read once');
    await store.refresh('pool', false);
    await store.refresh('pool', false);
    assert.equal(store.state.pool.history.length, 2);
    assert.ok(seen.every((s, i) => i === 0 || s > seen[i - 1]!), 'seq only grows');
  });

  it('pauses the pool timer after a failure (and off the Pool tab) until a read succeeds', async function () {
    let fail = true;
    const source = fakeSource({ pool: async () => { if (fail) throw new Error('Reading the pool on "local" failed: boom'); return poolReport(); } });
    const store = new DashboardStore(source);
    assert.equal(store.poolDue(), false, 'not on the Pool tab');
    store.showTab('pool');
    await new Promise((r) => setImmediate(r));
    assert.equal(store.state.pool.error, 'Reading the pool on "local" failed: boom');
    assert.equal(store.poolDue(), false);
    fail = false;
    await store.refresh('pool', true);
    assert.equal(store.state.pool.error, undefined);
    assert.equal(store.poolDue(), true);
  });

  it('drops reports of another connection, and an answer that arrives after the switch', async function () {
    let release!: () => void;
    const source = fakeSource({ migrations: () => new Promise((resolve) => (release = () => resolve(migrationsReport()))) });
    const store = new DashboardStore(source);
    const pending = store.refresh('migrations', true);
    assert.equal(store.state.migrations.loading, true);
    source.active = { ...connection, name: 'other' };
    store.connectionChanged();
    release();
    await pending;
    assert.equal(store.state.connection?.name, 'other');
    assert.equal(store.state.migrations.value, undefined, 'the answer about "local" is dropped');
  });

  it('picks base and head (never the same run twice) and shows a new run compared with the one shown before', async function () {
    const store = new DashboardStore(fakeSource());
    await store.refresh('benchmarks', true);
    store.pickRun('r1', 'base');
    store.pickRun('r1', 'head');
    assert.deepEqual([store.state.benchmarks.base, store.state.benchmarks.head], [undefined, 'r1']);
    store.pickRun('r2', 'show');
    store.addRun(benchmarkRun('r3', 5));
    const b = store.state.benchmarks;
    assert.deepEqual([store.state.tab, b.value!.map((r) => r.id), b.selected, b.base, b.head], ['benchmarks', ['r3', 'r1', 'r2'], 'r3', 'r2', 'r3']);
  });

  it('restores a reloaded page state for the same connection, without its loading flags; not over fresher data', async function () {
    const saved: DashboardState = { ...emptyDashboardState(), seq: 40, tab: 'health', connection, health: { value: healthReport(), at: 'x', loading: true } };
    const store = new DashboardStore(fakeSource());
    store.restore(saved);
    assert.equal(store.state.tab, 'health');
    assert.equal(store.state.health.value?.connection, 'local');
    assert.equal(store.state.health.loading, false);
    assert.ok(store.state.seq > 40);
    const other = new DashboardStore(fakeSource());
    other.restore({ ...saved, connection: { ...connection, name: 'elsewhere' } });
    assert.equal(other.state.health.value, undefined, 'reports of another connection are dropped');
  });
});

describe('client dashboard trees and questions', function () {
  const local: ConnectionSetting = { name: 'local', driver: 'postgres' };
  const prod: ConnectionSetting = { name: 'prod', driver: 'postgres', production: true };

  it('gives sets their actions and migrations their status icons; a click opens the file', function () {
    const [sqlx, alembic] = migrationsReport().sets;
    assert.equal(migrationSetContext(sqlx!), 'migrationSet apply revert');
    assert.equal(migrationSetContext(alembic!), 'migrationSet orm');
    assert.equal(migrationSetItem(sqlx!).description, '1 applied · 1 pending · 1 modified · 1 missing');
    assert.equal(migrationSetItem(sqlx!).icon, 'warning');
    const modified = migrationRowItem(sqlx!, sqlx!.rows[1]!);
    assert.deepEqual([modified.icon, modified.description], ['warning', 'modified · 1 finding(s)']);
    assert.deepEqual(modified.command?.arguments, ['/w/migrations/20240102000000_index_workers.up.sql']);
    assert.equal(migrationRowItem(sqlx!, sqlx!.rows[3]!).command, undefined, 'a missing file opens nothing');
  });

  it('lists the embedded database and the configured connections with the active one marked', function () {
    const items = connectionItems([local, prod], 'prod');
    assert.deepEqual(items.map((i) => [i.label, i.contextValue, i.command?.arguments[0]]), [
      ['Embedded shadow database', 'connection', ''], ['local', 'connection', 'local'], ['prod', 'connection active', 'prod'],
    ]);
    assert.equal(items[2]!.description, 'active · production · postgres');
    assert.equal(connectionItems([local], '')[0]!.icon, 'pass-filled');
  });

  it('refuses migration actions that cannot run and asks before the others, louder on production', function () {
    const [sqlx, alembic] = migrationsReport().sets;
    assert.match(migrationRefusal(alembic!, 'apply', local)!, /alembic upgrade head/);
    assert.match(migrationRefusal(sqlx!, 'apply', { ...local, readOnly: true })!, /read-only/);
    assert.equal(migrationRefusal(sqlx!, 'apply', local), undefined);
    assert.equal(migrationRefusal(sqlx!, 'revert', local), undefined);
    const noDown = { ...sqlx!, rows: sqlx!.rows.map((r) => ({ ...r, downFile: undefined })) };
    assert.match(migrationRefusal(noDown, 'revert', local)!, /no down file/);
    const q = migrationQuestion(sqlx!, 'apply', prod);
    assert.equal(q.message, 'QueryLens: apply 1 pending sqlx migration(s) on "prod" (PRODUCTION)?');
    assert.equal(q.confirm, 'Apply on prod');
    assert.match(q.detail, /_sqlx_migrations/);
    assert.equal(migrationQuestion(sqlx!, 'revert', local).message, 'QueryLens: revert sqlx migration 20240102000000 on "local"?');
  });

  it('names the connection in failures and labels the benchmark location relative to the folder', function () {
    assert.equal(dashboardFailure('Reading the pool', 'local', new Error('refused')), 'QueryLens: Reading the pool on "local" failed: refused');
    assert.equal(dashboardFailure('Reading the pool', 'local', new Error('"local": gone')), 'QueryLens: "local": gone');
    assert.equal(locationLabel('/w/queries/a.sql', 4, '/w'), 'queries/a.sql:5');
    assert.equal(locationLabel('/elsewhere/a.sql', 0, '/w'), '/elsewhere/a.sql:1');
  });
});
