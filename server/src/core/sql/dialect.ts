/** Guesses a document's SQL dialect from its tokens (never from text inside strings or comments). */
import type { Dialect } from '../../../../shared/types';
import { Lexer, Tok, wordIs } from './split/lexer';

// Words only one dialect has. VACUUM and WITHOUT (OIDS, TIME ZONE) are PostgreSQL too, so
// SQLite's WITHOUT ROWID counts through ROWID.
const SQLITE_WORDS = ['AUTOINCREMENT', 'PRAGMA', 'ROWID', 'GLOB'];
const MYSQL_WORDS = ['AUTO_INCREMENT', 'ENGINE', 'UNSIGNED', 'CHARSET', 'TINYINT', 'MEDIUMTEXT', 'LONGTEXT'];
const PG_WORDS = ['SERIAL', 'BIGSERIAL', 'JSONB', 'ILIKE', 'CONCURRENTLY', 'TIMESTAMPTZ', 'RETURNING', 'PLPGSQL', 'EXTENSION', 'BYTEA', 'TABLESPACE'];

export function inferDialect(text: string, fileName?: string): Dialect {
  const name = fileName?.toLowerCase() ?? '';
  if (/\b(sqlite|sqlite3)\b|\.sqlite/.test(name)) return 'sqlite';
  if (/\b(mysql|mariadb)\b/.test(name)) return 'mysql';
  // Lex as mysql so that backticks come out as identifiers we can count.
  const lx = new Lexer(text, 'mysql', Math.min(text.length, 200_000));
  let sqlite = 0;
  let mysql = 0;
  let pg = 0;
  let pos = 0;
  for (;;) {
    const t = lx.next(pos);
    if (t === Tok.Eof) break;
    const start = pos;
    pos = lx.end;
    if (t === Tok.QuotedIdent && text.charCodeAt(start) === 96) mysql++;
    else if (t === Tok.Param && text.charCodeAt(start) === 36) pg++;
    else if (t === Tok.Backslash) pg += 2; // psql meta-command
    else if (t === Tok.Punct && text.charCodeAt(start) === 58 && text.charCodeAt(pos) === 58) pg++; // :: cast
    else if (t === Tok.Word) {
      const len = pos - start;
      if (len < 4 || len > 14) continue;
      if (SQLITE_WORDS.some((w) => wordIs(text, start, pos, w))) sqlite += 2;
      else if (MYSQL_WORDS.some((w) => wordIs(text, start, pos, w))) mysql += 2;
      else if (PG_WORDS.some((w) => wordIs(text, start, pos, w))) pg += 2;
    }
  }
  if (sqlite > mysql && sqlite > pg) return 'sqlite';
  if (mysql > sqlite && mysql > pg) return 'mysql';
  return 'postgres';
}
