/**
 * Server settings and table health as plain text (`querylens settings`,
 * `querylens health`). Strings from the database are printed as they are.
 */
import type { HitRatio, SettingsReport, TableHealthReport, TableStats } from '../../../../shared/dashboard';
import { itemLines, LEVEL_WORD, percent } from './format';
import { formatBytes, tableName } from './indexes';

const STATUS_WORD = { ok: 'ok', warn: 'CHANGE', unknown: '?' } as const;

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
}

function columns(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [pad(header, widths), ...rows.map((r) => pad(r, widths))];
}

function hitLine(label: string, hit: HitRatio): string {
  if (hit.ratio === undefined) return `${label}: nothing read yet (target ${percent(hit.target)})`;
  return `${label}: ${percent(hit.ratio)} (target ${percent(hit.target)}) ${LEVEL_WORD[hit.level!]}`;
}

export function formatSettingsText(report: SettingsReport): string {
  const out = [`Server settings of ${report.connection} at ${report.at}`];
  out.push(report.ram ? `RAM: ${formatBytes(report.ram.bytes)} (from ${report.ram.source})` : 'RAM unknown: pass --ram (or set "ram" on the connection)');
  out.push('', ...columns(['Setting', 'Current', 'Advised', 'Status'], report.rows.map((r) => [r.name, r.current, r.advised, STATUS_WORD[r.status]])));
  for (const r of report.rows) {
    out.push('', `${r.name}: ${r.why}`);
    if (r.alterSystem) out.push(`  ${r.alterSystem}${r.applies === 'restart' ? '  -- then restart the server' : '  -- then SELECT pg_reload_conf();'}`);
  }
  out.push('', hitLine('Index hit ratio', report.indexHit), hitLine('Buffer cache hit ratio', report.bufferHit));
  out.push('', 'QueryLens never runs ALTER SYSTEM: run the lines above as a superuser if you agree with them.');
  return `${out.join('\n')}\n`;
}

function when(t: TableStats, manual: 'lastVacuum' | 'lastAnalyze', auto: 'lastAutovacuum' | 'lastAutoanalyze'): string {
  const latest = [t[manual], t[auto]].filter((v): v is string => !!v).sort().at(-1);
  return latest ? latest.slice(0, 16).replace('T', ' ') : 'never';
}

export function formatTableHealthText(report: TableHealthReport): string {
  const out = [`Table health of ${report.connection}${report.schemas ? ` (schemas ${report.schemas.join(', ')})` : ''} at ${report.at}`];
  out.push(`Transaction ID age of the database: ${report.databaseXidAge.toLocaleString('en-US')} (wraparound at 2,147,483,647)`);
  out.push(`Retention candidates from ${formatBytes(report.thresholds.retentionBytes)}; slow statements from ${report.thresholds.slowMs} ms`);
  out.push(report.statements.available ? `pg_stat_statements: available` : `pg_stat_statements: not available: ${report.statements.reason}`);
  if (report.tables.length === 0) out.push('', 'No tables in these schemas.');
  else out.push('', ...columns(
    ['Table', 'Size', 'Indexes', 'Live rows', 'Dead rows', 'Vacuumed', 'Analyzed', 'XID age', 'Bloat (est.)'],
    report.tables.map((t) => [
      tableName(t.schema, t.table),
      formatBytes(t.tableBytes),
      formatBytes(t.indexBytes),
      t.liveRows.toLocaleString('en-US'),
      t.deadRows.toLocaleString('en-US'),
      `${when(t, 'lastVacuum', 'lastAutovacuum')}${t.autovacuumOff ? ' (autovacuum off)' : ''}`,
      when(t, 'lastAnalyze', 'lastAutoanalyze'),
      t.xidAge.toLocaleString('en-US'),
      t.bloatBytes === undefined ? '—' : formatBytes(t.bloatBytes),
    ])));
  out.push(...itemLines(report.items));
  return `${out.join('\n')}\n`;
}
