/**
 * Server settings (issue 13, item 4) on the real PostgreSQL server: seed 004's
 * advice for a RAM given with --ram (exact advised values and ALTER SYSTEM
 * lines), the current values exactly as SHOW prints them, max_connections
 * against the pools of a project's code, the hit ratios; and the rules
 * themselves without a server (RAM unknown, a RAM outside the seed's table,
 * which hosts are local, quoting).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import type { SettingsReport } from '../../../shared/dashboard';
import { parseSettingsCommand } from '../../../server/src/cli/server-args';
import { runSettingsCommand } from '../../../server/src/cli/server';
import { UsageError } from '../../../server/src/cli/args';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { openDriver } from '../../../server/src/db/drivers';
import { readOnlyJob } from '../../../server/src/db/health/read-only';
import { alterSystem, isLocal, judgeSettings, parseSize, pgSize, settingsReport } from '../../../server/src/db/health/settings';
import { failure, ownDatabase, PG_URL, type OwnDatabase } from './fixtures';

const ADVISED_16GB: [string, string][] = [
  ['shared_buffers', '4GB'],
  ['effective_cache_size', '12GB'],
  ['work_mem', '128MB'],
  ['maintenance_work_mem', '1GB'],
  ['max_connections', '>= 33'],
  ['temp_buffers', '128MB'],
  ['hash_mem_multiplier', '2'],
  ['huge_pages', 'try'],
];

describe('db/health: server settings (PostgreSQL)', function () {
  this.timeout(60_000);
  let admin: Client;
  let dir: string;
  let show: Map<string, string>;
  let reserved: number;

  before(async function () {
    admin = new Client({ connectionString: PG_URL });
    try {
      await admin.connect();
    } catch {
      return this.skip();
    }
    show = new Map();
    for (const [name] of ADVISED_16GB) show.set(name, Object.values((await admin.query(`SHOW ${name}`)).rows[0])[0] as string);
    reserved = Number(Object.values((await admin.query('SHOW superuser_reserved_connections')).rows[0])[0]);
    await initHostParsers();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'querylens-settings-'));
    execFileSync('git', ['init', '-q', dir]);
    fs.mkdirSync(path.join(dir, 'app'));
    fs.writeFileSync(path.join(dir, 'app', 'db.py'), 'from sqlalchemy import create_engine\n\nengine = create_engine("postgresql://app@db/app", pool_size=20, max_overflow=10, pool_pre_ping=True)\n');
  });
  after(async () => {
    await admin?.end();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function report(args: string[]): Promise<SettingsReport> {
    return JSON.parse(await runSettingsCommand({ ...parseSettingsCommand(['--connection', PG_URL, '--format', 'json', ...args]), cwd: dir, env: {} }));
  }

  it('--ram 16GB: the seed table\'s values, max_connections against the pools in the code, current values as SHOW prints them', async function () {
    const r = await report(['--ram', '16GB']);
    assert.deepEqual(r.ram, { bytes: 16 * 1024 ** 3, source: '--ram' });
    const expected = ADVISED_16GB.map(([name, advised]) => [name, name === 'max_connections' ? `>= ${30 + reserved}` : advised]);
    assert.deepEqual(r.rows.map((row) => [row.name, row.advised]), expected);
    for (const row of r.rows) {
      assert.equal(row.current, show.get(row.name), `${row.name}: SHOW's text`);
      // A change is offered exactly when the value is not the advised one; the line quotes the value as a string literal (numbers bare).
      const value = row.name === 'max_connections' ? String(30 + reserved) : row.name === 'hash_mem_multiplier' ? '2' : `'${row.advised}'`;
      if (row.status === 'warn') assert.equal(row.alterSystem, `ALTER SYSTEM SET ${row.name} = ${value};`);
      else assert.equal(row.alterSystem, undefined, row.name);
    }
    const byName = new Map(r.rows.map((row) => [row.name, row]));
    assert.equal(byName.get('shared_buffers')!.applies, 'restart');
    assert.equal(byName.get('work_mem')!.applies, 'reload');
    assert.equal(byName.get('max_connections')!.why.split('.')[0], `The pools configured in the code open up to 30 connections per instance (size + overflow), plus ${reserved} reserved for superusers: ${30 + reserved}`);
    assert.match(byName.get('shared_buffers')!.why, /^25 % of RAM: seed 004 "Memory Sizing Guidelines"/);
    assert.equal(r.indexHit.target, 0.95);
    assert.equal(r.bufferHit.target, 0.99);
  });

  it('text: one line per setting (setting, current, advised, status), the why and ALTER SYSTEM lines, the hit ratios', async function () {
    const text = await runSettingsCommand({ ...parseSettingsCommand(['--connection', PG_URL, '--ram', '16GB']), cwd: dir, env: {} });
    const json = await report(['--ram', '16GB']);
    const lines = text.split('\n');
    assert.equal(lines[1], 'RAM: 16 GB (from --ram)');
    assert.equal(lines[3]!.replace(/ +/g, ' '), 'Setting Current Advised Status');
    const word = { ok: 'ok', warn: 'CHANGE', unknown: '?' };
    assert.deepEqual(lines.slice(4, 12).map((l) => l.replace(/ {2,}/g, '|')), json.rows.map((row) => `${row.name}|${row.current}|${row.advised}|${word[row.status]}`));
    const shared = lines.indexOf(lines.find((l) => l.startsWith('shared_buffers: '))!);
    if (json.rows[0]!.status === 'warn') assert.equal(lines[shared + 1], "  ALTER SYSTEM SET shared_buffers = '4GB';  -- then restart the server");
    assert.match(text, /\nIndex hit ratio: (nothing read yet \(target 95\.0 %\)|\d+\.\d % \(target 95\.0 %\) (ok|WARNING|CRITICAL))\nBuffer cache hit ratio: \d+\.\d % \(target 99\.0 %\) (ok|WARNING|CRITICAL)\n/);
    assert.ok(text.endsWith('QueryLens never runs ALTER SYSTEM: run the lines above as a superuser if you agree with them.\n'));
  });

  it('--ram outside the seed\'s 16–128 GB: in proportion, and says so', async function () {
    const r = await report(['--ram', '8GB']);
    assert.deepEqual(r.rows.slice(0, 4).map((row) => row.advised), ['2GB', '6GB', '64MB', '512MB']);
    assert.match(r.rows[0]!.why, /Outside the table's 16–128 GB: in proportion, as the seed says to adjust\.$/);
  });

  it('without --ram on a local server: the RAM of /proc/meminfo', async function () {
    const meminfo = /^MemTotal:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'));
    if (!meminfo) return this.skip();
    const r = await report([]);
    const bytes = Number(meminfo[1]) * 1024;
    assert.deepEqual(r.ram, { bytes, source: '/proc/meminfo (the server is local)' });
    assert.equal(r.rows[0]!.advised, pgSize(Math.round(bytes / 4 / 1024 ** 2) * 1024 ** 2));
  });

  it('the index hit ratio of a database that read an index, against 95 %', async function () {
    const db: OwnDatabase | undefined = await ownDatabase('ql_settings_hit');
    if (!db) return this.skip();
    try {
      await db.run(`CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 1000); SELECT id FROM t WHERE id = 5; SELECT id FROM t WHERE id = 6; SELECT pg_stat_force_next_flush();`);
      const r: SettingsReport = JSON.parse(await runSettingsCommand({ ...parseSettingsCommand(['--database', db.url, '--ram', '32GB', '--format', 'json']), cwd: os.tmpdir(), env: {} }));
      assert.ok(r.indexHit.ratio! > 0 && r.indexHit.ratio! <= 1, JSON.stringify(r.indexHit));
      assert.equal(r.indexHit.level, r.indexHit.ratio! >= 0.95 ? 'ok' : r.indexHit.ratio! >= 0.9 ? 'warn' : 'critical');
      assert.deepEqual(r.rows.slice(0, 4).map((row) => row.advised), ['8GB', '24GB', '256MB', '2GB'], 'seed 004\'s 32 GB row');
      assert.equal(r.rows[4]!.advised, 'no sized PostgreSQL pool in the code');
    } finally {
      await db.drop();
    }
  });

  it('refuses the embedded shadow database, whose settings are not the server\'s', async function () {
    const driver = await openDriver({ name: 'embedded', driver: 'embedded', dialect: 'postgres' });
    try {
      const error = await failure(settingsReport(driver));
      assert.equal(error.kind, 'refused');
      assert.match(error.message, /^Connection "embedded": the embedded shadow database is QueryLens's own PGlite: its settings say nothing of your server\. Select a connection to your PostgreSQL server/);
    } finally {
      await driver.close();
    }
  });

  it('reads in a READ ONLY transaction: a write there is refused by the server', async function () {
    const driver = await openDriver({ name: 'test-pg', driver: 'postgres', url: PG_URL });
    try {
      await assert.rejects(readOnlyJob(driver, {}, (job) => job.q('CREATE TABLE ql_settings_never (id int)')), /read-only transaction/);
    } finally {
      await driver.close();
    }
  });
});

describe('db/health: server settings rules', function () {
  const pg = (name: string, setting: string, unit: string | null, shown: string, context = 'user') => ({ name, setting, unit, context, shown });

  it('says "RAM unknown: pass --ram" on every memory row when the RAM is not known, and offers no change there', function () {
    const rows = judgeSettings([pg('shared_buffers', '16384', '8kB', '128MB', 'postmaster'), pg('work_mem', '4096', 'kB', '4MB')], undefined);
    assert.deepEqual(rows.slice(0, 4).map((r) => [r.name, r.current, r.advised, r.status, r.alterSystem]), [
      ['shared_buffers', '128MB', 'RAM unknown: pass --ram', 'unknown', undefined],
      ['effective_cache_size', 'not set', 'RAM unknown: pass --ram', 'unknown', undefined],
      ['work_mem', '4MB', 'RAM unknown: pass --ram', 'unknown', undefined],
      ['maintenance_work_mem', 'not set', 'RAM unknown: pass --ram', 'unknown', undefined],
    ]);
  });

  it('takes a value within 10 % of the advice as the advice (pg_settings units: 8kB pages, kB)', function () {
    const ram = { bytes: 64 * 1024 ** 3, source: '--ram' };
    const rows = judgeSettings([pg('shared_buffers', String((15 * 1024 ** 3) / 8192), '8kB', '15GB', 'postmaster'), pg('work_mem', String(400 * 1024), 'kB', '400MB')], ram);
    assert.deepEqual(rows.slice(0, 3).map((r) => [r.name, r.advised, r.status]), [['shared_buffers', '16GB', 'ok'], ['effective_cache_size', '48GB', 'warn'], ['work_mem', '512MB', 'warn']]);
  });

  it('max_connections: enough for the pools and the reserved connections, else the line that makes it so', function () {
    const pools = [{ file: 'a.py', line: 1, library: 'sqlalchemy', name: 'create_engine', dialect: 'postgres', size: 20, overflow: 10, defaults: [], settings: {} }];
    const row = (max: string) => judgeSettings([pg('max_connections', max, null, max, 'postmaster'), pg('superuser_reserved_connections', '3', null, '3', 'postmaster')], undefined, pools)[4]!;
    assert.deepEqual([row('33').status, row('33').alterSystem], ['ok', undefined]);
    assert.deepEqual([row('32').status, row('32').advised, row('32').alterSystem, row('32').applies], ['warn', '>= 33', 'ALTER SYSTEM SET max_connections = 33;', 'restart']);
  });

  it('sizes, local hosts and quoting', function () {
    assert.deepEqual(['16GB', '512 MB', '1.5GB', '8kB', 'lots', '0GB'].map(parseSize), [16 * 1024 ** 3, 512 * 1024 ** 2, 1.5 * 1024 ** 3, 8192, undefined, undefined]);
    assert.deepEqual([4 * 1024 ** 3, 1536 * 1024 ** 2, 65536].map(pgSize), ['4GB', '1536MB', '64kB']);
    assert.deepEqual(['postgres://u@localhost/db', 'postgres://u@127.0.0.1:5432/db', 'postgres://u@[::1]/db', 'postgres:///db', 'postgres://u@%2Fvar%2Frun%2Fpostgresql/db', 'postgres://u@db.example.com/db'].map((url) => isLocal({ url })), [true, true, true, true, true, false]);
    assert.equal(isLocal({ host: '10.0.0.5' }), false);
    assert.equal(alterSystem('search_path', "it's"), "ALTER SYSTEM SET search_path = 'it''s';");
    assert.throws(() => parseSettingsCommand(['--ram', 'lots']), (e: unknown) => e instanceof UsageError && e.message === "option --ram needs a size such as 16GB or 100MB, got 'lots'");
  });
});
