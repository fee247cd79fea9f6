/**
 * SQLite reads more than node-sql-parser's SQLite grammar: any words as a
 * column type (`bigserial`, `timestamp with time zone`, `uuid`), partial
 * indexes, keywords as column names. A statement that grammar rejects is
 * read again by PostgreSQL's parser with the few SQLite-only words masked,
 * length kept so spans stay true: `AUTOINCREMENT`, `OR IGNORE`/`OR REPLACE`
 * after INSERT, `WITHOUT ROWID`, `STRICT`, `?NNN` (as `$NNN`), GLOB (as
 * LIKE), `[name]` and `` `name` `` (as `"name"`), and libSQL's `ALTER TABLE t ALTER COLUMN c TO c2 <type>`
 * (Turso; drizzle-kit writes it: openstatus's migrations) as the rename it includes, the new definition
 * blanked. What neither reads is a syntax error.
 */
import { Tok, tokenize, wordIs } from './split/lexer';

/** The text with SQLite-only words masked for PostgreSQL's parser, or undefined when it has none to mask. */
export function maskSqliteOnly(text: string): string | undefined {
  const tokens = tokenize(text, 'sqlite');
  const chars = text.split('');
  let changed = false;
  const blank = (start: number, end: number) => {
    for (let i = start; i < end; i++) chars[i] = ' ';
    changed = true;
  };
  const is = (i: number, word: string) => tokens[i]?.kind === Tok.Word && wordIs(text, tokens[i]!.start, tokens[i]!.end, word);
  const isName = (i: number) => tokens[i]?.kind === Tok.Word || tokens[i]?.kind === Tok.QuotedIdent;
  tokens.forEach((t, i) => {
    // libSQL: ALTER TABLE t ALTER COLUMN c TO c2 <definition> → ALTER TABLE t RENAME c TO c2 (the definition blanked).
    if (is(i, 'ALTER') && is(i + 1, 'COLUMN') && i >= 3 && is(i - 3, 'ALTER') && is(i - 2, 'TABLE') && isName(i + 2) && is(i + 3, 'TO') && isName(i + 4)) {
      chars.splice(t.start, 6, ...'RENAME');
      blank(tokens[i + 1]!.start, tokens[i + 1]!.end);
      let end = i + 5;
      while (end < tokens.length && !(tokens[end]!.kind === Tok.Punct && text[tokens[end]!.start] === ';')) end++;
      if (end > i + 5) blank(tokens[i + 5]!.start, tokens[end - 1]!.end);
      return;
    }
    if (is(i, 'AUTOINCREMENT') || is(i, 'STRICT')) blank(t.start, t.end);
    else if (is(i, 'WITHOUT') && is(i + 1, 'ROWID')) blank(t.start, tokens[i + 1]!.end);
    else if (is(i, 'OR') && (is(i + 1, 'IGNORE') || is(i + 1, 'REPLACE') || is(i + 1, 'ABORT') || is(i + 1, 'FAIL') || is(i + 1, 'ROLLBACK')) && (is(i - 1, 'INSERT') || is(i - 1, 'UPDATE'))) {
      blank(t.start, tokens[i + 1]!.end);
    } else if (is(i, 'GLOB')) {
      chars.splice(t.start, 4, 'L', 'I', 'K', 'E');
      changed = true;
    } else if (t.kind === Tok.Param && text[t.start] === '?' && t.end > t.start + 1) {
      chars[t.start] = '$';
      changed = true;
    } else if (t.kind === Tok.QuotedIdent && ((text[t.start] === '[' && text[t.end - 1] === ']') || (text[t.start] === '`' && text[t.end - 1] === '`')) && !text.slice(t.start + 1, t.end - 1).includes('"')) {
      // `[name]`, SQLite's MS Access-style quoted name (uptime-kuma's migrations), and MySQL's `` `name` ``: `"name"`.
      chars[t.start] = '"';
      chars[t.end - 1] = '"';
      changed = true;
    }
  });
  return changed ? chars.join('') : undefined;
}
