/**
 * `querylens report [path]`: the review report (findings by rule, migration
 * status, benchmark comparison, index health) as Markdown to paste into a
 * pull request, or as JSON. The findings come from `check`'s engine, the
 * benchmarks from `.querylens/benchmarks/`, and the database sections from
 * the connection given (`--connection` or `--embedded`); without one they
 * say so.
 */
import type { IndexHealthReport, MigrationsReport } from '../../../shared/dashboard';
import { gitInfo, listRuns } from '../db/bench';
import { indexHealth } from '../db/health';
import { migrationsReport } from '../db/migrations';
import { DatabaseService } from '../db/service';
import { loadConfig } from '../core/config/load';
import { Workspace } from '../core/engine/workspace';
import { reviewJson, reviewMarkdown, type ReviewInput, type Section } from '../report/review';
import type { DbOptions } from './args';
import { runCheck } from './check';
import { resolveConnection } from './database';

export interface ReportCommand {
  path?: string;
  db: DbOptions;
  /** `--connection` or `--embedded` was given: the database sections are read. */
  database: boolean;
  format: 'markdown' | 'json';
  cwd: string;
  env: NodeJS.ProcessEnv;
  warn(message: string): void;
}

export async function runReportCommand(command: ReportCommand): Promise<string> {
  const check = await runCheck({ paths: command.path ? [command.path] : [], fix: false, cwd: command.cwd, warn: command.warn });
  const root = check.root;
  const noDb = { unavailable: 'no database given (pass --connection postgres://... or --embedded)' };
  let migrations: Section<MigrationsReport> = noDb;
  let health: Section<IndexHealthReport> = noDb;
  if (command.database) {
    const service = new DatabaseService({ log: command.warn });
    try {
      const connection = resolveConnection(command.db, command.env);
      // The same root `check` analysed: its catalog builds the embedded shadow database.
      const workspace = await Workspace.create({ root, config: loadConfig(root).config, onError: (m) => command.warn(`internal error (analysis goes on): ${m}`) });
      const driver = await service.driverFor({ connection, workspace, root }, workspace.config().dialect ?? 'postgres');
      migrations = await settle(() => migrationsReport(driver, workspace, command.db.timeoutMs ? { timeoutMs: command.db.timeoutMs } : {}));
      health = await settle(() => indexHealth(driver, workspace, command.db.timeoutMs ? { timeoutMs: command.db.timeoutMs } : {}));
    } catch (error) {
      // The connection itself failed: every database section carries its message.
      migrations = health = { unavailable: messageOf(error) };
    } finally {
      await service.close();
    }
  }
  const git = gitInfo(root);
  const input: ReviewInput = {
    root,
    files: check.files,
    findings: check.findings,
    rules: check.rules,
    runs: listRuns(root, (file, why) => command.warn(`skipped ${file}: ${why}`)),
    migrations,
    health,
    ...(git ? { git } : {}),
    at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
  return command.format === 'json' ? `${JSON.stringify(reviewJson(input), null, 2)}\n` : reviewMarkdown(input);
}

async function settle<T>(read: () => Promise<T>): Promise<Section<T>> {
  try {
    return { report: await read() };
  } catch (error) {
    return { unavailable: messageOf(error) };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
