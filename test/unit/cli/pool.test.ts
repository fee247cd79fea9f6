/**
 * `querylens pool` on a real SQLite file from a project folder: the live
 * pragmas and, next to them, the pools the project's code configures.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { runPoolCommand } from '../../../server/src/cli/pool';
import { parsePoolCommand } from '../../../server/src/cli/pool-args';
import { initHostParsers } from '../../../server/src/core/host/treesitter';

describe('querylens pool: the pools in the code', function () {
  this.timeout(30_000);
  let dir: string;
  before(async () => {
    await initHostParsers();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'querylens-pool-'));
    execFileSync('git', ['init', '-q', dir]);
    fs.mkdirSync(path.join(dir, 'app'));
    fs.writeFileSync(path.join(dir, 'app', 'db.py'), 'from sqlalchemy import create_engine\n\nengine = create_engine("sqlite:///app.db", pool_size=3, pool_pre_ping=True)\n');
    new Database(path.join(dir, 'app.db')).close();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function run(args: string[]): Promise<string> {
    let out = '';
    await runPoolCommand({ ...parsePoolCommand(args), cwd: dir, env: {}, write: async (text) => void (out += text) });
    return out;
  }

  it('text: the engine with where it is, its size (overflow by default) and its settings', async () => {
    const text = await run(['--connection', path.join(dir, 'app.db')]);
    assert.match(text, /SQLite pragmas/);
    const lines = text.split('\n');
    const at = lines.indexOf('Pools in the code:');
    assert.ok(at > 0, text);
    assert.equal(lines[at + 1]!.replace(/ +/g, ' '), ' app/db.py:3 create_engine (sqlalchemy, sqlite) 3 + 10 overflow (default) pre ping: True');
  });

  it('json: the same pools under configured', async () => {
    const report = JSON.parse(await run(['--connection', path.join(dir, 'app.db'), '--format', 'json']));
    assert.deepEqual(report.configured, [
      { file: 'app/db.py', line: 3, library: 'sqlalchemy', name: 'create_engine', dialect: 'sqlite', size: 3, overflow: 10, defaults: ['overflow'], settings: { prePing: 'True' } },
    ]);
  });
});
