/**
 * A finding's stable identity, shared by baselines and SARIF's
 * `partialFingerprints`: the rule, the workspace-relative file and the text of
 * the statement (or code) the finding is about, whitespace-collapsed, plus an
 * occurrence index among identical keys of one file. No line number: lines
 * inserted above leave it unchanged, while editing the statement changes it.
 */
import * as crypto from 'node:crypto';
import type { Finding, Range } from '../../../../shared/types';
import { workspacePath } from '../config/files';
import type { LineIndex } from '../engine/lineIndex';
import type { Span, Statement } from '../sql/model';

/** The text with every run of whitespace made one space, trimmed: reformatting is no change. */
export function normalizeCode(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

// Node's one-shot digest (20.12 on) spares a Hash object per call: a check hashes twice per finding.
const sha256Hex: (text: string) => string = typeof crypto.hash === 'function' ? (text) => crypto.hash('sha256', text, 'hex') : (text) => crypto.createHash('sha256').update(text).digest('hex');

function hash(text: string, length = 16): string {
  return sha256Hex(text).slice(0, length);
}

export function codeHashOf(text: string): string {
  let known = codeHashes.get(text);
  if (known === undefined) {
    // The language server hashes the same statements again at every version of a file.
    if (codeHashes.size >= 20_000) codeHashes.clear();
    codeHashes.set(text, (known = hash(normalizeCode(text))));
  }
  return known;
}

const codeHashes = new Map<string, string>();

/**
 * Sets `codeHash` on each finding that has none: the hash of the innermost
 * statement holding the finding's start, or, outside every statement (a call
 * in host code, a syntax error), of the lines the finding covers.
 */
export function addCodeHashes(findings: Finding[], statements: readonly Statement[], text: string, lines: LineIndex): void {
  // Typing keeps most findings of a file, hashed already: only the new ones are looked up.
  let missing: Finding[] | undefined;
  for (const finding of findings) if (finding.codeHash === undefined) (missing ??= []).push(finding);
  if (!missing) return;
  const hashes = codeHashesOf(
    missing.map((finding) => finding.range),
    statements,
    text,
    lines,
  );
  for (let i = 0; i < missing.length; i++) missing[i]!.codeHash = hashes[i];
}

/** The code hash (`addCodeHashes`) of a finding at each of `ranges`. */
export function codeHashesOf(ranges: readonly Range[], statements: readonly Statement[], text: string, lines: LineIndex): string[] {
  if (ranges.length === 0) return [];
  // A SQL file's statements are in order already; a host file's may not be.
  const spans = inOrder(statements) ? statements : [...statements].sort(bySpan);
  const byStatement = new Map<Statement, string>();
  return ranges.map((range) => {
    const statement = innermost(spans, lines.offsetAt(range.start));
    if (!statement) return codeHashOf(linesOf(text, lines, range));
    let known = byStatement.get(statement);
    if (known === undefined) byStatement.set(statement, (known = codeHashOf(statement.text)));
    return known;
  });
}

function bySpan(a: { span: Span }, b: { span: Span }): number {
  return a.span.start - b.span.start || b.span.end - a.span.end;
}

function inOrder(spans: readonly { span: Span }[]): boolean {
  for (let i = 1; i < spans.length; i++) if (bySpan(spans[i - 1]!, spans[i]!) > 0) return false;
  return true;
}

function innermost(statements: readonly Statement[], offset: number): Statement | undefined {
  // The last statement starting at or before the offset, then back while earlier ones still enclose it.
  let low = 0;
  let high = statements.length - 1;
  let at = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (statements[mid]!.span.start <= offset) {
      at = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  for (let i = at; i >= 0; i--) {
    const statement = statements[i]!;
    if (statement.span.end >= offset) return statement;
    if (i < at - 8) break; // statements do not nest deeper than a few levels
  }
  return undefined;
}

function linesOf(text: string, lines: LineIndex, range: Range): string {
  const start = lines.offsetAt({ line: range.start.line, character: 0 });
  const end = lines.offsetAt({ line: range.end.line + 1, character: 0 });
  return text.slice(start, end);
}

/**
 * The fingerprint of each finding (same order), `<hash>:<occurrence>`. The
 * occurrence counts earlier findings of the same rule on the same code in the
 * same file, in the order given (file, then position), so two identical
 * statements keep apart. A finding without a code hash (a config problem) is
 * keyed by its message.
 */
export function fingerprints(findings: readonly Finding[], root: string): string[] {
  const seen = new Map<string, number>();
  const paths = new Map<string, string>();
  const pathOf = (file: string) => paths.get(file) ?? paths.set(file, workspacePath(root, file)).get(file)!;
  return findings.map((f) => {
    const key = hash(`${f.ruleId}\0${pathOf(f.file)}\0${f.codeHash ?? codeHashOf(f.message)}`);
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    return `${key}:${occurrence}`;
  });
}
