/**
 * Index health on a crafted schema of its own on the test server (the driver's
 * search_path is that schema alone, so current_schemas(false) sees only these
 * tables), with a small workspace holding the same DDL and the queries:
 * an unused index, a duplicate pair, a redundant prefix, an invalid index (a
 * failed CREATE UNIQUE INDEX CONCURRENTLY), an unindexed foreign key, a
 * 20,000-row table read by sequential scans, and a statement run 105 times at
 * over 20 ms (PgHero's rule) in pg_stat_statements, linked to its line in the
 * workspace. Then a second database without the extension.
 */
import { skipWithoutPart } from '../../optional';
import * as assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../../../server/src/core/config/load';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initParsers } from '../../../server/src/core/sql/parse';
import { openDriver } from '../../../server/src/db/drivers';
import { formatIndexHealthMarkdown, formatIndexHealthText, indexHealth } from '../../../server/src/db/health';
import type { Driver } from '../../../server/src/db/types';
import { PG_URL } from './fixtures';

const DDL = `CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer NOT NULL REFERENCES customers (id), status text NOT NULL, total integer NOT NULL, note text, created_at timestamptz NOT NULL);
CREATE INDEX orders_total_a ON orders (total);
CREATE INDEX orders_total_b ON orders (total);
CREATE INDEX orders_status_idx ON orders (status);
CREATE INDEX orders_status_created_idx ON orders (status, created_at);
CREATE INDEX customers_name_idx ON customers (name);
`;

// pg_stat_statements outlives a dropped schema: the alias keeps this run's statement apart from earlier runs'.
const SUFFIX = `${process.pid}_${Date.now()}`;

const QUERIES = `SELECT id, total FROM orders WHERE total = 5;
SELECT id FROM orders WHERE status = 'pending' ORDER BY created_at LIMIT 10;
SELECT count(*) FROM orders WHERE note LIKE 'n%';
SELECT id, pg_sleep(0.021) AS ql_slow_${SUFFIX} FROM customers WHERE id = 7;
`;

/** pg_stat_statements outlives the schema: this test's slow statements are reset (only those) so runs do not pile up on the shared server. */
async function forgetOwnStatements(admin: Client): Promise<void> {
  await admin.query(`SELECT public.pg_stat_statements_reset(userid, dbid, queryid) FROM public.pg_stat_statements WHERE query LIKE 'SELECT id, pg_sleep($_) AS ql\\_slow%'`);
}

