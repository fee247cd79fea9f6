/**
 * Entry point of the SQL core: a document's text → ParsedDocument.
 * `initParsers()` once (loads libpg-query's WASM), then `parseDocument` is
 * synchronous and never throws.
 */
import type { Dialect } from '../../../../shared/types';
import { ChunkCache, PreviousChunks, placedChunks, recordChunks, takeChunk, type PlacedChunk } from './cache';
import { type ChunkResult, rebase, shiftFresh, shiftOwned } from './chunk';
import type { ParsedDocument, Statement } from './model';
import { parsePgChunk } from './pg/statement';
import { loadPgWasm } from './pg/wasm';
import { maskPsqlVariables } from './psql';
import { maskSqliteOnly } from './sqlite-fallback';
import { readableText, splitAfterEdit, splitStatements, type SplitRecord } from './split/split';
import { parseSqlParserChunk } from './sqlparser/statement';
import { runSteps, type Steps } from '../steps';
import { warmLexers } from './warm';
import { codeAt } from './split/lexer';

export { inferDialect } from './dialect';
export { splitStatements } from './split/split';

let ready: Promise<void> | undefined;
let loaded = false;

export function initParsers(): Promise<void> {
  if (!ready) {
    ready = loadPgWasm().then(() => {
      loaded = true;
    });
    // While the WebAssembly compiles: the lexers meet every branch before the first document (warm.ts).
    warmLexers();
  }
  return ready;
}

// One cache per dialect, keyed by the statement's text itself: no key string built per statement.
const caches = new Map<Dialect, ChunkCache>();
const cacheOf = (dialect: Dialect): ChunkCache => caches.get(dialect) ?? caches.set(dialect, new ChunkCache()).get(dialect)!;

/** Parses one statement's text (no trailing `;` needed); spans are relative to `text`. */
export function parseStatement(text: string, dialect: Dialect): ChunkResult {
  const cache = cacheOf(dialect);
  let result = cache.get(text);
  if (!result) {
    result = parseUncached(text, dialect);
    cache.set(text, result);
  }
  return result;
}

/**
 * The texts a one-off parse has read, with their first result (where it was placed): most
 * statements of a corpus occur once, so the first parse goes to the document as it is, and
 * each later sight of the same text is a copy of that first result moved to its own place,
 * not a second parse: only `markTransactions` changes a parsed statement afterwards (its
 * `inTransaction`, which it sets again in every document, except on the statements that
 * open or close a transaction, which keep their parsed `false`). Only for documents parsed
 * without `incremental` (a one-off run, not the language server), whose statements are not
 * moved in place later.
 */
const seenOnce = new Map<Dialect, Map<string, { result: ChunkResult; start: number }>>();
const SEEN_MAX = 100_000;

/** `parseStatement` placed at `start` of a document, owned by the caller. */
function parseStatementAt(text: string, dialect: Dialect, start: number): ChunkResult {
  const cache = cacheOf(dialect);
  const hit = cache.get(text);
  if (hit) return rebase(hit, start);
  const seen = seenOnce.get(dialect) ?? seenOnce.set(dialect, new Map()).get(dialect)!;
  const first = seen.get(text);
  if (first) return rebase(first.result, start - first.start);
  if (seen.size >= SEEN_MAX) seen.clear();
  const result = parseUncachedAt(text, dialect, start);
  seen.set(text, { result, start });
  return result;
}

/**
 * `parseUncached` placed at `start` of a document: a PostgreSQL statement that parses is
 * built there (no walk of its model to move it afterwards); anything else is moved there.
 */
function parseUncachedAt(text: string, dialect: Dialect, start: number): ChunkResult {
  if (dialect === 'postgres' && loaded) {
    let placed: ChunkResult | undefined;
    try {
      placed = parsePgChunk(text, start);
    } catch {
      placed = undefined; // parseUncached says what went wrong
    }
    if (placed && placed.errors.length === 0) return placed;
  }
  const result = parseUncached(text, dialect);
  shiftFresh(result, start);
  return result;
}

function parseUncached(text: string, dialect: Dialect): ChunkResult {
  try {
    if (dialect === 'postgres') {
      if (!loaded) return { statements: [], errors: [{ message: 'PostgreSQL parser not initialised (call initParsers first)', span: { start: 0, end: text.length } }] };
      const parsed = parsePgChunk(text);
      return parsed.errors.length > 0 ? (withPsqlVariables(text) ?? parsed) : parsed;
    }
    const parsed = parseSqlParserChunk(text, dialect);
    return dialect === 'sqlite' && parsed.errors.length > 0 && loaded ? (readAsPostgres(text, maskSqliteOnly(text) ?? text) ?? parsed) : parsed;
  } catch (e) {
    return { statements: [], errors: [{ message: `could not parse: ${(e as Error)?.message ?? e}`, span: { start: 0, end: text.length } }] };
  }
}

