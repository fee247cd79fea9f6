/**
 * `--format text` (the default): one `file:line:col: severity rule-id message`
 * line per finding (1-based line and column, path relative to the current
 * directory so terminals make it clickable), then a summary grouped by rule.
 * With a baseline only the new findings are listed; the baselined are counted.
 */
import type { Severity } from '../../../../shared/types';
import { checkedFiles, newFindings, oneLine, plural, printable, relativePath, summaryLine, type CheckReport } from '../report';

export function formatText(report: CheckReport, cwd: string = process.cwd()): string {
  const lines: string[] = [];
  const shown = newFindings(report);
  for (const f of shown) {
    const where = `${printable(relativePath(cwd, f.file))}:${f.range.start.line + 1}:${f.range.start.character + 1}`;
    lines.push(`${where}: ${f.severity} ${f.ruleId} ${oneLine(f.message)}`);
  }

  const update = report.baselineUpdate;
  if (update) {
    const where = printable(relativePath(cwd, update.file));
    return `Baseline ${where} written: ${plural(update.entries, 'finding')} (${update.added} new, ${update.removed} gone since the last one); ${checkedFiles(report)}.\n`;
  }
  if (shown.length === 0) {
    lines.push(summaryLine(report));
    return lines.join('\n') + '\n';
  }

  const byRule = new Map<string, { count: number; severity: Severity }>();
  for (const f of shown) {
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
  lines.push('', summaryLine(report));
  return lines.join('\n') + '\n';
}
