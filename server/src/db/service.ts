/**
 * The database work behind the CodeLenses, the index proofs and the CLI's
 * `explain` / `prove-index` (issue 4): drivers kept open per connection, the
 * embedded shadow database built from the workspace's catalog (and rebuilt
 * when the schema changes), and raw plans turned into QueryLens's summary and
 * problems. The LSP server and the CLI share it; neither talks to a driver.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_SHADOW_ROWS, DEFAULT_STATEMENT_TIMEOUT_MS, type ResolvedConnection } from '../../../shared/connections';
import type { ExplainResult, IndexProof, ParamValue, PlanSummary, SuggestedIndex } from '../../../shared/explain';
import type { BenchmarkRun } from '../../../shared/dashboard';
import type { BenchmarkSummary, TestConnectionResult } from '../../../shared/protocol';
import type { Catalog } from '../core/catalog/types';
import type { QueryLensConfig } from '../core/config/types';
import type { ExplainableQuery } from '../core/engine/explainable';
import type { Workspace } from '../core/engine/workspace';
import { BENCH_DEFAULTS, recordRun, runBenchmark } from './bench';
import { openDriver } from './drivers';
import { dbError } from './drivers/errors';
import { explain } from './explain';
import { withJob } from './explain/run';
import { indexProofOf, proveIndex } from './prove';
import { createIndexSql } from '../core/migrations/writer';
import { spelledTableName } from '../core/catalog/build';
import { pgPlanProblems, sqlitePlanProblems, sqlitePlanTree, summarizePgPlan } from './plan';
import { buildShadow, shadowSignature, type ShadowOptions, type ShadowReport } from './shadow';
import type { Driver } from './types';

export interface QueryJob {
  workspace: Workspace;
  /** Workspace folder (relative SQLite paths, the shadow database's identity). */
  root: string;
  query: ExplainableQuery;
  /** The file the query is in: the shadow database and the plan's judgement use the schema of its package. */
  file?: string;
  connection: ResolvedConnection;
  params?: ParamValue[];
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface FullBenchmarkOptions {
  iterations?: number;
  warmup?: number;
  concurrency?: number;
  name?: string;
  measureOverhead?: boolean;
  /** Default true: the run is written to `.querylens/benchmarks/`. */
  save?: boolean;
}

export interface IndexToProve {
  table: string;
  columns: string[];
  method?: string;
  opclass?: string;
}

interface OpenDriver {
  driver: Promise<Driver>;
  /** Signature of the shadow schema built in it (embedded only), and the build under way. */
  shadow?: { signature: string; built: Promise<ShadowReport> };
}

export interface ServiceOptions {
  log(message: string): void;
  env?: NodeJS.ProcessEnv;
}

/**
 * Fewer values than the query has parameters: refused with the names of those
 * left without one (and the columns they are compared with), before anything
 * reaches the database, which would only say that the bind message supplies
 * too few. No values at all (`undefined`) is a generic plan, allowed where a
 * plan is all that is asked.
 */
function checkValues(job: QueryJob, given: readonly ParamValue[] | undefined): void {
  const params = job.query.params;
  if (given === undefined || given.length >= params.length) return;
  const missing = params.slice(given.length).map((p) => (p.column ? `${p.name} (${p.column})` : p.name));
  const takes = `${params.length} value${params.length === 1 ? '' : 's'}`;
  const was = `${given.length} ${given.length === 1 ? 'was' : 'were'} given`;
  throw dbError('refused', job.connection.name, `the query takes ${takes} and ${was}: no value for ${missing.join(', ')}`, {
    advice: 'Give one value per parameter, in order.',
  });
}

export class DatabaseService {
  private readonly drivers = new Map<string, OpenDriver>();

  constructor(private readonly options: ServiceOptions) {}

  async explain(job: QueryJob & { analyze: boolean }): Promise<ExplainResult> {
    checkValues(job, job.params);
    const driver = await this.driverFor(job, job.query.dialect);
    const catalog = job.workspace.schemaOf(job.file).catalog;
    const raw = await explain(driver, {
      sql: job.query.sql,
      ...(job.params ? { params: job.params } : {}),
      analyze: job.analyze,
      timeoutMs: job.timeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
      ...(job.signal ? { signal: job.signal } : {}),
      readOnlyConnection: job.connection.readOnly === true,
    });
    const base = {
      connection: raw.connection,
      driver: raw.driver,
      dialect: raw.dialect,
      sql: raw.sql,
      params: raw.params,
      analyzed: raw.analyzed,
      genericPlan: raw.genericPlan,
      rolledBack: raw.rolledBack,
      wallMs: raw.wallMs,
      serverVersion: raw.serverVersion,
    };
    if (raw.pgPlan !== undefined) {
      const tableRows = raw.analyzed ? undefined : await this.tableRows(driver, job);
      return {
        ...base,
        pgPlan: raw.pgPlan,
        summary: summarizePgPlan(raw.pgPlan),
        problems: pgPlanProblems(raw.pgPlan, { catalog, ...(tableRows ? { tableRows } : {}) }),
      };
    }
    const tree = sqlitePlanTree(raw.sqlitePlan ?? []);
    return {
      ...base,
      sqlitePlan: tree,
      summary: sqliteSummary(tree, raw.sqliteRun),
      problems: sqlitePlanProblems(tree, { sql: raw.sql, catalog }),
    };
  }

