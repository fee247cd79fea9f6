/**
 * The knex and Kysely migrations the index fix writes in TypeScript folders
 * typecheck: `tsc --noEmit --strict` against the real `knex` and `kysely`
 * type definitions, for each module style a folder can have (ES modules,
 * CommonJS `exports.up` in `.ts`, `.mts`). JavaScript styles are run by the
 * real tools in knex.pg.test.ts / kysely.pg.test.ts.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MigrationSet } from '../../../server/src/core/catalog/types';
import { planMigrations } from '../../../server/src/core/migrations/writer';
import type { MigrationChange } from '../../../shared/types';

const now = new Date(Date.UTC(2024, 4, 6, 7, 8, 9));
const NODE_MODULES = path.resolve(__dirname, '../../../node_modules');

describe('knex and Kysely migrations written in TypeScript typecheck', function () {
  this.timeout(120_000);
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'querylens-tsc-'));
    fs.symlinkSync(NODE_MODULES, path.join(root, 'node_modules'), 'dir');
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('tsc --noEmit --strict accepts every style', () => {
    const change: MigrationChange = { kind: 'createIndex', index: { name: 'idx_Jobs_state', table: 'app.Jobs', keys: [{ column: 'state' }, { column: 'ownerId' }] } };
    const trigram: MigrationChange = { kind: 'createIndex', index: { name: 'idx_jobs_title_trgm', table: 'jobs', keys: [{ column: 'title', opclass: 'gin_trgm_ops' }], method: 'gin' } };
    const styles: [MigrationSet['tool'], 'esm' | 'cjs', string][] = [
      ['knex', 'esm', '.ts'],
      ['knex', 'cjs', '.ts'],
      ['knex', 'esm', '.mts'],
      ['kysely', 'esm', '.ts'],
      ['kysely', 'esm', '.mts'],
    ];
    const files: string[] = [];
    for (const [tool, module, extension] of styles) {
      const dir = path.join(root, `${tool}-${module}-${extension.slice(1)}`);
      fs.mkdirSync(dir);
      // kysely 0.29 is an ES module only: a Kysely project is one too (`"type": "module"`).
      if (tool === 'kysely') fs.writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
      const set: MigrationSet = { tool, dir, migrations: [], script: { module, extension } };
      for (const plan of planMigrations(set, [change, trigram], 'postgres', now)) {
        for (const f of plan.files) {
          fs.writeFileSync(f.file, f.content);
          files.push(f.file);
        }
      }
    }
    assert.equal(files.length, 10);
    const tsc = path.join(NODE_MODULES, 'typescript', 'bin', 'tsc');
    const args = ['--noEmit', '--strict', '--skipLibCheck', '--target', 'es2022', '--module', 'node16', '--moduleResolution', 'node16', '--types', 'node', ...files];
    try {
      execFileSync(process.execPath, [tsc, ...args], { cwd: root, encoding: 'utf8' });
    } catch (e) {
      assert.fail(`tsc failed:\n${(e as { stdout?: string }).stdout}`);
    }
  });
});
