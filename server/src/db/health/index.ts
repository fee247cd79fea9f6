/**
 * The dashboard's Pool and Index health data (issue 5), computed from a
 * connected database: poolReport (pool.ts), PoolHistory (history.ts) and
 * indexHealth below, plus text/Markdown formatters (format.ts) for the CLI.
 */
import type { HealthItem, IndexHealthReport } from '../../../../shared/dashboard';
import type { Workspace } from '../../core/engine/workspace';
import { withJob } from '../explain/run';
import type { Driver } from '../types';
import { dbError } from '../drivers/errors';
import { currentSchemas, readCacheHitRatio, readIndexes, readTableScans, readUnindexedForeignKeys } from './catalog';
import { codeIndex } from './code';
import { foreignKeyItems, indexItems, seqScanItems } from './indexes';
import { slowStatements } from './statements';
import { CACHE_HIT_TARGET, SEQ_SCAN_MIN_ROWS, SLOW_MEAN_MS, SLOW_MIN_CALLS, SLOW_TOP } from './thresholds';

export { poolReport, POOL_STATES, sessionState, type PoolReportOptions } from './pool';
export { PoolHistory, type PoolHistorySample } from './history';
export { judgePragmas, sqlitePragmas } from './sqlite';
export { formatPoolText, formatIndexHealthText, formatIndexHealthMarkdown } from './format';
export * from './thresholds';
export { settingsReport, ramOf, parseSize, type SettingsOptions } from './settings';
export { tableHealth, RETENTION_BYTES, type TableHealthOptions } from './tables';
export { formatSettingsText, formatTableHealthText } from './format-server';

export interface IndexHealthOptions {
  /** pg_stat_statements: mean time floor (ms; PgHero's 20), calls floor (PgHero's 100), how many (10). Set both floors to 0 for just the top N by mean time. */
  slowMeanMs?: number;
  slowMinCalls?: number;
  slowTop?: number;
  /** Tables with fewer live rows are not judged by their sequential scans (PgHero's 10,000). */
  seqScanMinRows?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Index health of the connection's schemas. With a workspace, items link to
 * the code that reads their table or runs their statement, and QueryLens's
 * own index suggestions become the fix of seq-scan tables and slow statements.
 */
export async function indexHealth(driver: Driver, workspace?: Workspace, options: IndexHealthOptions = {}): Promise<IndexHealthReport> {
  if (driver.dialect !== 'postgres') {
    throw dbError('refused', driver.name, 'index health reads PostgreSQL statistics (pg_stat_user_indexes, pg_stat_statements); this is a SQLite database', {
      advice: 'Connect a PostgreSQL database to see index health.',
    });
  }
  const code = workspace ? codeIndex(workspace) : undefined;
  const at = new Date().toISOString();
  return withJob(driver, { timeoutMs: options.timeoutMs ?? 30_000, ...(options.signal ? { signal: options.signal } : {}) }, async (job) => {
    const schemas = await currentSchemas(job);
    const items: HealthItem[] = [
      ...indexItems(await readIndexes(job), code),
      ...foreignKeyItems(await readUnindexedForeignKeys(job), code),
      ...seqScanItems(await readTableScans(job), { minRows: options.seqScanMinRows ?? SEQ_SCAN_MIN_ROWS }, code),
    ];
    const cacheHitRatio = await readCacheHitRatio(job);
    if (cacheHitRatio !== undefined && cacheHitRatio < CACHE_HIT_TARGET) {
      const sharedBuffers = String((await job.q(`SELECT current_setting('shared_buffers') AS v`)).rows[0]?.v);
      items.push({
        kind: 'low-cache-hit',
        level: cacheHitRatio < 0.95 ? 'critical' : 'warn',
        message: `Only ${(cacheHitRatio * 100).toFixed(1)} % of the table blocks read in ${schemas.join(', ')} were found in shared buffers (target ${CACHE_HIT_TARGET * 100} %): the rest came from disk or the OS cache. If this holds under normal load, the working set does not fit shared_buffers (${sharedBuffers}): raise it, or add the indexes that keep queries from reading whole tables.`,
      });
    }
    const statements = await slowStatements(job, {
      minMeanMs: options.slowMeanMs ?? SLOW_MEAN_MS,
      minCalls: options.slowMinCalls ?? SLOW_MIN_CALLS,
      top: options.slowTop ?? SLOW_TOP,
    }, code);
    items.push(...statements.items);
    return {
      connection: driver.name,
      at,
      items,
      ...(cacheHitRatio !== undefined ? { cacheHitRatio } : {}),
      statements: statements.availability,
      schemas,
    };
  });
}
