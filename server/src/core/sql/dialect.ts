/** Guesses a document's SQL dialect from its tokens (never from text inside strings or comments). */
import type { Dialect } from '../../../../shared/types';
import { Lexer, Tok, codeAt, wordIs } from './split/lexer';

// Words only one dialect has. VACUUM and WITHOUT (OIDS, TIME ZONE) are PostgreSQL too, so
// SQLite's WITHOUT ROWID counts through ROWID.
const SQLITE_WORDS = ['AUTOINCREMENT', 'PRAGMA', 'ROWID', 'GLOB'];
const MYSQL_WORDS = ['AUTO_INCREMENT', 'ENGINE', 'UNSIGNED', 'CHARSET', 'TINYINT', 'MEDIUMTEXT', 'LONGTEXT'];
const PG_WORDS = ['SERIAL', 'BIGSERIAL', 'JSONB', 'ILIKE', 'CONCURRENTLY', 'TIMESTAMPTZ', 'RETURNING', 'PLPGSQL', 'EXTENSION', 'BYTEA', 'TABLESPACE'];
/** Those words by length: a word of the text is compared with the few of its length only. */
const MARKED_WORDS: { word: string; dialect: Dialect }[][] = [];
for (const [dialect, words] of [['sqlite', SQLITE_WORDS], ['mysql', MYSQL_WORDS], ['postgres', PG_WORDS]] as const) {
  for (const word of words) (MARKED_WORDS[word.length] ??= []).push({ word, dialect });
}

/**
 * Engines QueryLens has no parser for, recognised so that their SQL is left
 * alone instead of being read (and reported) as PostgreSQL: by a folder
 * named for the engine, or by what only that engine writes.
 */
const OTHER_ENGINES: { name: string; folder: RegExp; content: RegExp; words: RegExp }[] = [
  {
    name: 'ClickHouse',
    folder: /(^|\/)clickhouse[^/]*\//i,
    content: /\bENGINE\s*=\s*(?:Replicated|Shared)?(?:\w*MergeTree|TinyLog|StripeLog|Kafka|Distributed)\b|\bLowCardinality\s*\(|\bCODEC\s*\(/i,
    // A word every match of `content` holds: a text without one is read at a third of the cost (every SQL file is asked).
    words: /ENGINE|LowCardinality|CODEC/i,
  },
];

/** The engine without a parser here that a SQL file is written for (`relativePath` from the workspace root), if any. */
export function otherEngineOf(relativePath: string, text?: string): string | undefined {
  const slashed = relativePath.split('\\').join('/');
  return OTHER_ENGINES.find((e) => e.folder.test(slashed) || (text !== undefined && contentOf(e, text.slice(0, 200_000))))?.name;
}

function contentOf(engine: (typeof OTHER_ENGINES)[number], text: string): boolean {
  return engine.words.test(text) && engine.content.test(text);
}

/** The dialect a path names (`sqlite/`, `mysql_schema.sql`), if any. */
export function dialectOfName(fileName: string): Dialect | undefined {
  const name = fileName.toLowerCase();
  if (/\b(sqlite|sqlite3)\b|\.sqlite/.test(name)) return 'sqlite';
  if (/\b(mysql|mariadb)\b/.test(name)) return 'mysql';
  if (/\b(postgres|postgresql|pg)\b/.test(name)) return 'postgres';
  return undefined;
}

export function inferDialect(text: string, fileName?: string): Dialect {
  const name = dialectOfName(fileName ?? '');
  if (name === 'sqlite' || name === 'mysql') return name;
  return winner(dialectVotes(text)) ?? 'postgres';
}

/** The dialect a text's own tokens point to, undefined when they show none. */
export function signalledDialect(text: string): Dialect | undefined {
  return winner(dialectVotes(text));
}

/** Whether a text's tokens show the marks of more than one dialect (a script written for several databases). */
export function showsSeveralDialects(text: string): boolean {
  return several(dialectVotes(text));
}

/** `signalledDialect` and `showsSeveralDialects` of a text at once, its tokens read once. */
export function dialectMarks(text: string): { own: Dialect | undefined; mixed: boolean } {
  const votes = dialectVotes(text);
  return { own: winner(votes), mixed: several(votes) };
}

function several(votes: Map<Dialect, number>): boolean {
  return [...votes.values()].filter((n) => n > 0).length > 1;
}

function winner(votes: Map<Dialect, number>): Dialect | undefined {
  const sqlite = votes.get('sqlite')!;
  const mysql = votes.get('mysql')!;
  const pg = votes.get('postgres')!;
  if (sqlite > mysql && sqlite > pg) return 'sqlite';
  if (mysql > sqlite && mysql > pg) return 'mysql';
  return pg > 0 ? 'postgres' : undefined;
}

/** Marks of each dialect among a text's tokens (never inside strings or comments). */
function dialectVotes(text: string): Map<Dialect, number> {
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
    else if (t === Tok.Punct && text.charCodeAt(start) === 58 && codeAt(text, pos) === 58) pg++; // :: cast
    else if (t === Tok.Word) {
      const candidates = MARKED_WORDS[pos - start];
      if (!candidates) continue;
      for (const marked of candidates) {
        if (!wordIs(text, start, pos, marked.word)) continue;
        if (marked.dialect === 'sqlite') sqlite += 2;
        else if (marked.dialect === 'mysql') mysql += 2;
        else pg += 2;
        break;
      }
    }
  }
  return new Map<Dialect, number>([
    ['sqlite', sqlite],
    ['mysql', mysql],
    ['postgres', pg],
  ]);
}
