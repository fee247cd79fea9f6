/**
 * Index fixes in a set of migrations whose runner fills psql variables in
 * (graphile-worker's `sql/000011.sql`: `create table :GRAPHILE_WORKER_SCHEMA._private_jobs`):
 * a new migration cannot name such a table, so none is offered; a table named
 * plainly gets the next file, named as the set names its own (the number alone).
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { defaultConfig } from '../../../server/src/core/config/types';
import { namedByPsqlVariable } from '../../../server/src/core/engine/fixes';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';

const ROOT = path.resolve('/worker');
const FILES = {
  'sql/000001.sql': 'create table :WORKER_SCHEMA.jobs (id bigint primary key, task_id int not null);\ncreate table queues (id bigint primary key, name text not null);\n',
  'sql/000002.sql': 'alter table :WORKER_SCHEMA.jobs add column locked_at timestamptz;\n',
  'queries/jobs.sql': 'SELECT id FROM jobs WHERE task_id = $1;\nSELECT id FROM queues WHERE name = $1;\n',
};

describe('index fixes for tables named through psql variables', () => {
  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  it('reads a CREATE TABLE that names its table through a psql variable', () => {
    assert.equal(namedByPsqlVariable('create table :WORKER_SCHEMA.jobs (id int)'), true);
    assert.equal(namedByPsqlVariable("CREATE UNLOGGED TABLE IF NOT EXISTS :'schema'.jobs (id int)"), true);
    assert.equal(namedByPsqlVariable('create table app.jobs (id int, at time default \'10:30\')'), false);
    assert.equal(namedByPsqlVariable(undefined), false);
  });

  it('offers no new migration for such a table, and the next numbered file for one named plainly', () => {
    const ws = Workspace.fromFiles({ root: ROOT, config: { ...defaultConfig(), dialect: 'postgres' } }, FILES);
    const found = ws
      .analyze(path.join(ROOT, 'queries/jobs.sql'))
      .filter((f) => f.ruleId === 'missing-index')
      .map((f) => [f.message, f.fixes.map((fix) => fix.changes.map((c) => `${c.kind} ${path.relative(ROOT, c.file)}`))]);
    assert.deepEqual(found, [
      ['Query filters jobs on task_id, but no index leads with it: every call scans the table. Add an index on jobs(task_id).', []],
      ['Query filters queues on name, but no index leads with it: every call scans the table. Add an index on queues(name).', [['create sql/000003.sql']]],
    ]);
  });
});
