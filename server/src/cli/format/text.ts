/**
 * `--format text` (the default): one `file:line:col: severity rule-id message`
 * line per finding (1-based line and column, path relative to the current
 * directory so terminals make it clickable), then a summary grouped by rule.
 */
import type { Severity } from '../../../../shared/types';
import { oneLine, printable, relativePath, type CheckReport } from '../report';

function plural(n: number, word: string): string {
  // "info" is uncountable: 3 info, not 3 infos.
  return `${n} ${word}${n === 1 || word === 'info' ? '' : 's'}`;
}

/** Why `--changed` checked these files: " (3 changed since main, 5 depend on them)". */
function changedReason({ changed }: CheckReport): string {
  if (!changed) return '';
  const since = `since ${printable(changed.since)}`;
  if (changed.configChanged) return ` (the configuration changed ${since}: every file)`;
  const deleted = changed.deleted ? `, ${changed.deleted} deleted` : '';
  return ` (${changed.changed} changed ${since}${deleted}, ${changed.dependents} depend${changed.dependents === 1 ? 's' : ''} on them)`;
}

export function formatText(report: CheckReport, cwd: string = process.cwd()): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    const where = `${printable(relativePath(cwd, f.file))}:${f.range.start.line + 1}:${f.range.start.character + 1}`;
    lines.push(`${where}: ${f.severity} ${f.ruleId} ${oneLine(f.message)}`);
  }

  const skipped = report.unreadable ? `, ${plural(report.unreadable, 'embedded SQL string')} skipped (not readable as SQL)` : '';
  const checked = `${plural(report.files, 'file')} checked${changedReason(report)}${skipped}`;
  if (report.findings.length === 0) {
    lines.push(report.changed ? `No problems found; ${checked}.` : `No problems found (${checked}).`);
    return lines.join('\n') + '\n';
  }

  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  const byRule = new Map<string, { count: number; severity: Severity }>();
  const filesWithFindings = new Set<string>();
  for (const f of report.findings) {
    bySeverity[f.severity]++;
    filesWithFindings.add(f.file);
    const entry = byRule.get(f.ruleId);
    if (entry) entry.count++;
    else byRule.set(f.ruleId, { count: 1, severity: f.severity });
  }

  lines.push('');
  const rows = [...byRule].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1));
  const width = String(rows[0][1].count).length;
  for (const [ruleId, { count, severity }] of rows) {
    lines.push(`  ${String(count).padStart(width)}  ${ruleId} (${severity})`);
  }
  const parts = (['error', 'warning', 'info', 'hint'] as const)
    .filter((s) => bySeverity[s] > 0)
    .map((s) => plural(bySeverity[s], s));
  lines.push('');
  lines.push(
    `${plural(report.findings.length, 'problem')} (${parts.join(', ')}) in ${plural(filesWithFindings.size, 'file')}; ${checked}.`,
  );
  return lines.join('\n') + '\n';
}
