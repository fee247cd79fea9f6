/**
 * The health reports' one way onto a database: a job (session, timeout,
 * cancellation) whose statements run in a READ ONLY transaction, rolled back
 * when the session is released. They read catalogs and statistics only; the
 * transaction makes the server refuse anything else.
 */
import { withJob, type Job } from '../explain/run';
import type { Driver } from '../types';

export async function readOnlyJob<T>(driver: Driver, options: { timeoutMs?: number; signal?: AbortSignal }, work: (job: Job) => Promise<T>): Promise<T> {
  return withJob(driver, { timeoutMs: options.timeoutMs ?? 30_000, ...(options.signal ? { signal: options.signal } : {}) }, async (job) => {
    await job.q('BEGIN READ ONLY');
    return work(job);
  });
}
