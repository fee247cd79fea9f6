import * as assert from 'node:assert/strict';
import { initParsers, parseDocument } from '../../../server/src/core/sql/parse';
import type { ParsedDocument, Span } from '../../../server/src/core/sql/model';

/** The text a span covers, so assertions read as SQL rather than numbers. */
function at(text: string, span: Span | undefined): string {
  assert.ok(span, 'span missing');
  return text.slice(span.start, span.end);
}

function pg(text: string): ParsedDocument {
  return parseDocument(text, 'postgres');
}

describe('sql/postgres queries', () => {
  before(async () => {
    await initParsers();
  });

  it('splits the seed query into two equality predicates', () => {
    const text = "SELECT worker_id FROM workers WHERE planner_id = $1 AND task_status = 'pending'";
    const doc = pg(text);
    assert.equal(doc.errors.length, 0);
    const q = doc.statements[0].query!;
    assert.equal(q.kind, 'select');
    assert.deepEqual(q.tables.map((t) => t.name), ['workers']);
    assert.deepEqual(q.tables[0].span, { start: 22, end: 29 });
    assert.deepEqual(q.columns.map((c) => [c.table, c.column]), [['workers', 'worker_id']]);
    assert.deepEqual(
      q.predicates.map((p) => [p.column.table, p.column.column, p.op, p.valueKind, p.disjunctive, at(text, p.span)]),
      [
        ['workers', 'planner_id', 'eq', 'param', false, 'planner_id = $1'],
        ['workers', 'task_status', 'eq', 'literal', false, "task_status = 'pending'"],
      ],
    );
    assert.deepEqual(q.predicates[0].span, { start: 36, end: 51 });
  });

  it('resolves aliases and keeps join conditions apart from filters', () => {
    const text = 'SELECT w.id, p.name FROM app.workers AS w LEFT JOIN planners p ON p.id = w.planner_id AND p.active = true WHERE w.status <> $1 OR w.x IS NOT NULL';
    const q = pg(text).statements[0].query!;
    assert.deepEqual(q.tables.map((t) => [t.schema, t.name, t.alias]), [['app', 'workers', 'w']]);
    assert.equal(q.joins.length, 1);
    assert.equal(q.joins[0].kind, 'left');
    assert.equal(q.joins[0].table.name, 'planners');
    assert.deepEqual(q.joins[0].conditions.map((c) => [c.left.table, c.left.column, c.right.table, c.right.column]), [['planners', 'id', 'workers', 'planner_id']]);
    assert.deepEqual(
      q.predicates.map((p) => [p.column.table, p.column.column, p.op, p.disjunctive, at(text, p.span)]),
      [
        ['planners', 'active', 'eq', false, 'p.active = true'],
        ['workers', 'status', 'not_eq', true, 'w.status <> $1'],
        ['workers', 'x', 'not_eq', true, 'w.x IS NOT NULL'],
      ],
    );
    assert.equal(at(text, q.columns[0].span), 'w.id');
  });

  it('reads ORDER BY, LIMIT and OFFSET with spans and values', () => {
    const text = 'SELECT * FROM jobs WHERE queue = $1 ORDER BY created_at DESC, id LIMIT 50 OFFSET 100';
    const q = pg(text).statements[0].query!;
    assert.equal(at(text, q.selectStar), '*');
    assert.deepEqual(q.orderBy.map((o) => [o.column.column, o.desc]), [['created_at', true], ['id', false]]);
    assert.equal(at(text, q.limit!.span), 'LIMIT 50');
    assert.equal(q.limit!.value, 50);
    assert.equal(at(text, q.offset!.span), 'OFFSET 100');
    assert.equal(q.offset!.value, 100);
  });

  it('reads FETCH FIRST as a limit', () => {
    const text = 'SELECT id FROM jobs ORDER BY id FETCH FIRST 10 ROWS ONLY';
    const q = pg(text).statements[0].query!;
    assert.equal(at(text, q.limit!.span), 'FETCH FIRST 10 ROWS ONLY');
    assert.equal(q.limit!.value, 10);
  });

  it('marks aggregates without GROUP BY, and distinct', () => {
    assert.equal(pg('SELECT count(*) FROM jobs WHERE state = $1').statements[0].query!.isAggregate, true);
    const grouped = pg('SELECT state, count(*) FROM jobs GROUP BY state').statements[0].query!;
    assert.equal(grouped.isAggregate, false);
    assert.deepEqual(grouped.groupBy.map((c) => c.column), ['state']);
    assert.equal(pg('SELECT DISTINCT state FROM jobs').statements[0].query!.distinct, true);
  });

  it('classifies LIKE, ILIKE, IN, ANY, BETWEEN and NOT IN', () => {
    const text = "SELECT id FROM t WHERE name LIKE '%abc' AND mail ILIKE 'x%' AND a IN (1, 2) AND b = ANY($2) AND c BETWEEN 1 AND 5 AND d NOT IN (3) AND e NOT LIKE 'z'";
    const q = pg(text).statements[0].query!;
    assert.deepEqual(
      q.predicates.map((p) => [p.column.column, p.op, p.pattern, at(text, p.span)]),
      [
        ['name', 'like', '%abc', "name LIKE '%abc'"],
        ['mail', 'ilike', 'x%', "mail ILIKE 'x%'"],
        ['a', 'in', undefined, 'a IN (1, 2)'],
        ['b', 'in', undefined, 'b = ANY($2)'],
        ['c', 'range', undefined, 'c BETWEEN 1 AND 5'],
        ['d', 'not_eq', undefined, 'd NOT IN (3)'],
        ['e', 'not_eq', 'z', "e NOT LIKE 'z'"],
      ],
    );
    assert.equal(q.predicates[3].valueKind, 'param');
  });

  it('collects CTEs, subqueries and UNION arms', () => {
    const text = 'WITH recent AS (SELECT id FROM jobs WHERE at > now()) SELECT id FROM recent WHERE id IN (SELECT job_id FROM runs) UNION SELECT id FROM archive';
    const q = pg(text).statements[0].query!;
    assert.equal(q.setOp, 'union');
    const tables = q.subqueries.flatMap((s) => s.tables.map((t) => t.name)).sort();
    assert.deepEqual(tables, ['archive', 'jobs', 'runs']);
    assert.equal(q.predicates[0].valueKind, 'subquery');
    assert.equal(q.predicates[0].op, 'in');
  });

  it('finds subqueries in the select list, HAVING, SET and EXISTS, and none where the tree has no SubLink', () => {
    const tablesOf = (text: string) => pg(text).statements[0].query!.subqueries.flatMap((s) => s.tables.map((t) => t.name)).sort();
    assert.deepEqual(tablesOf('SELECT (SELECT max(b) FROM u) FROM t GROUP BY a HAVING count(*) > (SELECT count(*) FROM v)'), ['u', 'v']);
    assert.deepEqual(tablesOf('UPDATE t SET a = (SELECT b FROM u) WHERE EXISTS (SELECT 1 FROM v WHERE v.id = t.id)'), ['u', 'v']);
    assert.deepEqual(tablesOf("SELECT * FROM (SELECT a FROM u) s WHERE s.a = 'SubLink'"), ['u']);
    assert.deepEqual(tablesOf('SELECT a, b + 1 FROM t WHERE c = 1 AND (d > 2 OR e IS NULL)'), []);
  });

  it('models UPDATE, DELETE and INSERT ... SELECT', () => {
    const u = pg('UPDATE jobs SET state = 1 WHERE id = $1').statements[0];
    assert.equal(u.kind, 'update');
    assert.deepEqual(u.query!.predicates.map((p) => [p.column.table, p.column.column, p.op]), [['jobs', 'id', 'eq']]);
    const d = pg('DELETE FROM jobs').statements[0];
    assert.equal(d.kind, 'delete');
    assert.equal(d.query!.predicates.length, 0);
    const i = pg('INSERT INTO a (x) SELECT x FROM b WHERE y = 1').statements[0];
    assert.equal(i.kind, 'insert');
    assert.equal(i.query!.subqueries[0].tables[0].name, 'b');
    assert.equal(pg('INSERT INTO a VALUES (1)').statements[0].query, undefined);
  });

  it('keeps quoted identifiers as written and lower-cases the rest', () => {
    const q = pg('SELECT "Name" FROM Public."Users" WHERE Email = $1').statements[0].query!;
    assert.deepEqual([q.tables[0].schema, q.tables[0].name], ['public', 'Users']);
    assert.deepEqual(q.columns.map((c) => c.column), ['Name']);
    assert.equal(q.predicates[0].column.column, 'email');
  });

  it('builds each statement where it stands in the document: the spans of a one-off parse are those of a parse kept for edits', () => {
    const text = [
      "-- é, 😀: characters before the statements that take more than one byte",
      "CREATE TABLE naïve (id bigint PRIMARY KEY, \"é\" varchar(20) NOT NULL REFERENCES other (id), note text);",
      "CREATE INDEX CONCURRENTLY naïve_é ON naïve (lower(note)) WHERE note IS NOT NULL;",
      "ALTER TABLE naïve ADD COLUMN tag text UNIQUE, ADD CONSTRAINT fk FOREIGN KEY (tag) REFERENCES tags (name);",
      "SELECT n.id, count(*) FROM naïve n JOIN tags t USING (tag) WHERE n.\"é\" LIKE '%😀' AND n.note IS NOT NULL AND n.id IN (SELECT id FROM other) GROUP BY n.id ORDER BY n.id DESC OFFSET 5 ROWS FETCH FIRST 10 ROWS ONLY;",
      "UPDATE naïve SET note = 'x' WHERE id = (SELECT max(id) FROM naïve);",
      "SELECT 1; SELECT 2;",
    ].join('\n');
    const once = pg(text);
    const kept = parseDocument(text, 'postgres', {});
    assert.deepEqual(once, kept);
    const [table, index, alter, select] = once.statements;
    assert.equal(at(text, table!.span).slice(0, 18), 'CREATE TABLE naïve');
    const created = table!.changes[0]!;
    assert.ok(created.kind === 'createTable');
    assert.deepEqual(created.columns.map((c) => [c.type, at(text, c.span)]), [
      ['bigint', 'id bigint PRIMARY KEY'],
      ['varchar(20)', '"é" varchar(20) NOT NULL REFERENCES other (id)'],
      ['text', 'note text'],
    ]);
    const made = index!.changes[0]!;
    assert.ok(made.kind === 'createIndex');
    assert.deepEqual([at(text, made.keywordSpan), made.keys[0]!.expression, made.where], ['CREATE INDEX', 'lower(note)', 'note IS NOT NULL']);
    assert.deepEqual(alter!.changes.map((c) => at(text, c.span).slice(0, 17)), ['ALTER TABLE naïve', 'ALTER TABLE naïve']);
    const q = select!.query!;
    assert.deepEqual([...q.tables, ...q.joins.map((j) => j.table)].map((t) => at(text, t.span)), ['naïve', 'tags']);
    assert.deepEqual(q.predicates.map((p) => at(text, p.span)), ['n."é" LIKE \'%😀\'', 'n.note IS NOT NULL', 'n.id IN (SELECT id FROM other)']);
    assert.deepEqual([at(text, q.offset?.span), at(text, q.limit?.span)], ['OFFSET 5 ROWS', 'FETCH FIRST 10 ROWS ONLY']);
    assert.deepEqual(q.orderBy.map((o) => at(text, o.column.span)), ['n.id']);
    assert.deepEqual(once.statements.slice(-2).map((s) => at(text, s.span)), ['SELECT 1', 'SELECT 2']);
  });
});