describe('db/health: index health (PostgreSQL)', function () {
  this.timeout(120_000);
  const schema = `ql_health_${process.pid}_${Date.now()}`;
  let admin: Client;
  let driver: Driver | undefined;
  let dir: string;
  let workspace: Workspace;

  before(async function () {
    admin = new Client({ connectionString: PG_URL });
    try {
      await admin.connect();
    } catch {
      return this.skip();
    }
    const preloaded = await admin.query(`SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'`);
    if (!preloaded.rowCount || !/pg_stat_statements/.test((await admin.query('SHOW shared_preload_libraries')).rows[0].shared_preload_libraries)) {
      await admin.end();
      skipWithoutPart(this, 'pg_stat_statements is not preloaded and created in this database');
    }
    await forgetOwnStatements(admin);
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(`SET search_path TO ${schema}`);
    await admin.query(DDL);
    await admin.query(`INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 100) g`);
    await admin.query(`INSERT INTO orders SELECT g, g % 100 + 1, (ARRAY['pending','paid','shipped','done'])[g % 4 + 1], g % 1000, 'n' || g, now() - g * interval '1 minute' FROM generate_series(1, 20000) g`);
    // The inserts' counts go to the statistics first, so ANALYZE's row count is the last word (20,000, not 40,000).
    await admin.query('SELECT pg_stat_force_next_flush()');
    await admin.query('ANALYZE');
    // Fails on the duplicate statuses and leaves an invalid index behind, as in production.
    await admin.query('CREATE UNIQUE INDEX CONCURRENTLY orders_status_unique ON orders (status)').catch(() => undefined);
    // Reads: an index scan on one of the two total indexes and on (status, created_at), 20 sequential scans, the slow statement 105 times.
    await admin.query('SELECT id, total FROM orders WHERE total = 5');
    await admin.query(`SELECT id FROM orders WHERE status = 'pending' ORDER BY created_at LIMIT 10`);
    for (let i = 0; i < 20; i++) await admin.query(`SELECT count(*) FROM orders WHERE note LIKE 'n%'`);
    for (let i = 0; i < 105; i++) await admin.query(`SELECT id, pg_sleep(0.021) AS ql_slow_${SUFFIX} FROM customers WHERE id = $1`, [i + 1]);
    // Statistics reach the shared views when the backend next goes idle; wait for them there.
    await admin.query('SELECT pg_stat_force_next_flush()');
    const observer = new Client({ connectionString: PG_URL });
    await observer.connect();
    for (const deadline = Date.now() + 20_000; ;) {
      const r = await observer.query(`SELECT seq_scan, coalesce(idx_scan, 0) AS idx_scan FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = 'orders'`, [schema]);
      if (Number(r.rows[0]?.seq_scan) >= 20 && Number(r.rows[0]?.idx_scan) >= 2) break;
      if (Date.now() > deadline) throw new Error(`statistics never arrived: ${JSON.stringify(r.rows)}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await observer.end();

    dir = mkdtempSync(path.join(tmpdir(), 'querylens-health-'));
    mkdirSync(path.join(dir, 'migrations'));
    writeFileSync(path.join(dir, '.querylens.json'), JSON.stringify({ dialect: 'postgres' }));
    writeFileSync(path.join(dir, 'migrations', '001_init.sql'), DDL);
    writeFileSync(path.join(dir, 'queries.sql'), QUERIES);
    const [loaded] = await Promise.all([loadConfig(dir), initParsers()]);
    workspace = await Workspace.create({ root: dir, config: loaded.config, onError: (m) => assert.fail(m) });
    driver = await openDriver({ name: 'health-pg', driver: 'postgres', url: `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}` });
  });

  after(async () => {
    await driver?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    if (admin) await forgetOwnStatements(admin).catch(() => undefined);
    await admin?.end().catch(() => undefined);
  });

  it('finds each crafted problem with its fix and its code', async () => {
    const report = await indexHealth(driver!, workspace, { slowTop: 50 });
    const text = formatIndexHealthText(report);
    console.log(text.split('\n').map((l) => `      ${l}`).join('\n'));
    assert.deepEqual(report.schemas, [schema]);
    assert.deepEqual(report.statements, { available: true, rule: "mean time >= 20 ms and >= 100 calls (PgHero's rule at 20 ms / 100 calls), the 50 slowest by mean time" });
    const queries = path.join(dir, 'queries.sql');
    const ofKind = (kind: string) => report.items.filter((i) => i.kind === kind);

    assert.deepEqual(ofKind('invalid-index').map((i) => [i.table, i.index, i.fix]), [[`${schema}.orders`, 'orders_status_unique', `REINDEX INDEX CONCURRENTLY ${schema}.orders_status_unique;`]]);

    // Whichever of the identical pair the planner used is kept; the other goes.
    const [dup] = ofKind('duplicate-index');
    assert.equal(ofKind('duplicate-index').length, 1);
    const kept = dup!.index === 'orders_total_a' ? 'orders_total_b' : 'orders_total_a';
    assert.match(dup!.message, new RegExp(`^Index ${dup!.index} on ${schema}\\.orders \\(total\\) is the same as ${kept}:`));
    assert.equal(dup!.fix, `DROP INDEX CONCURRENTLY ${schema}.${dup!.index};`);
    assert.deepEqual(dup!.code, [0, 1, 2].map((line) => ({ file: queries, line })));

    assert.deepEqual(ofKind('redundant-index').map((i) => [i.index, i.fix]), [['orders_status_idx', `DROP INDEX CONCURRENTLY ${schema}.orders_status_idx;`]]);
    assert.match(ofKind('redundant-index')[0]!.message, /is a prefix of orders_status_created_idx \(status, created_at\)/);

    // customers_name_idx was never read; the used total index, the PK and the composite are not listed.
    assert.deepEqual(ofKind('unused-index').map((i) => [i.table, i.index, i.fix]), [[`${schema}.customers`, 'customers_name_idx', `DROP INDEX CONCURRENTLY ${schema}.customers_name_idx;`]]);
    assert.ok(ofKind('unused-index')[0]!.bytes! > 0);

    assert.deepEqual(ofKind('unindexed-foreign-key').map((i) => [i.table, i.fix]), [[`${schema}.orders`, `CREATE INDEX CONCURRENTLY idx_orders_customer_id ON ${schema}.orders (customer_id);`]]);
    assert.match(ofKind('unindexed-foreign-key')[0]!.message, /^Foreign key orders_customer_id_fkey on .*\(customer_id\) references customers/);

    const [seq] = ofKind('seq-scan-table');
    assert.equal(ofKind('seq-scan-table').length, 1);
    assert.equal(seq!.table, `${schema}.orders`);
    assert.match(seq!.message, /\(20,000 rows\) was read by \d+ sequential scans against \d+ index scans/);
    assert.equal(seq!.fix, `CREATE INDEX CONCURRENTLY idx_orders_note ON ${schema}.orders (note);`, 'the index QueryLens suggests for the LIKE query');
    assert.deepEqual(seq!.code, [0, 1, 2].map((line) => ({ file: queries, line })));

    const slow = ofKind('slow-statement').filter((i) => i.message.includes(`ql_slow_${SUFFIX}`));
    assert.equal(slow.length, 1, text);
    assert.match(slow[0]!.message, new RegExp(`^SELECT id, pg_sleep\\(\\$\\d\\) AS ql_slow_${SUFFIX} FROM customers WHERE id = \\$\\d takes 2\\d\\.\\d ms on average over 105 calls`));
    assert.equal(slow[0]!.fix, undefined, 'no index suggestion for a primary-key lookup');
    assert.deepEqual(slow[0]!.code, [{ file: queries, line: 3 }]);
    assert.equal(slow[0]!.level, 'warn');

    if (report.cacheHitRatio! < 0.99) assert.equal(ofKind('low-cache-hit').length, 1);
    else assert.equal(ofKind('low-cache-hit').length, 0);
    assert.equal(report.items.length, 7 + ofKind('low-cache-hit').length + ofKind('slow-statement').length - 1);
  });

  it('with the floors at zero lists the top statements by mean time; without a workspace, no links', async () => {
    const report = await indexHealth(driver!, undefined, { slowMeanMs: 0, slowMinCalls: 0, slowTop: 3 });
    const slow = report.items.filter((i) => i.kind === 'slow-statement');
    assert.ok(slow.length >= 1 && slow.length <= 3);
    assert.ok(report.items.every((i) => i.code === undefined));
  });

  it('database strings pass through untouched; Markdown shows them as text', async () => {
    const name = 'x<img src=x onerror=alert(1)>';
    await admin.query(`CREATE INDEX "${name}" ON customers (id, name)`);
    try {
      const report = await indexHealth(driver!);
      const item = report.items.find((i) => i.index === name);
      assert.equal(item?.kind, 'unused-index');
      assert.equal(item.fix, `DROP INDEX CONCURRENTLY ${schema}."${name}";`);
      const markdown = formatIndexHealthMarkdown(report);
      assert.ok(markdown.includes('index `x<img src=x onerror=alert(1)>`'), markdown);
      assert.ok(markdown.includes('Index x\\<img src=x onerror=alert\\(1\\)\\> on'));
      const outsideCode = markdown.replace(/```sql\n[^`]*```/g, '').replace(/`[^`\n]*`/g, '');
      assert.ok(!/(^|[^\\])<img/.test(outsideCode), 'no bare tag outside code');
    } finally {
      await admin.query(`DROP INDEX "${name}"`);
    }
  });

  it('says why when pg_stat_statements is not installed (a database without the extension)', async () => {
    const db = `ql_nopgss_${process.pid}_${Date.now()}`;
    await admin.query(`CREATE DATABASE ${db}`);
    const url = new URL(PG_URL);
    url.pathname = `/${db}`;
    const other = await openDriver({ name: 'no-pgss', driver: 'postgres', url: url.toString() });
    try {
      const report = await indexHealth(other);
      assert.deepEqual(report.statements, { available: false, reason: `the pg_stat_statements extension is not installed in database "${db}": run CREATE EXTENSION pg_stat_statements;` });
      assert.deepEqual(report.items, []);
    } finally {
      await other.close();
      await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    }
  });
});
