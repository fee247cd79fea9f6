import * as assert from 'node:assert/strict';
import * as libpg from 'libpg-query';
import { fingerprintSync, loadPgWasm, parsePg, parseSync, PgSqlError, type PgTree } from '../../../server/src/core/sql/pg/wasm';
import { initParsers, parseDocument } from '../../../server/src/core/sql/parse';

const never = (): boolean => false;

describe('sql/postgres WebAssembly calls', () => {
  before(async () => {
    await Promise.all([loadPgWasm(), libpg.loadModule(), initParsers()]);
  });

  it('returns the tree libpg-query returns, non-ASCII text included', () => {
    for (const sql of [
      "SELECT name FROM users WHERE email = 'é@x' AND id IN (SELECT user_id FROM orders) ORDER BY 1 LIMIT 5",
      'CREATE TABLE t (id bigint PRIMARY KEY, "naïve" text NOT NULL)',
      'SET search_path = public; SELECT 1',
      "SELECT '😀' AS emoji, x FROM t",
    ]) {
      const tree: PgTree = libpg.parseSync(sql);
      assert.deepEqual(parseSync(sql), tree, sql);
      assert.deepEqual(parsePg(sql, () => true), { type: Object.keys(tree.stmts[0].stmt)[0], tree });
    }
  });

  it('gives the statement type alone when the caller has no use for the tree', () => {
    assert.deepEqual(parsePg('SET search_path = public', never), { type: 'VariableSetStmt' });
    assert.deepEqual(parsePg('GRANT SELECT ON t TO bob', never), { type: 'GrantStmt' });
    assert.deepEqual(parsePg('VACUUM ANALYZE t', (type) => type === 'SelectStmt'), { type: 'VacuumStmt' });
    // Wanted: the tree too.
    assert.equal(parsePg('SELECT 1', (type) => type === 'SelectStmt').tree.stmts[0].stmt.SelectStmt.targetList.length, 1);
  });

  it("hands the caller the tree's bytes on request, to decide by more than the type", () => {
    const bySelect = (_type: string, json: () => Buffer) => json().includes('"selectStmt":{"SelectStmt":{"targetList"');
    assert.equal(parsePg('INSERT INTO t SELECT 1', bySelect).tree.stmts[0].stmt.InsertStmt.relation.relname, 't');
    assert.deepEqual(parsePg('INSERT INTO t VALUES (1)', bySelect), { type: 'InsertStmt' });
  });

  it('says whether a decoded tree holds the probed bytes (a SubLink: a subquery in an expression)', () => {
    const probe = '"SubLink"';
    assert.equal(parsePg('SELECT a FROM t WHERE b = 1', () => true, probe).probed, false);
    assert.equal(parsePg('SELECT a FROM t WHERE b IN (SELECT c FROM u)', () => true, probe).probed, true);
    assert.equal(parsePg('SELECT (SELECT 1)', () => true, probe).probed, true);
    assert.equal(parsePg('SELECT a FROM t', () => true).probed, undefined);
  });

  it('decodes the tree when the text holds several statements, whatever the first one', () => {
    const parsed = parsePg('SET x = 1; SELECT 2', never);
    assert.equal(parsed.type, 'VariableSetStmt');
    assert.deepEqual(Object.keys(parsed.tree.stmts[1].stmt), ['SelectStmt']);
  });

  it('decodes the tree when a statement starts after the text does (its JSON names a stmt_location), and only then', () => {
    // The key is looked for in the last statement's last bytes: long trees, several statements, numbers of every length.
    const many = Array.from({ length: 40 }, (_, i) => `SET x${i} = ${'9'.repeat(i + 1)}`).join('; ');
    assert.deepEqual(Object.keys(parsePg(many, never).tree.stmts[39].stmt), ['VariableSetStmt']);
    assert.equal(parsePg(`${many};`, never).tree.stmts.length, 40);
    assert.equal(parsePg('/* first */ SET x = 1', never).tree.stmts[0].stmt_location, 12);
    assert.deepEqual(parsePg(`SET x = '${'y'.repeat(500)}'`, never), { type: 'VariableSetStmt' });
    assert.deepEqual(parsePg('SET x = 1;', never), { type: 'VariableSetStmt' });
  });

  it('decodes the tree of a text without statements (a comment)', () => {
    assert.deepEqual(parsePg('-- nothing', never), { type: '', tree: libpg.parseSync('-- nothing') });
  });

  it("throws libpg-query's error: its message and its 0-based cursor in code points", () => {
    const sql = "SELECT 'é' FROM WHERE x";
    let wrapper: unknown;
    try {
      libpg.parseSync(sql);
    } catch (e) {
      wrapper = e;
    }
    assert.throws(
      () => parsePg(sql, never),
      (e: unknown) => {
        assert.ok(e instanceof PgSqlError);
        assert.equal(e.message, 'syntax error at or near "WHERE"');
        assert.equal(e.sqlDetails.cursorPosition, 16);
        assert.deepEqual(e.sqlDetails, (wrapper as PgSqlError).sqlDetails);
        return true;
      },
    );
    assert.throws(() => parsePg('', never), /Query cannot be empty/);
  });

  it("fingerprints as libpg-query does, and rejects what it rejects", () => {
    assert.equal(fingerprintSync('SELECT a FROM t WHERE b = 1'), libpg.fingerprintSync('SELECT a FROM t WHERE b = 2'));
    assert.throws(() => fingerprintSync('SELECT FROM WHERE'), /syntax error/);
  });

  it('builds the same statements for skipped and decoded trees', () => {
    const doc = parseDocument('SET search_path = public;\nBEGIN;\nGRANT SELECT ON t TO bob;\nCOMMIT;\n', 'postgres');
    assert.deepEqual(
      doc.statements.map((s) => [s.kind, s.text, s.span, s.changes, s.query, s.inTransaction]),
      [
        ['other', 'SET search_path = public', { start: 0, end: 24 }, [], undefined, false],
        ['transaction', 'BEGIN', { start: 26, end: 31 }, [], undefined, false],
        ['other_ddl', 'GRANT SELECT ON t TO bob', { start: 33, end: 57 }, [], undefined, true],
        ['transaction', 'COMMIT', { start: 59, end: 65 }, [], undefined, false],
      ],
    );
  });
});

