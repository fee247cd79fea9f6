/**
 * Splits a SQL document into statements on top-level `;`, the way psql does,
 * so that one broken statement never hides the ones after it.
 * Blank lines do not end a statement. psql meta-commands (`\set x 1`, `\gset`)
 * are cut out and reported; `\g`-style commands also end the pending statement.
 */
import type { Dialect } from '../../../../../shared/types';
import type { Span } from '../model';
import { Lexer, Tok, isTrivia, wordIs } from './lexer';
import { bisect, itself } from '../bisect';
import { changedRange } from '../../last-text';

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
  splitFrom(text, dialect, 0, out);
  return out;
}

/**
 * Splits `text` from `from`, where nothing is pending (a start of the text
 * or a resume point), into `out`. `resume`, when given, is told each
 * position after a statement, a meta-command or COPY data, where the
 * splitter holds no state but the position (a resume point: what follows
 * splits the same from there whatever came before); it stops the split
 * when it returns true.
 */
function splitFrom(text: string, dialect: Dialect, from: number, out: SplitResult, resume?: (pos: number) => boolean): void {
  const lx = new Lexer(text, dialect);
  const n = text.length;
  let pos = from;
  let stopped = false;
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

  while (pos < n && !stopped) {
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
      if (resume) stopped = resume(pos);
      continue;
    }
    if (tok === T_PUNCT) {
      const c = text.charCodeAt(start);
      if (c === 59 /* ; */) {
        if (atomicDepth > 0 || (isRule && parenDepth > 0)) {
          stmtEnd = pos;
          continue;
        }
        const ended = stmtStart >= 0;
        finish();
        if (ended && resume) stopped = resume(pos);
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
  if (!stopped) finish();
  if (out.faults.length > 1) out.faults.sort((a, b) => a.span.start - b.span.start);
}

/** A split and where it may resume (`splitFrom`): what the next split of the same file after an edit starts from. */
export interface SplitRecord {
  text: string;
  dialect: Dialect;
  split: SplitResult;
  /** The resume points, ascending. */
  resumes: number[];
}

/**
 * The split of `text` after an edit of `previous.text`, as `splitStatements`
 * gives it: only the part from the last resume point before the edit to the
 * first resume point after it that lines up with one of the previous split
 * (same text from there on) is split again; the statements before are the
 * previous ones, those after moved by the edit's length (`delta`).
 * `kept` says which: the previous split's first `before` statements, and
 * its statements from index `after` on, come last. Without `previous`
 * (or with lexical faults either side), the whole text is split.
 */
export function splitAfterEdit(text: string, dialect: Dialect, previous: SplitRecord | undefined): { record: SplitRecord; kept?: { before: number; after: number; delta: number } } {
  if (!previous || previous.dialect !== dialect || previous.split.faults.length > 0 || text.indexOf('\0') >= 0) return { record: splitRecord(text, dialect) };
  const old = previous.text;
  const { start: a, newEnd: unchangedFrom } = changedRange(old, text);
  const delta = text.length - old.length;
  // The last resume point strictly before the edit: the splitter read up to it no character the edit touched.
  const fi = bisect(previous.resumes, a, itself) - 1;
  const from = fi >= 0 ? previous.resumes[fi]! : 0;
  const out: SplitResult = { statements: [], metaCommands: [], copyData: [], faults: [] };
  const resumes = previous.resumes.slice(0, fi + 1);
  let to = -1;
  splitFrom(text, dialect, from, out, (pos) => {
    resumes.push(pos);
    if (pos < unchangedFrom || !has(previous.resumes, pos - delta)) return false;
    to = pos;
    return true;
  });
  if (out.faults.length > 0) return { record: splitRecord(text, dialect) };
  const { split } = previous;
  const after = to < 0 ? split.statements.length : bisect(split.statements, to - delta, startOf);
  const spliced = (olds: Span[], news: Span[]): Span[] => {
    const head = olds.slice(0, bisect(olds, from, startOf));
    for (const span of news) head.push(span);
    if (to >= 0) for (let i = bisect(olds, to - delta, startOf); i < olds.length; i++) head.push({ start: olds[i]!.start + delta, end: olds[i]!.end + delta });
    return head;
  };
  if (to >= 0) for (let i = bisect(previous.resumes, to - delta + 1, itself); i < previous.resumes.length; i++) resumes.push(previous.resumes[i]! + delta);
  const next: SplitResult = {
    statements: spliced(split.statements, out.statements),
    metaCommands: spliced(split.metaCommands, out.metaCommands),
    copyData: spliced(split.copyData, out.copyData),
    faults: [],
  };
  return { record: { text, dialect, split: next, resumes }, kept: { before: bisect(split.statements, from, startOf), after, delta } };
}

/** The whole text split, with its resume points. */
function splitRecord(text: string, dialect: Dialect): SplitRecord {
  const split: SplitResult = { statements: [], metaCommands: [], copyData: [], faults: nulRuns(text) };
  const resumes: number[] = [];
  splitFrom(text, dialect, 0, split, (pos) => {
    resumes.push(pos);
    return false;
  });
  return { text, dialect, split, resumes };
}

const startOf = (span: Span): number => span.start;

function has(xs: readonly number[], x: number): boolean {
  const i = bisect(xs, x, itself);
  return i < xs.length && xs[i] === x;
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
