/**
 * The built CLI on a project whose only code is knex migrations (no Python,
 * no Rust): the tree-sitter grammars are loaded for them, the set is listed by
 * `migrations`, and `check` reports the migration rule in the knex file.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildCli, run } from './built-cli';

const INIT = "exports.up = (knex) => knex.schema.createTable('agents', (t) => { t.increments(); t.integer('planner_id').notNullable(); });\n";
const INDEX = "exports.up = (knex) => knex.schema.alterTable('agents', (t) => { t.index(['planner_id']); });\n";

describe('querylens CLI (built) on a knex project', function () {
  this.timeout(300_000);
  let root: string;
  before(() => {
    buildCli();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'querylens-knex-cli-'));
    fs.mkdirSync(path.join(root, 'migrations'));
    fs.writeFileSync(path.join(root, 'knexfile.js'), "module.exports = { client: 'pg' };\n");
    fs.writeFileSync(path.join(root, 'migrations', '20240101000000_init.js'), INIT);
    fs.writeFileSync(path.join(root, 'migrations', '20240201000000_index.js'), INDEX);
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('check finds the non-concurrent index in the knex migration', () => {
    const result = run(root, 'check', '--format', 'json', '.');
    assert.equal(result.stderr, '');
    const report = JSON.parse(result.stdout) as { files: number; findings: { ruleId: string; file: string; range: { start: { line: number; character: number } } }[] };
    assert.equal(report.files, 3); // knexfile.js too: JavaScript is analysed
    assert.deepEqual(report.findings.map((f) => [f.ruleId, f.file, f.range.start]), [['non-concurrent-index-creation', 'migrations/20240201000000_index.js', { line: 0, character: 67 }]]);
  });
});
