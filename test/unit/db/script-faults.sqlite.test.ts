/**
 * A migration run statement by statement (sqlx `-- no-transaction`) whose
 * text has an unclosed /* comment: the splitter reads past it to report the
 * statements after it, but those must never be sent (the database would have
 * read them as comment). Checked on a real SQLite file.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { openDriver } from '../../../server/src/db/drivers';
import { applyMigrations } from '../../../server/src/db/migrations';
import type { Driver } from '../../../server/src/db/types';
import { workspaceOf } from './migrations-helpers';

describe('db/migrations: a script with an unclosed comment is not run', function () {
  this.timeout(60_000);
  let dir = '';
  let driver: Driver;
  const disposers: (() => void)[] = [];
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'querylens-script-faults-'));
    new Database(path.join(dir, 'app.sqlite')).close();
    driver = await openDriver({ name: 'test-sqlite', driver: 'sqlite', file: path.join(dir, 'app.sqlite') });
  });
  afterEach(async () => {
    await driver.close();
    rmSync(dir, { recursive: true, force: true });
    disposers.splice(0).forEach((d) => d());
  });
  const tables = () => {
    const db = new Database(path.join(dir, 'app.sqlite'), { readonly: true });
    try {
      return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'kept%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    } finally {
      db.close();
    }
  };

  async function apply(script: string): Promise<string> {
    const w = await workspaceOf({ 'migrations/20240101000000_faulty.up.sql': script, 'migrations/20240101000000_faulty.down.sql': 'SELECT 1;\n' });
    disposers.push(w.dispose);
    try {
      const result = await applyMigrations(driver, w.workspace, path.join(w.root, 'migrations'), 'apply');
      return JSON.stringify(result);
    } catch (error) {
      return (error as Error).message;
    }
  }

  it('refuses the whole script, and runs none of it', async () => {
    const outcome = await apply('-- no-transaction\nCREATE TABLE kept_a (id INTEGER);\n/* not yet:\nCREATE TABLE kept_b (id INTEGER);\n');
    assert.match(outcome, /QueryLens did not run this script: line 3 holds a \/\* comment that is never closed/);
    assert.deepEqual(tables(), []);
  });

  it('runs the same script once the comment is closed', async () => {
    const outcome = await apply('-- no-transaction\nCREATE TABLE kept_a (id INTEGER);\n/* not yet: */\nCREATE TABLE kept_b (id INTEGER);\n');
    assert.doesNotMatch(outcome, /did not run/);
    assert.deepEqual(tables(), ['kept_a', 'kept_b']);
  });
});
