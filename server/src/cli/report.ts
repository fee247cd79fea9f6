/**
 * What one `querylens check` run produced: the input every output format
 * renders. Findings keep absolute paths; each format decides how to show them.
 */
import * as path from 'node:path';
import type { Finding, RuleMeta, Severity } from '../../../shared/types';

export interface CheckReport {
  /** Absolute path of the workspace root; JSON and SARIF paths are relative to it. */
  root: string;
  /** Number of files analysed. */
  files: number;
  /** SQL strings in host code that could not be read as SQL: skipped quietly, counted here. */
  unreadable?: number;
  /** Sorted by file, then position. */
  findings: Finding[];
  /** Every known rule (for SARIF's rule table and the text summary). */
  rules: RuleMeta[];
  /** `--changed`: what the checked files are. */
  changed?: ChangedSelection;
}

/** The files `check --changed` checked: those changed since `base`, and those whose findings depend on them. */
export interface ChangedSelection {
  /** The ref compared with, as named (`main`, or the `--since` value). */
  since: string;
  /** The merge base of HEAD with it. */
  base: string;
  changed: number;
  /** Analysed files deleted since (not checked: their dependents are). */
  deleted?: number;
  dependents: number;
  /** The configuration changed: every file is checked. */
  configChanged?: boolean;
}

export type OutputFormat = 'text' | 'json' | 'sarif' | 'github';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'json', 'sarif', 'github'];

const relativeCache = new Map<string, string>();

/** `file` relative to `base`, with forward slashes (absolute, if outside `base`). */
export function relativePath(base: string, file: string): string {
  // Thousands of findings share a few hundred files; path.relative is not free.
  const key = base + '\0' + file;
  let rel = relativeCache.get(key);
  if (rel === undefined) {
    rel = computeRelative(base, file);
    relativeCache.set(key, rel);
  }
  return rel;
}

function computeRelative(base: string, file: string): string {
  const rel = path.relative(base, file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return file.split(path.sep).join('/');
  return rel.split(path.sep).join('/');
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return (
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)
  );
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/**
 * Text a terminal (or a CI log, which reads `::command::` lines) shows as
 * text: every control character, line breaks and the ESC of a terminal
 * sequence included, written as `\xNN`. For file names, which a repository
 * chooses.
 */
export function printable(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Messages are one or two sentences, but a rule could still put a newline in one (or quote a control character). */
export function oneLine(text: string): string {
  return printable(text.replace(/\s*[\r\n]+\s*/g, ' '));
}