describe('sql/postgres INSERT statements without a tree', () => {
  before(async () => {
    await initParsers();
  });

  it('models INSERT ... SELECT and leaves INSERT ... VALUES as a bare insert, CTEs and all', () => {
    const text = [
      'INSERT INTO t (a) VALUES (1), (2)',
      "INSERT INTO t WITH x AS (SELECT 1) VALUES ('selectStmt')",
      'INSERT INTO t DEFAULT VALUES',
      'WITH v AS (INSERT INTO u VALUES (1) RETURNING a) INSERT INTO t SELECT a FROM v',
      'INSERT INTO t SELECT a FROM u UNION SELECT b FROM w',
    ].join(';\n');
    const doc = parseDocument(text, 'postgres');
    assert.deepEqual(
      doc.statements.map((s) => [s.kind, s.query?.kind, s.query?.tables.map((t) => t.name), s.changes.length]),
      [
        ['insert', undefined, undefined, 0],
        ['insert', undefined, undefined, 0],
        ['insert', undefined, undefined, 0],
        ['insert', 'insert', ['t'], 0],
        ['insert', 'insert', ['t'], 0],
      ],
    );
  });
});

describe('sql/postgres transactions', () => {
  before(async () => {
    await initParsers();
  });

  it('marks the statements between the words that open and close a transaction, whatever their case', () => {
    const doc = parseDocument(
      [
        'START TRANSACTION',
        'UPDATE t SET a = 1',
        'end',
        'SELECT 1',
        'Begin ISOLATION LEVEL SERIALIZABLE',
        'DELETE FROM t',
        'ROLLBACK TO SAVEPOINT s',
        'INSERT INTO t VALUES (1)',
        'ABORT',
        'SELECT 2',
        'begin',
        '(SELECT 3)',
        'commit',
        'ending_soon()',
      ].join(';\n'),
      'postgres',
    );
    assert.deepEqual(
      doc.statements.map((s) => [s.text.split(' ')[0], s.inTransaction]),
      [
        ['START', false],
        ['UPDATE', true],
        ['end', false],
        ['SELECT', false],
        ['Begin', false],
        ['DELETE', true],
        ['ROLLBACK', true],
        ['INSERT', true],
        ['ABORT', false],
        ['SELECT', false],
        ['begin', false],
        ['(SELECT', true],
        ['commit', false],
      ],
    );
  });
});
