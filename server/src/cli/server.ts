/**
 * `querylens settings` (the dashboard's Settings tab: pg_settings against
 * seed 004's rules for the server's RAM, max_connections against the pools
 * of the project's code, the hit ratios) and `querylens health` (the Table
 * health tab: sizes, dead rows, vacuum, wraparound, sequences, NOT VALID
 * constraints, bloat estimate, retention candidates, slow statements).
 */
import { configuredPools } from '../core/engine/configured-pools';
import { openDriver } from '../db/drivers';
import { formatSettingsText, formatTableHealthText, ramOf, settingsReport, tableHealth } from '../db/health';
import { connectionOf, projectWorkspace } from './pool';
import type { HealthCommand, SettingsCommand } from './server-args';

export interface ServerRun {
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export async function runSettingsCommand(run: SettingsCommand & ServerRun): Promise<string> {
  const connection = connectionOf(run, 'settings', 'postgres://...');
  const ram = ramOf(connection, run.ram);
  const project = await projectWorkspace(run.cwd);
  const pools = project ? configuredPools(project.workspace, project.root) : [];
  const driver = await openDriver(connection, { root: run.cwd, env: run.env });
  try {
    const report = await settingsReport(driver, { ...(ram ? { ram } : {}), pools, ...(run.db.timeoutMs ? { timeoutMs: run.db.timeoutMs } : {}) });
    return run.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatSettingsText(report);
  } finally {
    await driver.close();
  }
}

export async function runHealthCommand(run: HealthCommand & ServerRun): Promise<string> {
  const connection = connectionOf(run, 'health', 'postgres://...');
  const project = await projectWorkspace(run.cwd);
  const driver = await openDriver(connection, { root: run.cwd, env: run.env });
  try {
    const report = await tableHealth(driver, project?.workspace, {
      ...(run.retentionBytes !== undefined ? { retentionBytes: run.retentionBytes } : {}),
      ...(run.slowMs !== undefined ? { slowMs: run.slowMs } : {}),
      ...(run.db.timeoutMs ? { timeoutMs: run.db.timeoutMs } : {}),
    });
    return run.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatTableHealthText(report);
  } finally {
    await driver.close();
  }
}
