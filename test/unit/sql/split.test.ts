import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParsers, parseDocument } from '../../../server/src/core/sql/parse';
import { splitAfterEdit, splitStatements, type SplitRecord } from '../../../server/src/core/sql/split/split';
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

  it('splits again after an edit only around it, as a whole split would (every pg_regress file, random edits)', function () {
    this.timeout(120_000);
    let seed = 1;
    const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    // What typing may insert, the characters that end, open or close what the splitter reads among them.
    const pieces = [';', "'", '"', '$$', '$f$', '\n', '\\', '\\.\n', '--', '/*', '*/', '(', ')', ' BEGIN ATOMIC ', ' END', ' CASE ', 'COPY t FROM stdin;\n', 'x', ' ', 'CREATE RULE r AS ON INSERT TO t DO (', '\0'];
    const files = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.sql')).sort();
    let resumed = 0;
    for (const f of files) {
      for (const dialect of ['postgres', 'sqlite'] as const) {
        let text = fs.readFileSync(path.join(CORPUS, f), 'utf8');
        let record: SplitRecord | undefined;
        for (let i = 0; i < 12; i++) {
          const at = Math.floor(random() * (text.length + 1));
          const removed = random() < 0.3 ? Math.floor(random() * 40) : 0;
          const inserted = random() < 0.8 ? pieces[Math.floor(random() * pieces.length)]! : '';
          text = text.slice(0, at) + inserted + text.slice(at + removed);
          const { record: next, kept } = splitAfterEdit(text, dialect, record);
          const where = `${f} (${dialect}), edit ${i} at ${at}`;
          assert.deepEqual(next.split, splitStatements(text, dialect), where);
          if (kept) {
            resumed++;
            // The statements said to be kept are the previous ones, the same text, moved by the edit's length after it.
            const olds = record!.split.statements;
            const news = next.split.statements;
            const tail = olds.length - kept.after;
            for (let k = 0; k < kept.before; k++) assert.deepEqual(news[k], olds[k], where);
            for (let k = 0; k < tail; k++) {
              const old: { start: number; end: number } = olds[kept.after + k]!;
              const now = news[news.length - tail + k]!;
              assert.deepEqual(now, { start: old.start + kept.delta, end: old.end + kept.delta }, where);
              assert.equal(text.slice(now.start, now.end), record!.text.slice(old.start, old.end), where);
            }
          }
          record = next;
        }
      }
    }
    // Most edits resume: the test says nothing if every split was a whole one.
    assert.ok(resumed > files.length * 12, `${resumed} resumed`);
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
