/**
 * Python string literals holding SQL → EmbeddedSql: escapes resolved, adjacent
 * literals concatenated, f-string holes and driver parameters (`:name`, `%s`,
 * `%(name)s`) turned into the dialect's placeholder, with the file offset of
 * every resulting UTF-16 unit so SQL spans map back into the source.
 */
import type { Dialect } from '../../../../../shared/types';
import type { Span } from '../../sql/model';
import type { EmbeddedSql } from '../types';
import { type Node, spanOf, unwrap } from './nodes';

/** Stands for an f-string hole in decoded text until placeholders are assigned. */
const HOLE = '\u0000';

interface Decoded {
  text: string;
  offsets: number[];
  /** Start offset of each f-string hole → its end, so a placeholder spans the hole. */
  holeEnds?: Map<number, number>;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\u0007', b: '\b', f: '\f', v: '\v', '0': '\0',
};

function decodeEscape(raw: string): string {
  const c = raw[1];
  if (c === '\n' || c === '\r') return ''; // line continuation
  if (c in SIMPLE_ESCAPES && raw.length === 2) return SIMPLE_ESCAPES[c];
  if (c === 'x' || c === 'u' || c === 'U') return String.fromCodePoint(parseInt(raw.slice(2), 16) || 0);
  if (c >= '0' && c <= '7') return String.fromCharCode(parseInt(raw.slice(1), 8) || 0);
  return raw; // \N{...} and unknown escapes stay as written
}

/** Whether a node is a string literal (possibly concatenated / parenthesised) we can read as SQL. */
export function isStringLiteral(node: Node): boolean {
  const n = unwrap(node);
  return n.type === 'string' || n.type === 'concatenated_string';
}

function decodeLiteral(node: Node, out: Decoded): void {
  const start = node.namedChildren.find((c) => c.type === 'string_start');
  const prefix = (start?.text ?? '').toLowerCase();
  const raw = prefix.includes('r');
  for (const part of node.namedChildren) {
    if (part.type === 'interpolation') {
      out.text += HOLE;
      out.offsets.push(part.startIndex);
      (out.holeEnds ??= new Map()).set(part.startIndex, part.endIndex);
      continue;
    }
    if (part.type !== 'string_content') continue;
    let pos = part.startIndex;
    const source = part.text;
    const emit = (until: number) => {
      for (; pos < until; pos++) {
        out.text += source[pos - part.startIndex];
        out.offsets.push(pos);
      }
    };
    for (const esc of part.namedChildren) {
      if (esc.type !== 'escape_sequence' && esc.type !== 'escape_interpolation') continue;
      emit(esc.startIndex);
      if (esc.type === 'escape_sequence' && raw) continue; // raw strings keep escapes as written
      const value = esc.type === 'escape_interpolation' ? esc.text[0] : decodeEscape(esc.text);
      for (let i = 0; i < value.length; i++) {
        out.text += value[i];
        out.offsets.push(esc.startIndex);
      }
      pos = esc.endIndex;
    }
    emit(part.endIndex);
  }
}

/** Decoded text of a literal with f-string holes as HOLE; `undefined` if `node` is no string. */
function decode(node: Node): (Decoded & { literal: Span }) | undefined {
  const n = unwrap(node);
  const parts = n.type === 'string' ? [n] : n.type === 'concatenated_string' ? n.namedChildren.filter((c) => c.type === 'string') : [];
  if (!parts.length) return undefined;
  const out: Decoded = { text: '', offsets: [] };
  for (const p of parts) decodeLiteral(p, out);
  const last = parts[parts.length - 1];
  const endContent = last.namedChildren.find((c) => c.type === 'string_end')?.startIndex ?? last.endIndex;
  out.offsets.push(endContent);
  return { ...out, literal: spanOf(n) };
}

