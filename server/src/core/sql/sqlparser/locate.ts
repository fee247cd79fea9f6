/**
 * node-sql-parser gives no positions: spans are found by locating names and
 * keywords among the statement's tokens. Each token is handed out once, in
 * order, so repeated names get their own occurrences.
 */
import type { Span } from '../model';
import { Tok, type Token } from '../split/lexer';
import type { StatementText } from '../text';

const OPERATOR_WORDS = ['NOT', 'IN', 'LIKE', 'ILIKE', 'GLOB', 'IS', 'BETWEEN', 'REGEXP', 'RLIKE', 'ESCAPE'];

export class Locator {
  private readonly used = new Set<number>();

  constructor(readonly st: StatementText) {}

  /** The identifier's unquoted text and whether it was quoted. */
  private ident(tok: Token): { name: string; quoted: boolean } | undefined {
    const raw = this.st.text.slice(tok.start, tok.end);
    if (tok.kind === Tok.Word) return { name: raw, quoted: false };
    if (tok.kind === Tok.QuotedIdent || (tok.kind === Tok.String && raw.startsWith('"'))) return { name: raw.slice(1, -1), quoted: true };
    return undefined;
  }

  /** Finds `[qualifier.]name` after `from`; returns its span and whether the name was quoted. */
  name(name: string, qualifier?: string | null, from = 0): { span: Span; quoted: boolean } | undefined {
    const toks = this.st.tokens;
    const want = name.toLowerCase();
    const wantQ = qualifier?.toLowerCase();
    for (let i = this.st.tokenIndexAt(from); i < toks.length; i++) {
      if (this.used.has(i)) continue;
      const id = this.ident(toks[i]);
      if (!id || id.name.toLowerCase() !== want) continue;
      const dotted = i >= 2 && this.st.isChar(toks[i - 1], 46);
      if (wantQ !== undefined) {
        const q = dotted ? this.ident(toks[i - 2]) : undefined;
        if (!q || q.name.toLowerCase() !== wantQ) continue;
        this.used.add(i);
        return { span: { start: toks[i - 2].start, end: toks[i].end }, quoted: id.quoted };
      }
      // `s.t` where only `t` is asked for: take the whole dotted name.
      if (i + 1 < toks.length && this.st.isChar(toks[i + 1], 46)) continue;
      this.used.add(i);
      const start = dotted && i >= 2 ? toks[i - 2].start : toks[i].start;
      return { span: { start, end: toks[i].end }, quoted: id.quoted };
    }
    return undefined;
  }

  /** The first `*` after `from`, with a `t.` before it. */
  star(from = 0): Span | undefined {
    const toks = this.st.tokens;
    for (let i = this.st.tokenIndexAt(from); i < toks.length; i++) {
      if (!this.st.isChar(toks[i], 42) || this.used.has(i)) continue;
      this.used.add(i);
      const start = i >= 2 && this.st.isChar(toks[i - 1], 46) ? toks[i - 2].start : toks[i].start;
      return { start, end: toks[i].end };
    }
    return undefined;
  }

  /** Start of the first keyword `word` at parenthesis depth 0 after `from`. */
  keyword(word: string, from = 0): Token | undefined {
    const toks = this.st.tokens;
    let depth = 0;
    for (let i = this.st.tokenIndexAt(from); i < toks.length; i++) {
      const t = toks[i];
      if (this.st.isChar(t, 40)) depth++;
      else if (this.st.isChar(t, 41)) depth--;
      else if (depth === 0 && t.kind === Tok.Word && this.st.is(t, word)) return t;
    }
    return undefined;
  }

  /** End of a comparison's value: skips the operator, then one operand (a parenthesised group, a dotted name or a token); BETWEEN takes two. */
  predicateEnd(columnEnd: number): number {
    const toks = this.st.tokens;
    let i = this.st.tokenIndexAt(columnEnd);
    let between = false;
    while (i < toks.length) {
      const t = toks[i];
      if (t.kind === Tok.Punct && '=<>!'.includes(this.st.text[t.start])) i++;
      else if (t.kind === Tok.Word && OPERATOR_WORDS.some((w) => this.st.is(t, w))) {
        if (this.st.is(t, 'BETWEEN')) between = true;
        i++;
      } else break;
    }
    let end = this.operandEnd(i);
    if (between) {
      i = this.st.tokenIndexAt(end);
      if (i < toks.length && this.st.is(toks[i], 'AND')) end = this.operandEnd(i + 1);
    }
    return end;
  }

  private operandEnd(i: number): number {
    const toks = this.st.tokens;
    if (i >= toks.length) return toks[toks.length - 1]?.end ?? 0;
    if (this.st.isChar(toks[i], 40)) return this.st.balancedSpan(toks[i].start, toks[i].start).end;
    let end = toks[i].end;
    while (i + 2 < toks.length && this.st.isChar(toks[i + 1], 46)) {
      end = toks[i + 2].end;
      i += 2;
    }
    if (i + 1 < toks.length && this.st.isChar(toks[i + 1], 40) && toks[i + 1].start === end) return this.st.balancedSpan(toks[i].start, toks[i + 1].start).end;
    return end;
  }

  /** From `kw` to the end of the operand after it. */
  clause(kw: Token): Span {
    return { start: kw.start, end: this.operandEnd(this.st.tokenIndexAt(kw.end)) };
  }
}
