/**
 * Positions inside one PostgreSQL statement: converts the parser's byte
 * locations to UTF-16 offsets and finds token ends the AST does not give.
 * All offsets here, taken and given, are `base` plus an offset in the statement
 * text: `base` is where the statement starts in its document when its model is
 * built in place (a one-off parse: no move of its spans afterwards), else 0.
 */
import { byteToUtf16Map, type OffsetMap } from './bytes';
import { Lexer, Tok, tokenize, wordIs, type Token } from './split/lexer';
import type { Dialect } from '../../../../shared/types';
import type { Span } from './model';

/** Words that end a column's type in a column definition. */
export const COLUMN_OPTION_WORDS = ['NOT', 'NULL', 'PRIMARY', 'UNIQUE', 'REFERENCES', 'DEFAULT', 'CHECK', 'CONSTRAINT', 'COLLATE', 'GENERATED', 'COMPRESSION', 'STORAGE', 'AUTO_INCREMENT', 'AUTOINCREMENT', 'COMMENT', 'ON'];

export class StatementText {
  private readonly toUtf16: OffsetMap;
  private tokenList?: Token[];

  constructor(
    readonly text: string,
    readonly dialect: Dialect = 'postgres',
    bytes = true,
    readonly base = 0,
  ) {
    this.toUtf16 = bytes ? byteToUtf16Map(text) : (o) => o;
  }

  /** Parser location (bytes) → UTF-16 offset in the statement. */
  at(location: number): number {
    return this.toUtf16(location) + this.base;
  }

  get tokens(): Token[] {
    return (this.tokenList ??= tokenize(this.text, this.dialect));
  }

  /** Index of the first token ending after `offset`. */
  tokenIndexAt(at: number): number {
    const offset = at - this.base;
    const t = this.tokens;
    let lo = 0;
    let hi = t.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (t[mid].end <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  tokenEnd(offset: number): number {
    const lx = new Lexer(this.text, this.dialect);
    lx.next(offset - this.base);
    return Math.max(lx.end + this.base, offset);
  }

  /** Span of a dotted name (`s.t`, `a.*`, `"X".y`) starting at `offset`. */
  nameSpan(offset: number): Span {
    const t = this.tokens;
    let i = this.tokenIndexAt(offset);
    if (i >= t.length) return { start: offset, end: offset };
    let end = t[i].end;
    while (i + 2 < t.length && this.isChar(t[i + 1], 46) && t[i + 1].start === end) {
      end = t[i + 2].end;
      i += 2;
    }
    return { start: offset, end: end + this.base };
  }

  /**
   * Span from `start` to the end of the token at `lastTokenStart`, extended over
   * the closing parentheses that balance ones opened inside it, and over the
   * argument list of a call that ends it (`now()`: the parser locates no token
   * inside an empty one).
   */
  balancedSpan(start: number, lastTokenStart: number): Span {
    const t = this.tokens;
    let i = this.tokenIndexAt(start);
    let last = this.tokenIndexAt(lastTokenStart);
    // A qualified name (`payouts.id`) is located at its first part.
    while (last + 2 < t.length && t[last].kind === Tok.Word && this.isChar(t[last + 1], 46) && t[last + 1].start === t[last].end && t[last + 2].start === t[last + 1].end) last += 2;
    let depth = 0;
    for (; i <= last && i < t.length; i++) {
      if (this.isChar(t[i], 40)) depth++;
      else if (this.isChar(t[i], 41)) depth--;
    }
    let end = last < t.length ? t[last].end : this.text.length;
    if (depth === 0 && last < t.length && t[last].kind === Tok.Word && i < t.length && this.isChar(t[i], 40)) {
      depth = 1;
      end = t[i].end;
      i++;
    }
    while (depth > 0 && i < t.length) {
      if (this.isChar(t[i], 40)) depth++;
      else if (this.isChar(t[i], 41)) depth--;
      end = t[i].end;
      i++;
    }
    return { start, end: end + this.base };
  }

  /** Extends `end` over the following keywords while they are in `words`. */
  extendOverWords(end: number, words: readonly string[]): number {
    const t = this.tokens;
    for (let i = this.tokenIndexAt(end); i < t.length; i++) {
      if (t[i].kind !== Tok.Word || !words.some((w) => this.is(t[i], w))) break;
      end = t[i].end + this.base;
    }
    return end;
  }

  /** Start of the keyword just before `offset` when it is one of `words`. */
  keywordBefore(offset: number, words: readonly string[]): number | undefined {
    const i = this.tokenIndexAt(offset) - 1;
    const tok = this.tokens[i];
    if (tok && tok.kind === Tok.Word && words.some((w) => this.is(tok, w))) return tok.start + this.base;
    return undefined;
  }

  /** Tokens from `start` up to a top-level `,`, `;`, unmatched `)` or one of `stopWords`. */
  definitionSpan(start: number, stopWords: readonly string[]): Span {
    const toks = this.tokens;
    let i = this.tokenIndexAt(start);
    const from = toks[i]?.start ?? start - this.base;
    let end = from;
    let depth = 0;
    for (; i < toks.length; i++) {
      const tok = toks[i];
      if (this.isChar(tok, 40)) depth++;
      else if (this.isChar(tok, 41)) {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && (this.isChar(tok, 44) || this.isChar(tok, 59))) break;
      else if (depth === 0 && tok.kind === Tok.Word && stopWords.some((w) => this.is(tok, w))) break;
      end = tok.end;
    }
    return { start: from + this.base, end: end + this.base };
  }

  is(tok: Token, upperWord: string): boolean {
    return wordIs(this.text, tok.start, tok.end, upperWord);
  }

  isChar(tok: Token, code: number): boolean {
    return tok.kind === Tok.Punct && this.text.charCodeAt(tok.start) === code;
  }

  slice(span: Span): string {
    return this.text.slice(span.start - this.base, span.end - this.base);
  }
}
