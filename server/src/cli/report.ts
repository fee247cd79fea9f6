/**
 * What one `querylens check` run produced: the input every output format
 * renders. Findings keep absolute paths; each format decides how to show them.
 */
import * as path from 'node:path';
import type { Finding, RuleMeta, Severity } from '../../../shared/types';
import { fingerprints } from '../core/baseline/fingerprint';
import type { BaselineUpdate } from './baseline';

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
  /** Each finding's fingerprint (same order as `findings`; core/baseline/fingerprint.ts). */
  fingerprints?: string[];
  /** With `--baseline`: whether each finding (same order) is in the baseline. */
  baselined?: boolean[];
  /** With `--update-baseline`: what was written. */
  baselineUpdate?: BaselineUpdate;
  /** `--changed`: what the checked files are. */
  changed?: ChangedSelection;
}

/** The report's fingerprints, computed when the report was built without them (tests). */
export function fingerprintsOf(report: CheckReport): string[] {
  return (report.fingerprints ??= fingerprints(report.findings, report.root));
}

/** The findings not in the baseline (all of them without one): what fails a run and what annotations show. */
export function newFindings(report: CheckReport): Finding[] {
  const { baselined } = report;
  return baselined ? report.findings.filter((_, i) => !baselined[i]) : report.findings;
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

const relativeCache = new Map<string, Map<string, string>>();

/** `file` relative to `base`, with forward slashes (absolute, if outside `base`). */
export function relativePath(base: string, file: string): string {
  // Thousands of findings share a few hundred files; path.relative is not free (nor is a key built per call).
  let byFile = relativeCache.get(base);
  if (!byFile) relativeCache.set(base, (byFile = new Map()));
  let rel = byFile.get(file);
  if (rel === undefined) {
    rel = computeRelative(base, file);
    byFile.set(file, rel);
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
 * Whether a `check` run fails: an error not in the baseline, or more new
 * warnings than allowed: `--max-warnings`, else none with a baseline (it is
 * there to stop new problems), else any number. `tooMany` says why when the
 * warnings decide it.
 */
export function checkFails(report: CheckReport, maxWarnings?: number): { fails: boolean; tooMany?: string } {
  if (report.baselineUpdate) return { fails: false };
  const fresh = newFindings(report);
  const warnings = fresh.filter((f) => f.severity === 'warning').length;
  const allowed = maxWarnings ?? (report.baselined ? 0 : Infinity);
  if (warnings <= allowed) return { fails: hasErrors(fresh) };
  const tooMany =
    maxWarnings === undefined
      ? `${plural(warnings, 'new warning')} not in the baseline: with --baseline any new warning fails (--max-warnings N allows some)`
      : `${plural(warnings, report.baselined ? 'new warning' : 'warning')}, more than --max-warnings ${maxWarnings} allows${report.baselined ? ' (baselined ones are not counted)' : ''}`;
  return { fails: true, tooMany };
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

export function plural(n: number, word: string): string {
  // "info" is uncountable: 3 info, not 3 infos.
  return `${n} ${word}${n === 1 || word === 'info' ? '' : 's'}`;
}

/**
 * `12 files checked`, with the SQL QueryLens skipped: embedded strings it cannot read, and statements of SQL
 * files that only another dialect or the database's own parser reads.
 */
export function checkedFiles(report: CheckReport): string {
  const skipped = report.unreadable ? `, ${plural(report.unreadable, 'SQL statement')} skipped (QueryLens cannot read them)` : '';
  return `${plural(report.files, 'file')} checked${changedReason(report)}${skipped}`;
}

/** Why `--changed` checked these files: " (3 changed since main, 5 depend on them)". */
function changedReason({ changed }: CheckReport): string {
  if (!changed) return '';
  const since = `since ${printable(changed.since)}`;
  if (changed.configChanged) return ` (the configuration changed ${since}: every file)`;
  const deleted = changed.deleted ? `, ${changed.deleted} deleted` : '';
  return ` (${changed.changed} changed ${since}${deleted}, ${changed.dependents} depend${changed.dependents === 1 ? 's' : ''} on them)`;
}

/**
 * The last line of the text and GitHub outputs: `3 problems (1 error, 2
 * warnings) in 2 files; 12 files checked.`; with a baseline, `1 new problem
 * (1 warning) in 1 file; 571 baselined; ...` (baselined findings are counted, not listed).
 */
export function summaryLine(report: CheckReport): string {
  const shown = newFindings(report);
  const baselined = report.baselined ? `${report.findings.length - shown.length} baselined; ` : '';
  const adjective = report.baselined ? 'new ' : '';
  if (shown.length === 0) {
    // "(12 files checked (1 changed since main, ...))" would nest brackets.
    return report.changed ? `No ${adjective}problems found; ${baselined}${checkedFiles(report)}.` : `No ${adjective}problems found (${baselined}${checkedFiles(report)}).`;
  }
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const f of shown) bySeverity[f.severity]++;
  const parts = (['error', 'warning', 'info', 'hint'] as const).filter((s) => bySeverity[s] > 0).map((s) => plural(bySeverity[s], s));
  const files = new Set(shown.map((f) => f.file)).size;
  return `${plural(shown.length, `${adjective}problem`)} (${parts.join(', ')}) in ${plural(files, 'file')}; ${baselined}${checkedFiles(report)}.`;
}
