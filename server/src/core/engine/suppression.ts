/**
 * Inline suppression: a comment `querylens-ignore <rule-id>[, <rule-id>...]`
 * silences those rules (all rules when no id follows) for findings that start
 * on the comment's own line or on the line below it.
 */
import { LineIndex } from './lineIndex';

const DIRECTIVE = 'querylens-ignore';
const COMMENT_OPENERS = ['--', '/*', '#', '//'];

export interface Suppressions {
  isSuppressed(ruleId: string, line: number): boolean;
}

export function findSuppressions(text: string, lines: LineIndex): Suppressions {
  /** line → rule ids (empty set = every rule) */
  const byLine = new Map<number, Set<string>>();
  for (let at = text.indexOf(DIRECTIVE); at >= 0; at = text.indexOf(DIRECTIVE, at + DIRECTIVE.length)) {
    const lineStart = lines.lineStartOf(at);
    const before = text.slice(lineStart, at);
    if (!COMMENT_OPENERS.some((opener) => before.includes(opener))) continue;
    const rest = readToLineEnd(text, at + DIRECTIVE.length);
    if (rest.length > 0 && !/^[\s:]/.test(rest)) continue; // e.g. querylens-ignore-file: not ours
    const ids = rest
      .replace(/\*\/.*$/, '')
      .split(/[\s,:]+/)
      .filter((id) => /^[a-z][a-z0-9-]*$/.test(id));
    const line = lines.positionAt(at).line;
    const set = byLine.get(line) ?? new Set<string>();
    if (ids.length === 0) set.add('*');
    for (const id of ids) set.add(id);
    byLine.set(line, set);
  }
  return {
    // Asked for every finding of a file: no allocation, and nothing to look up in a file without comments.
    isSuppressed(ruleId, line) {
      if (byLine.size === 0) return false;
      return suppresses(byLine.get(line), ruleId) || suppresses(byLine.get(line - 1), ruleId);
    },
  };
}

function suppresses(ids: Set<string> | undefined, ruleId: string): boolean {
  return ids !== undefined && (ids.has('*') || ids.has(ruleId));
}

function readToLineEnd(text: string, from: number): string {
  let end = from;
  while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
  return text.slice(from, end);
}
