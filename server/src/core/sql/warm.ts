/**
 * The lexer's hot loops run once over a small sample of every kind of token,
 * in each dialect, before the first document (`warmLexers`, from `initParsers`).
 *
 * V8's optimising compiler (TurboFan) compiles a hot function with what the
 * function has met so far: a branch it never took (a backtick, `E'...'`, an
 * unclosed quote at the end of a text, a meta-command) is compiled as "leave
 * the optimised code". The first document that takes it throws that code away,
 * the function runs unoptimised until it is hot again, and the compiler starts
 * over. On the pg_regress corpus the lexer's `next` was compiled 8 times, the
 * splitter's loop 8 times and the dialect vote 6 times, half of all the
 * compiler's work in a check (`--trace-opt --trace-deopt`). After this sample,
 * each of them has met every branch and is compiled once or twice.
 *
 * Nothing here is kept: the results are dropped, the functions are the ones
 * every document runs through, and the sample is under 2 KB (about a
 * millisecond, while libpg-query's WebAssembly compiles).
 */
import type { Dialect } from '../../../../shared/types';
import { errorSpanAt } from './chunk';
import { dialectMarks } from './dialect';
import { splitAfterEdit, splitStatements } from './split/split';
import { tokenize } from './split/lexer';
import { StatementText } from './text';

/** Every token kind and splitter path of the three dialects (each lexes it its own way). */
export const WARM_SAMPLE = [
  "-- comment\n/* block /* nested */ */ SELECT a, b.c, \"Q\"\"x\", `bt`, [br], 'it''s', 'back\\'s', E'e\\'s', e'x', 1, 1.5e3, .5, 0x1f, $1, ?, ?2, :name, @var, x::int, a$b, $ FROM t WHERE s ILIKE '%x' LIMIT 10;",
  '# mysql comment\nCREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, k SERIAL, j JSONB, b BYTEA, u TINYINT UNSIGNED, m MEDIUMTEXT, l LONGTEXT) ENGINE=InnoDB CHARSET=utf8 WITHOUT ROWID;',
  'CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql; CREATE FUNCTION g() RETURNS int AS $body$ BEGIN RETURN 1; END $body$ LANGUAGE plpgsql;',
  'CREATE FUNCTION h() RETURNS int BEGIN ATOMIC SELECT CASE WHEN true THEN 1 ELSE 2 END; END;',
  'CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO u VALUES (1); DELETE FROM v);',
  'CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE u SET n = CASE WHEN 1 THEN 2 END; END;',
  '\\set x 1\r\nSELECT :x \\gset\n\\echo done\n',
  'COPY t (a) FROM stdin;\n1\n2\n\\.\nCOPY t FROM STDIN;\nnever ended\n',
  'CREATE INDEX CONCURRENTLY i ON t (a); BEGIN; SAVEPOINT s; ROLLBACK TO s; COMMIT; END; ABORT; START TRANSACTION; PRAGMA foreign_keys = ON; SELECT GLOB(a, b) FROM t RETURNING *;',
];

/** Texts whose last token runs to the end of the text (unclosed), or ends on a character a lookahead reads past. */
export const WARM_ENDINGS = ["'open", '"open', '`open', '[open', "E'open", '/* open', '$tag$ open', '$$', '-', '/', 'e', '.', ':', '@', '$', '\\', '1.', 'x', ' '];

const DIALECTS: Dialect[] = ['postgres', 'sqlite', 'mysql'];

let warmed = false;

/** Runs the lexer, splitter, dialect vote and token spans over the sample (once per process). */
export function warmLexers(): void {
  if (warmed) return;
  warmed = true;
  // Twice: V8 gives a function its type feedback only after its first calls.
  for (let round = 0; round < 2; round++) {
    for (const dialect of DIALECTS) {
      for (const text of WARM_SAMPLE) {
        splitStatements(text, dialect);
        tokenize(text, dialect);
        new StatementText(text, dialect, dialect === 'postgres').nameSpan(0);
        errorSpanAt(text, text.length, dialect);
      }
      for (const ending of WARM_ENDINGS) {
        const text = `SELECT 1 ${ending}`;
        splitStatements(text, dialect);
        tokenize(text, dialect);
        errorSpanAt(text, 3, dialect);
      }
      const whole = WARM_SAMPLE.join('\n');
      const { record } = splitAfterEdit(whole, dialect, undefined);
      splitAfterEdit(`${whole}\nSELECT 2;`, dialect, record);
    }
    dialectMarks(WARM_SAMPLE.join('\n'));
    for (const ending of WARM_ENDINGS) dialectMarks(`SELECT 1 ${ending}`);
  }
}
