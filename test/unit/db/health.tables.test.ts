/**
 * Table health (issue 13, item 5) on a database of its own on the real
 * server: a serial sequence set to 96 % of int4's maximum, a NOT VALID check
 * constraint, a table with autovacuum off and 90 % of its rows deleted (dead
 * rows, a bloat estimate), and two tables with a timestamp column over the
 * retention size: the one the workspace inserts into and never deletes from
 * is a retention candidate linked to its INSERT; the one it deletes from is not.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { HealthItem, TableHealthReport } from '../../../shared/dashboard';
import { parseHealthCommand } from '../../../server/src/cli/server-args';
import { runHealthCommand } from '../../../server/src/cli/server';
import { UsageError } from '../../../server/src/cli/args';
import { loadConfig } from '../../../server/src/core/config/load';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { bloatEstimate } from '../../../server/src/db/health/tables';
import { ownDatabase, PG_URL, type OwnDatabase } from './fixtures';

const FIXTURE = `
CREATE TABLE orders (id serial PRIMARY KEY, total integer NOT NULL);
INSERT INTO orders (total) VALUES (10), (20);
SELECT setval('orders_id_seq', 2061584302);
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID;
CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, balance integer);
INSERT INTO accounts (balance) VALUES (1);
CREATE TABLE events (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, payload text NOT NULL) WITH (autovacuum_enabled = false);
INSERT INTO events SELECT g, now(), repeat('x', 100) FROM generate_series(1, 20000) g;
DELETE FROM events WHERE id > 2000;
CREATE TABLE audit_log (id bigint PRIMARY KEY, at timestamptz NOT NULL, payload text NOT NULL);
INSERT INTO audit_log SELECT g, now(), repeat('y', 100) FROM generate_series(1, 20000) g;
ANALYZE;
SELECT pg_stat_force_next_flush();
`;

describe('db/health: table health (PostgreSQL)', function () {
  this.timeout(120_000);
  let db: OwnDatabase | undefined;
  let dir: string;
  let report: TableHealthReport;

  before(async function () {
    db = await ownDatabase('ql_table_health');
    if (!db) return this.skip();
    await db.run(FIXTURE);
    await initHostParsers();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'querylens-tables-'));
    execFileSync('git', ['init', '-q', dir]);
    fs.mkdirSync(path.join(dir, 'app'));
    fs.writeFileSync(path.join(dir, 'app', 'events.sql'), "SELECT 1;\nINSERT INTO events (id, created_at, payload) VALUES ($1, now(), $2);\n");
    fs.writeFileSync(path.join(dir, 'app', 'cleanup.sql'), "INSERT INTO audit_log (id, at, payload) VALUES ($1, now(), $2);\nDELETE FROM audit_log WHERE at < now() - interval '30 days';\n");
    report = JSON.parse(await runHealthCommand({ ...parseHealthCommand(['--connection', db.url, '--retention-size', '1MB', '--format', 'json']), cwd: dir, env: {} }));
  });
  after(async () => {
    await db?.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const item = (kind: string): HealthItem[] => report.items.filter((i) => i.kind === kind);

  it('lists every table with sizes, live and dead rows, analyze times, XID age, autovacuum off', function () {
    assert.deepEqual(report.tables.map((t) => t.table).sort(), ['accounts', 'audit_log', 'events', 'orders']);
    const events = report.tables.find((t) => t.table === 'events')!;
    assert.deepEqual([events.liveRows, events.deadRows, events.autovacuumOff, events.lastVacuum, events.lastAutovacuum], [2000, 18000, true, undefined, undefined]);
    assert.ok(events.lastAnalyze, 'analysed by the fixture');
    assert.ok(events.tableBytes > 2 * 1024 * 1024 && events.indexBytes > 0, JSON.stringify(events));
    assert.ok(events.xidAge > 0 && report.databaseXidAge >= events.xidAge);
    assert.deepEqual(report.thresholds, { retentionBytes: 1024 * 1024, slowMs: 50 });
  });

  it('a serial column at 96 % of int4: critical, with the two statements that widen it', function () {
    assert.deepEqual(item('sequence-overflow'), [{
      kind: 'sequence-overflow',
      level: 'critical',
      table: 'orders',
      message: 'The serial column orders.id (integer) has used 96.0 % of its values (2,061,584,302 of 2,147,483,647): inserts fail once it reaches the maximum. Widening the column rewrites the table under an ACCESS EXCLUSIVE lock: plan it.',
      fix: 'ALTER TABLE public.orders ALTER COLUMN id TYPE bigint;\nALTER SEQUENCE public.orders_id_seq AS bigint;',
    }]);
  });

  it('a NOT VALID constraint, with VALIDATE CONSTRAINT', function () {
    assert.deepEqual(item('not-valid-constraint'), [{
      kind: 'not-valid-constraint',
      level: 'warn',
      table: 'orders',
      message: 'Constraint orders_total_positive (CHECK (total > 0) NOT VALID) was added NOT VALID: new rows are checked, the rows already there never were. VALIDATE CONSTRAINT checks them under a SHARE UPDATE EXCLUSIVE lock, which lets reads and writes go on.',
      fix: 'ALTER TABLE public.orders VALIDATE CONSTRAINT orders_total_positive;',
    }]);
  });

  it('dead rows on a table with autovacuum off: says so and turns it back on', function () {
    const [dead, ...rest] = item('dead-tuples');
    assert.equal(rest.length, 0);
    assert.equal(dead!.table, 'events');
    assert.equal(dead!.message, '18,000 dead rows next to 2,000 live ones. Autovacuum is disabled for this table (autovacuum_enabled = false): nothing reclaims the space of deleted and updated rows. Every scan still reads them.');
    assert.equal(dead!.fix, 'ALTER TABLE public.events RESET (autovacuum_enabled);\nVACUUM (ANALYZE) public.events;');
    assert.deepEqual(dead!.code, [{ file: path.join(dir, 'app', 'events.sql'), line: 1 }]);
  });

  it('a bloat estimate for the table whose rows were deleted, labelled an estimate', function () {
    const bloat = item('bloat');
    assert.deepEqual(bloat.map((b) => b.table), ['events']);
    assert.match(bloat[0]!.message, /^About \d+(\.\d)? MB of its \d+(\.\d)? MB hold no live row \(an estimate from pg_class and pg_stats, not pgstattuple\)\./);
    const events = report.tables.find((t) => t.table === 'events')!;
    assert.ok(events.bloatBytes! > 0.8 * events.tableBytes, `${events.bloatBytes} of ${events.tableBytes}`);
    const audit = report.tables.find((t) => t.table === 'audit_log')!;
    assert.ok(audit.bloatBytes! < 0.2 * audit.tableBytes, `audit_log is full: ${audit.bloatBytes} of ${audit.tableBytes}`);
  });

  it('retention: the large table with a timestamp that no code deletes from, linked to its INSERT; not the one the code deletes from', function () {
    const candidates = item('retention-candidate');
    assert.deepEqual(candidates.map((c) => [c.table, c.fix, c.code]), [
      ['events', "DELETE FROM public.events WHERE created_at < now() - interval '30 days';", [{ file: path.join(dir, 'app', 'events.sql'), line: 1 }]],
    ]);
    assert.match(candidates[0]!.message, /^\d+(\.\d)? MB \(over 1\.0 MB\) with a timestamp column \(created_at\), and no code in the workspace deletes from it, while 1 place\(s\) insert into it: rows only accumulate\. Seed 001: "Implement retention policies"/);
  });

  it('text: the tables and the findings by kind, each fix on its lines, the code as FILE:LINE', async function () {
    const text = await runHealthCommand({ ...parseHealthCommand(['--database', db!.url, '--retention-size', '1MB']), cwd: dir, env: {} });
    const lines = text.split('\n');
    assert.equal(lines[2], 'Retention candidates from 1.0 MB; slow statements from 50 ms');
    assert.equal(lines[5]!.replace(/ {2,}/g, '|'), 'Table|Size|Indexes|Live rows|Dead rows|Vacuumed|Analyzed|XID age|Bloat (est.)');
    assert.ok(lines.some((l) => /^events +\d/.test(l) && / 2,000 +18,000 +never \(autovacuum off\) +\d{4}-/.test(l)), text);
    const at = lines.indexOf('Sequences near their maximum (1)');
    assert.deepEqual(lines.slice(at + 1, at + 5).map((l) => l.replace(/ {2,}/g, '|')), [
      '|[CRITICAL] table orders',
      lines[at + 2]!.replace(/ {2,}/g, '|'),
      '|fix: ALTER TABLE public.orders ALTER COLUMN id TYPE bigint;',
      '|ALTER SEQUENCE public.orders_id_seq AS bigint;',
    ]);
    assert.ok(text.includes(`Retention candidates (1)\n  [WARNING] table events, `), text);
    assert.ok(text.includes(`    code: ${path.join(dir, 'app', 'events.sql')}:2\n`), text);
  });

  it('.querylens.json "health" sets the thresholds; the command line\'s options win', async function () {
    const config = path.join(dir, '.querylens.json');
    fs.writeFileSync(config, '{ "health": { "retentionSize": "64MB", "slowMs": "high-performance" } }\n');
    try {
      const run = async (args: string[]) => (JSON.parse(await runHealthCommand({ ...parseHealthCommand(['--connection', db!.url, '--format', 'json', ...args]), cwd: dir, env: {} })) as TableHealthReport);
      const configured = await run([]);
      assert.deepEqual(configured.thresholds, { retentionBytes: 64 * 1024 * 1024, slowMs: 20 });
      assert.deepEqual(configured.items.filter((i) => i.kind === 'retention-candidate'), [], 'events is under 64 MB');
      assert.deepEqual((await run(['--slow-ms', '75'])).thresholds, { retentionBytes: 64 * 1024 * 1024, slowMs: 75 });
      fs.writeFileSync(config, '{ "health": { "retentionSize": "big", "slowMs": "fast", "ttl": 1 } }\n');
      assert.deepEqual((await loadConfig(dir)).problems.map((p) => p.message), [
        '"health.retentionSize" must be a size such as "100MB" or "1GB".',
        '"health.slowMs" must be milliseconds, or "production" (50) or "high-performance" (20).',
        'Unknown health setting "ttl"; known: "retentionSize", "slowMs".',
      ]);
    } finally {
      fs.rmSync(config);
    }
  });

  it('slow statements: queries only, not the DDL pg_stat_statements also records', async function () {
    const r: TableHealthReport = JSON.parse(await runHealthCommand({ ...parseHealthCommand(['--connection', PG_URL, '--slow-ms', '0', '--format', 'json']), cwd: os.tmpdir(), env: {} }));
    if (!r.statements.available) return this.skip();
    const slow = r.items.filter((i) => i.kind === 'slow-statement');
    assert.ok(slow.length > 0, 'the shared server has run queries');
    assert.deepEqual(slow.filter((i) => !/^(SELECT|INSERT|UPDATE|DELETE|MERGE|WITH|VALUES|TABLE)\b/i.test(i.message)).map((i) => i.message), []);
  });

  it('options: the seed presets and sizes; a bad one is a usage error', function () {
    assert.equal(parseHealthCommand(['--preset', 'high-performance']).slowMs, 20);
    assert.equal(parseHealthCommand(['--preset', 'production']).slowMs, 50);
    assert.equal(parseHealthCommand(['--slow-ms', '75']).slowMs, 75);
    assert.equal(parseHealthCommand(['--retention-size', '100MB']).retentionBytes, 100 * 1024 * 1024);
    assert.throws(() => parseHealthCommand(['--preset', 'fast']), (e: unknown) => e instanceof UsageError && e.message === "option --preset is production (50 ms) or high-performance (20 ms), got 'fast'");
    assert.throws(() => parseHealthCommand(['--connection', 'postgres://a@b/c', '--database', 'postgres://a@b/d']), /give one/);
  });

  it('the bloat estimate: pages beyond what the rows need at the fill factor; none before ANALYZE', function () {
    // 8192-byte pages at 100 %: (8192 - 24) / (24 + 4 + 100) = 63 rows a page; 630 rows need 10 pages.
    assert.equal(bloatEstimate({ pages: 100, tuples: 630, block: 8192, fillfactor: 100, width: 100 }), 90 * 8192);
    assert.equal(bloatEstimate({ pages: 10, tuples: 630, block: 8192, fillfactor: 100, width: 100 }), 0);
    assert.equal(bloatEstimate({ pages: 10, tuples: -1, block: 8192, fillfactor: 100, width: null }), undefined);
  });
});
