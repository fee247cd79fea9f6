/**
 * The Table health tab: the database's transaction-ID age
 * (`#ql-xid-age`), every table with its size, index size and growth since
 * the previous refresh (`tr.ql-table-stats[data-table]`, `.ql-growth`), dead
 * rows, last (auto)vacuum / analyze, XID age and bloat estimate, then the
 * findings grouped by kind as on the Index health tab (sequences near
 * overflow, NOT VALID constraints, retention candidates ...). Pure.
 */
import type { TableHealthReport, TableStats } from '../../../../shared/dashboard';
import { formatCount } from '../../plan/format';
import { formatBytes, formatDateTime } from '../model';
import { groupSections } from './health';
import { cells, h, placeholder, t, table, type Node } from './nodes';

export function tablesTab(report: TableHealthReport | undefined, previous?: TableHealthReport): Node[] {
  if (!report) return [placeholder('Table health has not been read yet.')];
  const before = new Map((previous?.tables ?? []).map((p) => [key(p), p]));
  return [
    h('section', { id: 'ql-tables-summary', classes: ['ql-section', 'ql-facts-row'] },
      t('div', `Transaction ID age: ${formatCount(report.databaseXidAge)} of 2,147,483,647`, { id: 'ql-xid-age', classes: ['ql-fact'], data: { age: String(report.databaseXidAge) } }),
      t('div', `Retention candidates from ${formatBytes(report.thresholds.retentionBytes)}; slow statements from ${report.thresholds.slowMs} ms`, { classes: ['ql-fact', 'ql-legend'] }),
      t('div', report.statements.available ? 'pg_stat_statements: available' : `pg_stat_statements: not available: ${report.statements.reason}`, { id: 'ql-statements', classes: ['ql-fact'], data: { available: String(report.statements.available) } })),
    h('section', { id: 'ql-table-stats', classes: ['ql-section'], data: { count: String(report.tables.length) } },
      t('h2', `Tables (${report.tables.length})`),
      report.tables.length === 0
        ? placeholder('No tables in the connection\'s schemas.')
        : table({}, ['Table', 'Size', 'Indexes', 'Growth', 'Live rows', 'Dead rows', 'Vacuumed', 'Analyzed', 'XID age', 'Bloat (estimate)'],
          report.tables.map((row) => tableRow(row, before.get(key(row)), previous !== undefined)))),
    ...groupSections(report.items, 'No dead-row, wraparound, sequence, NOT VALID, bloat or retention problem, no slow statement.'),
  ];
}

function key(t: TableStats): string {
  return `${t.schema}\u0000${t.table}`;
}

function latest(...times: (string | undefined)[]): string {
  const last = times.filter((v): v is string => !!v).sort().at(-1);
  return last ? formatDateTime(last) : 'never';
}

/** `+1.2 MB`, `−8 kB`, `0`; `—` before a second refresh or for a new table. */
function growth(now: TableStats, before: TableStats | undefined, refreshed: boolean): { text: string; bytes?: number } {
  if (!refreshed || !before) return { text: '—' };
  const bytes = now.tableBytes + now.indexBytes - (before.tableBytes + before.indexBytes);
  return { text: bytes === 0 ? '0' : `${bytes > 0 ? '+' : '−'}${formatBytes(Math.abs(bytes))}`, bytes };
}

function tableRow(row: TableStats, before: TableStats | undefined, refreshed: boolean): Node {
  const name = row.schema === 'public' ? row.table : `${row.schema}.${row.table}`;
  const grown = growth(row, before, refreshed);
  return h('tr', { classes: ['ql-table-stats'], data: { table: name, dead: String(row.deadRows) } },
    ...cells(
      name,
      formatBytes(row.tableBytes),
      formatBytes(row.indexBytes),
      t('td', grown.text, { classes: ['ql-growth'], data: { bytes: grown.bytes === undefined ? '' : String(grown.bytes) } }),
      formatCount(row.liveRows),
      formatCount(row.deadRows),
      `${latest(row.lastVacuum, row.lastAutovacuum)}${row.autovacuumOff ? ' (autovacuum off)' : ''}`,
      latest(row.lastAnalyze, row.lastAutoanalyze),
      formatCount(row.xidAge),
      row.bloatBytes === undefined ? '—' : formatBytes(row.bloatBytes),
    ));
}
