/**
 * Whether a TypeScript or JavaScript file may hold anything the extraction
 * reads, from its text alone: most files of a web project (a React app's
 * components, its tests) hold none, and parsing them is most of a check's time
 * on such a project (polar's `clients/`: 1,800 files, 2 with a call read as a query).
 *
 * Each test is a necessary condition of one of the extraction's entry points,
 * written beside the lists it reads:
 * - raw SQL (sources.ts): a string whose first top-level word is one `looksLikeSql` takes, run
 *   by a raw method or as a tagged template;
 * - a database library imported or required (libraries.ts): pools, connections, methods other APIs
 *   have too (`.all(`, `.exec(`); an ORM's import is no test (`IMPORTS_READ`);
 * - a knex or Kysely chain (builders.ts);
 * - an ORM's models declared (orms.ts), or its queries when the workspace has models of that ORM;
 * - a knexfile (its pools).
 * A file failing all of them gets an empty extraction without being parsed.
 */
import { firstWordOfLiteral, SQL_FIRST_WORDS } from '../statement-kind';
import type { HostModel } from '../types';
import type { Library } from './libraries';
import { mayBuildQuery } from './builders';
import { LIBRARIES, namesDatabaseModule } from './libraries';
import { mayCallRawMethod, TAG_RUNS } from './sources';
import { mayDeclareOrmModels, ormQueryReaders, TYPESCRIPT_ORMS } from './orms';
import { isKnexfile } from './pools';

/** `definesNoSchema`: `mayDeclareOrmModels` said no for this text already (HostExtractOptions). */
export function mayAccessDatabase(file: string, text: string, models?: readonly HostModel[], definesNoSchema = false): boolean {
  return (
    mayHoldSql(text) ||
    namesDatabaseModule(text, IMPORTS_READ) ||
    mayBuildQuery(text) ||
    (!definesNoSchema && mayDeclareOrmModels(text)) ||
    (models !== undefined && ormQueryReaders(text, models).length > 0) ||
    isKnexfile(file)
  );
}

/**
 * The libraries whose import the extraction reads in a file that passes no other test: their pools,
 * connections and ambiguous methods. An ORM's is left out: its queries and models are read by its own
 * reader only (orms.ts), whose tests are above, and its raw SQL is `mayHoldSql`'s. (Most of a Prisma
 * project's files import its generated types and enums: documenso, 324 of 2,094 files, none read.)
 */
const IMPORTS_READ: readonly Library[] = LIBRARIES.filter((library) => !TYPESCRIPT_ORMS.some((orm) => orm.id === library));

const QUOTES = /["'`]/g;
const BACKTICKS = /`/g;

/**
 * Whether some string of the source may be raw SQL that runs (sources.ts): a
 * string whose first word outside parentheses (comments, escapes,
 * punctuation and template holes' `${` skipped, as statement-kind.ts's
 * `topLevelWords` skips them in the decoded text) is one of
 * `SQL_FIRST_WORDS`, in a file that calls a raw method (`query`, ...) or
 * as a tagged template that may run (`mayRunAsTag`: `sql`...``, `$queryRaw`...``). Every quote is
 * tried, closing ones too: more strings pass than hold SQL, none that does fails.
 */
export function mayHoldSql(text: string): boolean {
  const calls = mayCallRawMethod(text);
  const quotes = calls ? QUOTES : BACKTICKS;
  quotes.lastIndex = 0;
  for (let m = quotes.exec(text); m; m = quotes.exec(text)) {
    // The string's first word first: most strings start with none of SQL's, and whether a template may run is the costlier test.
    const word = firstWordOfLiteral(text, m.index + 1, Math.min(text.length, m.index + 1 + SCAN_LIMIT));
    if (word === undefined || !SQL_FIRST_WORDS.has(word)) continue;
    if ((calls || mayRunAsTag(text, m.index)) && !onCommentLine(text, m.index)) return true;
  }
  return false;
}

/**
 * Whether the backtick at `at` may open a tagged template that sources.ts's `tagOrigin` reads and
 * extract.ts runs: a tag (`[\w$>]` ends it, within 64 characters) that is
 * - no reserved word (`return `...``: an untagged template), nor a word right after a quote (the end of a template's text);
 * - no method other than Prisma's `$queryRaw`/`$executeRaw`/`$queryRawUnsafe` (`i18n.t`...``: a tag with a receiver is none of SQL's);
 * - not alone in braces (`placeholder={t`Select a role`}`, `${msg`...`}`, a block's statement):
 *   a JSX expression, a hole, or a statement that is no more than the template, all of which leave it unrun;
 * - not an argument of a plain call (`_(msg`Select all`)`, `t(msg`Delete`, ...)`): only `Promise.all(...)` runs its arguments.
 * The last two are told only when the template's holes are plain names (`${team.name}`), so that its end is certain.
 * An i18n library's tags (Lingui's `t`, `msg`) hold English that starts like SQL ("Select a team",
 * "Delete"): documenso's 67 components and routes with no other database access were parsed for them.
 */
function mayRunAsTag(text: string, at: number): boolean {
  let end = at - 1;
  const stop = Math.max(0, at - 64);
  while (end >= stop && WHITESPACE.test(text[end]!)) end--;
  if (end < stop) return false;
  if (text[end] === '>') return true; // `sql<Row>`...``
  let start = end;
  while (start > 0 && IDENTIFIER_CHAR.test(text[start - 1]!)) start--;
  if (!IDENTIFIER_CHAR.test(text[end]!)) return false;
  const tag = text.slice(start, end + 1);
  // A word right after a quote is no tag (`'a'sql` is no JavaScript): the text ending a template (`t`Owner``).
  if (RESERVED.has(tag) || QUOTE_CHARS.has(text[start - 1]!)) return false;
  const at0 = previousIndex(text, start);
  const before = text[at0];
  if (before === '.') return PRISMA_TAGS.has(tag);
  const sameLine = !text.slice(at0 + 1, start).includes('\n');
  if (before !== undefined && sameLine) {
    // Two words in a row are no JavaScript unless the first is a keyword (`await sql`...``): this is the text ending a template (`msg`${user} added a field``).
    if (IDENTIFIER_CHAR.test(before) && !KEYWORDS.has(wordEndingAt(text, at0))) return false;
    // An operand of an operator (`a - sql`...``, `c ? sql`...`` : d`, `!sql`...``): never run, held by no name.
    if (OPERATORS.has(before) && endsExpression(text, at)) return false;
  }
  if ((before === ':' || before === '=') && endsExpression(text, at)) return mayRunLater(text, at0);
  if (before === '{' || (before === '(' && plainCallBefore(text, text.lastIndexOf('(', start - 1)))) {
    const close = templateEnd(text, at);
    const after = close === undefined ? undefined : nextSignificant(text, close + 1);
    if (before === '{' ? after === '}' : after === ')' || after === ',') return false;
  }
  return true;
}

