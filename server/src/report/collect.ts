/**
 * What the review report reads besides the findings: saved benchmark runs,
 * git, and (with a database) migration status, connections and index health,
 * each section carrying its own failure. One collector for `querylens report`
 * and the editor's Export Review Report.
 */
import type { IndexHealthReport, MigrationsReport, PoolReport } from '../../../shared/dashboard';
import type { Finding, RuleMeta } from '../../../shared/types';
import type { Workspace } from '../core/engine/workspace';
import { gitInfo, listRuns } from '../db/bench';
import { indexHealth } from '../db/health';
import { poolReport } from '../db/health';
import { migrationsReport } from '../db/migrations';
import type { Driver } from '../db/types';
import type { ReviewInput, Section } from './review';

export interface ReviewSources {
  root: string;
  workspace: Workspace;
  files: number;
  findings: Finding[];
  rules: RuleMeta[];
  /** The database to read, or why there is none (every database section then says so). */
  driver: (() => Promise<Driver>) | { unavailable: string };
  timeoutMs?: number;
  warn(message: string): void;
}

export async function collectReview(sources: ReviewSources): Promise<ReviewInput> {
  const { root, workspace } = sources;
  let migrations: Section<MigrationsReport>;
  let health: Section<IndexHealthReport>;
  let pool: Section<PoolReport>;
  if (typeof sources.driver === 'function') {
    const options = sources.timeoutMs ? { timeoutMs: sources.timeoutMs } : {};
    try {
      const driver = await sources.driver();
      migrations = await settle(() => migrationsReport(driver, workspace, options));
      health = await settle(() => indexHealth(driver, workspace, options));
      pool = await settle(() => poolReport(driver));
    } catch (error) {
      // The connection itself failed: every database section carries its message.
      migrations = health = pool = { unavailable: messageOf(error) };
    }
  } else {
    migrations = health = pool = sources.driver;
  }
  const git = gitInfo(root);
  return {
    root,
    files: sources.files,
    findings: sources.findings,
    rules: sources.rules,
    runs: listRuns(root, (file, why) => sources.warn(`skipped ${file}: ${why}`)),
    migrations,
    health,
    pool,
    ...(git ? { git } : {}),
    at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
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
