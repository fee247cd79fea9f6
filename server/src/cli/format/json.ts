/**
 * `--format json`: the stable machine format. Version 1 is
 * `{"version":1,"files":N,"unreadableSql":N,"findings":[{ruleId,severity,message,file,range,fixes,fingerprint}]}`
 * (with `--baseline`, each finding also says `baselined` and the report counts them)
 * with paths relative to the workspace root (forward slashes) and 0-based LSP ranges.
 */
import type { FileChange, Finding, Range, Severity, TextEdit } from '../../../../shared/types';
import { fingerprintsOf, relativePath, type ChangedSelection, type CheckReport } from '../report';

export type JsonFileChange =
  | { kind: 'edit'; file: string; edits: TextEdit[] }
  | { kind: 'create'; file: string; content: string };

export interface JsonFinding {
  ruleId: string;
  severity: Severity;
  message: string;
  file: string;
  range: Range;
  fixes: { title: string; changes: JsonFileChange[] }[];
  /** Stable across edits elsewhere in the file (core/baseline/fingerprint.ts): what baselines record. */
  fingerprint: string;
  /** Only with `--baseline`: whether the baseline holds this finding. */
  baselined?: boolean;
}

export interface JsonReport {
  version: 1;
  files: number;
  /** SQL strings in host code skipped because they could not be read as SQL. */
  unreadableSql: number;
  /** `--changed`: the ref compared with, its merge base with HEAD, and how many files changed or depend on them. */
  changed?: ChangedSelection;
  findings: JsonFinding[];
  /** Only with `--baseline`: how many findings it holds (they are in `findings` too, marked). */
  baselined?: number;
}

function toJsonChange(root: string, change: FileChange): JsonFileChange {
  const file = relativePath(root, change.file);
  return change.kind === 'edit'
    ? { kind: 'edit', file, edits: change.edits.map((e) => ({ range: e.range, newText: e.newText })) }
    : { kind: 'create', file, content: change.content };
}

export function toJsonFinding(root: string, finding: Finding, fingerprint: string, baselined?: boolean): JsonFinding {
  return {
    ruleId: finding.ruleId,
    severity: finding.severity,
    message: finding.message,
    file: relativePath(root, finding.file),
    range: {
      start: { line: finding.range.start.line, character: finding.range.start.character },
      end: { line: finding.range.end.line, character: finding.range.end.character },
    },
    fixes: finding.fixes.map((fix) => ({
      title: fix.title,
      changes: fix.changes.map((change) => toJsonChange(root, change)),
    })),
    fingerprint,
    ...(baselined !== undefined ? { baselined } : {}),
  };
}

export function formatJson(report: CheckReport): string {
  return [...formatJsonPieces(report)].join('');
}

/**
 * `formatJson`'s text in pieces, each finding's made when the one before has been taken: a writer
 * that sends each on holds one finding's text at a time, not the whole report's (dokploy's, with a
 * drizzle-kit snapshot of 300 KB in each of 153 index fixes, is 46 MB). The text is
 * `JSON.stringify(report, null, 2)`'s: each finding is written as at its depth in the report.
 */
export function* formatJsonPieces(report: CheckReport): Generator<string> {
  const prints = fingerprintsOf(report);
  const head = {
    version: 1 as const,
    files: report.files,
    unreadableSql: report.unreadable ?? 0,
    ...(report.changed ? { changed: report.changed } : {}),
  };
  const baselined = report.baselined ? { baselined: report.baselined.filter(Boolean).length } : {};
  if (report.findings.length === 0) {
    const out: JsonReport = { ...head, findings: [], ...baselined };
    yield JSON.stringify(out, null, 2) + '\n';
    return;
  }
  const start = JSON.stringify(head, null, 2);
  yield `${start.slice(0, -2)},\n  "findings": [\n`;
  for (let i = 0; i < report.findings.length; i++) {
    const finding = toJsonFinding(report.root, report.findings[i]!, prints[i]!, report.baselined?.[i]);
    // Inside two arrays, a finding is written at the report's depth of one: `[\n  [\n    {...}\n  ]\n]`.
    const nested = JSON.stringify([[finding]], null, 2);
    yield (i === 0 ? '' : ',\n') + nested.slice(NESTED_START.length, -NESTED_END.length);
  }
  yield `\n  ]${report.baselined ? `,\n  "baselined": ${baselined.baselined}` : ''}\n}\n`;
}

const NESTED_START = '[\n  [\n';
const NESTED_END = '\n  ]\n]';
