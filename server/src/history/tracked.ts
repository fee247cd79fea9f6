/**
 * The database's side of "shipped": a migration its tool's tracking table
 * records (applied, failed, or applied and since modified) has run on that
 * database, so it is history there. Read from the migrations report of a real
 * connection (never the shadow database, which QueryLens builds itself).
 */
import type { MigrationsReport } from '../../../shared/dashboard';
import type { MigrationHistory } from '../core/migrations/history';

export function trackedHistory(report: MigrationsReport): MigrationHistory {
  const recorded = new Set<string>();
  for (const set of report.sets) {
    for (const row of set.rows) {
      if (row.status === 'pending' || row.status === 'missing') continue;
      if (row.file) recorded.add(row.file);
      if (row.downFile) recorded.add(row.downFile);
    }
  }
  return { isShipped: (file) => recorded.has(file) };
}
