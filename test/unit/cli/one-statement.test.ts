// Issue 9, item 1 through the built CLI: `querylens explain FILE:LINE` of the reproduction on a
// database with standard_conforming_strings off (its default, then the URL's options) prints
// the plan of the one SELECT the SQL core read, exits 0, and every row of `victim` is still there.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ATTACK, legacyStringsDatabase, type LegacyStringsDatabase } from '../db/fixtures';

const repo = path.resolve(__dirname, '..', '..', '..');
const cli = process.env.QUERYLENS_CLI ?? path.join(repo, 'bin', 'querylens.js');

describe('CLI: the reproduction of issue 9 leaves the table whole', function () {
  this.timeout(60_000);
  let db: LegacyStringsDatabase | undefined;
  let dir: string;

  before(async function () {
    db = await legacyStringsDatabase(5);
    if (!db) this.skip();
    dir = mkdtempSync(path.join(os.tmpdir(), 'querylens-one-statement-'));
    writeFileSync(path.join(dir, 'attack.sql'), `-- looks like one SELECT\n${ATTACK}\n`);
  });
  after(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  for (const analyze of [false, true]) {
    for (const via of ['url', 'urlWithOptions'] as const) {
      it(`explain${analyze ? ' --analyze' : ''} (setting off through ${via === 'url' ? 'the database' : 'the URL'})`, async () => {
        const args = [cli, 'explain', 'attack.sql:2', '--connection', db![via], ...(analyze ? ['--analyze'] : [])];
        const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, PGPASSWORD: '' } });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stderr.includes('TypeError'), false, r.stderr);
        const u = new URL(db![via]);
        const where = `${u.hostname}:${u.port || 5432}/${db!.name}`.replace(/\./g, '\\.');
        assert.match(r.stdout, new RegExp(`^attack\\.sql:2 {2}\\(${where} · PostgreSQL [\\d.]+ · EXPLAIN${analyze ? ' ANALYZE' : ''}, rolled back\\)$`, 'm'));
        assert.match(r.stdout, /^Result {3}rows 1 {3}cost 0\.01/m);
        assert.equal(await db!.victims(), 5);
      });
    }
  }
});
