import * as assert from 'node:assert/strict';
import { initParsers, parseDocument } from '../../../server/src/core/sql/parse';
import type { SchemaChange } from '../../../server/src/core/sql/model';

function changes(text: string): SchemaChange[] {
  const doc = parseDocument(text, 'postgres');
  assert.deepEqual(doc.errors, []);
  return doc.statements.flatMap((s) => s.changes);
}

describe('sql/postgres DDL', () => {
  before(async () => {
    await initParsers();
  });

  it('reads CREATE TABLE columns and constraints', () => {
    const text = 'CREATE TABLE IF NOT EXISTS workers (id bigserial PRIMARY KEY, planner_id int NOT NULL REFERENCES planners(id), task_status varchar(20), created_at timestamp with time zone, UNIQUE (planner_id, task_status), CONSTRAINT fk_t FOREIGN KEY (team_id) REFERENCES teams (id))';
    const [c] = changes(text);
    assert.equal(c.kind, 'createTable');
    if (c.kind !== 'createTable') return;
    assert.equal(c.table, 'workers');
    assert.equal(c.ifNotExists, true);
    assert.deepEqual(c.columns.map((col) => [col.name, col.type, col.notNull, col.primaryKey]), [
      ['id', 'bigserial', true, true],
      ['planner_id', 'int', true, false],
      ['task_status', 'varchar(20)', false, false],
      ['created_at', 'timestamp with time zone', false, false],
    ]);
    assert.equal(text.slice(c.columns[1].span.start, c.columns[1].span.end), 'planner_id int NOT NULL REFERENCES planners(id)');
    assert.deepEqual(c.columns[1].references, { table: 'planners', column: 'id' });
    assert.deepEqual(c.primaryKey, ['id']);
    assert.deepEqual(c.uniques, [{ columns: ['planner_id', 'task_status'] }]);
    assert.deepEqual(c.foreignKeys.map((f) => [f.name, f.columns, f.refTable, f.refColumns]), [
      [undefined, ['planner_id'], 'planners', ['id']],
      ['fk_t', ['team_id'], 'teams', ['id']],
    ]);
  });

  it('reads CREATE INDEX with keys, method, predicate and the keyword span', () => {
    const text = 'CREATE UNIQUE INDEX IF NOT EXISTS ix_w ON public.workers USING btree (planner_id, lower(email), created_at DESC, name text_pattern_ops) WHERE deleted_at IS NULL';
    const [c] = changes(text);
    assert.equal(c.kind, 'createIndex');
    if (c.kind !== 'createIndex') return;
    assert.deepEqual([c.name, c.table, c.unique, c.method, c.concurrently, c.ifNotExists, c.partial, c.where], ['ix_w', 'workers', true, 'btree', false, true, true, 'deleted_at IS NULL']);
    assert.deepEqual(c.keys, [{ column: 'planner_id' }, { expression: 'lower(email)' }, { column: 'created_at', desc: true }, { column: 'name', opclass: 'text_pattern_ops' }]);
    assert.equal(text.slice(c.keywordSpan.start, c.keywordSpan.end), 'CREATE UNIQUE INDEX');
    const [d] = changes('create index concurrently on t (a)');
    assert.ok(d.kind === 'createIndex' && d.concurrently && d.name === undefined && d.keywordSpan.end === 'create index'.length);
  });

  it('reads DROP, ALTER TABLE and RENAME', () => {
    const got = changes(`DROP TABLE a, s.b;
DROP INDEX CONCURRENTLY ix;
ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0, DROP COLUMN d;
ALTER TABLE t ADD CONSTRAINT t_pk PRIMARY KEY (id), ADD CONSTRAINT t_u UNIQUE (a, b), ADD CONSTRAINT t_fk FOREIGN KEY (o) REFERENCES o (id), DROP CONSTRAINT old;
ALTER TABLE t RENAME COLUMN a TO b;
ALTER TABLE t RENAME TO u;
ALTER INDEX ix RENAME TO iy;`);
    assert.deepEqual(got.map((c) => c.kind), ['dropTable', 'dropIndex', 'addColumn', 'dropColumn', 'addConstraint', 'addConstraint', 'addConstraint', 'dropConstraint', 'renameColumn', 'renameTable', 'renameIndex']);
    const [dropT, dropI, add, , pk, uq, fk, dc, rc, rt, ri] = got;
    assert.ok(dropT.kind === 'dropTable' && dropT.tables.join() === 'a,s.b'); // as written: a drop names its schema
    assert.ok(dropI.kind === 'dropIndex' && dropI.names.join() === 'ix');
    assert.ok(add.kind === 'addColumn' && add.column.name === 'c' && add.column.notNull && add.column.type === 'int');
    assert.ok(pk.kind === 'addConstraint' && pk.constraint.type === 'primaryKey' && pk.constraint.columns.join() === 'id');
    assert.ok(uq.kind === 'addConstraint' && uq.constraint.type === 'unique' && uq.constraint.name === 't_u');
    assert.ok(fk.kind === 'addConstraint' && fk.constraint.type === 'foreignKey' && fk.constraint.fk.refTable === 'o');
    assert.ok(dc.kind === 'dropConstraint' && dc.name === 'old');
    assert.ok(rc.kind === 'renameColumn' && rc.from === 'a' && rc.to === 'b' && rc.table === 't');
    assert.ok(rt.kind === 'renameTable' && rt.from === 't' && rt.to === 'u');
    assert.ok(ri.kind === 'renameIndex' && ri.from === 'ix' && ri.to === 'iy');
  });

  it('marks statements inside BEGIN ... COMMIT', () => {
    const doc = parseDocument('CREATE INDEX a ON t (x);\nBEGIN;\nCREATE INDEX b ON t (y);\nCOMMIT;\nCREATE INDEX c ON t (z);', 'postgres');
    assert.deepEqual(doc.statements.map((s) => [s.kind, s.inTransaction]), [
      ['create_index', false],
      ['transaction', false],
      ['create_index', true],
      ['transaction', false],
      ['create_index', false],
    ]);
  });
});
