// The built CLI on a workspace holding what a project commits but QueryLens must not read by
// default (server/src/core/config/skipped.ts): Yarn Berry's own minified release in
// `.yarn/releases/`, a minified bundle under another name, a Python file over 1 MiB, with
// SQL in each; beside a SQL schema dump over 1 MiB, which is the schema and is read.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildCli, run } from './built-cli';

const SCHEMA = 'CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);\n';
/** One line of minified JavaScript holding a query by id (select-star when read), padded past 10,000 characters. */
const MINIFIED = `"use strict";var e=require("pg"),t=new e.Pool({connectionTimeoutMillis:1e4});function n(r){return t.query("SELECT * FROM accounts WHERE id = $1",[r])}module.exports={n:n,d:[${'0,'.repeat(5_000)}0]};\n`;
const PYTHON = 'import psycopg\n\n\ndef account(conn, account_id):\n    return conn.execute("SELECT * FROM accounts WHERE id = %s", (account_id,)).fetchone()\n';

function workspace(config?: object): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'querylens-skips-'));
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  // The root: named files are judged from it.
  write('.querylens.json', JSON.stringify(config ?? {}));
  write('package.json', '{ "name": "app", "dependencies": { "pg": "^8.0.0" } }\n');
  // A pg_dump of 1.1 MiB: the schema, read whatever its size; its last statement is a query.
  write('db/dump.sql', `${SCHEMA}${'-- COPY data elided\n'.repeat(60_000)}SELECT * FROM accounts WHERE id = 1;\n`);
  write('.yarn/releases/yarn-4.16.0.cjs', MINIFIED);
  write('public/app.js', MINIFIED);
  write('vendor.min.js', MINIFIED);
  // A generated module of 1.1 MiB: its query is at the top, then data.
  write('src/generated.py', `${PYTHON}\nDATA = (\n${`    "${'x'.repeat(100)}",\n`.repeat(11_000)})\n`);
  write('src/app.py', PYTHON);
  return dir;
}

interface Finding {
  file: string;
  ruleId: string;
  range: { start: { line: number } };
}

describe('querylens check: vendored, minified and generated files are not read by default (built)', function () {
  const dirs: string[] = [];
  const make = (config?: object) => {
    const dir = workspace(config);
    dirs.push(dir);
    return dir;
  };
  before(function () {
    this.timeout(180_000);
    buildCli();
  });
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  const found = (stdout: string) => (JSON.parse(stdout) as { findings: Finding[] }).findings.map((f) => `${f.file}:${f.range.start.line + 1} ${f.ruleId}`);

  it('reads the SQL dump and the product code, and says which files it left unread for their content', function () {
    this.timeout(60_000);
    const dir = make();
    const { code, stdout, stderr } = run(dir, 'check', '--format', 'json');
    assert.equal(code, 0, stderr);
    assert.equal(JSON.parse(stdout).files, 2);
    assert.deepEqual(found(stdout), ['db/dump.sql:60002 select-star', 'src/app.py:5 select-star']);
    assert.deepEqual(stderr.trim().split('\n'), [
      `querylens: skipped ${path.join(dir, 'public/app.js')}: minified or bundled code, not read by default: a line of 10,177 characters`,
      `querylens: skipped ${path.join(dir, 'src/generated.py')}: generated or bundled code, not read by default: it is larger than 1 MiB (1.1 MiB)`,
    ]);
  });

  it('skips a default-skipped file named on the command line, saying why and how to read it', function () {
    this.timeout(60_000);
    const dir = make();
    const { code, stdout, stderr } = run(dir, 'check', '--format', 'json', '.yarn/releases/yarn-4.16.0.cjs', 'public/app.js', 'vendor.min.js', 'src/app.py');
    assert.equal(code, 0, stderr);
    assert.deepEqual(found(stdout), ['src/app.py:5 select-star']);
    const config = 'to "ignorePatterns" in .querylens.json to read it';
    assert.deepEqual(stderr.trim().split('\n'), [
      `querylens: skipped ${path.join(dir, 'public/app.js')}: minified or bundled code, not read by default: a line of 10,177 characters`,
      `querylens: skipped ${path.join(dir, 'src/generated.py')}: generated or bundled code, not read by default: it is larger than 1 MiB (1.1 MiB)`,
      `querylens: skipped ${path.join(dir, '.yarn/releases/yarn-4.16.0.cjs')}: in .yarn/, skipped by default; add "!.yarn/" ${config}`,
      `querylens: skipped ${path.join(dir, 'public/app.js')}: minified or bundled code, not read by default: a line of 10,177 characters; add "!public/app.js" ${config}`,
      `querylens: skipped ${path.join(dir, 'vendor.min.js')}: a *.min.js file, skipped by default; add "!vendor.min.js" ${config}`,
    ]);
  });

  it('reads what a "!" pattern of ignorePatterns takes back: a folder, a minified file, a large file', function () {
    this.timeout(60_000);
    const dir = make({ ignorePatterns: ['!.yarn/', '!public/app.js', '!src/generated.py'] });
    const { code, stdout, stderr } = run(dir, 'check', '--format', 'json');
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
    assert.deepEqual(found(stdout), [
      '.yarn/releases/yarn-4.16.0.cjs:1 select-star',
      'db/dump.sql:60002 select-star',
      'public/app.js:1 select-star',
      'src/app.py:5 select-star',
      'src/generated.py:5 select-star',
    ]);
  });
});