  /**
   * The CodeLens's quick benchmark: the dashboard's engine on one session,
   * nothing saved; its statistics without the histogram and timeline.
   */
  async benchmark(job: QueryJob & { iterations?: number; warmup?: number }): Promise<BenchmarkSummary> {
    checkValues(job, job.params ?? []);
    const driver = await this.driverFor(job, job.query.dialect);
    const run = await runBenchmark(driver, {
      sql: job.query.sql,
      params: job.params ?? [],
      iterations: job.iterations ?? 50,
      warmup: job.warmup ?? 5,
      concurrency: 1,
      timeoutMs: job.timeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
      readOnlyConnection: job.connection.readOnly === true,
      ...(job.signal ? { signal: job.signal } : {}),
    });
    return { connection: run.connection, sql: run.sql, iterations: run.iterations, ...run.stats, rolledBack: run.rolledBack };
  }

  /**
   * The dashboard's full benchmark (`querylens bench`, the Benchmarks tab): the
   * engine with the options, else `.querylens.json`'s `benchmarks`, else the
   * defaults; saved in `.querylens/benchmarks/` unless `save` is false, its
   * targets judged.
   */
  async benchmarkRun(job: QueryJob & FullBenchmarkOptions, source: { file: string; line: number }): Promise<BenchmarkRun> {
    const config = job.workspace.config().benchmarks;
    checkValues(job, job.params ?? []);
    const driver = await this.driverFor(job, job.query.dialect);
    const engineRun = await runBenchmark(driver, {
      sql: job.query.sql,
      params: job.params ?? [],
      iterations: job.iterations ?? config?.iterations ?? BENCH_DEFAULTS.iterations,
      warmup: job.warmup ?? config?.warmup ?? BENCH_DEFAULTS.warmup,
      concurrency: job.concurrency ?? config?.concurrency ?? BENCH_DEFAULTS.concurrency,
      timeoutMs: job.timeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
      readOnlyConnection: job.connection.readOnly === true,
      ...(job.measureOverhead ? { measureOverhead: true } : {}),
      ...(job.signal ? { signal: job.signal } : {}),
    });
    return recordRun(job.root, engineRun, {
      ...(job.name ? { name: job.name } : {}),
      source,
      ...(config ? { config } : {}),
      save: job.save !== false,
    });
  }

  async proveIndex(job: QueryJob & { index: IndexToProve | SuggestedIndex }): Promise<IndexProof> {
    checkValues(job, job.params);
    const driver = await this.driverFor(job, job.query.dialect);
    const index: SuggestedIndex = 'ddl' in job.index ? job.index : { table: job.index.table, columns: job.index.columns, ddl: createIndexSql(job.index, driver.dialect, { concurrently: false }) };
    const raw = await proveIndex(driver, {
      sql: job.query.sql,
      ...(job.params ? { params: job.params } : {}),
      index,
      tableName: (table) => spelledTableName(job.workspace.schemaOf(job.file).catalog, table),
      timeoutMs: job.timeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
      ...(job.signal ? { signal: job.signal } : {}),
      readOnlyConnection: job.connection.readOnly === true,
    });
    return indexProofOf(raw, (side) => (side.pgPlan !== undefined ? summarizePgPlan(side.pgPlan) : sqliteSummary(sqlitePlanTree(side.sqlitePlan ?? []), side.sqliteRun)));
  }