const isIdentStart = (c: string | undefined) => !!c && (c === '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
const isIdentChar = (c: string | undefined) => isIdentStart(c) || (!!c && c >= '0' && c <= '9');

/**
 * Rewrites holes and driver parameters into the dialect's placeholders, outside
 * SQL string literals, quoted identifiers and comments. `:name` stays for SQLite
 * (which binds it natively); repeated names share one number.
 */
function placeholders(src: Decoded, dialect: Dialect, percentParams: boolean): Decoded {
  const out: Decoded = { text: '', offsets: [] };
  const named = new Map<string, number>();
  let count = 0;
  const next = (name?: string) => {
    if (dialect !== 'postgres') return '?';
    if (name !== undefined) {
      let n = named.get(name);
      if (n === undefined) named.set(name, (n = ++count));
      return `$${n}`;
    }
    return `$${++count}`;
  };
  const t = src.text;
  const put = (s: string, from: number, to: number) => {
    // Each placeholder unit maps into the source it replaces, clamped to its last unit.
    for (let k = 0; k < s.length; k++) {
      out.text += s[k];
      out.offsets.push(src.offsets[Math.min(from + k, to - 1)]);
    }
  };
  const putHole = (at: number) => {
    const start = src.offsets[at];
    const end = src.holeEnds?.get(start) ?? start + 1;
    const s = next();
    for (let k = 0; k < s.length; k++) {
      out.text += s[k];
      out.offsets.push(Math.min(start + k, end - 1));
    }
  };
  let i = 0;
  const copyUntil = (end: number) => {
    for (; i < end && i < t.length; i++) {
      out.text += t[i];
      out.offsets.push(src.offsets[i]);
    }
  };
  while (i < t.length) {
    const c = t[i];
    if (c === HOLE) {
      putHole(i);
      i++;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < t.length && t[j] !== c) j++;
      // holes inside quotes still become placeholders: rewrite them in place
      const end = Math.min(j + 1, t.length);
      while (i < end) {
        if (t[i] === HOLE) {
          putHole(i);
          i++;
        } else copyUntil(i + 1);
      }
    } else if (c === '-' && t[i + 1] === '-') {
      const nl = t.indexOf('\n', i);
      copyUntil(nl < 0 ? t.length : nl);
    } else if (c === '/' && t[i + 1] === '*') {
      const close = t.indexOf('*/', i + 2);
      copyUntil(close < 0 ? t.length : close + 2);
    } else if (c === ':' && t[i + 1] === ':') {
      copyUntil(i + 2);
    } else if (c === ':' && isIdentStart(t[i + 1]) && t[i - 1] !== '\\') {
      let j = i + 1;
      while (isIdentChar(t[j])) j++;
      if (dialect === 'sqlite') copyUntil(j);
      else {
        put(next(t.slice(i + 1, j)), i, j);
        i = j;
      }
    } else if (c === '%' && t[i + 1] === 's' && !isIdentChar(t[i + 2])) {
      put(next(), i, i + 2);
      i += 2;
    } else if (c === '%' && t[i + 1] === '(') {
      const close = t.indexOf(')', i);
      if (close > 0 && t[close + 1] === 's') {
        put(next(t.slice(i + 2, close)), i, close + 2);
        i = close + 2;
      } else copyUntil(i + 1);
    } else if (percentParams && c === '%' && t[i + 1] === '%') {
      put('%', i, i + 2);
      i += 2;
    } else copyUntil(i + 1);
  }
  out.offsets.push(src.offsets[t.length]);
  return out;
}

/**
 * `node` (a string literal, implicit concatenation or f-string) as the SQL the
 * database receives. `%s` / `%(name)s` outside SQL quotes are parameters either
 * way; `percentParams` (the string goes to a DB-API driver as is) also reads
 * `%%` as `%`.
 */
export function embeddedSql(node: Node, dialect: Dialect, codeDialect?: Dialect, percentParams = false): EmbeddedSql | undefined {
  const decoded = decode(node);
  if (!decoded) return undefined;
  const final = placeholders(decoded, dialect, percentParams);
  const sql: EmbeddedSql = { text: final.text, offsets: final.offsets, literal: decoded.literal };
  if (codeDialect) sql.dialect = codeDialect;
  return sql;
}

/** The decoded text of a literal, f-string holes removed or replaced by `hole` (for engine URLs). */
export function literalText(node: Node, hole = ''): string | undefined {
  return decode(node)?.text.split(HOLE).join(hole);
}