/**
 * Whether a template after the `:` or `=` at `at` may run later: held by a name (`const q = sql`...``,
 * `{ q: sql`...`` }`, `this.q = ...`) that the file awaits or runs (`await q`, `await this.q`, `q.values()`:
 * extract.ts's deferred runs). An operand of a comparison or of a compound assignment, a computed
 * key's value or a conditional's branch never runs; a name that is not certain (after a type) may.
 */
function mayRunLater(text: string, at: number): boolean {
  const assign = text[at] === '=';
  if (assign && OPERATOR_BEFORE_EQUALS.has(text[at - 1]!)) return false;
  const end = previousIndex(text, at);
  const last = text[end];
  if (last === undefined) return true;
  // A computed key's value (`[k]: msg`...``), a conditional's branch (`c ? f() : t`...``, `c ? t`a` : t`b``).
  if (!assign && (last === ']' || last === ')' || last === '`')) return false;
  let name: string;
  let start: number;
  if (QUOTE_CHARS.has(last)) {
    start = text.lastIndexOf(last, end - 1);
    if (start < 0) return true;
    name = text.slice(start + 1, end);
  } else if (IDENTIFIER_CHAR.test(last)) {
    start = end;
    while (start > 0 && IDENTIFIER_CHAR.test(text[start - 1]!)) start--;
    name = text.slice(start, end + 1);
  } else return true;
  if (assign) {
    // `const q = `, `this.q = `, `(placeholder = `, `{ a, b = `: the name is certain (not a type's: `q: Sql = `).
    const prior = previousIndex(text, start);
    const c = text[prior];
    if (!(c === ',' || c === '(' || c === '{' || c === '.' || (c !== undefined && IDENTIFIER_CHAR.test(c) && DECLARES.has(wordEndingAt(text, prior))))) return true;
  }
  if (!/^[\w$]+$/.test(name)) return true;
  const escaped = name.replace(/\$/g, '\\$');
  return new RegExp(String.raw`\bawait\s*\(?\s*(?:[\w$]+\s*\??\.\s*)*${escaped}(?![\w$])|(?<![\w$])${escaped}\s*\??\.\s*(?:${RUNS})\b`).test(text);
}

/** What runs a template held by a name (extract.ts's `deferredExecution`): postgres.js's runs and Kysely's `execute`. */
const RUNS = [...new Set([...Object.keys(TAG_RUNS), 'execute'])].join('|');
/** `a == sql`, `x += sql`...: a comparison or a compound assignment. */
const OPERATOR_BEFORE_EQUALS = new Set(['=', '!', '<', '>', '+', '-', '*', '/', '%', '&', '|', '^', '?']);
const DECLARES = new Set(['const', 'let', 'var']);
/** Operators whose operand a template may be (not `*`: `yield* sql`...`` runs it; not `/`: a comment may end there). */
const OPERATORS = new Set(['-', '+', '%', '^', '|', '&', '!', '~', '?']);
/** Reserved words and TypeScript's contextual keywords: a word before a tag on its line may be one. */
const KEYWORDS = new Set([
  'await', 'return', 'yield', 'typeof', 'void', 'delete', 'throw', 'new', 'in', 'of', 'instanceof', 'case', 'else', 'do', 'default', 'extends',
  'export', 'import', 'from', 'as', 'satisfies', 'async', 'let', 'const', 'var', 'declare', 'keyof', 'is', 'get', 'set', 'static', 'readonly',
  'public', 'private', 'protected', 'abstract', 'override', 'accessor', 'type', 'interface', 'enum', 'class', 'function', 'if', 'while', 'for',
  'switch', 'catch', 'with', 'try', 'finally', 'implements', 'namespace', 'module', 'unique', 'infer', 'asserts', 'out', 'using', 'super', 'this',
]);

