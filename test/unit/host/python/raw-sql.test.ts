import * as assert from 'node:assert/strict';
import type { EmbeddedSql } from '../../../../server/src/core/host/types';
import { covered, extractPython, loadParsers, py } from './helpers';

/** The file text each unit of the SQL comes from, for checking the offsets mapping. */
function mapped(text: string, sql: EmbeddedSql, from: number, to: number): string {
  return text.slice(sql.offsets[from], sql.offsets[to - 1] + 1);
}

describe('host/python: raw SQL', () => {
  loadParsers();

  it("maps text(\"... LIKE '%test%'\") back into the file, bind parameters numbered for PostgreSQL", () => {
    const text = py(`
      def search(session, tid):
          return session.execute(text("SELECT * FROM agents WHERE title LIKE '%test%' AND tenant_id = :tid"), {"tid": tid}).fetchall()
    `);
    const [q] = extractPython(text, 's.py').queries;
    assert.equal(q.kind, 'sql');
    assert.equal(q.statementKind, 'select');
    assert.equal(q.terminal, 'all');
    const sql = q.sql!;
    assert.equal(sql.text, "SELECT * FROM agents WHERE title LIKE '%test%' AND tenant_id = $1");
    assert.equal(sql.offsets.length, sql.text.length + 1);
    const like = sql.text.indexOf("title LIKE '%test%'");
    assert.equal(mapped(text, sql, like, like + "title LIKE '%test%'".length), "title LIKE '%test%'");
    const param = sql.text.indexOf('$1');
    assert.equal(mapped(text, sql, param, param + 2), ':t');
    assert.equal(covered(text, sql.literal), `"SELECT * FROM agents WHERE title LIKE '%test%' AND tenant_id = :tid"`);
    assert.deepEqual(q.parameterRoots, ['tid']);
  });

  it('keeps :name for SQLite named by the engine URL; concatenation, triple quotes, escapes and raw strings map exactly', () => {
    const text = py(`
      engine = create_engine(f"sqlite:///{path}")
      Q = ("SELECT é.id, 😀 "
           'FROM t\\tWHERE a = :a')
      def f(conn):
          conn.execute(text(Q))
          conn.execute(text("""
              UPDATE t SET b = 1
          """))
          conn.execute(text(r"SELECT '\\d' FROM t WHERE x = :x"))
    `);
    const [constant, update, rawStr] = extractPython(text, 'e.py').queries;
    assert.equal(constant.sql!.text, 'SELECT é.id, 😀 FROM t\tWHERE a = :a');
    assert.equal(covered(text, constant.span), 'conn.execute(text(Q))');
    assert.equal(update.statementKind, 'update');
    assert.equal(update.sql!.dialect, 'sqlite');
    assert.equal(rawStr.sql!.text, "SELECT '\\d' FROM t WHERE x = :x");
    const direct = py(`
      def g(cur):
          cur.execute("SELECT é.id, 😀 "
                      'FROM t\\tWHERE a = :a')
    `);
    const [d] = extractPython(direct, 'd.py', { dialect: 'sqlite' }).queries;
    const sql = d.sql!;
    assert.equal(sql.text, 'SELECT é.id, 😀 FROM t\tWHERE a = :a');
    for (const piece of ['é.id', '😀', 'FROM t', 'WHERE a = :a']) {
      const at = sql.text.indexOf(piece);
      assert.equal(mapped(direct, sql, at, at + piece.length), piece);
    }
    const tab = sql.text.indexOf('\t');
    assert.equal(direct.slice(sql.offsets[tab], sql.offsets[tab] + 2), '\\t');
  });

  it('turns f-string holes into placeholders and reads a SQL constant executed later', () => {
    const text = py(`
      LOOKUP = "SELECT * FROM planners WHERE planner_id = %s"
      def f(cursor, table, pid):
          cursor.execute(f"SELECT * FROM workers WHERE planner_id = {pid} AND task_status = 'pending'")
          cursor.execute(LOOKUP, (pid,))
    `);
    const [a, b] = extractPython(text, 'f.py').queries;
    assert.equal(a.sql!.text, "SELECT * FROM workers WHERE planner_id = $1 AND task_status = 'pending'");
    const hole = a.sql!.text.indexOf('$1');
    assert.equal(text.slice(a.sql!.offsets[hole], a.sql!.offsets[hole + 1] + 1), '{p');
    assert.equal(a.sql!.offsets[hole + 2], text.indexOf(' AND task_status'));
    assert.equal(b.sql!.text, 'SELECT * FROM planners WHERE planner_id = $1');
    assert.equal(covered(text, b.sql!.literal), '"SELECT * FROM planners WHERE planner_id = %s"');
    assert.deepEqual(b.parameterRoots, ['pid']);
  });
});
