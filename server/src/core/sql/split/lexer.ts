/**
 * A small SQL lexer shared by the statement splitter and the span finder.
 * It only knows what it needs to find statement boundaries and identifiers:
 * strings, quoted identifiers, dollar quotes, comments, words, numbers and
 * single punctuation characters. It never throws and never allocates per token
 * (the kind of the last token is returned, its end is in `lexer.end`).
 */
import type { Dialect } from '../../../../../shared/types';

export const enum Tok {
  Space,
  LineComment,
  BlockComment,
  String,
  QuotedIdent,
  DollarString,
  Word,
  Number,
  Param,
  Punct,
  Backslash,
  Eof,
}

const C_SQ = 39; // '
const C_DQ = 34; // "
const C_BT = 96; // `
const C_BS = 92; // \
const C_DOLLAR = 36;
const C_DASH = 45;
const C_SLASH = 47;
const C_STAR = 42;

export function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
}
export function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === C_DOLLAR;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
/**
 * The character code at `i`, or -1 past either end of `s` (where `charCodeAt` gives NaN: the
 * same for every comparison here). V8's optimised code assumes an index in range at each
 * `charCodeAt` until one is not, and is then thrown away and compiled again: the lookaheads
 * (`--`, `/*`, `E'`, `''`, `:name`) read one past the last character at the end of a text.
 */
export function codeAt(s: string, i: number): number {
  return i >= 0 && i < s.length ? s.charCodeAt(i) : -1;
}
/** NUL counts as a space: the splitter reports it, and nothing after it is lost (see split.ts). */
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 0;
}

export class Lexer {
  /** End (exclusive) of the token returned by the last `next()`. */
  end = 0;
  /**
   * Set when a string/quote ran to the end of the text unterminated, or a block
   * comment was never closed: that comment is read as ending at the end of its
   * line (a database would read the rest of the file as comment; the splitter
   * reports it, and the statements after it are still read).
   */
  unterminated = false;

  constructor(
    readonly text: string,
    readonly dialect: Dialect,
    readonly limit = text.length,
  ) {}

  /** Reads the token starting at `pos`. */
  next(pos: number): Tok {
    const s = this.text;
    const n = this.limit;
    this.unterminated = false;
    if (pos >= n) {
      this.end = n;
      return Tok.Eof;
    }
    const c = s.charCodeAt(pos);
    if (isSpace(c)) {
      let i = pos + 1;
      while (i < n && isSpace(s.charCodeAt(i))) i++;
      this.end = i;
      return Tok.Space;
    }
    if (c === C_DASH && codeAt(s, pos + 1) === C_DASH) {
      const nl = s.indexOf('\n', pos + 2);
      this.end = nl < 0 || nl > n ? n : nl;
      return Tok.LineComment;
    }
    if (c === 35 /* # */ && this.dialect === 'mysql') {
      const nl = s.indexOf('\n', pos + 1);
      this.end = nl < 0 || nl > n ? n : nl;
      return Tok.LineComment;
    }
    if (c === C_SLASH && codeAt(s, pos + 1) === C_STAR) {
      this.end = this.blockComment(pos + 2);
      return Tok.BlockComment;
    }
    if (c === C_SQ) {
      this.end = this.quoted(pos + 1, C_SQ, this.dialect === 'mysql');
      return Tok.String;
    }
    if ((c === 69 || c === 101) && codeAt(s, pos + 1) === C_SQ && this.dialect === 'postgres') {
      this.end = this.quoted(pos + 2, C_SQ, true);
      return Tok.String;
    }
    if (c === C_DQ) {
      this.end = this.quoted(pos + 1, C_DQ, this.dialect === 'mysql');
      return this.dialect === 'mysql' ? Tok.String : Tok.QuotedIdent;
    }
    if (c === C_BT && this.dialect !== 'postgres') {
      this.end = this.quoted(pos + 1, C_BT, false);
      return Tok.QuotedIdent;
    }
    if (c === 91 /* [ */ && this.dialect === 'sqlite') {
      const close = s.indexOf(']', pos + 1);
      this.end = close < 0 || close >= n ? n : close + 1;
      return Tok.QuotedIdent;
    }
    if (c === C_DOLLAR) {
      const d = this.dollar(pos);
      if (d > 0) {
        this.end = d;
        return Tok.DollarString;
      }
      let i = pos + 1;
      while (i < n && isDigit(s.charCodeAt(i))) i++;
      if (i > pos + 1) {
        this.end = i;
        return Tok.Param;
      }
      this.end = pos + 1;
      return Tok.Punct;
    }
    if (isIdentStart(c)) {
      let i = pos + 1;
      while (i < n && isIdentPart(s.charCodeAt(i))) i++;
      this.end = i;
      return Tok.Word;
    }
    if (isDigit(c) || (c === 46 && isDigit(codeAt(s, pos + 1)))) {
      let i = pos + 1;
      while (i < n) {
        const d = s.charCodeAt(i);
        if (isDigit(d) || d === 46 || isIdentStart(d)) i++;
        else break;
      }
      this.end = i;
      return Tok.Number;
    }
    if (c === 63 /* ? */ || ((c === 58 || c === 64) && isIdentStart(codeAt(s, pos + 1)) && codeAt(s, pos - 1) !== 58)) {
      // ?, ?1, :name, @name
      let i = pos + 1;
      while (i < n && isIdentPart(s.charCodeAt(i))) i++;
      this.end = i;
      return Tok.Param;
    }
    if (c === C_BS) {
      this.end = pos + 1;
      return Tok.Backslash;
    }
    this.end = pos + 1;
    return Tok.Punct;
  }

