/**
 * JavaScript string and template literals holding SQL → EmbeddedSql: escapes
 * resolved, `+` concatenations joined, `${}` holes turned into the dialect's
 * placeholders (the tagged templates of postgres.js, Kysely and Prisma bind
 * each hole as a parameter), knex's `?` bindings numbered for PostgreSQL, with
 * the file offset of every UTF-16 unit of the result.
 */
import type { Dialect } from '../../../../../shared/types';
import type { EmbeddedSql } from '../types';
import { type Node, unwrap } from './syntax';

/** A `${...}` hole, or an operand of a `+` concatenation that is no literal. */
interface Hole {
  /** Index in `text` where the hole's value goes. */
  at: number;
  node: Node;
  /** The expression inside `${...}`, or the operand itself. */
  expression: Node;
}

export interface Decoded {
  text: string;
  offsets: number[];
  holes: Hole[];
  /** From the first literal's opening quote to the last one's closing quote. */
  literal: { start: number; end: number };
}

const SIMPLE: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };

/** What an escape sequence stands for (`\n`, `\x41`, `\u{1F600}`, a line continuation → ''). */
function escapeValue(raw: string): string {
  const c = raw[1] ?? '';
  if (c === '\n' || c === '\r' || c === '\u2028' || c === '\u2029') return '';
  if (raw.length === 2 && c in SIMPLE) return SIMPLE[c]!;
  if (c === 'x') return String.fromCharCode(parseInt(raw.slice(2, 4), 16) || 0);
  if (c === 'u') {
    const hex = raw[2] === '{' ? raw.slice(3, -1) : raw.slice(2, 6);
    const code = parseInt(hex, 16);
    return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  }
  return raw.slice(1);
}

function isLiteral(node: Node): boolean {
  return node.type === 'string' || node.type === 'template_string';
}

/** The operands of a `+` chain, left to right (`'a' + b + 'c'`). */
function concatenated(node: Node, out: Node[] = []): Node[] {
  const n = unwrap(node);
  if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '+') {
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if (left && right) {
      concatenated(left, out);
      concatenated(right, out);
      return out;
    }
  }
  out.push(n);
  return out;
}

/** Whether `node` is a string or template literal, or a `+` concatenation starting with one. */
export function isStringExpression(node: Node | undefined): node is Node {
  if (!node) return false;
  const parts = concatenated(node);
  return isLiteral(parts[0]!);
}

/** The literal(s) of `node` decoded, holes kept apart; undefined when `node` is no string expression. */
export function decode(node: Node): Decoded | undefined {
  const parts = concatenated(node);
  if (!isLiteral(parts[0]!)) return undefined;
  const out: Decoded = { text: '', offsets: [], holes: [], literal: { start: parts[0]!.startIndex, end: parts[0]!.endIndex } };
  let end = 0;
  for (const part of parts) {
    if (!isLiteral(part)) {
      out.holes.push({ at: out.text.length, node: part, expression: part });
      continue;
    }
    out.literal.end = part.endIndex;
    for (const piece of part.namedChildren) {
      if (piece.type === 'string_fragment') {
        const t = piece.text;
        for (let i = 0; i < t.length; i++) {
          out.text += t[i];
          out.offsets.push(piece.startIndex + i);
        }
      } else if (piece.type === 'escape_sequence') {
        const value = escapeValue(piece.text);
        for (let i = 0; i < value.length; i++) {
          out.text += value[i];
          out.offsets.push(piece.startIndex);
        }
      } else if (piece.type === 'template_substitution') {
        const expression = piece.namedChildren.find((c) => c.type !== 'comment');
        if (expression) out.holes.push({ at: out.text.length, node: piece, expression });
      }
    }
    end = part.endIndex - 1; // the closing quote
  }
  out.offsets.push(end);
  return out;
}

