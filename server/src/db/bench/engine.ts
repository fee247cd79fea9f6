/**
 * The dashboard's benchmark engine (issue 5): a warm-up, then N timed
 * iterations spread over C sessions of the driver, each session a "lane"
 * that takes the next iteration number until none is left. On PostgreSQL
 * the lanes are pooled connections running in parallel; the host drivers
 * (SQLite, PGlite) have one connection, so C is clamped to 1 and the run says so.
 *
 * Safety as in Explain Analyze: the statement is classified by the SQL core
 * first and its functions checked (explain/effects.ts); a SELECT runs inside one read-only transaction per
 * lane, a write inside its own transaction per iteration, rolled back.
 *
 * The timed loop (`lane`) is the hot path: per iteration it reads the clock
 * twice and writes two numbers into arrays allocated before the run. No
 * closures, objects or promises of its own beyond the driver's `query`: the
 * engine's overhead against a plain `await session.query()` loop is measured
 * by `measureOverhead` (same session, alternating blocks).
 */
import type { BenchmarkRun } from '../../../../shared/dashboard';
import type { ParamValue } from '../../../../shared/explain';
import { benchCountProblem } from '../../core/config/benchmarks';
import { dbError } from '../drivers/errors';
import { checkCatalogEffects, classifyStatement, type ClassifiedStatement } from '../explain';
import { DbError, type DbSession, type Driver } from '../types';
import { histogram, latencyStats, percentile, round, roundStats, timeline } from './stats';

export interface BenchmarkRunOptions {
  sql: string;
  params: ParamValue[];
  /** Timed iterations, in total over all sessions. */
  iterations: number;
  /** Untimed iterations first (warms the caches and each connection's plan cache). */
  warmup: number;
  /** Sessions running at once. */
  concurrency: number;
  /** Statement timeout (ms); a statement that runs longer ends the run. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** The connection is marked readOnly: writes are refused. */
  readOnlyConnection?: boolean;
  /** Also measure the engine's own overhead against a plain driver loop (`overheadPct`); it runs extra iterations. */
  measureOverhead?: boolean;
}

/** What the engine measured; the caller names it, places it in the source and saves it. */
export type EngineRun = Omit<BenchmarkRun, 'id' | 'name' | 'source'>;

/** The state of one run shared by its lanes: preallocated, mutated in place. */
interface Loop {
  /** Iterations to run (set to 0 to stop every lane). */
  n: number;
  next: number;
  /** Per iteration number: latency (NaN when it failed) and start (ms since t0). */
  latency: Float64Array;
  startedAt: Float64Array;
  t0: number;
  errors: number;
  firstError?: unknown;
  fatal?: unknown;
}

/** The statement as the lanes run it. */
interface Plan {
  statement: ClassifiedStatement;
  params: ParamValue[];
  dialect: 'postgres' | 'sqlite';
  signal?: AbortSignal;
}

const ignore = () => undefined;

export async function runBenchmark(driver: Driver, options: BenchmarkRunOptions): Promise<EngineRun> {
  const statement = await classifyStatement(options.sql, driver.dialect, driver.name, 'run');
  if (statement.writes && options.readOnlyConnection) {
    throw dbError('refused', driver.name, `the benchmark runs the ${statement.kind.toUpperCase()}, and the connection is read-only`, {
      advice: 'Benchmark it on a connection that is not marked "readOnly" (every run is rolled back).',
    });
  }
  // Checked here too, whoever the caller: 1e12 iterations would need 8 TB of timings (concurrency is clamped below).
  for (const count of ['iterations', 'warmup'] as const) {
    const why = benchCountProblem(count, options[count]);
    if (why) throw dbError('refused', driver.name, `the benchmark's ${count} ${why} (got ${String(options[count])})`, { advice: '' });
  }
  const iterations = options.iterations;
  const warmup = options.warmup;
  const notes: string[] = [];
  const concurrency = laneCount(driver, options.concurrency, iterations, notes);
  const plan: Plan = { statement, params: options.params, dialect: driver.dialect, ...(options.signal ? { signal: options.signal } : {}) };
  const createdAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');

  const sessions = await openLanes(driver, concurrency, options);
  const onAbort = () => sessions.forEach((s) => void s.cancel().catch(ignore));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let loop: Loop;
  let overheadPct: number | undefined;
  try {
    await checkCatalogEffects((sql, params) => sessions[0]!.query(sql, params), statement, driver.dialect, 'run', driver.name);
    await Promise.all(sessions.map((s) => enter(s, plan, options.timeoutMs)));
    if (warmup > 0) {
      const warm = newLoop(warmup);
      await Promise.all(sessions.map((s) => lane(s, plan, warm)));
      throwIfFatal(warm, driver);
      throwIfNothingMeasured(warm, 'warm-up', driver);
    }
    loop = newLoop(iterations);
    loop.t0 = performance.now();
    await Promise.all(sessions.map((s) => lane(s, plan, loop)));
    const wallMs = performance.now() - loop.t0;
    throwIfFatal(loop, driver);
    throwIfNothingMeasured(loop, 'timed', driver);
    if (options.measureOverhead) overheadPct = round((await measureOverhead(sessions[0]!, plan, overheadSamples(loop, wallMs, concurrency))).overheadPct, 2);
    return result(driver, options, { statement, createdAt, loop, wallMs, warmup, concurrency, notes, overheadPct });
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await Promise.all(sessions.map((s) => leave(s, plan).finally(() => s.release())));
  }
}

