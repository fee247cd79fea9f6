import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParsers, parseDocument } from '../../../server/src/core/sql/parse';
import { CORPUS } from '../../corpus';


describe('sql/splitting and errors', () => {
  before(async () => {
    await initParsers();
  });

  it('gives one error at the exact place of a broken statement and parses the rest', () => {
    const text = 'SELECT 1;\n\nSELECT a FROM WHERE b = 1;\n-- next\nSELECT c FROM t WHERE d = $1;';
    const doc = parseDocument(text, 'postgres');
    assert.equal(doc.errors.length, 1);
    assert.deepEqual(doc.errors[0].span, { start: text.indexOf('WHERE'), end: text.indexOf('WHERE') + 5 });
    assert.match(doc.errors[0].message, /syntax error at or near "WHERE"/);
    assert.deepEqual(doc.statements.map((s) => s.text), ['SELECT 1', 'SELECT c FROM t WHERE d = $1']);
    assert.deepEqual(doc.statements[1].span, { start: text.indexOf('SELECT c'), end: text.length - 1 });
  });

  it('points at the right character after non-ASCII text (bytes and code points are not UTF-16)', () => {
    const text = "SELECT 'héllo wörld 😀' AS greeting, x frm t;\nSELECT 'ü' FROM t WHERE x = 1;";
    const doc = parseDocument(text, 'postgres');
    assert.equal(doc.errors.length, 1);
    const start = text.indexOf(' t;') + 1;
    assert.deepEqual(doc.errors[0].span, { start, end: start + 1 });
    const q = doc.statements[0].query!;
    assert.equal(text.slice(q.predicates[0].span.start, q.predicates[0].span.end), 'x = 1');
    assert.equal(text.slice(q.tables[0].span.start, q.tables[0].span.end), 't');
  });

  it('underlines the last token when the error is at the end of the input', () => {
    const text = 'SELECT 1;\nSELECT * FROM t WHERE';
    const doc = parseDocument(text, 'postgres');
    assert.equal(doc.errors.length, 1);
    assert.deepEqual(doc.errors[0].span, { start: text.length - 5, end: text.length });
  });

  it('skips psql meta-commands and ends a statement at \\gset', () => {
    const text = '\\set ON_ERROR_STOP 1\nSELECT count(*) AS n FROM t \\gset\n\\if :n\nSELECT 2;\n\\endif\n  \\d t';
    const doc = parseDocument(text, 'postgres');
    assert.deepEqual(doc.errors, []);
    assert.deepEqual(doc.statements.map((s) => s.text), ['SELECT count(*) AS n FROM t', 'SELECT 2']);
    assert.deepEqual(doc.metaCommands.map((m) => text.slice(m.start, m.end)), ['\\set ON_ERROR_STOP 1', '\\gset', '\\if :n', '\\endif', '\\d t']);
  });

  it('does not split on blank lines, strings, comments, quoted names or dollar quotes', () => {
    const text = `SELECT a

FROM t /* ; /* nested ; */ still ; */
WHERE b = 'x;''y' AND c = E'\\';' AND "we;ird" = 1;
CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql;
CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END;
SELECT 3`;
    const doc = parseDocument(text, 'postgres');
    assert.deepEqual(doc.errors, []);
    assert.equal(doc.statements.length, 4);
    assert.deepEqual(doc.statements.map((s) => s.kind), ['select', 'other_ddl', 'other_ddl', 'select']);
    assert.ok(doc.statements[0].text.startsWith('SELECT a\n\nFROM t'));
    assert.ok(doc.statements[2].text.endsWith('END; END'));
  });

  it('skips the data of COPY ... FROM stdin', () => {
    const text = 'COPY t (a, b) FROM stdin;\n1\tx;y\n2\tz\n\\.\nSELECT 1;';
    const doc = parseDocument(text, 'postgres');
    assert.deepEqual(doc.errors, []);
    assert.deepEqual(doc.statements.map((s) => s.text), ['COPY t (a, b) FROM stdin', 'SELECT 1']);
  });

  it('parses every pg_regress file without throwing', function () {
    this.timeout(60_000);
    const files = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.sql'));
    assert.ok(files.length > 100);
    for (const f of files) {
      const doc = parseDocument(fs.readFileSync(path.join(CORPUS, f), 'utf8'), 'postgres');
      assert.ok(doc.statements.length + doc.errors.length > 0, f);
    }
  });
});
