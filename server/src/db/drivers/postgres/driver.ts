/**
 * PostgreSQL through node-postgres: a small pool per connection. A session is
 * one pooled client for one job; it knows its backend pid so that cancelling
 * is `pg_cancel_backend(pid)` from a second connection, which stops the
 * statement on the server and not merely the wait in QueryLens.
 *
 * One statement, always (issue 9): `query` uses the extended protocol
 * (Parse/Bind/Execute), in which a second statement in the text is a server
 * error, never a second statement run; and every session forces
 * `standard_conforming_strings = on` and checks it took, so the server reads
 * string literals as the SQL core (libpg-query) read them when it classified
 * the statement. Only `exec` (a migration file, multi-statement by nature)
 * uses the simple protocol. A session's state (SET, advisory locks, prepared
 * statements, temporary tables) is discarded when it goes back to the pool.
 */
import type { Pool, PoolClient, PoolConfig, QueryConfig } from 'pg';
import type { ResolvedConnection } from '../../../../../shared/connections';
import type { DbSession, Driver, PoolStats, QueryResult, SessionOptions } from '../../types';
import { dbError } from '../errors';
import { pgTarget, type PgTarget } from './config';
import { isConnectionLost, pgDbError, type PgErrorContext } from './errors';

/** Time the server gets, beyond the statement timeout it enforces itself, before QueryLens cancels from outside. */
const SAFETY_MARGIN_MS = 2_000;

type PgModule = typeof import('pg');

const quieted = new WeakSet<PoolClient>();

/**
 * A query node-postgres sends with the extended protocol even without values
 * (pg ≥ 8.12 reads `queryMode`; its type declarations do not list it yet).
 */
function extended(text: string, values?: readonly unknown[]): QueryConfig {
  return Object.assign({ text, values: values ? [...values] : undefined }, { queryMode: 'extended' });
}

/**
 * Run first on every session: its backend pid (for cancelling) and the
 * string-literal rule forced on. With it off (a database, role or URL may say
 * so), `'x\\''` ends differently for the server than for libpg-query, which
 * always reads it on: a statement QueryLens checked could hide another.
 */
const SESSION_START = "SELECT pg_backend_pid() AS pid, set_config('standard_conforming_strings', 'on', false) AS scs";

function loadPg(connection: string): PgModule {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('pg') as PgModule;
  } catch (e) {
    throw dbError('driver', connection, `the PostgreSQL driver (pg) could not be loaded: ${(e as Error).message}`, { cause: e });
  }
}

export class PostgresDriver implements Driver {
  readonly kind = 'postgres' as const;
  readonly dialect = 'postgres' as const;
  private readonly pool: Pool;
  private version?: Promise<{ text: string; major: number }>;

  private constructor(
    readonly name: string,
    private readonly pg: PgModule,
    private readonly target: PgTarget,
  ) {
    this.pool = new pg.Pool(target.config);
    // An idle client whose server went away emits 'error'; the pool drops it.
    // Without a listener the error would crash the language server.
    this.pool.on('error', () => undefined);
  }

  static open(connection: ResolvedConnection, env: NodeJS.ProcessEnv): PostgresDriver {
    const pg = loadPg(connection.name);
    let target: PgTarget;
    try {
      target = pgTarget(connection, env);
    } catch (e) {
      throw dbError('unreachable', connection.name, `the connection URL is not valid (${(e as Error).message})`, { cause: e, secrets: [connection.password], advice: 'Write it as postgres://user@host:port/database.' });
    }
    return new PostgresDriver(connection.name, pg, target);
  }

  errorContext(): PgErrorContext {
    return { connection: this.name, display: this.target.display, user: this.target.user, password: this.target.password };
  }

