/**
 * Splits a SQL document into statements on top-level `;`, the way psql does,
 * so that one broken statement never hides the ones after it.
 * Blank lines do not end a statement. psql meta-commands (`\set x 1`, `\gset`)
 * are cut out and reported; `\g`-style commands also end the pending statement.
 */
import type { Dialect } from '../../../../../shared/types';
import type { Span } from '../model';
import { Lexer, Tok, isTrivia, wordIs } from './lexer';

export interface SplitResult {
  /** Statement spans: no leading/trailing comments or whitespace, no `;`. */
  statements: Span[];
  metaCommands: Span[];
  /** Inline data of `COPY ... FROM stdin` up to its `\.` line. */
  copyData: Span[];
  /** What a database would not read as the splitter did: reported, never silently dropped. */
  faults: LexicalFault[];
}

/**
 * An unclosed block comment (read as ending at the end of its line) or NUL
 * bytes (read as spaces), reported at `span`. The parsers get `blank` as
 * spaces: the statements around the fault then parse as the splitter read them.
 */
export interface LexicalFault {
  kind: 'unclosed-comment' | 'nul';
  span: Span;
  message: string;
  blank: Span;
}

const UNCLOSED_COMMENT =
  'This /* comment is never closed, so the database reads everything after it as comment. Close it with */ (QueryLens reads it as ending at the end of this line, and checks the statements after it).';
const NUL_BYTES = 'NUL byte (U+0000): PostgreSQL rejects it and SQLite stops reading the statement there. Remove it (QueryLens reads it as a space).';
/** A binary file is no SQL: a hundred reports say so as well as a million. */
const MAX_NUL_REPORTS = 100;

const COPY_FROM_STDIN = /\bfrom\s+stdin\b/i;

// Module-local copies: per-file transpilers (the test loader) turn each use of an
// imported binding into a property getter call, which shows up in this hot loop.
const T_BACKSLASH = Tok.Backslash;
const T_PUNCT = Tok.Punct;
const T_WORD = Tok.Word;
const T_BLOCK_COMMENT = Tok.BlockComment;
const trivia = isTrivia;
const isWord = wordIs;