/** The word whose last character is at `end`. */
function wordEndingAt(text: string, end: number): string {
  let start = end;
  while (start > 0 && IDENTIFIER_CHAR.test(text[start - 1]!)) start--;
  return text.slice(start, end + 1);
}

/**
 * Whether the template opening at `at` ends an expression: nothing but a separator follows it
 * (`;`, `,`, a closing bracket, `:`), no `.then(..)`, `.values()` or `[0]` that would run it or use its rows.
 */
function endsExpression(text: string, at: number): boolean {
  const close = templateEnd(text, at);
  if (close === undefined) return false;
  const next = nextSignificant(text, close + 1);
  return next === undefined || SEPARATORS.has(next);
}

const SEPARATORS = new Set([';', ',', ')', '}', ']', ':']);

/** Words that are no tag: a template after them is untagged. */
const RESERVED = new Set(['return', 'typeof', 'case', 'in', 'else', 'do', 'void', 'delete', 'throw', 'instanceof', 'new', 'default', 'extends', 'await', 'yield']);
/** Words before `(` that make it no call, or a call that may run its arguments. */
const NOT_PLAIN_CALLS = new Set([
  'if', 'while', 'for', 'switch', 'catch', 'with', 'return', 'await', 'yield', 'typeof', 'void', 'delete', 'throw', 'case', 'in', 'of',
  'instanceof', 'new', 'else', 'do', 'function', 'async', 'super', 'import', 'export', 'default', 'extends', 'satisfies', 'as', 'keyof', 'is', 'const', 'let', 'var',
]);
const QUOTE_CHARS = new Set(['`', "'", '"']);
const PRISMA_TAGS = new Set(['$queryRaw', '$executeRaw', '$queryRawUnsafe']);
const IDENTIFIER_CHAR = /[\w$]/;
const WHITESPACE = /\s/;

/** Whether the `(` at `open` follows a plain function's name (`_(`, `t(`): no method (`Promise.all(`), no keyword, no generic call. */
function plainCallBefore(text: string, open: number): boolean {
  let end = open - 1;
  while (end >= 0 && WHITESPACE.test(text[end]!)) end--;
  let start = end;
  while (start >= 0 && IDENTIFIER_CHAR.test(text[start]!)) start--;
  if (start === end) return false;
  const name = text.slice(start + 1, end + 1);
  return !NOT_PLAIN_CALLS.has(name) && !/\d/.test(name[0]!) && text[previousIndex(text, start + 1)] !== '.';
}

/** The index of the character before `at`, spaces skipped (-1: none). */
function previousIndex(text: string, at: number): number {
  let i = at - 1;
  while (i >= 0 && WHITESPACE.test(text[i]!)) i--;
  return i;
}

/** The character at or after `at`, spaces skipped. */
function nextSignificant(text: string, at: number): string | undefined {
  let i = at;
  while (i < text.length && WHITESPACE.test(text[i]!)) i++;
  return text[i];
}

/** The closing backtick of the template opening at `at`, when its holes are plain names (`${user.name}`); else undefined. */
function templateEnd(text: string, at: number): number | undefined {
  const limit = Math.min(text.length, at + SCAN_LIMIT);
  for (let i = at + 1; i < limit; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '`') return i;
    else if (c === '$' && text[i + 1] === '{') {
      const close = text.indexOf('}', i + 2);
      if (close < 0 || !PLAIN_HOLE.test(text.slice(i + 2, close))) return undefined;
      i = close;
    }
  }
  return undefined;
}

const PLAIN_HOLE = /^\s*[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*\s*$/;

/**
 * Whether the quote at `at` sits on a comment line: one whose text before it starts
 * with `//`, `/*` or a block comment's ` * ` and closes no block comment. Such a
 * quote starts no string of the code; generated API clients hold thousands of them
 * in their doc comments (polar's `v1.ts`, 1.9 MB: `` `user:write` `` before
 * `delete: ...`, read as a tagged template holding DELETE), and extracting that file
 * alone takes 1.8 s of CPU and 150 MB of memory (at load 20). (A line inside a
 * multi-line template literal may look so too; a quote there that opens SQL would have to
 * follow that template's closing backtick on the same line.)
 */
function onCommentLine(text: string, at: number): boolean {
  const before = text.slice(text.lastIndexOf('\n', at - 1) + 1, at);
  return COMMENT_LINE.test(before) && !before.includes('*/');
}

const COMMENT_LINE = /^\s*(?:\/\/|\/\*|\*(?:\s|$))/;

/** How far a string's start is scanned for its first word: SQL starts within a few comment lines. */
const SCAN_LIMIT = 2000;
