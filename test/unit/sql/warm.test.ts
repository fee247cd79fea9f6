import * as assert from 'node:assert/strict';
import type { Dialect } from '../../../shared/types';
import { Lexer, Tok, codeAt, tokenize } from '../../../server/src/core/sql/split/lexer';
import { splitStatements } from '../../../server/src/core/sql/split/split';
import { WARM_ENDINGS, WARM_SAMPLE, warmLexers } from '../../../server/src/core/sql/warm';

/** The token kinds of `text` in `dialect`, and whether some token ran to the end unclosed. */
function kindsOf(text: string, dialect: Dialect): { kinds: Set<Tok>; unterminated: boolean } {
  const lx = new Lexer(text, dialect);
  const kinds = new Set<Tok>();
  let unterminated = false;
  for (let pos = 0; ; pos = lx.end) {
    const t = lx.next(pos);
    if (t === Tok.Eof) break;
    kinds.add(t);
    unterminated ||= lx.unterminated;
  }
  return { kinds, unterminated };
}

describe('sql/lexer warm-up (warm.ts)', () => {
  // The warm-up is there so that V8 compiles the lexer with every branch met: its sample must keep meeting them all.
  const ALL = [Tok.Space, Tok.LineComment, Tok.BlockComment, Tok.String, Tok.QuotedIdent, Tok.DollarString, Tok.Word, Tok.Number, Tok.Param, Tok.Punct, Tok.Backslash];
  const EXPECTED: Record<Dialect, Tok[]> = {
    postgres: ALL,
    // Only PostgreSQL has dollar quotes.
    sqlite: ALL.filter((t) => t !== Tok.DollarString),
    mysql: ALL.filter((t) => t !== Tok.DollarString),
  };

  for (const dialect of ['postgres', 'sqlite', 'mysql'] as const) {
    it(`its sample meets every token kind of ${dialect}, and unclosed tokens at the end of a text`, () => {
      const { kinds } = kindsOf(WARM_SAMPLE.join('\n'), dialect);
      assert.deepEqual([...kinds].sort((a, b) => a - b), EXPECTED[dialect]);
      const unclosed = WARM_ENDINGS.filter((ending) => kindsOf(`SELECT 1 ${ending}`, dialect).unterminated);
      assert.ok(unclosed.length >= (dialect === 'postgres' ? 5 : 3), `${dialect}: ${unclosed.join(' ')}`);
    });
  }

  it('its sample reaches the splitter\'s meta-commands, COPY data and rule and trigger bodies', () => {
    const pg = splitStatements(WARM_SAMPLE.join('\n'), 'postgres');
    assert.ok(pg.metaCommands.length >= 3);
    assert.equal(pg.copyData.length, 2);
    assert.ok(pg.statements.some((s) => /^CREATE RULE .*DELETE FROM v\)$/s.test(WARM_SAMPLE.join('\n').slice(s.start, s.end))));
    const sqlite = splitStatements(WARM_SAMPLE.join('\n'), 'sqlite');
    assert.ok(sqlite.statements.some((s) => /^CREATE TRIGGER .* END; END$/s.test(WARM_SAMPLE.join('\n').slice(s.start, s.end))));
  });

  it('leaves the splitter as it was: a text splits the same before and after it', () => {
    const text = "SELECT 1; CREATE RULE r AS ON INSERT TO t DO (SELECT 2; SELECT 3);\n\\set x 1\nSELECT 'a;b' FROM t";
    const before = splitStatements(text, 'postgres');
    warmLexers();
    warmLexers();
    assert.deepEqual(splitStatements(text, 'postgres'), before);
  });

  it('reads a lookahead past the end of a text as no character (codeAt), as charCodeAt did', () => {
    assert.equal(codeAt('ab', -1), -1);
    assert.equal(codeAt('ab', 2), -1);
    assert.equal(codeAt('ab', 1), 98);
    const NAMES = new Map<Tok, string>([[Tok.Word, 'Word'], [Tok.Punct, 'Punct'], [Tok.String, 'String']]);
    const kinds = (text: string): string[] => tokenize(text, 'postgres').map((t) => `${NAMES.get(t.kind) ?? t.kind}:${text.slice(t.start, t.end)}`);
    assert.deepEqual(kinds('x -'), ['Word:x', 'Punct:-']);
    assert.deepEqual(kinds('x /'), ['Word:x', 'Punct:/']);
    assert.deepEqual(kinds('E'), ['Word:E']);
    assert.deepEqual(kinds('.'), ['Punct:.']);
    assert.deepEqual(kinds(':'), ['Punct::']);
    assert.deepEqual(kinds("'a''"), ["String:'a''"]);
    assert.deepEqual(kinds('/* a *\nx'), ['Word:x']);
  });
});