export function splitStatements(text: string, dialect: Dialect): SplitResult {
  const out: SplitResult = { statements: [], metaCommands: [], copyData: [], faults: nulRuns(text) };
  const lx = new Lexer(text, dialect);
  const n = text.length;
  let pos = 0;
  let stmtStart = -1; // start of the first token of the pending statement
  let stmtEnd = -1; // end of its last non-trivia token
  let tokenCount = 0;
  let firstIsCopy = false;
  let isRule = false; // CREATE [OR REPLACE] RULE ... DO (a; b): `;` inside parens belongs to the rule
  let isTrigger = false; // SQLite/MySQL CREATE TRIGGER ... BEGIN a; b; END
  let parenDepth = 0;
  let atomicDepth = 0; // BEGIN ATOMIC ... END bodies (CASE ... END nests inside)
  let prevWordBegin = false;

  const finish = (): void => {
    if (stmtStart < 0) return;
    out.statements.push({ start: stmtStart, end: stmtEnd });
    const copy = firstIsCopy && COPY_FROM_STDIN.test(text.slice(stmtStart, stmtEnd));
    stmtStart = stmtEnd = -1;
    tokenCount = 0;
    firstIsCopy = isRule = isTrigger = false;
    parenDepth = atomicDepth = 0;
    prevWordBegin = false;
    if (copy) pos = skipCopyData(text, pos, out.copyData);
  };

  while (pos < n) {
    const tok = lx.next(pos);
    const start = pos;
    pos = lx.end;
    if (tok === T_BLOCK_COMMENT && lx.unterminated) out.faults.push({ kind: 'unclosed-comment', span: { start, end: start + 2 }, message: UNCLOSED_COMMENT, blank: { start, end: pos } });
    if (trivia(tok)) continue;
    if (tok === T_BACKSLASH && dialect === 'postgres') {
      let eol = text.indexOf('\n', start);
      if (eol < 0) eol = n;
      let metaEnd = eol;
      while (metaEnd > start && (text.charCodeAt(metaEnd - 1) === 13 || text.charCodeAt(metaEnd - 1) === 32)) metaEnd--;
      finish();
      out.metaCommands.push({ start, end: metaEnd });
      pos = eol;
      continue;
    }
    if (tok === T_PUNCT) {
      const c = text.charCodeAt(start);
      if (c === 59 /* ; */) {
        if (atomicDepth > 0 || (isRule && parenDepth > 0)) {
          stmtEnd = pos;
          continue;
        }
        finish();
        continue;
      }
      if (c === 40) parenDepth++;
      else if (c === 41 && parenDepth > 0) parenDepth--;
    }
    if (stmtStart < 0) stmtStart = start;
    stmtEnd = pos;
    tokenCount++;
    if (tok === T_WORD) {
      if (tokenCount === 1) firstIsCopy = isWord(text, start, pos, 'COPY');
      else if (tokenCount <= 4 && isWord(text, start, pos, 'RULE') && isWord(text, stmtStart, stmtStart + 6, 'CREATE')) isRule = true;
      else if (tokenCount <= 6 && dialect !== 'postgres' && isWord(text, start, pos, 'TRIGGER') && isWord(text, stmtStart, stmtStart + 6, 'CREATE')) isTrigger = true;
      if (isTrigger && isWord(text, start, pos, 'BEGIN')) atomicDepth++;
      else if (isTrigger && atomicDepth > 0 && isWord(text, start, pos, 'CASE')) atomicDepth++;
      else if (isTrigger && atomicDepth > 0 && isWord(text, start, pos, 'END')) atomicDepth--;
      if (dialect === 'postgres') {
        if (prevWordBegin && isWord(text, start, pos, 'ATOMIC')) atomicDepth++;
        else if (atomicDepth > 0 && isWord(text, start, pos, 'CASE')) atomicDepth++;
        else if (atomicDepth > 0 && isWord(text, start, pos, 'END')) atomicDepth--;
        prevWordBegin = isWord(text, start, pos, 'BEGIN');
      }
    } else prevWordBegin = false;
  }
  finish();
  if (out.faults.length > 1) out.faults.sort((a, b) => a.span.start - b.span.start);
  return out;
}

/** Runs of NUL bytes (the lexer reads them as spaces). */
function nulRuns(text: string): LexicalFault[] {
  const faults: LexicalFault[] = [];
  for (let at = text.indexOf('\0'); at >= 0 && faults.length < MAX_NUL_REPORTS; at = text.indexOf('\0', at)) {
    const start = at;
    while (text.charCodeAt(at) === 0) at++;
    faults.push({ kind: 'nul', span: { start, end: at }, message: NUL_BYTES, blank: { start, end: at } });
  }
  return faults;
}

/** `text` as the splitter read it: every fault's `blank` span turned to spaces (offsets unchanged). */
export function readableText(text: string, faults: LexicalFault[]): string {
  if (faults.length === 0) return text;
  let out = '';
  let from = 0;
  for (const { blank } of faults) {
    const start = Math.max(blank.start, from); // a NUL inside an unclosed comment's line is blanked already
    if (blank.end <= start) continue;
    out += text.slice(from, start) + ' '.repeat(blank.end - start);
    from = blank.end;
  }
  return out + text.slice(from);
}

/** Skips the lines after `COPY ... FROM stdin;` up to and including the `\.` line. */
function skipCopyData(text: string, pos: number, spans: Span[]): number {
  let lineStart = text.indexOf('\n', pos);
  if (lineStart < 0) return pos;
  lineStart++;
  const dataStart = lineStart;
  while (lineStart < text.length) {
    let eol = text.indexOf('\n', lineStart);
    if (eol < 0) eol = text.length;
    const line = text.slice(lineStart, eol).trimEnd();
    if (line === '\\.') {
      spans.push({ start: dataStart, end: lineStart + 2 });
      return eol;
    }
    lineStart = eol + 1;
  }
  spans.push({ start: dataStart, end: text.length });
  return text.length;
}
