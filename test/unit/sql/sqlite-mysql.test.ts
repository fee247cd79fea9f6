import * as assert from 'node:assert/strict';
import { inferDialect, initParsers, parseDocument } from '../../../server/src/core/sql/parse';
import type { SchemaChange, Span } from '../../../server/src/core/sql/model';

function at(text: string, span: Span | undefined): string {
  assert.ok(span, 'span missing');
  return text.slice(span.start, span.end);
}

describe('sql/sqlite and mysql', () => {
  before(async () => {
    await initParsers();
  });

  it('reads the seed query with ? placeholders in SQLite', () => {
    const text = "SELECT worker_id FROM workers WHERE planner_id = ? AND task_status = 'pending'";
    const doc = parseDocument(text, 'sqlite');
    assert.deepEqual(doc.errors, []);
    const q = doc.statements[0].query!;
    assert.deepEqual(q.tables.map((t) => [t.name, at(text, t.span)]), [['workers', 'workers']]);
    assert.deepEqual(q.columns.map((c) => [c.table, c.column, at(text, c.span)]), [['workers', 'worker_id', 'worker_id']]);
    assert.deepEqual(
      q.predicates.map((p) => [p.column.table, p.column.column, p.op, p.valueKind, p.disjunctive, at(text, p.span)]),
      [
        ['workers', 'planner_id', 'eq', 'param', false, 'planner_id = ?'],
        ['workers', 'task_status', 'eq', 'literal', false, "task_status = 'pending'"],
      ],
    );
  });

  it('reads joins, aliases, LIKE, IN, IS NULL, ORDER BY and LIMIT in MySQL', () => {
    const text = "SELECT w.id FROM `workers` w JOIN planners p ON p.id = w.planner_id WHERE w.name LIKE '%bob' AND (w.a IN (1, 2) OR w.b IS NULL) ORDER BY w.created_at DESC LIMIT 20 OFFSET 40";
    const doc = parseDocument(text, 'mysql');
    assert.deepEqual(doc.errors, []);
    const q = doc.statements[0].query!;
    assert.deepEqual(q.tables.map((t) => [t.name, t.alias]), [['workers', 'w']]);
    assert.deepEqual(q.joins.map((j) => [j.kind, j.table.name, j.conditions.map((c) => `${c.left.table}.${c.left.column}=${c.right.table}.${c.right.column}`)]), [['inner', 'planners', ['planners.id=workers.planner_id']]]);
    assert.deepEqual(
      q.predicates.map((p) => [p.column.table, p.column.column, p.op, p.disjunctive, p.pattern, at(text, p.span)]),
      [
        ['workers', 'name', 'like', false, '%bob', "w.name LIKE '%bob'"],
        ['workers', 'a', 'in', true, undefined, 'w.a IN (1, 2)'],
        ['workers', 'b', 'is_null', true, undefined, 'w.b IS NULL'],
      ],
    );
    assert.deepEqual(q.orderBy.map((o) => [o.column.table, o.column.column, o.desc]), [['workers', 'created_at', true]]);
    assert.equal(at(text, q.limit!.span), 'LIMIT 20');
    assert.equal(q.limit!.value, 20);
    assert.equal(at(text, q.offset!.span), 'OFFSET 40');
    assert.equal(q.offset!.value, 40);
  });

  it('marks aggregates and select-star', () => {
    const text = 'SELECT count(*) FROM t WHERE a = ?; SELECT * FROM t';
    const doc = parseDocument(text, 'sqlite');
    assert.equal(doc.statements[0].query!.isAggregate, true);
    assert.equal(at(text, doc.statements[1].query!.selectStar), '*');
  });

  it('reads SQLite DDL, including forms node-sql-parser rejects', () => {
    const text = `CREATE TABLE IF NOT EXISTS workers (id INTEGER PRIMARY KEY AUTOINCREMENT, planner_id INTEGER NOT NULL REFERENCES planners(id), status TEXT);
CREATE UNIQUE INDEX IF NOT EXISTS ix ON workers (planner_id, status DESC);
PRAGMA foreign_keys = ON;
BEGIN;
ALTER TABLE workers ADD COLUMN note TEXT;
COMMIT;
DROP INDEX IF EXISTS ix;
ALTER TABLE workers RENAME COLUMN note TO notes;`;
    const doc = parseDocument(text, 'sqlite');
    assert.deepEqual(doc.errors, []);
    const changes: SchemaChange[] = doc.statements.flatMap((s) => s.changes);
    assert.deepEqual(changes.map((c) => c.kind), ['createTable', 'createIndex', 'addColumn', 'dropIndex', 'renameColumn']);
    const [table, index, add, drop, rename] = changes;
    assert.ok(table.kind === 'createTable');
    assert.deepEqual(table.columns.map((c) => [c.name, c.type, c.notNull, c.primaryKey, c.references?.table]), [
      ['id', 'integer', true, true, undefined],
      ['planner_id', 'integer', true, false, 'planners'],
      ['status', 'text', false, false, undefined],
    ]);
    assert.equal(at(text, table.columns[1].span), 'planner_id INTEGER NOT NULL REFERENCES planners(id)');
    assert.ok(index.kind === 'createIndex');
    assert.deepEqual([index.name, index.table, index.unique, index.ifNotExists, index.keys], ['ix', 'workers', true, true, [{ column: 'planner_id' }, { column: 'status', desc: true }]]);
    assert.equal(at(text, index.keywordSpan), 'CREATE UNIQUE INDEX');
    assert.ok(add.kind === 'addColumn' && add.column.name === 'note');
    assert.ok(drop.kind === 'dropIndex' && drop.names[0] === 'ix');
    assert.ok(rename.kind === 'renameColumn' && rename.from === 'note' && rename.to === 'notes');
    assert.deepEqual(doc.statements.map((s) => s.inTransaction), [false, false, false, false, true, false, false, false]);
  });

  it("reads libSQL's ALTER TABLE ... ALTER COLUMN c TO c <definition> (Turso: drizzle-kit's migrations in openstatus) as the rename it includes", () => {
    const text =
      'ALTER TABLE `status_report_update` ALTER COLUMN "status" TO "status" text NOT NULL;--> statement-breakpoint\n' +
      'ALTER TABLE `page_subscriber` ALTER COLUMN "email" TO "mail" text;\n' +
      'CREATE UNIQUE INDEX `page_slug_unique` ON `page` (`slug`);';
    const doc = parseDocument(text, 'sqlite');
    assert.deepEqual(doc.errors, []);
    assert.deepEqual(
      doc.statements.flatMap((s) => s.changes).map((c) => (c.kind === 'renameColumn' ? [c.kind, c.table, c.from, c.to] : [c.kind])),
      [['renameColumn', 'status_report_update', 'status', 'status'], ['renameColumn', 'page_subscriber', 'email', 'mail'], ['createIndex']],
    );
    // Not libSQL's form (no TO): still a syntax error, where it is.
    const broken = parseDocument('ALTER TABLE `page` ALTER COLUMN "slug" text;', 'sqlite');
    assert.equal(broken.errors.length, 1);
  });

  it('reads SQLite [name] quoting (uptime-kuma\'s migrations), spans kept', () => {
    const text = 'CREATE TABLE [maintenance] ([id] INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, [user_id] INTEGER REFERENCES [user]([id]));\nCREATE INDEX [monitor_id_index] ON [monitor_maintenance]([monitor_id]);';
    const doc = parseDocument(text, 'sqlite');
    assert.deepEqual(doc.errors, []);
    const [table, index] = doc.statements.flatMap((s) => s.changes);
    assert.ok(table?.kind === 'createTable' && index?.kind === 'createIndex');
    assert.deepEqual([table.table, table.columns.map((c) => [c.name, c.references?.table ?? null])], ['maintenance', [['id', null], ['user_id', 'user']]]);
    assert.deepEqual([index.name, index.table, index.keys], ['monitor_id_index', 'monitor_maintenance', [{ column: 'monitor_id' }]]);
    assert.equal(at(text, table.columns[1]!.span), '[user_id] INTEGER REFERENCES [user]([id])');
  });

  it('reads MySQL DDL with inline keys and ALTER TABLE actions', () => {
    const text = 'CREATE TABLE `orders` (id INT AUTO_INCREMENT PRIMARY KEY, user_id INT NOT NULL, KEY idx_user (user_id, created_at), CONSTRAINT fk_u FOREIGN KEY (user_id) REFERENCES users(id)) ENGINE=InnoDB;\nALTER TABLE orders ADD INDEX idx_s (status), DROP COLUMN legacy;';
    const doc = parseDocument(text, 'mysql');
    assert.deepEqual(doc.errors, []);
    const changes = doc.statements.flatMap((s) => s.changes);
    assert.deepEqual(changes.map((c) => c.kind), ['createTable', 'createIndex', 'createIndex', 'dropColumn']);
    const [t, k, a] = changes;
    assert.ok(t.kind === 'createTable' && t.table === 'orders' && t.foreignKeys[0].name === 'fk_u' && t.foreignKeys[0].refTable === 'users');
    assert.ok(k.kind === 'createIndex' && k.name === 'idx_user' && k.keys.map((x) => x.column).join() === 'user_id,created_at');
    assert.ok(a.kind === 'createIndex' && a.table === 'orders' && a.keys[0].column === 'status');
  });

  it('maps node-sql-parser errors to the exact offset and keeps parsing', () => {
    const text = 'SELECT 1;\nSELECT a FROM t WHERE b = ;\nSELECT c FROM u;';
    const doc = parseDocument(text, 'sqlite');
    assert.equal(doc.errors.length, 1);
    const semi = text.indexOf('= ;') + 2;
    // The error is at the end of the statement: the last token is underlined.
    assert.deepEqual(doc.errors[0].span, { start: semi - 2, end: semi - 1 });
    assert.deepEqual(doc.statements.map((s) => s.text), ['SELECT 1', 'SELECT c FROM u']);
    const mid = parseDocument('SELECT a FROM t WHERE AND b = 1', 'mysql');
    assert.equal(mid.errors.length, 1);
    // MySQL takes `AND` as a column name here, so the parser stops at `b`.
    assert.equal(at('SELECT a FROM t WHERE AND b = 1', mid.errors[0].span), 'b');
  });

  it('keeps SQLite trigger bodies in one statement', () => {
    const doc = parseDocument('CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE u SET n = n + 1; DELETE FROM v; END;\nSELECT 1;', 'sqlite');
    assert.equal(doc.statements.length + doc.errors.length, 2);
  });

  it('infers the dialect from tokens, not from strings or comments', () => {
    assert.equal(inferDialect('CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT);'), 'sqlite');
    assert.equal(inferDialect('PRAGMA journal_mode = wal;'), 'sqlite');
    assert.equal(inferDialect('CREATE TABLE `t` (id INT AUTO_INCREMENT) ENGINE=InnoDB;'), 'mysql');
    assert.equal(inferDialect("SELECT 'AUTOINCREMENT' -- PRAGMA\nFROM t WHERE a = $1"), 'postgres');
    assert.equal(inferDialect('SELECT 1', 'db/app.sqlite.sql'), 'sqlite');
    assert.equal(inferDialect('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT) WITHOUT ROWID;'), 'sqlite');
  });

  it('keeps PostgreSQL files that share words with SQLite as postgres', () => {
    // VACUUM and WITHOUT (TIME ZONE, OIDS) exist in both; pg_regress is full of them.
    assert.equal(inferDialect('VACUUM ANALYZE t;\nCREATE TABLE u (ts timestamp WITHOUT TIME ZONE);'), 'postgres');
    assert.equal(inferDialect("\\set x 1\nSELECT '1'::int;"), 'postgres');
  });
});