/** How holes and bindings become the placeholders the database receives. */
export interface PlaceholderStyle {
  dialect: Dialect | undefined;
  /** knex: `?` is a value binding (numbered `$n` on PostgreSQL), `??` an identifier binding (not SQL text QueryLens can know). */
  knexBindings?: boolean;
  /** A hole that is not a value (a nested fragment, an identifier helper): the query's text is not known, it is skipped. */
  isFragment?: (expression: Node) => boolean;
  /**
   * Plain templates given to a driver: the code interpolates text, so a hole where a name goes
   * (`from ${schema}.jobs`, `FROM ${table}`) stands for an identifier, not a parameter.
   */
  identifierHoles?: boolean;
}

/** Words after which a name, not a value, follows. */
const NAME_BEFORE = /\b(FROM|JOIN|INTO|UPDATE|TABLE|ONLY|EXISTS|DATABASE|SCHEMA|VIEW|SEQUENCE|ON\s+CONFLICT\s+ON\s+CONSTRAINT)\s*$/i;

/** Whether a hole at `at` of `text` sits where a name goes: qualified (`${schema}.t`, `s.${t}`), quoted, or after FROM/JOIN/INTO... */
function namePosition(text: string, at: number): boolean {
  const before = text[at - 1];
  const after = text[at];
  if (after === '.' || before === '.' || (before === '"' && after === '"')) return true;
  return NAME_BEFORE.test(text.slice(Math.max(0, at - 40), at));
}

/** An identifier standing for an interpolated name: the expression's last word (`escapedWorkerSchema`, `this.table` → `table`). */
function nameFor(expression: Node): string {
  const words = expression.text.match(/[A-Za-z_][A-Za-z0-9_]*/g);
  return words?.[words.length - 1] ?? 'name';
}

/**
 * The SQL the database receives: each hole a placeholder (`$n` after the
 * text's own highest `$n` on PostgreSQL, `?` elsewhere). Undefined when a
 * hole is a fragment of SQL text rather than a value.
 */
export function embeddedSql(decoded: Decoded, style: PlaceholderStyle): EmbeddedSql | undefined {
  if (style.isFragment && decoded.holes.some((h) => style.isFragment!(h.expression))) return undefined;
  // Without a dialect, `$n` (PostgreSQL's, and SQLite reads it too) unless the text already uses `?`.
  const postgres = style.dialect === 'postgres' || (style.dialect === undefined && !/\?/.test(decoded.text.replace(/'[^']*'/g, '')));
  let count = 0;
  for (const m of decoded.text.matchAll(/\$(\d+)/g)) count = Math.max(count, Number(m[1]));
  const next = () => (postgres ? `$${++count}` : '?');
  let text = '';
  const offsets: number[] = [];
  const put = (s: string, start: number, end: number) => {
    for (let k = 0; k < s.length; k++) {
      text += s[k];
      offsets.push(Math.min(start + k, Math.max(start, end - 1)));
    }
  };
  const src = decoded.text;
  let hole = 0;
  let quote: string | undefined;
  for (let i = 0; i <= src.length; i++) {
    while (hole < decoded.holes.length && decoded.holes[hole]!.at === i) {
      const h = decoded.holes[hole++]!;
      put(style.identifierHoles && namePosition(src, i) ? nameFor(h.expression) : next(), h.node.startIndex, h.node.endIndex);
    }
    if (i === src.length) break;
    const c = src[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (style.knexBindings) {
      if (c === '\\' && src[i + 1] === '?') {
        put('?', decoded.offsets[i]!, decoded.offsets[i + 2]!);
        i++;
        continue;
      }
      if (c === '?') {
        if (src[i + 1] === '?') return undefined; // `??`: an identifier bound at run time
        // PostgreSQL's JSON operators `?|`, `?&` are written `\\?` in knex; a lone `?` is a binding.
        put(next(), decoded.offsets[i]!, decoded.offsets[i]! + 1);
        continue;
      }
    }
    text += c;
    offsets.push(decoded.offsets[i]!);
  }
  offsets.push(decoded.offsets[src.length]!);
  const sql: EmbeddedSql = { text, offsets, literal: { ...decoded.literal } };
  if (style.dialect) sql.dialect = style.dialect;
  return sql;
}
