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
  const prints = fingerprintsOf(report);
  const out: JsonReport = {
    version: 1,
    files: report.files,
    unreadableSql: report.unreadable ?? 0,
    ...(report.changed ? { changed: report.changed } : {}),
    findings: report.findings.map((f, i) => toJsonFinding(report.root, f, prints[i]!, report.baselined?.[i])),
    ...(report.baselined ? { baselined: report.baselined.filter(Boolean).length } : {}),
  };
  return JSON.stringify(out, null, 2) + '\n';
}
