/**
 * A SQLite file's pragmas against the seed's recommendation (seed 001,
 * "SQLite Optimization": journal_mode = WAL, synchronous = NORMAL,
 * cache_size = 10000, temp_store = MEMORY; its engine opens connections with
 * `timeout: 30`, Python sqlite3's busy timeout in seconds, hence
 * busy_timeout = 30000). The seeds say nothing of foreign_keys, so it is not
 * judged here.
 *
 * Only journal_mode = WAL is stored in the file. The others are settings of
 * each connection: what QueryLens reads is what a new connection gets, which
 * is what the application gets unless it sets them itself on every connection
 * (busy_timeout also depends on the library: better-sqlite3 opens with 5000,
 * node:sqlite and the sqlite3 CLI with 0).
 */
import type { SqlitePragma } from '../../../../shared/dashboard';
import type { Job } from '../explain/run';

const SYNCHRONOUS = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];
const TEMP_STORE = ['DEFAULT', 'FILE', 'MEMORY'];
export const RECOMMENDED_CACHE_PAGES = 10_000;
export const RECOMMENDED_BUSY_TIMEOUT_MS = 30_000;

const EVERY_CONNECTION = 'Not stored in the file: run it on every connection the application opens.';

async function pragma(job: Job, name: string): Promise<unknown> {
  const row = (await job.q(`PRAGMA ${name}`)).rows[0];
  return row ? Object.values(row)[0] : undefined;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Reads the pragmas on the job's connection (read-only: PRAGMA name without a value never writes). */
export async function sqlitePragmas(job: Job): Promise<SqlitePragma[]> {
  // A read first: a long-lived connection learns that another one switched the file to WAL only when it next reads it.
  await job.q('SELECT count(*) AS n FROM sqlite_master');
  const journal = String(await pragma(job, 'journal_mode')).toUpperCase();
  const synchronous = Number(await pragma(job, 'synchronous'));
  const cacheSize = Number(await pragma(job, 'cache_size'));
  const pageSize = Number(await pragma(job, 'page_size'));
  const tempStore = Number(await pragma(job, 'temp_store'));
  const busyTimeout = Number(await pragma(job, 'busy_timeout'));
  return judgePragmas({ journal, synchronous, cacheSize, pageSize, tempStore, busyTimeout });
}

export interface PragmaValues {
  journal: string;
  synchronous: number;
  cacheSize: number;
  pageSize: number;
  tempStore: number;
  busyTimeout: number;
}

export function judgePragmas(v: PragmaValues): SqlitePragma[] {
  // A negative cache_size is KiB, a positive one pages (SQLite's own convention).
  const cacheBytes = v.cacheSize < 0 ? -v.cacheSize * 1024 : v.cacheSize * v.pageSize;
  const recommendedCacheBytes = RECOMMENDED_CACHE_PAGES * v.pageSize;
  const items: (Omit<SqlitePragma, 'fix'> & { fixSql: string })[] = [
    {
      name: 'journal_mode',
      value: v.journal,
      recommended: 'WAL',
      ok: v.journal === 'WAL',
      fixSql: 'PRAGMA journal_mode = WAL;',
      scope: 'file',
      why: 'Write-ahead logging lets readers run while one connection writes; in the rollback journal modes a writer blocks every reader. Stored in the file: run it once.',
    },
    {
      name: 'synchronous',
      value: SYNCHRONOUS[v.synchronous] ?? String(v.synchronous),
      recommended: 'NORMAL',
      ok: v.synchronous === 1,
      fixSql: 'PRAGMA synchronous = NORMAL;',
      scope: 'connection',
      why: `With WAL, NORMAL syncs to disk at checkpoints instead of at every commit: commits are much faster and the file stays consistent after a power loss (only the last commits may be lost). ${EVERY_CONNECTION}`,
    },
    {
      name: 'cache_size',
      value: `${v.cacheSize} (${mib(cacheBytes)})`,
      recommended: `${RECOMMENDED_CACHE_PAGES} (${mib(recommendedCacheBytes)} at ${v.pageSize}-byte pages)`,
      ok: cacheBytes >= recommendedCacheBytes,
      fixSql: `PRAGMA cache_size = ${RECOMMENDED_CACHE_PAGES};`,
      scope: 'connection',
      why: `SQLite's default page cache is 2 MiB (better-sqlite3 builds it with 16 MB): a working set larger than the cache is read from the file again and again. ${EVERY_CONNECTION}`,
    },
    {
      name: 'temp_store',
      value: TEMP_STORE[v.tempStore] ?? String(v.tempStore),
      recommended: 'MEMORY',
      ok: v.tempStore === 2,
      fixSql: 'PRAGMA temp_store = MEMORY;',
      scope: 'connection',
      why: `Temporary tables and indexes (sorts, GROUP BY, DISTINCT without an index) are built in memory instead of temporary files. ${EVERY_CONNECTION}`,
    },
    {
      name: 'busy_timeout',
      value: `${v.busyTimeout} ms`,
      recommended: `${RECOMMENDED_BUSY_TIMEOUT_MS} ms`,
      ok: v.busyTimeout >= RECOMMENDED_BUSY_TIMEOUT_MS,
      fixSql: `PRAGMA busy_timeout = ${RECOMMENDED_BUSY_TIMEOUT_MS};`,
      scope: 'connection',
      why: `How long a connection waits for another one's write lock before failing with SQLITE_BUSY ("database is locked"); the seed opens SQLite with a 30 s timeout. ${EVERY_CONNECTION}`,
    },
  ];
  return items.map(({ fixSql, ...p }) => (p.ok ? p : { ...p, fix: fixSql }));
}