  private blockComment(from: number): number {
    const s = this.text;
    const n = this.limit;
    let depth = 1;
    let i = from;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === C_STAR && codeAt(s, i + 1) === C_SLASH) {
        i += 2;
        if (--depth === 0) return i;
      } else if (c === C_SLASH && codeAt(s, i + 1) === C_STAR && this.dialect === 'postgres') {
        depth++;
        i += 2;
      } else i++;
    }
    this.unterminated = true;
    const eol = s.indexOf('\n', from);
    return eol < 0 || eol > n ? n : eol;
  }

  /** Scans to the closing quote; a doubled quote is an escaped quote. */
  private quoted(from: number, q: number, backslashEscapes: boolean): number {
    const s = this.text;
    const n = this.limit;
    let i = from;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === q) {
        if (codeAt(s, i + 1) === q) i += 2;
        else return i + 1;
      } else if (c === C_BS && backslashEscapes) i += 2;
      else i++;
    }
    this.unterminated = true;
    return n;
  }

  /** `$tag$ ... $tag$`: returns its end, or 0 when `pos` does not open a dollar quote. */
  private dollar(pos: number): number {
    const s = this.text;
    const n = this.limit;
    if (this.dialect !== 'postgres') return 0;
    // A `$` right after an identifier character is part of that identifier.
    if (pos > 0 && isIdentPart(s.charCodeAt(pos - 1))) return 0;
    let i = pos + 1;
    if (i < n && isDigit(s.charCodeAt(i))) return 0;
    while (i < n && s.charCodeAt(i) !== C_DOLLAR) {
      if (!isIdentPart(s.charCodeAt(i)) || s.charCodeAt(i) === C_DOLLAR) return 0;
      i++;
    }
    if (i >= n) return 0;
    const tag = s.slice(pos, i + 1);
    const close = s.indexOf(tag, i + 1);
    if (close < 0 || close + tag.length > n) {
      this.unterminated = true;
      return n;
    }
    return close + tag.length;
  }
}

/** Case-insensitive comparison of text[start, end) with an upper-case ASCII keyword. */
export function wordIs(text: string, start: number, end: number, upperKeyword: string): boolean {
  if (end - start !== upperKeyword.length) return false;
  for (let i = 0; i < upperKeyword.length; i++) {
    let c = codeAt(text, start + i);
    if (c >= 97 && c <= 122) c -= 32;
    if (c !== upperKeyword.charCodeAt(i)) return false;
  }
  return true;
}

export function isTrivia(t: Tok): boolean {
  return t === Tok.Space || t === Tok.LineComment || t === Tok.BlockComment;
}

export interface Token {
  kind: Tok;
  start: number;
  end: number;
}

/** All non-trivia tokens of text[start, end), for the (rarer) callers that need a list. */
export function tokenize(text: string, dialect: Dialect, start = 0, end = text.length): Token[] {
  const lx = new Lexer(text, dialect, end);
  const out: Token[] = [];
  let pos = start;
  for (;;) {
    const t = lx.next(pos);
    if (t === Tok.Eof) break;
    if (!isTrivia(t)) out.push({ kind: t, start: pos, end: lx.end });
    pos = lx.end;
  }
  return out;
}