const DIALECTS: Dialect[] = ['postgres', 'sqlite', 'mysql'];

function readsInAnotherDialect(text: string, dialect: Dialect): boolean {
  return DIALECTS.some((other) => other !== dialect && parseStatement(text, other).errors.length === 0);
}

/** A statement that reads once its psql variables are masked (psql.ts), with its own text back; else undefined. */
function withPsqlVariables(text: string): ChunkResult | undefined {
  const masked = maskPsqlVariables(text);
  return masked === undefined ? undefined : readAsPostgres(text, masked);
}

/** `masked` (same length as `text`) read by PostgreSQL's parser, the statements with their own text back; undefined when it does not parse. */
function readAsPostgres(text: string, masked: string): ChunkResult | undefined {
  const parsed = parsePgChunk(masked);
  if (parsed.errors.length > 0) return undefined;
  for (const statement of parsed.statements) statement.text = text.slice(statement.span.start, statement.span.end);
  return parsed;
}

/**
 * Parses a document. `incremental` is for a file that will be parsed again
 * after edits: the result remembers its chunks, and with `previous` (the same
 * file's last parse, which the caller then drops) unchanged statements are
 * taken over from it instead of being copied again from the statement cache.
 */
/**
 * A real database's parser, supplied by a host (the core knows no database):
 * whether `text`, one statement that QueryLens's parsers reject, is valid
 * syntax in `dialect` (`true`), a syntax error (`false`), or undefined when it
 * cannot tell (no such database here, several statements). It never runs
 * the statement.
 */
export type SyntaxOracle = (text: string, dialect: Dialect) => boolean | undefined;

export interface ParseOptions {
  /** The dialect is a guess (layout.ts): a statement another dialect reads is skipped, not reported. */
  dialectGuessed?: boolean;
  /**
   * Asked about a statement the parsers reject: one it calls valid is valid
   * SQL that QueryLens cannot read (`unreadable`), not a syntax error. Without
   * it (the core's tests), every rejected statement is a syntax error.
   */
  syntaxOracle?: SyntaxOracle;
}

/** Statements kept from the previous parse (`parseDocumentSteps`) per step; one step is one statement parsed otherwise. */
const KEPT_PER_STEP = 64;

/** How each incrementally parsed document was split, for the next parse of its file (`splitAfterEdit`). */
const splitRecords = new WeakMap<ParsedDocument, SplitRecord>();

export function parseDocument(text: string, dialect: Dialect, incremental?: { previous?: ParsedDocument }, options?: ParseOptions): ParsedDocument {
  return runSteps(parseDocumentSteps(text, dialect, incremental, options));
}

/**
 * `parseDocument` in steps (core/steps.ts): one statement per step, or many kept from the previous parse. A caller
 * may stop between steps; the previous document's statements taken over so
 * far then stay where the next parse of the file can take them again.
 */
export function* parseDocumentSteps(
  text: string,
  dialect: Dialect,
  incremental?: { previous?: ParsedDocument },
  options?: ParseOptions,
): Steps<ParsedDocument> {
  const doc: ParsedDocument = { dialect, statements: [], errors: [], metaCommands: [] };
  try {
    // After an edit, only the statements around it are split again: the others are the previous ones (`kept`).
    const previous = incremental?.previous;
    const previousSplit = previous && splitRecords.get(previous);
    const { record, kept } = incremental ? splitAfterEdit(text, dialect, previousSplit) : { record: undefined, kept: undefined };
    const split = record?.split ?? splitStatements(text, dialect);
    doc.errors.push(...split.faults.map(({ message, span }) => ({ message, span })));
    // The parsers get the text as the splitter read it (a NUL byte would end their input).
    const source = readableText(text, split.faults);
    doc.metaCommands = split.metaCommands;
    if (split.copyData.length) doc.copyData = split.copyData;
    // The previous chunks, one per statement of the previous split (recorded together), so kept ones are found by index.
    const chunks = kept && previous?.dialect === dialect ? placedChunks(previous) : undefined;
    const previousChunks = chunks?.length === previousSplit?.split.statements.length ? chunks : undefined;
    const keptFrom = kept ? split.statements.length - (previousChunks?.length ?? 0) + kept.after : 0;
    // The statements between those kept take a previous chunk of the same text if any (a statement moved by a line).
    const reusable = new PreviousChunks(previous?.dialect === dialect ? previous : undefined, previousChunks && kept ? { from: kept.before, to: kept.after } : undefined);
    const placed: PlacedChunk[] = [];
    let keptStatements = 0;
    for (let i = 0; i < split.statements.length; i++) {
      const span = split.statements[i]!;
      // A kept statement has the same text as its previous chunk: neither copied out of the text nor looked up.
      const same = previousChunks && (i < kept!.before ? previousChunks[i] : i >= keptFrom ? previousChunks[i - keptFrom + kept!.after] : undefined);
      // Kept statements cost little: a step holds many (typing in a 5,000-line file keeps 1,700 at each edit).
      if (!same || ++keptStatements % KEPT_PER_STEP === 0) yield;
      const chunkText = same ? same.text : source.slice(span.start, span.end);
      const result = (same ? takeChunk(same, span.start, shiftOwned) : reusable.take(chunkText, span.start, shiftOwned)) ?? (incremental
          ? rebase(parseStatement(chunkText, dialect), span.start) // its spans move in place on the next parse: none shared
          : parseStatementAt(chunkText, dialect, span.start));
      // A kept chunk is placed already (`takeChunk` moved it here): the same record serves the next parse.
      if (incremental) placed.push(same ?? { text: chunkText, start: span.start, result });
      if (result.errors.length > 0 && options?.dialectGuessed && readsInAnotherDialect(chunkText, dialect)) {
        // Not surely SQL of the guessed dialect: another database's statement, skipped like a meta-command.
        (doc.unreadable ??= []).push(span);
        continue;
      }
      if (result.errors.length > 0 && options?.syntaxOracle?.(chunkText, dialect) === true) {
        // Valid in the database itself, beyond what the parsers read (SQLite's `REFERENCES user` with no
        // column list): skipped like another dialect's statement, never a syntax error.
        (doc.unreadable ??= []).push(span);
        continue;
      }
      for (const statement of result.statements) doc.statements.push(statement);
      for (const error of result.errors) doc.errors.push(error);
    }
    if (incremental) {
      recordChunks(doc, placed);
      splitRecords.set(doc, record!);
    }
    markTransactions(doc.statements);
  } catch (e) {
    doc.errors.push({ message: `internal error: ${(e as Error)?.message ?? e}`, span: { start: 0, end: Math.min(1, text.length) } });
  }
  return doc;
}

