/**
 * The numbers the pool and index-health reports judge by, in one place, each
 * with where it comes from (the seed documents and PgHero's checks, see
 * /work/shared/REFERENCE.md "Health checks" and "Connection pools").
 */

/** Seed 004 "Alert Configuration": pool utilisation WARNING above 70 %, CRITICAL above 90 % (shared with the dashboard). */
export { UTILISATION_CRITICAL, UTILISATION_WARN, utilisationLevel } from '../../../../shared/judge';

/** PgHero's long-running queries: non-idle sessions whose query started over 60 s ago. */
export const LONG_RUNNING_MS = 60_000;

/** PgHero's cache hit rate target: 99 %. */
export const CACHE_HIT_TARGET = 0.99;

/** PgHero's slow queries: mean time of at least 20 ms over at least 100 calls. */
export const SLOW_MEAN_MS = 20;
export const SLOW_MIN_CALLS = 100;
/** At most this many slow statements are listed (the slowest by mean time). */
export const SLOW_TOP = 10;
/** Seed 004 "Slow Queries: >100ms (log and investigate)": a slow statement this slow on average is critical. */
export const SLOW_CRITICAL_MS = 100;

/** PgHero's missing-index check only looks at tables of at least 10,000 live rows: on smaller ones a sequential scan is cheap. */
export const SEQ_SCAN_MIN_ROWS = 10_000;
