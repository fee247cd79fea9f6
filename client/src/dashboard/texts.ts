/**
 * What the dashboard's commands say: the questions asked before a migration
 * runs or before a production database is read, failures (each naming the
 * connection), the location "Run benchmark" runs on. Pure.
 */
import type { ConnectionSetting } from '../../../shared/connections';
import type { MigrationSetReport } from '../../../shared/dashboard';
import { lastApplied, shortPath } from './model';

export const REPORT_FILE_NAME = 'querylens-report.md';

/** A failure as the user reads it, always naming the connection. */
export function dashboardFailure(what: string, connectionName: string, error: unknown): string {
  const raw = error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error);
  return raw.includes(`"${connectionName}"`) ? `QueryLens: ${raw}` : `QueryLens: ${what} on "${connectionName}" failed: ${raw}`;
}

/** Asked once per production connection and window before the dashboard reads it (read-only catalog queries). */
export function productionReadQuestion(connection: ConnectionSetting): { message: string; detail: string; confirm: string } {
  return {
    message: `QueryLens: read the dashboard's statistics from production connection "${connection.name}"?`,
    detail:
      'Read-only queries: the migration tracking tables, pg_stat_activity and pg_locks (refreshed every few seconds while the Pool tab is visible), ' +
      'pg_stat_user_indexes / pg_stat_user_tables, pg_sequences, pg_settings and pg_stat_statements. Asked once per connection until the window reloads.',
    confirm: `Read from ${connection.name}`,
  };
}

/** Why a migration action cannot run; undefined when it may (after the confirmation). */
export function migrationRefusal(set: MigrationSetReport, action: 'apply' | 'revert', connection: ConnectionSetting): string | undefined {
  if (!set.canApply) return `QueryLens does not run ${set.tool} migrations itself: run \`${set.command ?? set.tool}\`.`;
  if (connection.readOnly) return `"${connection.name}" is read-only: migrations change the schema. Select another connection.`;
  if (action === 'apply' && !set.rows.some((r) => r.status === 'pending')) return `No pending ${set.tool} migration in ${shortPath(set.dir)}.`;
  if (action === 'revert') {
    const last = lastApplied(set);
    if (!last) return `No applied ${set.tool} migration to revert in ${shortPath(set.dir)}.`;
    if (!last.downFile) return `${set.tool} migration ${last.version} has no down file: QueryLens cannot revert it.`;
  }
  return undefined;
}

/** The modal question before a migration action: what runs, where, and what it records. */
export function migrationQuestion(set: MigrationSetReport, action: 'apply' | 'revert', connection: ConnectionSetting): { message: string; detail: string; confirm: string } {
  const where = `"${connection.name}"${connection.production ? ' (PRODUCTION)' : ''}`;
  if (action === 'apply') {
    const pending = set.rows.filter((r) => r.status === 'pending');
    return {
      message: `QueryLens: apply ${pending.length} pending ${set.tool} migration(s) on ${where}?`,
      detail:
        `${pending.map((r) => `${r.version} ${r.description}`).join('\n')}\n\n` +
        `Each runs in a transaction and is recorded in ${set.trackingTable} as ${set.tool} records it.`,
      confirm: connection.production ? `Apply on ${connection.name}` : 'Apply',
    };
  }
  const last = lastApplied(set)!;
  return {
    message: `QueryLens: revert ${set.tool} migration ${last.version} on ${where}?`,
    detail: `Runs ${last.downFile ?? 'its down file'} in a transaction and removes its row from ${set.trackingTable}.\n\n${last.version} ${last.description}`,
    confirm: connection.production ? `Revert on ${connection.name}` : 'Revert',
  };
}

/** `queries/task_manager.sql:5` (1-based line) for a file inside the folder; the path as is outside it. */
export function locationLabel(filePath: string, line: number, folderPath: string | undefined): string {
  const normal = (p: string) => p.replace(/\\/g, '/');
  const file = normal(filePath);
  const folder = folderPath ? normal(folderPath).replace(/\/$/, '') : undefined;
  const relative = folder && file.startsWith(`${folder}/`) ? file.slice(folder.length + 1) : file;
  return `${relative}:${line + 1}`;
}