/** Iterations per side for the overhead measurement: about two seconds' worth of the statement, 40 to 2,000. */
function overheadSamples(loop: Loop, wallMs: number, concurrency: number): number {
  const perIteration = (wallMs * concurrency) / Math.max(1, loop.latency.length);
  return Math.round(Math.max(40, Math.min(2_000, 2_000 / Math.max(perIteration, 0.001))));
}

/** C, clamped to what the driver can run at once and to the iterations; the clamp is noted. */
function laneCount(driver: Driver, asked: number, iterations: number, notes: string[]): number {
  const want = Math.max(1, Math.floor(asked || 1));
  const cap = driver.maxSessions ?? 1;
  if (want > cap) {
    notes.push(
      cap === 1
        ? `concurrency ${want} asked, 1 used: ${driver.name} has one connection (${driver.kind === 'embedded' ? 'the embedded database' : 'SQLite'} runs one statement at a time)`
        : `concurrency ${want} asked, ${cap} used: the connection's pool holds ${cap} sessions`,
    );
  }
  return Math.min(want, cap, iterations);
}

/** Sessions taken one after another: a host driver hands out its one connection in turns, a pool up to its size. */
async function openLanes(driver: Driver, count: number, options: BenchmarkRunOptions): Promise<DbSession[]> {
  const sessions: DbSession[] = [];
  try {
    for (let i = 0; i < count; i++) sessions.push(await driver.session({ timeoutMs: options.timeoutMs }));
  } catch (error) {
    await Promise.all(sessions.map((s) => s.release()));
    throw error;
  }
  return sessions;
}

function newLoop(n: number): Loop {
  return { n, next: 0, latency: new Float64Array(n), startedAt: new Float64Array(n), t0: performance.now(), errors: 0 };
}

/**
 * Prepares a lane: the statement timeout on PostgreSQL (session-wide, so a
 * write's per-iteration transaction needs no extra SET), and the read-only
 * transaction a SELECT runs in for the whole lane.
 */
