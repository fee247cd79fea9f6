/**
 * The dashboard view: each tab rendered from sample reports through the real
 * DOM builder (plan/dom.ts) on a fake document — exact rows, badges, levels,
 * ratios and the DOM hooks the end-to-end test uses — and every string from a
 * database (a table named `<img src=x onerror=alert(1)>`, a query holding
 * `</script><script>`) coming out as text, never as markup.
 */
import { strict as assert } from 'node:assert';
import type { ConfiguredPool } from '../../../shared/dashboard';
import { emptyDashboardState, type DashboardAction, type DashboardState } from '../../../client/src/dashboard/messages';
import { dashboardView } from '../../../client/src/dashboard/view';
import { renderView } from '../../../client/src/plan/dom';
import { benchmarkRun, healthReport, migrationsReport, poolReport, settingsReport, sqlitePoolReport, tableHealthReport, XSS_QUERY, XSS_TABLE } from './dashboard-fixtures';
import { FakeElement, fakeDocument } from './fakeDom';

function render(state: DashboardState, actions: DashboardAction[] = []): FakeElement {
  const root = new FakeElement('main');
  renderView(fakeDocument, root, dashboardView(state), (a) => actions.push(a));
  return root;
}

function state(change: Partial<DashboardState>): DashboardState {
  return { ...emptyDashboardState(), seq: 1, connection: { name: 'local', driver: 'postgres', production: false, readOnly: false }, ...change };
}

const byId = (root: FakeElement, id: string) => root.all((e) => e.attributes.get('id') === id)[0];
const byClass = (root: FakeElement, name: string) => root.all((e) => e.hasClass(name));
const attr = (e: FakeElement | undefined, name: string) => e?.attributes.get(name);
const click = (e: FakeElement) => e.listeners.forEach((l) => l());

