/**
 * migrationsReport: every migration set of the workspace with each
 * migration's status on one connection, read from the tool's own tracking
 * table and computed the way the tool computes it (tools/*.ts), plus the
 * QueryLens findings of each file. Read-only: it only SELECTs.
 */
import type { MigrationFinding, MigrationSetReport, MigrationsReport } from '../../../../shared/dashboard';
import type { Workspace } from '../../core/engine/workspace';
import { withJob } from '../explain/run';
import type { Driver } from '../types';
import { migrationSetsOf } from './sets';
import { TOOLS } from './tools';
import type { ToolContext } from './tools/types';

export interface MigrationsReportOptions {
  /** Per statement, ms (default 30 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export async function migrationsReport(driver: Driver, workspace: Workspace, options: MigrationsReportOptions = {}): Promise<MigrationsReport> {
  const sets = migrationSetsOf(workspace);
  const job = { timeoutMs: options.timeoutMs ?? 30_000, ...(options.signal ? { signal: options.signal } : {}) };
  const reports = await withJob(driver, job, async ({ q }) => {
    const ctx: ToolContext = { run: q, dialect: driver.dialect, root: workspace.root };
    const out: MigrationSetReport[] = [];
    for (const set of sets) {
      const tool = TOOLS[set.tool];
      const report: MigrationSetReport = { tool: set.tool, dir: set.dir, trackingTable: set.table ?? tool.table, trackingTableFound: false, rows: [], canApply: tool.writer !== undefined };
      if (tool.command) report.command = tool.command;
      try {
        const status = await tool.status(set, ctx);
        report.trackingTableFound = status.trackingTableFound;
        report.rows = status.rows.map((row) => ({ ...row, findings: row.file ? findingsOf(workspace, row.file) : [] }));
        if (status.revisions) report.revisions = status.revisions;
      } catch (error) {
        // One unreadable table (an older layout, no permission) does not hide the other sets.
        report.error = error instanceof Error ? error.message : String(error);
      }
      out.push(report);
    }
    return out;
  });
  return { connection: driver.name, sets: reports, at: new Date().toISOString() };
}

function findingsOf(workspace: Workspace, file: string): MigrationFinding[] {
  return workspace.analyze(file).map((f) => ({ ruleId: f.ruleId, severity: f.severity, message: f.message, line: f.range.start.line }));
}
