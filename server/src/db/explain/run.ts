/**
 * Shared plumbing of explain and index proofs: one session with a timeout, an
 * AbortSignal that cancels on the database, and a wall clock.
 */
import type { DbError } from '../types';
import type { DbSession, Driver, QueryResult } from '../types';
import { dbError } from '../drivers/errors';

export interface Job {
  session: DbSession;
  /** Runs one statement, unless the job was cancelled before it started. */
  q(sql: string, params?: readonly unknown[]): Promise<QueryResult>;
  /** Milliseconds since the session was obtained. */
  elapsed(): number;
}

export function cancelledError(driver: Driver): DbError {
  return dbError('cancelled', driver.name, 'the request was cancelled before it ran', {});
}

/**
 * Runs `work` on a fresh session. An abort cancels the running statement on
 * the database (DbSession.cancel) and keeps later statements of the job from
 * starting; the session is always released (which rolls back what is open).
 */
export async function withJob<T>(driver: Driver, options: { timeoutMs: number; signal?: AbortSignal }, work: (job: Job) => Promise<T>): Promise<T> {
  const { signal } = options;
  if (signal?.aborted) throw cancelledError(driver);
  const session = await driver.session({ timeoutMs: options.timeoutMs });
  const started = performance.now();
  const onAbort = () => void session.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  const job: Job = {
    session,
    q(sql, params) {
      if (signal?.aborted) return Promise.reject(cancelledError(driver));
      return session.query(sql, params);
    },
    elapsed: () => performance.now() - started,
  };
  try {
    return await work(job);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await session.release();
  }
}

/** Rolls back, ignoring failure: after a cancel or a lost connection there may be nothing to roll back. */
export async function rollback(job: Job, savepoint?: string): Promise<void> {
  await job.session.query(savepoint ? `ROLLBACK TO SAVEPOINT ${savepoint}` : 'ROLLBACK').catch(() => undefined);
}
