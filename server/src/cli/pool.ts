/**
 * `querylens pool`: the dashboard's Pool tab in a terminal. PostgreSQL:
 * connections by state and application against max_connections with the
 * seed thresholds, long-running and blocked sessions, QueryLens's own pool;
 * SQLite: the pragmas against the seed's; both: the pools the project's code
 * configures (read once). `--watch` repeats it (JSON: one report per line)
 * until Ctrl+C.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { ResolvedConnection } from '../../../shared/connections';
import type { ConfiguredPool } from '../../../shared/dashboard';
import { loadConfig } from '../core/config/load';
import { CONFIG_FILE_NAME } from '../core/config/types';
import { configuredPools } from '../core/engine/configured-pools';
import { Workspace } from '../core/engine/workspace';
import { initParsers } from '../core/sql/parse';
import { openDriver } from '../db/drivers';
import { formatPoolText, poolReport } from '../db/health';
import { UsageError, type DbOptions } from './args';
import { resolveConnection } from './database';
import { findRoot } from './root';
import type { PoolCommand } from './pool-args';
import { sqliteSyntaxOracle } from '../db/syntax-oracle';

export interface PoolRun extends PoolCommand {
  cwd: string;
  env: NodeJS.ProcessEnv;
  write(text: string): Promise<void>;
  /** Ends --watch (the CLI passes one aborted on SIGINT). */
  signal?: AbortSignal;
}

/** `--connection`, else DATABASE_URL: the statistics of the embedded shadow database would say nothing. */
export function connectionOf(run: { db: DbOptions; env: NodeJS.ProcessEnv }, command = 'pool', what = 'postgres://... or a SQLite file'): ResolvedConnection {
  const spec = run.db.connection ?? run.env.DATABASE_URL;
  if (!spec) throw new UsageError(`'${command}' needs a database: --connection ${what} (or DATABASE_URL)`);
  return resolveConnection({ ...run.db, connection: spec });
}

/** The workspace of the current folder's project: none outside a project (no `.git`, no config file), where reading every file below would be a scan of anything. */
export async function projectWorkspace(cwd: string): Promise<{ root: string; workspace: Workspace } | undefined> {
  const root = findRoot(cwd);
  if (!existsSync(path.join(root, '.git')) && !existsSync(path.join(root, CONFIG_FILE_NAME))) return undefined;
  const [loaded] = await Promise.all([loadConfig(root), initParsers()]);
  return { root, workspace: await Workspace.create({ root, config: loaded.config, syntaxOracle: sqliteSyntaxOracle() }) };
}

/** The pools the code of the current folder's project configures. */
export async function poolsInCode(cwd: string): Promise<ConfiguredPool[]> {
  const project = await projectWorkspace(cwd);
  return project ? configuredPools(project.workspace, project.root) : [];
}

export async function runPoolCommand(run: PoolRun): Promise<void> {
  const connection = connectionOf(run);
  const configured = await poolsInCode(run.cwd);
  const driver = await openDriver(connection, { root: run.cwd, env: run.env });
  try {
    for (;;) {
      const live = await poolReport(driver, { ...(run.longRunningMs !== undefined ? { longRunningMs: run.longRunningMs } : {}), ...(run.db.timeoutMs ? { timeoutMs: run.db.timeoutMs } : {}) });
      const report = configured.length ? { ...live, configured } : live;
      const text = run.format === 'json' ? `${JSON.stringify(report, null, run.watchSeconds ? undefined : 2)}\n` : formatPoolText(report);
      await run.write(run.watchSeconds && run.format === 'text' ? `${text}\n` : text);
      if (!run.watchSeconds || run.signal?.aborted) return;
      const stopped = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), run.watchSeconds! * 1000);
        run.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve(true);
        }, { once: true });
      });
      if (stopped) return;
    }
  } finally {
    await driver.close();
  }
}
