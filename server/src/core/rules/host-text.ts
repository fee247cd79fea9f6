/**
 * Layout operations on host code for the rules and the language adapters'
 * fixes (lines, indentation, spans, string literals): text only, no language
 * and no registry, so an adapter can use them without importing the rules.
 */
import type { HostQuery } from '../host/types';
import type { Predicate, Span } from '../sql/model';
import type { FileContext } from './types';

export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset of the line's `\n` (or the end of the text). */
export function lineEnd(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end === -1 ? text.length : end;
}

/** The whitespace that starts the line holding `offset`. */
export function indentationAt(text: string, offset: number): string {
  const start = lineStart(text, offset);
  return /^[ \t]*/.exec(text.slice(start, lineEnd(text, offset)))![0];
}

/** Whether only whitespace precedes `offset` on its line. */
export function startsLine(text: string, offset: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStart(text, offset), offset));
}

export function spanText(text: string, span: Span): string {
  return text.slice(span.start, span.end);
}

/** Whether `await` directly precedes the call at `span` (Python's async sessions). */
export function awaited(text: string, span: Span): boolean {
  return /\bawait\s+$/.test(text.slice(lineStart(text, span.start), span.start)) || /^await\b/.test(spanText(text, span));
}

// ---------------------------------------------------------------------------
// String literals

/**
 * The query's string literal as written (quotes, escapes, driver parameters
 * such as `:agent_id` kept) with the key predicate replaced, or undefined when
 * the predicate's spans do not sit inside the literal.
 */
export function rewriteLiteral(
  ctx: FileContext,
  query: HostQuery,
  key: Predicate,
  replacement: (column: string, placeholder: string) => string | undefined,
): string | undefined {
  const { literal } = query.sql!;
  const { span, column } = key;
  if (span.start < literal.start || span.end > literal.end || column.span.end > span.end) return undefined;
  const placeholder = /(\$\d+|\?|:\w+|%\(\w+\)s|%s)\s*$/.exec(ctx.text.slice(column.span.end, span.end))?.[1];
  const predicate = placeholder && replacement(spanText(ctx.text, column.span), placeholder);
  return predicate ? ctx.text.slice(literal.start, span.start) + predicate + ctx.text.slice(span.end, literal.end) : undefined;
}

/** The comma-separated items of a list's inside (or of call arguments), brackets and strings (`"`, `'`, `` ` ``, with backslash escapes) respected. */
export function topLevelItems(inside: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let escaped = false;
  let current = '';
  for (const ch of inside) {
    if (quote) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) {
      items.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim() !== '') items.push(current.trim());
  return items;
}
