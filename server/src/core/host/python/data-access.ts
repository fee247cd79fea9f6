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

/**
 * `session.query(M)`: a method named `query`, called (the walk's 1.x start needs
 * an argument). Not `.query` alone: a docstring's sentence ends before a
 * parameter's description (`Filter by name.\n    query: ...`, polar's SDK).
 */
const QUERY_CALL = new RegExp(String.raw`\.${GAP}query${GAP}\(`);
/** Flask-SQLAlchemy's `Model.query`: the attribute, on a name read backwards from the dot (`modelQueried`). */
const DOT_QUERY = new RegExp(String.raw`\.${GAP}query\b`, 'g');
/** The name a line ends with. */
const NAME_AT_END = /[\p{ID_Continue}]+$/u;

/** `session.add(x)`: a write when its receiver is a session (walk.ts `isSession`). */
const ADD_CALL = new RegExp(String.raw`\b(?:add|add_all)${GAP}\(`);
/** What makes a receiver a session: its name, or a session method called on it. */
const SESSION_NAME = /session|\bdb\b|\bsess\b/i;
const SESSION_CALL = new RegExp(String.raw`\b(?:${alternatives(SESSION_METHODS)})${GAP}\(`);

/**
 * `session.get(M, id)`: a query when its first argument names a mapped class
 * (walk.ts `sessionGet`: a name, through parentheses and `await`, and a second
 * argument after it). The name is captured; before, any mapped class's name
 * followed by a comma anywhere in a file with a `get(` let it through (polar's
 * SDK imports `Customer,` and calls `self._client.get(url, ...)`: 60 files, 1 MB).
 */
const GET_CALL = new RegExp(String.raw`\bget${GAP}\(${GAP}(?:(?:\(|\bawait\b)${GAP})*([\p{ID_Start}_][\p{ID_Continue}]*)${GAP}(?:\)${GAP})*,`, 'gu');

/**
 * Whether the walk of `text` may report a query or a write, or its pools an
 * engine; `modelNames`: the classes of other files a query may name (a class of
 * its own is a model only in a file that `mayDefineSchema`).
 */
export function mayAccessDatabase(text: string, modelNames: ReadonlySet<string>): boolean {
  if ([...SQLALCHEMY_ENGINE_FACTORIES].some((name) => text.includes(name))) return true;
  if (REPORTING_CALL.test(text) || STATEMENT_CALL.test(text) || QUERY_CALL.test(text)) return true;
  if (MODULE_NAME.test(text) && STATEMENT_NAME.test(text)) return true;
  if (ADD_CALL.test(text) && (SESSION_NAME.test(text) || SESSION_CALL.test(text))) return true;
  return modelNames.size > 0 && (modelQueried(text, modelNames) || modelGot(text, modelNames));
}

/**
 * Whether `M.query` may be written with `M` one of `modelNames` (walk.ts
 * `ormStart`: the attribute on a mapped class of another file). The name is
 * read backwards from each `.query` (a regular expression over every name of
 * the file cost 200 ms on polar); when a comment may stand between the name and
 * the dot (the dot opens a line below one with a `#`), the answer is yes.
 */
function modelQueried(text: string, modelNames: ReadonlySet<string>): boolean {
  DOT_QUERY.lastIndex = 0;
  for (let m = DOT_QUERY.exec(text); m !== null; m = DOT_QUERY.exec(text)) {
    let end = m.index;
    let lines = false;
    for (let c = text[end - 1]; c !== undefined && (c === '\\' || /\s/.test(c)); c = text[--end - 1]) if (c === '\n') lines = true;
    const line = text.slice(text.lastIndexOf('\n', end - 1) + 1, end);
    if ((lines && line.includes('#')) || modelNames.has(NAME_AT_END.exec(line)?.[0] ?? '')) return true;
  }
  return false;
}

/** Whether `session.get(M, id)` may be written with `M` one of `modelNames` (`GET_CALL`). */
function modelGot(text: string, modelNames: ReadonlySet<string>): boolean {
  GET_CALL.lastIndex = 0;
  for (let m = GET_CALL.exec(text); m !== null; m = GET_CALL.exec(text)) if (modelNames.has(m[1]!)) return true;
  return false;
}
