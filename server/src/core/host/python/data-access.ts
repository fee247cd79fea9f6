/**
 * Whether a Python file may send a query or write (walk.ts) or configure an
 * engine (pools.ts), read from its text without parsing it: most files of a
 * project do neither (polar: 700 of the 1,400 it checks, 3 MB of its 11 MB of
 * Python), and parsing and walking each of them found nothing. The test is
 * conservative: every query and write the walk reports starts at a call (or
 * an attribute) named as below, so a file that names none of them in that
 * position gets an empty extraction. Between a name and its `(` Python allows
 * whitespace, line continuations and, inside brackets, comments: `GAP` (a
 * comment runs to its line's end: matched one way only, no backtracking).
 * A file that may define models or a revision is not asked (language.ts).
 */
import { SQLALCHEMY_ENGINE_FACTORIES } from '../pools';
import { EXECUTORS, STATEMENT_STARTS } from './chains';
import { BASE_STATEMENTS } from './repository';
import { SESSION_METHODS, TEXT_FUNCTIONS } from './walk';

const GAP = String.raw`(?:\s|\\|#[^\n]*\n)*`;

const alternatives = (names: Iterable<string>) => [...names].join('|');

/**
 * Calls that report something whatever they are called on: the executors
 * (`session.execute(...)`, `cursor.fetch(...)`), `text(...)` and its kin held in
 * a variable, `commit()` / `flush()`, and a repository's `get_base_statement()`.
 */
const REPORTING_CALL = new RegExp(String.raw`\b(?:${alternatives([...EXECUTORS, ...TEXT_FUNCTIONS, 'commit', 'flush', ...BASE_STATEMENTS])})${GAP}\(`);

/** `select(M)` as a plain call (not a method: `.update(...)` of a dict, not `def update(`). */
const STATEMENT_CALL = new RegExp(String.raw`(?<![.]|\bdef\s+)\b(?:${alternatives(Object.keys(STATEMENT_STARTS))})${GAP}\(`);

/** `sa.select(M)` and the like: the module's name and the statement's, anywhere. */
const MODULE_NAME = /\b(?:sa|sqlalchemy|sql)\b/;
const STATEMENT_NAME = new RegExp(String.raw`\b(?:${alternatives(Object.keys(STATEMENT_STARTS))})\b`);

/** `session.query(M)`, Flask-SQLAlchemy's `Model.query`: an attribute named `query`. */
const QUERY_ATTRIBUTE = new RegExp(String.raw`\.${GAP}query\b`);

/** `session.add(x)`: a write when its receiver is a session (walk.ts `isSession`). */
const ADD_CALL = new RegExp(String.raw`\b(?:add|add_all)${GAP}\(`);
/** What makes a receiver a session: its name, or a session method called on it. */
const SESSION_NAME = /session|\bdb\b|\bsess\b/i;
const SESSION_CALL = new RegExp(String.raw`\b(?:${alternatives(SESSION_METHODS)})${GAP}\(`);

/** `session.get(M, id)`: a query when its first argument names a mapped class. */
const GET_CALL = new RegExp(String.raw`\bget${GAP}\(`);
/** Identifiers (maximal: each is matched once, from its first character). */
const IDENTIFIER = /[\p{ID_Start}_][\p{ID_Continue}]*/gu;
/** What may follow a first argument: the next one's comma, or a parenthesis wrapping it. */
const BEFORE_COMMA = new RegExp(String.raw`${GAP}[,)]`, 'y');

/**
 * Whether the walk of `text` may report a query or a write, or its pools an
 * engine; `modelNames`: the classes of other files a query may name (a class of
 * its own is a model only in a file that `mayDefineSchema`).
 */
export function mayAccessDatabase(text: string, modelNames: ReadonlySet<string>): boolean {
  if ([...SQLALCHEMY_ENGINE_FACTORIES].some((name) => text.includes(name))) return true;
  if (REPORTING_CALL.test(text) || STATEMENT_CALL.test(text) || QUERY_ATTRIBUTE.test(text)) return true;
  if (MODULE_NAME.test(text) && STATEMENT_NAME.test(text)) return true;
  if (ADD_CALL.test(text) && (SESSION_NAME.test(text) || SESSION_CALL.test(text))) return true;
  if (modelNames.size > 0 && GET_CALL.test(text)) {
    for (const m of text.matchAll(IDENTIFIER)) {
      if (!modelNames.has(m[0])) continue;
      BEFORE_COMMA.lastIndex = m.index + m[0].length;
      if (BEFORE_COMMA.test(text)) return true;
    }
  }
  return false;
}
