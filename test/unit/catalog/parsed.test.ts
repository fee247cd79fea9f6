/** The catalog built from real migrations through the real SQL parser. */
import * as assert from 'node:assert/strict';
import { buildCatalog, indexCovers } from '../../../server/src/core/catalog/build';
import { initParsers, parseDocument } from '../../../server/src/core/sql/parse';

describe('buildCatalog over parsed PostgreSQL migrations', () => {
  before(() => initParsers());

  const m1 = `CREATE TABLE planners (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE workers (
  id bigserial PRIMARY KEY,
  planner_id bigint NOT NULL REFERENCES planners(id),
  task_status text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workers_planner_idx ON workers (planner_id);`;
  const m2 = `CREATE INDEX CONCURRENTLY workers_planner_status_idx ON workers (planner_id, task_status);
ALTER TABLE workers RENAME COLUMN task_status TO status;
DROP INDEX workers_planner_idx;
ALTER TABLE workers ADD COLUMN name text;
CREATE INDEX workers_name_trgm ON workers USING gin (name gin_trgm_ops) WHERE name IS NOT NULL;`;

  function build() {
    return buildCatalog([
      { file: '/w/migrations/0001.sql', document: parseDocument(m1, 'postgres'), order: 0 },
      { file: '/w/migrations/0002.sql', document: parseDocument(m2, 'postgres'), order: 1 },
    ]);
  }

  it('applies tables, keys, foreign keys, indexes, renames and drops', () => {
    const c = build();
    const planners = c.getTable('planners')!;
    assert.deepEqual(planners.indexes.map((i) => [i.name, i.implicit]), [['planners_pkey', 'primaryKey'], ['planners_email_key', 'unique']]);
    const workers = c.getTable('workers')!;
    assert.deepEqual([...workers.columns.keys()], ['id', 'planner_id', 'status', 'created_at', 'name']);
    assert.deepEqual(workers.foreignKeys.map((f) => [f.columns, f.refTable, f.refColumns]), [[['planner_id'], 'planners', ['id']]]);
    assert.deepEqual(
      workers.indexes.map((i) => [i.name, i.keys.map((k) => k.column ?? k.expression), i.method, i.partial]),
      [
        ['workers_pkey', ['id'], 'btree', false],
        ['workers_planner_status_idx', ['planner_id', 'status'], 'btree', false],
        ['workers_name_trgm', ['name'], 'gin', true],
      ],
    );
    assert.equal(workers.indexes[2].keys[0].opclass, 'gin_trgm_ops');
    assert.equal(workers.indexes[1].origin.file, '/w/migrations/0002.sql');
    assert.equal(m2.slice(workers.indexes[1].origin.span.start, workers.indexes[1].origin.span.end).startsWith('CREATE INDEX CONCURRENTLY'), true);
  });

  it('answers index coverage on the result', () => {
    const [, composite] = build().getTable('workers')!.indexes;
    assert.equal(indexCovers(composite, ['status', 'planner_id']), true);
    assert.equal(indexCovers(composite, ['planner_id'], ['created_at']), false);
  });
});
