/**
 * The drivers load from the bundle: bundle-entry.ts is built the way
 * esbuild.mjs builds the server (CJS, pg-native external) into dist/, next to
 * db-host.js, better_sqlite3.node and pglite/ that `npm run build` put there,
 * and run on Node 20 (better-sqlite3) and, when the e2e's Node 24 is
 * installed, on Node 24 (node:sqlite fallback).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

const root = path.resolve(__dirname, '../../..');
const dist = path.join(root, 'dist');
const NODE24 = path.join(homedir(), '.cache/querylens-e2e/node24/node_modules/node/bin/node');

describe('db drivers from the bundle', function () {
  this.timeout(120_000);
  const out = path.join(dist, `db-check-${process.pid}.js`);
  before(function () {
    if (!['db-host.js', 'better_sqlite3.node', 'pglite/index.js'].every((f) => existsSync(path.join(dist, f)))) this.skip();
    buildSync({ entryPoints: [path.join(__dirname, 'bundle-entry.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', mainFields: ['module', 'main'], external: ['pg-native'], outfile: out, logLevel: 'error' });
  });
  after(() => rmSync(out, { force: true }));

  it('Node 20: pg, better-sqlite3 and PGlite', () => {
    const output = execFileSync(process.execPath, [out], { encoding: 'utf8' });
    assert.match(output, /^postgres PostgreSQL 15\./m);
    assert.match(output, /^embedded sqlite SQLite 3\.\S+ better-sqlite3/m);
    assert.match(output, /^embedded pglite PGlite \(PostgreSQL 18\.\S+\) pglite/m);
  });

  it('Node 24 (code-server): SQLite falls back to node:sqlite', function () {
    if (!existsSync(NODE24)) this.skip();
    const output = execFileSync(NODE24, [out], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    assert.match(output, /^embedded sqlite SQLite 3\.\S+ node:sqlite/m);
    assert.match(output, /^embedded pglite PGlite/m);
  });
});
