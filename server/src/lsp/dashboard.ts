/**
 * The review dashboard's requests (issue 5): migrations and their actions,
 * pool, index health, full benchmarks and the review report, each read from
 * the folder's workspace and the connection the client resolved, through the
 * same DatabaseService (drivers, shadow database) and error handling as
 * Explain.
 */
import * as path from 'node:path';
import { ErrorCodes, ResponseError, type Connection } from 'vscode-languageserver/node';
import {
  BenchmarkListRequest,
  BenchmarkRunRequest,
  IndexHealthRequest,
  MigrationActionRequest,
  MigrationsRequest,
  PoolRequest,
  ReportRequest,
  SettingsRequest,
  TableHealthRequest,
  type DashboardParams,
  type MigrationActionParams,
} from '../../../shared/protocol';
import { configuredPools } from '../core/engine/configured-pools';
import { rules } from '../core/rules/index';
import { listRuns } from '../db/bench';
import { indexHealth, poolReport, ramOf, settingsReport, tableHealth } from '../db/health';
import { applyMigrations, migrationsReport } from '../db/migrations';
import type { Driver } from '../db/types';
import { collectReview } from '../report/collect';
import { reviewMarkdown } from '../report/review';
import { EMBEDDED_CONNECTION } from '../../../shared/connections';
import { trackedHistory } from '../history/tracked';
import type { DatabaseHandlers } from './database';
import { applyHistory } from './folders';
import type { Logger } from './guard';
import { checkDashboardRequest } from './validate';

export function registerDashboard(connection: Connection, database: DatabaseHandlers, logger: Logger): void {
  const { service, host } = database;
  /**
   * The folder's workspace and the connection's driver. The shadow database
   * (embedded) holds the schema of the package a migration set belongs to, in
   * its dialect, for an action on that set (a SQLite crate beside a PostgreSQL
   * one); the whole folder's, in the folder's dialect, otherwise.
   */
  const open = async (params: DashboardParams, migrationAction = false) => {
    checkDashboardRequest(params, migrationAction);
    const folder = host.folder(params.folderUri);
    const workspace = folder?.workspace;
    if (!folder || !workspace) throw new ResponseError(ErrorCodes.InvalidParams, 'QueryLens: no analysed workspace folder (is it still indexing?).');
    const dir = migrationAction ? path.resolve(folder.root, (params as MigrationActionParams).dir) : undefined;
    const file = dir === undefined ? undefined : workspace.migrationSets().find((set) => set.dir === dir)?.migrations[0]?.upFile;
    const target = { connection: params.connection, workspace, root: folder.root, ...(file ? { file } : {}) };
    const driver = (): Promise<Driver> => service.driverFor(target, workspace.dialectOf(file ?? folder.root));
    return { folder, workspace, driver };
  };

  connection.onRequest(MigrationsRequest.type, (params, token) =>
    database.run('migrations', token, async (signal) => {
      const { folder, workspace, driver } = await open(params);
      const report = await migrationsReport(await driver(), workspace, { signal });
      if (params.connection.driver !== EMBEDDED_CONNECTION.driver && folder.workspace === workspace) {
        // The shadow database applies every migration itself: only a real database's tables tell what shipped.
        folder.tracked = trackedHistory(report);
        applyHistory(folder);
        host.historyChanged?.(folder);
      }
      return report;
    }),
  );
  connection.onRequest(MigrationActionRequest.type, (params, token) =>
    database.run(`migrations ${params.action}`, token, async (signal) => {
      const { workspace, driver } = await open(params, true);
      return applyMigrations(await driver(), workspace, params.dir, params.action, { readOnly: params.connection.readOnly === true, signal });
    }),
  );
  connection.onRequest(PoolRequest.type, (params, token) =>
    database.run('pool', token, async (signal) => {
      const { folder, workspace, driver } = await open(params);
      const report = await poolReport(await driver(), { signal });
      const configured = configuredPools(workspace, folder.root);
      return configured.length ? { ...report, configured } : report;
    }),
  );
  connection.onRequest(IndexHealthRequest.type, (params, token) =>
    database.run('index health', token, async (signal) => {
      const { workspace, driver } = await open(params);
      return indexHealth(await driver(), workspace, { signal });
    }),
  );
  connection.onRequest(SettingsRequest.type, (params, token) =>
    database.run('server settings', token, async (signal) => {
      const { folder, workspace, driver } = await open(params);
      const ram = ramOf(params.connection);
      return settingsReport(await driver(), { ...(ram ? { ram } : {}), pools: configuredPools(workspace, folder.root), signal });
    }),
  );
  connection.onRequest(TableHealthRequest.type, (params, token) =>
    database.run('table health', token, async (signal) => {
      const { workspace, driver } = await open(params);
      return tableHealth(await driver(), workspace, { signal });
    }),
  );
  connection.onRequest(BenchmarkRunRequest.type, (params, token) =>
    database.run('benchmark', token, async (signal) => {
      const { job, file, document } = database.target(params, signal);
      const line = document.positionAt(job.query.span.start).line + 1;
      return service.benchmarkRun(
        {
          ...job,
          ...(params.iterations ? { iterations: params.iterations } : {}),
          ...(params.warmup !== undefined ? { warmup: params.warmup } : {}),
          ...(params.concurrency ? { concurrency: params.concurrency } : {}),
          ...(params.name ? { name: params.name } : {}),
        },
        { file, line },
      );
    }),
  );
  connection.onRequest(BenchmarkListRequest.type, async ({ folderUri }) => {
    const folder = host.folder(folderUri);
    return folder ? listRuns(folder.root, (file, why) => logger.info(`QueryLens: skipped ${file}: ${why}`)) : [];
  });
  connection.onRequest(ReportRequest.type, (params, token) =>
    database.run('review report', token, async () => {
      const { folder, workspace, driver } = await open(params);
      const files = workspace.files();
      const input = await collectReview({
        root: folder.root,
        workspace,
        files: files.length,
        findings: files.flatMap((file) => workspace.analyze(file)),
        rules: rules.map((rule) => rule.meta),
        driver,
        warn: (message) => logger.info(`QueryLens: ${message}`),
      });
      return { markdown: reviewMarkdown(input) };
    }),
  );
}
