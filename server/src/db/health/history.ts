/**
 * PoolHistory: the last few minutes of pool reports as a time series, for
 * the dashboard's chart. In memory only: the dashboard polls poolReport and
 * adds each report; samples older than the window fall off.
 */
import type { PoolReport } from '../../../../shared/dashboard';

/** One point of the series. Field names match the dashboard's PoolSample (t, total, byState, utilisation) plus the four counts charted. */
export interface PoolHistorySample {
  /** Epoch ms of the report. */
  t: number;
  total: number;
  active: number;
  idle: number;
  /** `idle in transaction` and `idle in transaction (aborted)`: both hold a connection and their locks. */
  idleInTransaction: number;
  /** Active but waiting on a lock. */
  waiting: number;
  byState: Record<string, number>;
  /** 0..1 of max_connections. */
  utilisation: number;
  /** QueryLens's own pool at that time. */
  ourPool?: { totalCount: number; idleCount: number; waitingCount: number };
}

export class PoolHistory {
  private readonly samples_: PoolHistorySample[] = [];

  /** @param windowMs how far back samples are kept (default 10 minutes). */
  constructor(readonly windowMs = 10 * 60_000) {}

  /** Adds a PostgreSQL report (a SQLite report has no counts and is ignored); returns the sample added. */
  add(report: PoolReport): PoolHistorySample | undefined {
    const pg = report.postgres;
    if (!pg) return undefined;
    const count = (state: string) => pg.byState[state] ?? 0;
    const sample: PoolHistorySample = {
      t: Date.parse(report.at),
      total: pg.total,
      active: count('active'),
      idle: count('idle'),
      idleInTransaction: count('idle in transaction') + count('idle in transaction (aborted)'),
      waiting: count('waiting'),
      byState: { ...pg.byState },
      utilisation: pg.utilisation,
      ...(report.ourPool ? { ourPool: { ...report.ourPool } } : {}),
    };
    // Reports may come back out of order (two polls in flight): keep the series sorted by time.
    let i = this.samples_.length;
    while (i > 0 && this.samples_[i - 1]!.t > sample.t) i--;
    this.samples_.splice(i, 0, sample);
    this.prune(Math.max(sample.t, this.samples_[this.samples_.length - 1]!.t));
    return sample;
  }

  /** The samples within the window ending at `now` (default: the latest sample), oldest first. */
  samples(now?: number): PoolHistorySample[] {
    if (now !== undefined) this.prune(now);
    return [...this.samples_];
  }

  clear(): void {
    this.samples_.length = 0;
  }

  private prune(now: number): void {
    const cutoff = now - this.windowMs;
    let drop = 0;
    while (drop < this.samples_.length && this.samples_[drop]!.t < cutoff) drop++;
    if (drop > 0) this.samples_.splice(0, drop);
  }
}