async function enter(session: DbSession, plan: Plan, timeoutMs: number): Promise<void> {
  if (plan.dialect === 'postgres') await session.query(`SET statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
  if (plan.statement.writes) return;
  if (plan.dialect === 'postgres') await session.query('BEGIN READ ONLY');
  else {
    await session.query('BEGIN');
    await session.query('PRAGMA query_only = ON');
  }
}

async function leave(session: DbSession, plan: Plan): Promise<void> {
  await session.query('ROLLBACK').catch(ignore);
  if (plan.dialect === 'postgres') await session.query('RESET statement_timeout').catch(ignore);
  else if (!plan.statement.writes) await session.query('PRAGMA query_only = OFF').catch(ignore);
}

/** The timed loop of one session. Only the statement is timed; a write's BEGIN and ROLLBACK are not. */
async function lane(session: DbSession, plan: Plan, loop: Loop): Promise<void> {
  const { sql } = plan.statement;
  const { params } = plan;
  const writes = plan.statement.writes;
  for (;;) {
    const i = loop.next++;
    if (i >= loop.n) return;
    if (writes) await session.query('BEGIN');
    const started = performance.now();
    try {
      await session.query(sql, params);
      loop.latency[i] = performance.now() - started;
    } catch (error) {
      loop.latency[i] = NaN;
      if (isFatal(error, plan)) {
        loop.fatal ??= error;
        loop.n = 0; // the other lanes stop after their current iteration
        return;
      }
      loop.errors++;
      loop.firstError ??= error;
      // A failed statement aborts PostgreSQL's transaction: start the lane's read-only one again.
      if (!writes && plan.dialect === 'postgres') {
        await session.query('ROLLBACK').catch(ignore);
        await session.query('BEGIN READ ONLY');
      }
    }
    loop.startedAt[i] = started - loop.t0;
    if (writes) await session.query('ROLLBACK');
  }
}

/** A cancel, a timeout or a lost connection ends the run; a statement the database rejects is counted as an error. */
function isFatal(error: unknown, plan: Plan): boolean {
  if (plan.signal?.aborted) return true;
  if (!(error instanceof DbError)) return true;
  return error.kind !== 'sql';
}

function throwIfFatal(loop: Loop, driver: Driver): void {
  if (loop.fatal === undefined) return;
  if (loop.fatal instanceof DbError) throw loop.fatal;
  throw dbError('driver', driver.name, `the benchmark stopped: ${(loop.fatal as Error)?.message ?? String(loop.fatal)}`, { cause: loop.fatal });
}

/** Every iteration failed: a run of zeros would read as a fast query, so there is no run, only the error. */
function throwIfNothingMeasured(loop: Loop, phase: 'warm-up' | 'timed', driver: Driver): void {
  if (loop.errors < loop.latency.length) return;
  const first = messageOf(loop.firstError).replace(/^Connection "[^"]*": /, '').replace(/\.$/, '');
  throw dbError('sql', driver.name, `the benchmark measured nothing: all ${loop.latency.length} ${phase} iterations failed (${first})`, {
    cause: loop.firstError,
    advice: 'Fix the statement or its parameter values (Explain shows the same error), then run it again.',
  });
}

interface Measured {
  statement: ClassifiedStatement;
  createdAt: string;
  loop: Loop;
  wallMs: number;
  warmup: number;
  concurrency: number;
  notes: string[];
  overheadPct: number | undefined;
}

function result(driver: Driver, options: BenchmarkRunOptions, m: Measured): EngineRun {
  // Successful iterations in the order they started (iteration numbers are handed out in start order).
  const ok: number[] = [];
  const at: number[] = [];
  for (let i = 0; i < m.loop.latency.length; i++) {
    if (Number.isNaN(m.loop.latency[i]!)) continue;
    ok.push(m.loop.latency[i]!);
    at.push(m.loop.startedAt[i]!);
  }
  const stats = latencyStats(ok, m.loop.errors, m.wallMs);
  const hist = histogram(ok);
  return {
    createdAt: m.createdAt,
    connection: driver.name,
    sql: m.statement.sql,
    params: options.params,
    iterations: m.loop.latency.length,
    warmup: m.warmup,
    concurrency: m.concurrency,
    rolledBack: m.statement.writes,
    stats: roundStats(stats),
    histogram: hist,
    timeline: timeline(at, ok).map(([t, ms]) => [round(t, 1), round(ms)]),
    ...(m.overheadPct !== undefined ? { overheadPct: m.overheadPct } : {}),
    targets: [],
    wallMs: round(m.wallMs, 1),
    ...(m.loop.firstError !== undefined ? { firstError: messageOf(m.loop.firstError) } : {}),
    ...(m.notes.length ? { notes: m.notes } : {}),
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface Overhead {
  /** Median over the pairs of blocks of (engine - plain) / plain, percent. */
  overheadPct: number;
  /** Mean time per iteration of the plain loop and of the engine's loop, ms. */
  plainMsPerIteration: number;
  engineMsPerIteration: number;
  /** Iterations run by each side. */
  iterations: number;
}

/**
 * The engine's lane against a plain `await session.query()` loop (with the
 * same BEGIN/ROLLBACK a write needs), on one session already entered. The
 * engine's bookkeeping is a fraction of a microsecond against a round trip
 * of tens to hundreds, so the difference drowns in the machine's noise
 * unless the two are interleaved finely: many short pairs of blocks, the
 * order alternated, and the median of the pairs' ratios (a burst of noise
 * spoils one pair, not the result).
 */
export async function measureOverhead(session: DbSession, plan: Plan, perSide: number): Promise<Overhead> {
  const pairs = 20;
  const block = Math.max(2, Math.ceil(perSide / pairs));
  const loop = newLoop(block);
  const { sql } = plan.statement;
  const writes = plan.statement.writes;
  const runPlain = async () => {
    const t = performance.now();
    for (let i = 0; i < block; i++) {
      if (writes) await session.query('BEGIN');
      await session.query(sql, plan.params);
      if (writes) await session.query('ROLLBACK');
    }
    return performance.now() - t;
  };
  const runEngine = async () => {
    loop.n = block;
    loop.next = 0;
    const t = performance.now();
    loop.t0 = t;
    await lane(session, plan, loop);
    return performance.now() - t;
  };
  const ratios: number[] = [];
  let plain = 0;
  let engine = 0;
  await runPlain(); // untimed: both code paths compiled and the connection's plan cached before any pair counts
  await runEngine();
  for (let r = 0; r < pairs; r++) {
    const [p, e] = r % 2 === 0 ? [await runPlain(), await runEngine()] : (([e2, p2]) => [p2, e2])([await runEngine(), await runPlain()]);
    plain += p!;
    engine += e!;
    if (p! > 0) ratios.push((e! - p!) / p!);
  }
  ratios.sort((a, b) => a - b);
  const n = block * pairs;
  return { overheadPct: percentile(ratios, 50) * 100, plainMsPerIteration: plain / n, engineMsPerIteration: engine / n, iterations: n };
}

/**
 * Opens one session the way the engine does (classified, timeout set, the
 * SELECT's read-only transaction) and measures the overhead on it: for tests
 * and for reporting the number without a full run.
 */
export async function engineOverhead(driver: Driver, options: Pick<BenchmarkRunOptions, 'sql' | 'params' | 'timeoutMs'> & { perSide: number }): Promise<Overhead> {
  const statement = await classifyStatement(options.sql, driver.dialect, driver.name, 'run');
  const plan: Plan = { statement, params: options.params, dialect: driver.dialect };
  const session = await driver.session({ timeoutMs: options.timeoutMs });
  try {
    await checkCatalogEffects((sql, params) => session.query(sql, params), statement, driver.dialect, 'run', driver.name);
    await enter(session, plan, options.timeoutMs);
    return await measureOverhead(session, plan, options.perSide);
  } finally {
    await leave(session, plan).finally(() => session.release());
  }
}