describe('client dashboard view', function () {
  it('shows the tabs with the active one selected, the connection, Refresh and the last-updated time', function () {
    const at = '2026-11-30T17:00:00.000Z';
    const actions: DashboardAction[] = [];
    const root = render(state({ tab: 'pool', pool: { value: poolReport(), at, history: [] } }), actions);
    const tabs = byClass(root, 'ql-tab');
    assert.deepEqual(tabs.map((t) => attr(t, 'data-tab')), ['migrations', 'pool', 'benchmarks', 'health', 'tables', 'settings']);
    assert.deepEqual(tabs.map((t) => attr(t, 'aria-selected')), ['false', 'true', 'false', 'false', 'false', 'false']);
    assert.equal(attr(byId(root, 'ql-panel'), 'data-tab'), 'pool');
    assert.equal(attr(byId(root, 'ql-connection'), 'data-connection'), 'local');
    const updated = byId(root, 'ql-updated')!;
    assert.equal(attr(updated, 'data-at'), at);
    assert.match(updated.textContent!, /^Last updated \d\d:\d\d:\d\d$/);
    click(tabs[2]!);
    click(byId(root, 'ql-refresh')!);
    assert.deepEqual(actions, [{ type: 'tab', tab: 'benchmarks' }, { type: 'refresh', tab: 'pool' }]);
  });

  it('says why a read failed, and that the pool waits for Refresh after an error', function () {
    const root = render(state({ tab: 'pool', pool: { error: 'Reading the pool on "local" failed: connection refused', history: [] } }));
    assert.equal(byId(root, 'ql-error')!.textContent, 'Reading the pool on "local" failed: connection refused');
    assert.match(byClass(root, 'ql-note')[0]!.textContent!, /paused after an error/);
  });

  it('Migrations: a table per set with status badges, dates, durations, findings, and the set actions', function () {
    const actions: DashboardAction[] = [];
    const root = render(state({ migrations: { value: migrationsReport(), at: '2026-11-30T17:00:00.000Z' } }), actions);
    const sets = byClass(root, 'ql-migration-set');
    assert.deepEqual(sets.map((s) => attr(s, 'data-tool')), ['sqlx', 'alembic']);
    const rows = byClass(sets[0]!, 'ql-migration-row');
    assert.deepEqual(rows.map((r) => [attr(r, 'data-version'), attr(r, 'data-status'), attr(r, 'data-findings')]), [
      ['20240101000000', 'applied', '0'],
      ['20240102000000', 'modified', '1'],
      ['20240103000000', 'pending', '0'],
      ['20231231000000', 'missing', '0'],
    ]);
    const cells = rows[0]!.children.map((c) => c.textContent);
    assert.equal(cells[0], '20240101000000');
    assert.equal(cells[1], 'create workers');
    assert.equal(cells[2], 'applied');
    assert.match(cells[3]!, /^2026-11-\d\d \d\d:\d\d$/);
    assert.equal(cells[4], '12.5 ms');
    assert.equal(cells[5], '0');
    const badge = rows[1]!.all((e) => e.hasClass('ql-status-modified'))[0]!;
    assert.match(attr(badge, 'title')!, /checksum of the file aa11, recorded bb22/);
    assert.equal(byClass(sets[0]!, 'ql-findings-row').length, 1);
    const finding = byClass(sets[0]!, 'ql-finding')[0]!;
    assert.equal(attr(finding, 'data-rule'), 'non-concurrent-index');
    assert.equal(byClass(sets[0]!, 'ql-summary')[0]!.textContent, '1 applied · 1 pending · 1 modified · 1 missing');

    click(rows[0]!);
    click(finding.all((e) => e.hasClass('ql-link'))[0]!);
    click(byClass(sets[0]!, 'ql-apply')[0]!);
    click(byClass(sets[0]!, 'ql-revert')[0]!);
    assert.deepEqual(actions, [
      { type: 'open', file: '/w/migrations/20240101000000_create_workers.up.sql' },
      { type: 'open', file: '/w/migrations/20240102000000_index_workers.up.sql', line: 2 },
      { type: 'migration', dir: '/w/migrations', action: 'apply' },
      { type: 'migration', dir: '/w/migrations', action: 'revert' },
    ]);
    assert.equal(byClass(sets[0]!, 'ql-revert')[0]!.textContent, 'Revert 20240102000000');
    // The missing row has no file: clicking it does nothing.
    assert.equal(rows[3]!.listeners.length, 0);
  });

  it('Migrations: the ORM set shows its command to copy, and the Alembic graph newest first with heads, merges, branch points', function () {
    const actions: DashboardAction[] = [];
    const root = render(state({ migrations: { value: migrationsReport() } }), actions);
    const alembic = byClass(root, 'ql-migration-set')[1]!;
    assert.equal(byClass(alembic, 'ql-apply').length, 0);
    const command = byClass(alembic, 'ql-command')[0]!;
    assert.equal(command.all((e) => e.tag === 'code')[0]!.textContent, 'alembic upgrade head');
    click(command.all((e) => e.hasClass('ql-copy'))[0]!);
    assert.deepEqual(actions, [{ type: 'copy', text: 'alembic upgrade head' }]);
    const revisions = byClass(alembic, 'ql-revision');
    assert.deepEqual(revisions.map((r) => attr(r, 'data-revision')), ['d4', 'b2', 'c3', 'a1']);
    const marks = (r: FakeElement) => r.all((e) => e.hasClass('ql-mark')).map((m) => m.textContent);
    assert.deepEqual(revisions.map(marks), [['head', 'merge'], ['current'], [], ['branch point', 'base']]);
  });

  it('Migrations: a set the server could not read says why', function () {
    const report = migrationsReport();
    report.sets[0]!.error = 'permission denied for table _sqlx_migrations';
    const root = render(state({ migrations: { value: report } }));
    assert.equal(byClass(root, 'ql-set-error')[0]!.textContent, 'permission denied for table _sqlx_migrations');
  });

  it('Pool: utilisation level against 70 / 90 %, counts by state, applications, our pool, long-running and blocked sessions', function () {
    const root = render(state({ tab: 'pool', pool: { value: poolReport(), history: [] } }));
    const gauge = byId(root, 'ql-pool-utilisation')!;
    assert.equal(attr(gauge, 'data-level'), 'warn');
    const meter = gauge.all((e) => e.tag === 'meter')[0]!;
    assert.deepEqual([attr(meter, 'low'), attr(meter, 'high'), attr(meter, 'value')], ['0.7', '0.9', '0.75']);
    assert.equal(byClass(gauge, 'ql-gauge-value')[0]!.textContent, '75 %');
    assert.equal(attr(byId(root, 'ql-pool-total'), 'data-max'), '100');
    const counts = byClass(root, 'ql-pool-count');
    assert.deepEqual(counts.map((c) => [attr(c, 'data-state'), c.textContent]), [
      ['active', '10'], ['idle', '60'], ['idle in transaction', '4'], ['waiting', '1'],
    ]);
    assert.equal(attr(byId(root, 'ql-pool-chart'), 'data-chart'), 'pool');
    const ours = byId(root, 'ql-our-pool')!;
    assert.deepEqual(ours.all((e) => e.attributes.has('data-fact')).map((f) => [attr(f, 'data-fact'), f.children[1]!.textContent]), [
      ['totalCount', '3'], ['idleCount', '2'], ['waitingCount', '0'],
    ]);
    const long = byClass(byId(root, 'ql-long-running')!, 'ql-session')[0]!;
    assert.deepEqual(long.children.slice(0, 4).map((c) => c.textContent), ['4242', '65.0 s', 'active', 'PgSleep']);
    const blocked = byClass(byId(root, 'ql-blocked')!, 'ql-session')[0]!;
    assert.equal(attr(blocked, 'data-blocked-by'), '4242');

    const critical = render(state({ tab: 'pool', pool: { value: poolReport({ utilisation: 0.9, total: 90 }), history: [] } }));
    assert.equal(attr(byId(critical, 'ql-pool-utilisation'), 'data-level'), 'critical');
    const ok = render(state({ tab: 'pool', pool: { value: poolReport({ utilisation: 0.69, total: 69 }), history: [] } }));
    assert.equal(attr(byId(ok, 'ql-pool-utilisation'), 'data-level'), 'ok');
  });

  it('Pool: the pools the code configures, their sizes, and their sum against max_connections', function () {
    const configured: ConfiguredPool[] = [
      { file: 'src/db/session.py', line: 4, library: 'sqlalchemy', name: 'create_async_engine', size: 20, overflow: 10, defaults: [], settings: { prePing: 'True', maxLifetime: '3600' } },
      { file: 'app/db.py', line: 9, library: 'sqlalchemy', name: 'create_engine', dialect: 'postgres', size: 5, overflow: 10, defaults: ['size', 'overflow'], settings: {} },
      { file: 'crates/store/src/lib.rs', line: 12, library: 'sqlx', name: 'PgPoolOptions::new', dialect: 'postgres', size: 20, min: 5, defaults: [], settings: { acquireTimeout: 'Duration::from_secs(30)' } },
      { file: 'crates/cli/src/db.rs', line: 3, library: 'sqlx', name: 'SqlitePoolOptions::new', dialect: 'sqlite', size: 10, min: 0, defaults: ['size', 'min'], settings: {} },
      { file: 'app/other.py', line: 2, library: 'sqlalchemy', name: 'create_engine', defaults: [], settings: {} },
    ];
    const root = render(state({ tab: 'pool', pool: { value: { ...poolReport(), configured }, history: [] } }));
    const rows = byClass(root, 'ql-configured-pool');
    assert.deepEqual(rows.map((r) => [attr(r, 'data-file'), attr(r, 'data-size')]), [
      ['src/db/session.py', '20 + 10 overflow'],
      ['app/db.py', '5 (default) + 10 overflow (default)'],
      ['crates/store/src/lib.rs', '5–20'],
      ['crates/cli/src/db.rs', '10 (default)'],
      ['app/other.py', 'set at run time'],
    ]);
    assert.deepEqual(rows[0]!.children.map((c) => c.textContent), ['src/db/session.py:4', 'create_async_engine (sqlalchemy)', '20 + 10 overflow', 'pre ping: True, max lifetime: 3600']);
    const total = byId(root, 'ql-configured-total')!;
    assert.deepEqual([attr(total, 'data-total'), attr(total, 'data-max')], ['65', '100']);
    assert.equal(total.textContent, 'Configured: up to 65 connections per instance of the code (3 pools), against 100 max_connections with 75 in use now: 1 instance(s) fit.');
    const onSqlite = render(state({ tab: 'pool', pool: { value: { ...sqlitePoolReport(), configured }, history: [] } }));
    assert.equal(byClass(onSqlite, 'ql-configured-pool').length, 5);
    assert.equal(byId(onSqlite, 'ql-configured-total'), undefined);
  });

  it('Pool on SQLite: the pragmas with recommended values, and the fix of the ones to change', function () {
    const root = render(state({ tab: 'pool', pool: { value: sqlitePoolReport(), history: [] } }));
    const rows = byClass(root, 'ql-pragma');
    assert.deepEqual(rows.map((r) => [attr(r, 'data-pragma'), attr(r, 'data-ok')]), [['journal_mode', 'false'], ['busy_timeout', 'true']]);
    assert.equal(rows[0]!.all((e) => e.tag === 'code')[0]!.textContent, 'PRAGMA journal_mode = WAL;');
    assert.equal(rows[1]!.all((e) => e.tag === 'code').length, 0);
    assert.equal(attr(byId(root, 'ql-pragmas'), 'data-bad'), '1');
  });

  it('Benchmarks: runs with targets, base/head picks, ratios head / base with verdicts, the selected run with its charts', function () {
    const before = benchmarkRun('before', 80);
    const after = benchmarkRun('after', 20);
    const actions: DashboardAction[] = [];
    const root = render(state({ tab: 'benchmarks', benchmarks: { value: [after, before], base: 'before', head: 'after', selected: 'after', target: 'queries/task_manager.sql:5' } }), actions);
    const rows = byClass(root, 'ql-run-row');
    assert.deepEqual(rows.map((r) => [attr(r, 'data-run-id'), attr(r, 'data-role'), attr(r, 'data-selected')]), [['after', 'head', 'true'], ['before', 'base', 'false']]);
    assert.deepEqual(rows.map((r) => r.all((e) => e.attributes.get('data-level') !== undefined)[0]!.textContent), ['1/1 met', '0/1 met']);
    const ratios = byClass(byId(root, 'ql-compare')!, 'ql-ratio');
    const ratio = (stat: string) => ratios.find((r) => attr(r, 'data-stat') === stat)!;
    assert.equal(ratio('p95Ms').children[3]!.textContent, '×0.25');
    assert.equal(attr(ratio('p95Ms'), 'data-verdict'), 'better');
    assert.equal(ratio('opsPerSec').children[3]!.textContent, '×4.00');
    assert.equal(attr(ratio('opsPerSec'), 'data-verdict'), 'better');
    assert.equal(attr(ratio('minMs'), 'data-verdict'), 'same');
    assert.equal(attr(ratio('errors'), 'data-verdict'), 'same');
    const detail = byId(root, 'ql-run-detail')!;
    assert.equal(attr(detail, 'data-run-id'), 'after');
    assert.deepEqual(byClass(detail, 'ql-target').map((t) => attr(t, 'data-pass')), ['true']);
    assert.equal(byClass(detail, 'ql-target')[0]!.textContent, 'passp95 ≤ 50 ms: 20 ms');
    assert.ok(byId(root, 'ql-bench-histogram') && byId(root, 'ql-bench-timeline'));
    assert.equal(byId(root, 'ql-bench-target')!.textContent, 'Query at queries/task_manager.sql:5');

    click(byId(root, 'ql-run-benchmark')!);
    click(rows[1]!);
    click(rows[1]!.all((e) => e.hasClass('ql-pick-head'))[0]!);
    assert.deepEqual(actions, [{ type: 'runBenchmark' }, { type: 'pickRun', id: 'before', role: 'show' }, { type: 'pickRun', id: 'before', role: 'head' }]);
  });

  it('Benchmarks: no comparison until two different runs are picked; the button says when a run is going', function () {
    const root = render(state({ tab: 'benchmarks', benchmarks: { value: [benchmarkRun('a', 10)], base: 'a', head: 'a', running: true } }));
    assert.equal(byId(root, 'ql-compare'), undefined);
    assert.equal(attr(byId(root, 'ql-run-benchmark'), 'disabled'), 'true');
    const empty = render(state({ tab: 'benchmarks', benchmarks: { value: [] } }));
    assert.equal(attr(byId(empty, 'ql-runs'), 'data-count'), '0');
    assert.equal(byId(empty, 'ql-run-detail'), undefined);
  });

  it('Benchmarks: a run of a write says what its rollbacks do not undo', function () {
    const writes = (rolledBack: boolean) => {
      const root = render(state({ tab: 'benchmarks', benchmarks: { value: [benchmarkRun('w', 10, { rolledBack })], selected: 'w' } }));
      return root.all((e) => e.attributes.get('data-fact') === 'transaction')[0]!.children[1]!.textContent;
    };
    assert.equal(writes(true), 'Rolled back after each run; sequences it advances (serial and identity columns, defaults calling nextval) stay advanced');
    assert.equal(writes(false), 'None (read-only)');
  });

  it('Index health: grouped by kind, worst level first, fixes to copy, links to the code, cache hit ratio, pg_stat_statements', function () {
    const actions: DashboardAction[] = [];
    const root = render(state({ tab: 'health', health: { value: healthReport() } }), actions);
    const groups = byClass(root, 'ql-health-group');
    assert.deepEqual(groups.map((g) => [attr(g, 'data-kind'), attr(g, 'data-count')]), [['unused-index', '2'], ['unindexed-foreign-key', '1']]);
    assert.deepEqual(byClass(groups[0]!, 'ql-health-item').map((i) => attr(i, 'data-level')), ['critical', 'ok']);
    assert.equal(byClass(groups[0]!, 'ql-subject')[0]!.textContent, 'table workers · index idx_big · 5 MB');
    assert.equal(attr(byId(root, 'ql-cache-hit'), 'data-level'), 'warn');
    assert.equal(attr(byId(root, 'ql-statements'), 'data-available'), 'false');
    const link = byClass(groups[1]!, 'ql-link')[0]!;
    assert.equal(link.textContent, 'tasks.sql:4');
    click(link);
    click(groups[1]!.all((e) => e.hasClass('ql-copy'))[0]!);
    assert.deepEqual(actions, [{ type: 'open', file: '/w/queries/tasks.sql', line: 3 }, { type: 'copy', text: 'CREATE INDEX CONCURRENTLY ON tasks (worker_id);' }]);
  });

  it('Settings: a row per setting with current, advised, why and the ALTER SYSTEM line to copy; the hit ratios against 95 % / 99 %', function () {
    const actions: DashboardAction[] = [];
    const root = render(state({ tab: 'settings', settings: { value: settingsReport() } }), actions);
    const rows = byClass(root, 'ql-setting');
    assert.deepEqual(rows.map((r) => [attr(r, 'data-setting'), attr(r, 'data-status')]), [['shared_buffers', 'warn'], ['work_mem', 'ok'], ['huge_pages', 'warn'], ['max_connections', 'unknown']]);
    assert.deepEqual(rows[0]!.children.slice(0, 3).map((c) => c.textContent), ['shared_buffers', '128MB', '4GB']);
    assert.equal(byClass(rows[0]!, 'ql-legend')[0]!.textContent, 'then restart the server');
    assert.equal(rows[1]!.children[4]!.textContent, 'ok');
    assert.equal(attr(byId(root, 'ql-settings'), 'data-changes'), '2');
    assert.equal(byId(root, 'ql-ram')!.textContent, 'Advice for 16 GB of RAM (from --ram).');
    assert.deepEqual([attr(byId(root, 'ql-index-hit'), 'data-level'), attr(byId(root, 'ql-buffer-hit'), 'data-level')], ['critical', 'ok']);
    assert.equal(byId(root, 'ql-index-hit')!.textContent, 'Index hit ratio 90 % target 95 % critical');
    click(byClass(rows[0]!, 'ql-copy')[0]!);
    assert.deepEqual(actions, [{ type: 'copy', text: "ALTER SYSTEM SET shared_buffers = '4GB';" }]);
    const unknown = render(state({ tab: 'settings', settings: { value: { ...settingsReport(), ram: undefined } } }));
    assert.equal(byId(unknown, 'ql-ram')!.textContent, 'RAM unknown: set "ram" on the connection (querylens.connections), e.g. "16GB".');
  });

  it('Table health: sizes with growth since the previous refresh, vacuum and bloat columns, findings grouped with links and fixes', function () {
    const actions: DashboardAction[] = [];
    const first = render(state({ tab: 'tables', tables: { value: tableHealthReport() } }));
    assert.deepEqual(byClass(first, 'ql-growth').map((g) => g.textContent), ['—', '—'], 'no growth before a second read');
    const root = render(state({ tab: 'tables', tables: { value: tableHealthReport(512 * 1024), previous: tableHealthReport() } }), actions);
    const rows = byClass(root, 'ql-table-stats').filter((e) => e.tag === 'tr');
    assert.deepEqual(rows.map((r) => attr(r, 'data-table')), ['events', `app.${XSS_TABLE}`]);
    assert.deepEqual(rows[0]!.children.map((c) => c.textContent).filter((_, i) => i !== 6), ['events', '1.5 MB', '16 kB', '+512 kB', '1,000', '9,000', 'never', '900', '900 kB']);
    assert.match(rows[0]!.children[6]!.textContent!, /^2026-11-30 \d\d:00 \(autovacuum off\)$/);
    assert.equal(attr(byClass(rows[0]!, 'ql-growth')[0], 'data-bytes'), String(512 * 1024));
    assert.equal(byId(root, 'ql-xid-age')!.textContent, 'Transaction ID age: 1,234 of 2,147,483,647');
    const groups = byClass(root, 'ql-health-group');
    assert.deepEqual(groups.map((g) => attr(g, 'data-kind')), ['sequence-overflow', 'retention-candidate']);
    click(byClass(groups[1]!, 'ql-link')[0]!);
    assert.deepEqual(actions, [{ type: 'open', file: '/w/app/events.py', line: 11 }]);
  });

  it('renders every database string as text: a table named <img src=x onerror=...> and a query with </script><script>', function () {
    const full = state({
      migrations: { value: migrationsReport() },
      pool: { value: poolReport(), history: [] },
      benchmarks: { value: [benchmarkRun('x', 10)] },
      health: { value: healthReport() },
      tables: { value: tableHealthReport() },
      settings: { value: settingsReport() },
    });
    for (const tab of ['migrations', 'pool', 'benchmarks', 'health', 'tables', 'settings'] as const) {
      const root = render({ ...full, tab });
      const html = root.outerHTML;
      assert.ok(!/<img|<script/i.test(html), `${tab}: no markup from the data`);
      assert.ok(root.all((e) => e.tag === 'img' || e.tag === 'script').length === 0, `${tab}: no element from the data`);
      if (tab !== 'benchmarks') assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'), `${tab}: the name shows as text`);
      if (tab === 'pool' || tab === 'benchmarks') assert.ok(html.includes('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;'), `${tab}: the query shows as text`);
      const texts = root.all((e) => e.children.length === 0 && !!e.textContent && (e.textContent.includes(XSS_TABLE) || e.textContent.includes(XSS_QUERY)));
      assert.ok(texts.length > 0, `${tab}: held in an element's textContent`);
    }
  });
});
