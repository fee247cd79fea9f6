/**
 * Parsing of `querylens pool [--connection URL|FILE] [--format text|json]
 * [--watch [SECONDS]] [--long-running MS]` (apart from pool.ts, which loads the
 * database layer: usage errors answer without it).
 */
import { UsageError, parseDbArgs, type DbOptions } from './args';

export interface PoolCommand {
  kind: 'pool';
  db: DbOptions;
  format: 'text' | 'json';
  /** Print a report every this many seconds until interrupted. */
  watchSeconds?: number;
  /** Long-running threshold (ms); PgHero's 60 s when absent. */
  longRunningMs?: number;
}

export const DEFAULT_WATCH_SECONDS = 5;

export function parsePoolCommand(argv: string[]): PoolCommand {
  let watchSeconds: number | undefined;
  let longRunningMs: number | undefined;
  const { positional, db, format = 'text' } = parseDbArgs('pool', argv, (name, inline, i) => {
    if (name === '--watch') {
      // The seconds are optional: `--watch`, `--watch 2`, `--watch=2`.
      const next = inline ?? argv[i + 1];
      const seconds = next !== undefined && /^\d+(\.\d+)?$/.test(next) ? Number(next) : undefined;
      if (inline !== undefined && seconds === undefined) throw new UsageError(`option --watch needs a number of seconds, got '${inline}'`);
      if (seconds !== undefined && seconds <= 0) throw new UsageError('option --watch needs a positive number of seconds');
      watchSeconds = seconds ?? DEFAULT_WATCH_SECONDS;
      return seconds !== undefined && inline === undefined ? i + 1 : i;
    }
    if (name === '--long-running') {
      const value = inline ?? argv[i + 1];
      const ms = Number(value);
      if (value === undefined || !Number.isInteger(ms) || ms < 0) throw new UsageError(`option --long-running needs milliseconds, got '${value ?? ''}'`);
      longRunningMs = ms;
      return inline === undefined ? i + 1 : i;
    }
    return undefined;
  });
  if (format !== 'text' && format !== 'json') throw new UsageError(`unknown format '${format}' for 'pool' (expected text or json)`);
  if (positional.length > 0) throw new UsageError(`'pool' takes no paths`);
  return { kind: 'pool', db, format, ...(watchSeconds !== undefined ? { watchSeconds } : {}), ...(longRunningMs !== undefined ? { longRunningMs } : {}) };
}