  /** Connects and asks the server's version; every failure is the message, naming the connection. */
  async test(connection: ResolvedConnection, root: string): Promise<TestConnectionResult> {
    try {
      const driver = await this.openFor(connection, root);
      await withJob(driver, { timeoutMs: 10_000 }, (job) => job.q('SELECT 1'));
      return { ok: true, message: `Connection "${connection.name}": ${await driver.serverVersion()}` };
    } catch (error) {
      return { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
  }

  async close(): Promise<void> {
    const open = [...this.drivers.values()];
    this.drivers.clear();
    await Promise.all(open.map(async (entry) => (await entry.driver.catch(() => undefined))?.close().catch(() => undefined)));
  }

  /**
   * The connection's driver, with the shadow schema built in it when embedded
   * (in the query's dialect; the dashboard passes the workspace's): the schema
   * of `file`'s package, one shadow database per package schema, or the
   * whole workspace's without a file (the dashboard, but for an action on a
   * migration set: that set's package).
   */
  async driverFor(target: { connection: ResolvedConnection; workspace: Workspace; root: string; file?: string }, dialect: string): Promise<Driver> {
    const { workspace, root } = target;
    const connection = target.connection.driver === 'embedded' && !target.connection.dialect ? { ...target.connection, dialect: embeddedDialect(dialect, target.connection.name) } : target.connection;
    if (connection.driver !== 'embedded') return this.openFor(connection, root);
    const schema = workspace.schemaOf(target.file);
    const driver = await this.openFor(connection, root, schema.key);
    await this.ensureShadow(this.drivers.get(keyOf(connection, root, schema.key))!, driver, schema.catalog, connection, workspace.config().shadow);
    return driver;
  }

  private openFor(connection: ResolvedConnection, root: string, schemaKey = ''): Promise<Driver> {
    const key = keyOf(connection, root, schemaKey);
    let entry = this.drivers.get(key);
    if (!entry) {
      // A changed setting or password is another key: the old driver is closed when the service is.
      const driver = openDriver(connection, { root, ...(this.options.env ? { env: this.options.env } : {}) });
      entry = { driver };
      this.drivers.set(key, entry);
      driver.catch(() => this.drivers.delete(key)); // a failed open is retried next time
    }
    return entry.driver;
  }

  private async ensureShadow(entry: OpenDriver, driver: Driver, catalog: Catalog, connection: ResolvedConnection, config: QueryLensConfig['shadow']): Promise<void> {
    const options: ShadowOptions = {
      dialect: driver.dialect,
      rowsPerTable: connection.rowsPerTable ?? config?.rowsPerTable ?? DEFAULT_SHADOW_ROWS,
      ...(config?.tables ? { tableRows: config.tables } : {}),
      replace: true,
    };
    const signature = shadowSignature(catalog, options);
    if (entry.shadow?.signature !== signature) {
      const built = (async () => {
        const session = await driver.session({ timeoutMs: 10 * 60_000 });
        try {
          const report = await buildShadow(session, catalog, options);
          this.options.log(
            `shadow database (${driver.dialect}) built in ${Math.round(report.ms)} ms: ${report.tables.length} table(s)` +
              (report.failed.length ? `, ${report.failed.length} statement(s) rejected: ${report.failed.map((f) => f.error).join('; ')}` : ''),
          );
          return report;
        } finally {
          await session.release();
        }
      })();
      entry.shadow = { signature, built };
      built.catch(() => {
        if (entry.shadow?.built === built) entry.shadow = undefined;
      });
    }
    await entry.shadow!.built;
  }

  /** `pg_class.reltuples` of the tables on the search path: how a plain EXPLAIN's scans are judged. */
  private async tableRows(driver: Driver, job: QueryJob): Promise<Record<string, number> | undefined> {
    try {
      return await withJob(driver, { timeoutMs: 5_000, ...(job.signal ? { signal: job.signal } : {}) }, async (run) => {
        const result = await run.q(
          `SELECT c.relname AS name, c.reltuples AS rows FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY (current_schemas(false))`,
        );
        return Object.fromEntries(result.rows.map((row) => [String(row.name), Math.max(0, Number(row.rows))]));
      });
    } catch {
      return undefined; // the plan is still shown; only the scan-size judgement is lost
    }
  }
}

function embeddedDialect(dialect: string, connection: string): 'postgres' | 'sqlite' {
  if (dialect === 'postgres' || dialect === 'sqlite') return dialect;
  throw dbError('refused', connection, `the embedded shadow database runs PostgreSQL or SQLite, and this query is ${dialect}`, {
    advice: 'Configure a connection to your database in "querylens.connections".',
  });
}

/** Drivers are per connection setting, password and workspace folder (the password only as a hash). */
/** A driver's identity: the connection, the folder, and (embedded) the package schema its shadow holds. */
function keyOf(connection: ResolvedConnection, root: string, schemaKey = ''): string {
  const { password, ...setting } = connection;
  const secret = password ? createHash('sha256').update(password).digest('hex') : '';
  return JSON.stringify([root, setting, secret, schemaKey]);
}

function sqliteSummary(tree: ReturnType<typeof sqlitePlanTree>, run: { executionMs: number; rows: number } | undefined): PlanSummary {
  const details: string[] = [];
  const walk = (nodes: typeof tree) => nodes.forEach((n) => (n.kind === 'scan' || n.kind === 'search' ? details.push(n.detail) : undefined, walk(n.children)));
  walk(tree);
  return {
    topNode: tree[0]?.detail ?? 'no plan',
    scans: details,
    ...(run ? { executionMs: run.executionMs, rows: run.rows } : {}),
  };
}
