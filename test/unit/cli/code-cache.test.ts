// The CLI runs its bundle with V8's code cache (bin/code-cache.js): the first run writes the
// cache, later runs read it, and a broken or missing cache never changes what a run reports.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildCli, cli } from './built-cli';

describe('CLI: V8 code cache of the bundle', function () {
  this.timeout(120_000);
  let dir: string;
  let project: string;

  before(() => {
    buildCli();
    dir = mkdtempSync(path.join(os.tmpdir(), 'querylens-code-cache-'));
    project = path.join(dir, 'project');
    mkdirSync(project);
    writeFileSync(path.join(project, 'schema.sql'), 'CREATE TABLE t (id int PRIMARY KEY, owner_id int);\n');
    writeFileSync(path.join(project, 'queries.sql'), 'SELECT * FROM t WHERE owner_id = 1;\n');
    // Host code: its grammar loads through web-tree-sitter, which once reached for a dynamic import.
    writeFileSync(path.join(project, 'app.py'), 'def owned(cursor):\n    cursor.execute("SELECT id FROM t WHERE owner_id = 2")\n    return cursor.fetchall()\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const check = (cache: string, env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [cli, 'check', '--format', 'json', '.'], { cwd: project, encoding: 'utf8', env: { ...process.env, GITHUB_WORKSPACE: '', QUERYLENS_CODE_CACHE: cache, ...env } });
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    assert.equal(r.stderr, '', 'nothing on stderr: no internal error, no warning');
    return r.stdout;
  };
  const cacheFiles = (folder: string) => (existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.bin')) : []);

  it('is written by the first run, read by the next, and reports the same findings', () => {
    const folder = path.join(dir, 'cache-a');
    const first = check(folder);
    const files = cacheFiles(folder);
    assert.equal(files.length, 1, `one cache file, got ${files.join(', ')}`);
    assert.match(files[0]!, /^cli-[0-9a-f]{24}\.bin$/);
    const written = statSync(path.join(folder, files[0]!)).mtimeMs;
    assert.equal(check(folder), first);
    // Read, not written again: V8 took it.
    assert.equal(statSync(path.join(folder, files[0]!)).mtimeMs, written);
    assert.deepEqual(readdirSync(folder), files, 'no temporary file left behind');
  });

  it('caches the SQLite and MySQL grammars too, when a run loads them', () => {
    const sqlite = path.join(dir, 'sqlite-project');
    mkdirSync(sqlite);
    writeFileSync(path.join(sqlite, 'sqlite_schema.sql'), 'CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, owner_id INTEGER);\nSELECT * FROM t WHERE owner_id = 1;\n');
    const folder = path.join(dir, 'cache-sqlite');
    const run = () => {
      const r = spawnSync(process.execPath, [cli, 'check', '--format', 'json', '.'], { cwd: sqlite, encoding: 'utf8', env: { ...process.env, GITHUB_WORKSPACE: '', QUERYLENS_CODE_CACHE: folder } });
      assert.equal(r.stderr, '');
      return r.stdout;
    };
    const first = run();
    const files = cacheFiles(folder).sort();
    assert.deepEqual(
      files.map((f) => f.replace(/-[0-9a-f]{24}\.bin$/, '')),
      ['cli', 'node-sql-parser-sqlite'],
    );
    const written = files.map((f) => statSync(path.join(folder, f)).mtimeMs);
    assert.match(first, /"ruleId": "select-star"/);
    assert.equal(run(), first);
    assert.deepEqual(
      files.map((f) => statSync(path.join(folder, f)).mtimeMs),
      written,
      'both read, neither written again',
    );
  });

  it('a corrupt cache file is rejected and written anew, with the same findings', () => {
    const folder = path.join(dir, 'cache-b');
    const clean = check(folder);
    const [file] = cacheFiles(folder);
    writeFileSync(path.join(folder, file!), 'not a code cache');
    assert.equal(check(folder), clean);
    assert.ok(statSync(path.join(folder, file!)).size > 1000, 'the cache was written again');
  });

  it('QUERYLENS_CODE_CACHE=off writes nothing; unset, the cache goes to the user cache folder', () => {
    const home = path.join(dir, 'xdg');
    const uncached = check('off', { XDG_CACHE_HOME: home });
    assert.equal(existsSync(home), false);
    assert.equal(check('', { XDG_CACHE_HOME: home }), uncached);
    assert.equal(cacheFiles(path.join(home, 'querylens', 'code-cache')).length, 1);
  });
});
