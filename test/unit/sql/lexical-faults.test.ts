// An unclosed /* comment or a NUL byte used to drop every statement after it
// without a word (issue 9): each is now one error at its exact place, and the
// statements around it are still parsed.
import * as assert from 'node:assert/strict';
import { initParsers, parseDocument } from '../../../server/src/core/sql/parse';

const UNCLOSED =
  'This /* comment is never closed, so the database reads everything after it as comment. Close it with */ (QueryLens reads it as ending at the end of this line, and checks the statements after it).';
const NUL = 'NUL byte (U+0000): PostgreSQL rejects it and SQLite stops reading the statement there. Remove it (QueryLens reads it as a space).';

const spanOf = (text: string, part: string, from = 0) => ({ start: text.indexOf(part, from), end: text.indexOf(part, from) + part.length });

describe('sql/lexical faults: unclosed comments and NUL bytes', () => {
  before(async () => {
    await initParsers();
  });

  for (const dialect of ['postgres', 'sqlite', 'mysql'] as const) {
    it(`${dialect}: an unclosed /* is reported at the /*, and the statements on the next lines are parsed`, () => {
      const text = 'SELECT a FROM t;\nSELECT b FROM u; /* TODO: check this\nSELECT c FROM v WHERE d = 1;\nSELECT e FROM w;\n';
      const doc = parseDocument(text, dialect);
      assert.deepEqual(doc.errors, [{ message: UNCLOSED, span: spanOf(text, '/*') }]);
      assert.deepEqual(doc.statements.map((s) => s.text), ['SELECT a FROM t', 'SELECT b FROM u', 'SELECT c FROM v WHERE d = 1', 'SELECT e FROM w']);
      assert.deepEqual(doc.statements[2]!.span, spanOf(text, 'SELECT c FROM v WHERE d = 1'));
    });
  }

  it('reads an unclosed comment inside a statement as ending at its line, so the statement still parses', () => {
    const text = 'SELECT a /* the id\nFROM t WHERE b = 1;\nSELECT 2;';
    const doc = parseDocument(text, 'postgres');
    assert.deepEqual(doc.errors, [{ message: UNCLOSED, span: spanOf(text, '/*') }]);
    assert.equal(doc.statements.length, 2);
    assert.deepEqual(doc.statements[0]!.query?.tables.map((t) => t.name), ['t']);
    assert.equal(doc.statements[1]!.text, 'SELECT 2');
  });

  it('leaves closed, nested and quoted comments alone', () => {
    for (const text of ['SELECT 1; /* a\n b */ SELECT 2;', 'SELECT 1; /* a /* b */ c */ SELECT 2;', "SELECT '/*'; SELECT 2;", 'SELECT 1; -- /*\nSELECT 2;']) {
      const doc = parseDocument(text, 'postgres');
      assert.deepEqual(doc.errors, [], text);
      assert.equal(doc.statements.length, 2, text);
    }
  });

  it('reports a NUL byte at its place, reads it as a space, and parses what comes after it', () => {
    const text = 'SELECT a FROM t;\n\0SELECT b FROM u;\nSELECT c FROM v WHERE\0 d = 1;\nSELECT \0\0\0e FROM w;\n';
    const doc = parseDocument(text, 'postgres');
    const first = text.indexOf('\0');
    const second = text.indexOf('\0', first + 1);
    const run = text.indexOf('\0\0\0');
    assert.deepEqual(doc.errors, [
      { message: NUL, span: { start: first, end: first + 1 } },
      { message: NUL, span: { start: second, end: second + 1 } },
      { message: NUL, span: { start: run, end: run + 3 } },
    ]);
    assert.deepEqual(doc.statements.map((s) => s.query?.tables.map((t) => t.name)), [['t'], ['u'], ['v'], ['w']]);
    assert.deepEqual(doc.statements[2]!.query?.predicates.map((p) => text.slice(p.span.start, p.span.end)), ['d = 1']);
  });

  it('reports a NUL inside a string or an unclosed comment once, and a binary file at most 100 times', () => {
    const inString = "SELECT 'a\0b' FROM t;";
    assert.deepEqual(parseDocument(inString, 'sqlite').errors.map((e) => e.span), [spanOf(inString, '\0')]);
    const inComment = 'SELECT 1; /* x\0y\nSELECT 2;';
    const doc = parseDocument(inComment, 'postgres');
    assert.deepEqual(doc.errors.map((e) => e.message), [UNCLOSED, NUL]);
    assert.deepEqual(doc.statements.map((s) => s.text), ['SELECT 1', 'SELECT 2']);
    assert.equal(parseDocument('\0x'.repeat(5000), 'postgres').errors.filter((e) => e.message === NUL).length, 100);
  });
});
