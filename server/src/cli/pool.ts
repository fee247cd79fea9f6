/**
 * `querylens pool`: the dashboard's Pool tab in a terminal. PostgreSQL:
 * connections by state and application against max_connections with the
 * seed thresholds, long-running and blocked sessions, QueryLens's own pool;
 * SQLite: the pragmas against the seed's. `--watch` repeats it (JSON: one
 * report per line) until Ctrl+C.
 */
import type { ResolvedConnection } from '../../../shared/connections';
import { openDriver } from '../db/drivers';
import { formatPoolText, poolReport } from '../db/health';
import { UsageError } from './args';
import { resolveConnection } from './database';
import type { PoolCommand } from './pool-args';

export interface PoolRun extends PoolCommand {
  cwd: string;
  env: NodeJS.ProcessEnv;
  write(text: string): Promise<void>;
  /** Ends --watch (the CLI passes one aborted on SIGINT). */
  signal?: AbortSignal;
}

/** `--connection`, else DATABASE_URL: the pool of the embedded shadow database would say nothing. */
function connectionOf(run: PoolRun): ResolvedConnection {
  const spec = run.db.connection ?? run.env.DATABASE_URL;
  if (!spec) throw new UsageError(`'pool' needs a database: --connection postgres://... or a SQLite file (or DATABASE_URL)`);
  return resolveConnection({ ...run.db, connection: spec });
}

export async function runPoolCommand(run: PoolRun): Promise<void> {
  const connection = connectionOf(run);
  const driver = await openDriver(connection, { root: run.cwd, env: run.env });
  try {
    for (;;) {
      const report = await poolReport(driver, { ...(run.longRunningMs !== undefined ? { longRunningMs: run.longRunningMs } : {}), ...(run.db.timeoutMs ? { timeoutMs: run.db.timeoutMs } : {}) });
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