/** The words a statement that opens or closes a transaction starts with, lower-case, by length. */
const TRANSACTION_WORDS = new Map<number, string[]>([
  [3, ['end']],
  [5, ['begin', 'start', 'abort']],
  [6, ['commit']],
  [8, ['rollback']],
]);

/** Whether `text` starts with a letter and its first word is none of TRANSACTION_WORDS, or with no word at all (a parenthesis): it neither opens nor closes a transaction. */
function surelyNoTransactionWord(text: string): boolean {
  let end = 0;
  for (;;) {
    const c = codeAt(text, end) | 32;
    if (c < 97 || c > 122) break;
    end++;
  }
  if (end === 0) {
    // A parenthesis, a quote...: no word where `markTransactions`' regex (`^\s*(\w+)`) looks for one, so no transaction
    // word (every statement is asked at each edit). Space, a digit, past ASCII: the regex decides.
    const first = codeAt(text, 0);
    return first >= 0 && first < 128 && first !== 32 && (first < 9 || first > 13) && (first < 48 || first > 57) && first !== 95;
  }
  const c = codeAt(text, end);
  if ((c >= 48 && c <= 57) || c === 95 || c === 36 || c > 127) return false; // a longer identifier: the regex decides
  const words = TRANSACTION_WORDS.get(end);
  if (words) for (const word of words) if (startsWithLetters(text, word)) return false;
  return true;
}

/** Whether `text` starts with `word` (lower-case letters), in any case: compared in place (every statement is asked at each edit). */
function startsWithLetters(text: string, word: string): boolean {
  for (let i = 0; i < word.length; i++) if ((text.charCodeAt(i) | 32) !== word.charCodeAt(i)) return false;
  return true;
}

/** Sets `inTransaction` on statements between BEGIN/START TRANSACTION and COMMIT/ROLLBACK/END. */
function markTransactions(statements: Statement[]): void {
  let open = false;
  for (const s of statements) {
    // Only BEGIN, START, COMMIT, END, ABORT and ROLLBACK matter: any other first word needs no regex.
    if (surelyNoTransactionWord(s.text)) {
      s.inTransaction = open;
      continue;
    }
    const m = /^\s*(\w+)(?:\s+(\w+))?/.exec(s.text);
    const first = m?.[1]?.toUpperCase();
    const second = m?.[2]?.toUpperCase();
    if (first === 'BEGIN' || (first === 'START' && second === 'TRANSACTION')) {
      if (s.kind === 'transaction' || !second || second === 'TRANSACTION' || second === 'WORK' || second === 'ISOLATION' || second === 'DEFERRED' || second === 'IMMEDIATE' || second === 'EXCLUSIVE') {
        open = true;
        continue;
      }
    }
    if (first === 'COMMIT' || first === 'END' || first === 'ABORT' || (first === 'ROLLBACK' && !/\bTO\b/i.test(s.text))) {
      open = false;
      continue;
    }
    s.inTransaction = open;
  }
}