  async session(options: SessionOptions = {}): Promise<DbSession> {
    // A pooled client may have lost its server since it was last used (restart,
    // pg_terminate_backend); its first query fails. Destroy it and take another
    // (every idle one may be dead), so a dead connection never poisons the next job.
    for (let attempt = 0; ; attempt++) {
      let client: PoolClient;
      try {
        client = await this.pool.connect();
      } catch (e) {
        throw pgDbError(e, this.errorContext());
      }
      // A pooled client whose socket dies between jobs emits 'error'; listen once per client.
      if (!quieted.has(client)) {
        quieted.add(client);
        client.on('error', () => undefined);
      }
      let r;
      try {
        r = await client.query(extended(SESSION_START));
      } catch (e) {
        client.release(e instanceof Error ? e : true);
        if (attempt >= (this.target.config.max ?? 3) || !isConnectionLost(e)) throw pgDbError(e, this.errorContext());
        continue;
      }
      if (r.rows[0]?.scs !== 'on') {
        client.release(true);
        throw dbError('refused', this.name, `the server kept standard_conforming_strings = ${String(r.rows[0]?.scs)} after QueryLens set it on, so its reading of string literals could differ from QueryLens's`, {
          advice: 'Check the server for an extension or setting that pins standard_conforming_strings.',
        });
      }
      return new PostgresSession(this, client, Number(r.rows[0].pid), options);
    }
  }

  /** A client outside the pool (the pool may be full while a job runs): for `pg_cancel_backend`. */
  async cancelBackend(pid: number): Promise<void> {
    const client = new this.pg.Client(this.target.config as PoolConfig);
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT pg_cancel_backend($1)', [pid]);
    } catch (e) {
      throw pgDbError(e, this.errorContext());
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private versionInfo(): Promise<{ text: string; major: number }> {
    this.version ??= (async () => {
      const session = await this.session();
      try {
        const r = await session.query("SELECT current_setting('server_version') AS v, current_setting('server_version_num')::int AS n");
        const v = String(r.rows[0].v).split(' ')[0];
        return { text: `PostgreSQL ${v}`, major: Math.floor(Number(r.rows[0].n) / 10000) };
      } finally {
        await session.release();
      }
    })();
    // A failure (server down) must not stick: the next call asks again.
    this.version.catch(() => (this.version = undefined));
    return this.version;
  }

  async serverVersion(): Promise<string> {
    return (await this.versionInfo()).text;
  }

  async majorVersion(): Promise<number | undefined> {
    return (await this.versionInfo()).major;
  }

  get maxSessions(): number {
    return this.target.config.max ?? 10; // pg's own default when unset
  }

  poolStats(): PoolStats {
    return { totalCount: this.pool.totalCount, idleCount: this.pool.idleCount, waitingCount: this.pool.waitingCount };
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}

class PostgresSession implements DbSession {
  readonly dialect = 'postgres' as const;
  /** Why QueryLens stopped the running statement, so the server's 57014 maps to the right kind. */
  private stopReason?: 'cancelled' | 'timeout';
  private lost = false;
  private released = false;

  constructor(
    private readonly driver: PostgresDriver,
    private readonly client: PoolClient,
    readonly pid: number,
    private readonly options: SessionOptions,
  ) {}

  async query(sql: string, params?: readonly unknown[]): Promise<QueryResult> {
    return this.send(extended(sql, params));
  }

  /** A whole script in the simple protocol (migration files only, which their tools send the same way). */
  async exec(sql: string): Promise<void> {
    await this.send(sql);
  }

  private async send(query: QueryConfig | string): Promise<QueryResult> {
    if (this.released) throw dbError('driver', this.driver.name, 'this session was already released', {});
    this.stopReason = undefined;
    const timer = this.options.timeoutMs ? setTimeout(() => this.stop('timeout'), this.options.timeoutMs + SAFETY_MARGIN_MS) : undefined;
    try {
      const r = await this.client.query(query);
      return { rows: r.rows, rowCount: r.rowCount ?? undefined };
    } catch (e) {
      if (isConnectionLost(e)) this.lost = true;
      throw pgDbError(e, { ...this.driver.errorContext(), cancelled: this.stopReason === 'cancelled' });
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  cancel(): Promise<void> {
    return this.stop('cancelled');
  }

  private async stop(reason: 'cancelled' | 'timeout'): Promise<void> {
    this.stopReason = reason;
    await this.driver.cancelBackend(this.pid).catch(() => undefined);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    // Whatever the job left open is undone, and whatever it set or took for the
    // session (SET, an advisory lock, PREPARE, a temporary table) discarded,
    // before the client goes back to the pool; a client that cannot be reset is closed.
    let reset = !this.lost;
    for (const sql of ['ROLLBACK', 'DISCARD ALL']) {
      if (!reset) break;
      await this.client.query(extended(sql)).catch(() => (reset = false));
    }
    this.client.release(reset ? undefined : true);
  }
}
