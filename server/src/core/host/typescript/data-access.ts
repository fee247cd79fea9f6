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
import { mayCallRawMethod } from './sources';
import { mayDeclareOrmModels, ormQueryReaders, TYPESCRIPT_ORMS } from './orms';
import { isKnexfile } from './pools';

export function mayAccessDatabase(file: string, text: string, models?: readonly HostModel[]): boolean {
  return (
    mayHoldSql(text) ||
    namesDatabaseModule(text, IMPORTS_READ) ||
    mayBuildQuery(text) ||
    mayDeclareOrmModels(text) ||
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

/**
 * Whether some string of the source may be raw SQL that runs (sources.ts): a
 * string whose first word outside parentheses (comments, escapes,
 * punctuation and template holes' `${` skipped, as statement-kind.ts's
 * `topLevelWords` skips them in the decoded text) is one of
 * `SQL_FIRST_WORDS`, in a file that calls a raw method (`query`, ...) or
 * as a tagged template (`sql`...``, `$queryRaw`...``). Every quote is
 * tried, closing ones too: more strings pass than hold SQL, none that does fails.
 */
export function mayHoldSql(text: string): boolean {
  const calls = mayCallRawMethod(text);
  QUOTES.lastIndex = 0;
  for (let m = QUOTES.exec(text); m; m = QUOTES.exec(text)) {
    if (!calls && (m[0] !== '`' || !TAG_BEFORE.test(text.slice(Math.max(0, m.index - 64), m.index)))) continue;
    const word = firstWordOfLiteral(text, m.index + 1, Math.min(text.length, m.index + 1 + SCAN_LIMIT));
    if (word !== undefined && SQL_FIRST_WORDS.has(word) && !onCommentLine(text, m.index)) return true;
  }
  return false;
}

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

/** A tag before a template (`sql`, `tx`, `prisma.$queryRaw`, `sql<Row>`). */
const TAG_BEFORE = /[\w$>]\s*$/;

/** How far a string's start is scanned for its first word: SQL starts within a few comment lines. */
const SCAN_LIMIT = 2000;
