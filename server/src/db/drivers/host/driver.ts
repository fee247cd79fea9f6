/**
 * A Driver whose database runs in a host process (see protocol.ts for why):
 * SQLite files, the embedded in-memory-like SQLite and PGlite. One host per
 * driver, one session at a time (PGlite has one connection; a SQLite file
 * gains nothing from more). A timeout or a cancel kills the host; the next
 * session starts a fresh one on the same file or data directory.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { DriverKind } from '../../../../../shared/connections';
import type { DbDialect, DbError, DbSession, Driver, QueryResult, SessionOptions } from '../../types';
import { sqliteBinding } from '../../explain/params';
import { dbError } from '../errors';
import { hostEntry } from './locate';
import type { HostMessage, HostRequest, HostResponse, OpenRequest, OpenResult, QueryOutcome } from './protocol';

type Pending = { resolve(value: unknown): void; reject(error: unknown): void };

/** One running host process and its in-flight requests. */
class Host {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exitError?: DbError;
  readonly opened: Promise<OpenResult>;

  constructor(
    private readonly proc: ChildProcess,
    private readonly failure: (reason: 'crash' | 'cancelled' | 'timeout', detail: string) => DbError,
    open: OpenRequest,
    mapError: (e: { message: string; code?: string }) => DbError,
  ) {
    this.mapError = mapError;
    proc.on('message', (m: HostResponse) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(this.mapError(m.error));
    });
    proc.on('exit', (code, signal) => this.fail(this.exitError ?? failure('crash', `the database process stopped (${signal ?? `exit code ${code}`})`)));
    proc.on('error', (e) => this.fail(failure('crash', e.message)));
    this.opened = this.request<OpenResult>(open);
  }

  private readonly mapError: (e: { message: string; code?: string }) => DbError;

  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null && !this.exitError;
  }

  request<T>(message: HostMessage): Promise<T> {
    if (!this.alive) return Promise.reject(this.exitError ?? this.failure('crash', 'the database process is gone'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.proc.send({ ...message, id } as HostRequest);
    });
  }

  /** Stops whatever runs: SIGKILL, because the statement holds the host's only thread. */
  kill(reason: 'cancelled' | 'timeout'): void {
    if (!this.alive) return;
    this.exitError = this.failure(reason, reason === 'timeout' ? 'the statement ran past its timeout and was stopped' : 'the statement was cancelled');
    this.proc.kill('SIGKILL');
    this.fail(this.exitError);
  }

  private fail(error: DbError): void {
    this.exitError ??= error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  /** Ends the host and waits until it is gone (its file handles closed). */
  async close(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.exitError ??= this.failure('cancelled', 'the connection was closed');
    this.proc.kill('SIGKILL');
    await exited;
  }
}

export interface HostDriverSpec {
  name: string;
  kind: DriverKind;
  dialect: DbDialect;
  open: OpenRequest;
  /** What the user reads about a host failure (`the SQLite file ...`). */
  describe: string;
  /** Removes temporary files on close (embedded databases). */
  cleanup?: () => Promise<void>;
}

export class HostDriver implements Driver {
  readonly name: string;
  readonly kind: DriverKind;
  readonly dialect: DbDialect;
  private host?: Host;
  /** Sessions run one after the other: each waits for the previous one's release. */
  private turn: Promise<void> = Promise.resolve();
  private info?: OpenResult;
  private closed = false;

  constructor(private readonly spec: HostDriverSpec) {
    this.name = spec.name;
    this.kind = spec.kind;
    this.dialect = spec.dialect;
  }

  /** The running host, started (or restarted after a kill) on demand. */
  async ensureHost(): Promise<Host> {
    if (this.closed) throw dbError('driver', this.name, 'the connection is closed', {});
    if (!this.host || !this.host.alive) {
      const entry = hostEntry();
      const proc = fork(entry.file, [], { execArgv: entry.execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
      proc.stderr?.resume();
      this.host = new Host(proc, (reason, detail) => this.hostFailure(reason, detail), this.spec.open, (e) => this.mapError(e));
    }
    const host = this.host;
    this.info = await host.opened;
    return host;
  }

  private hostFailure(reason: 'crash' | 'cancelled' | 'timeout', detail: string): DbError {
    if (reason === 'crash') return dbError('driver', this.name, `${detail} (${this.spec.describe})`, { advice: 'QueryLens starts it again on the next request; the log has the details.' });
    return dbError(reason, this.name, detail, {});
  }

  private mapError(e: { message: string; code?: string }): DbError {
    const code = e.code ?? '';
    if (code === 'SQLITE_CANTOPEN') return dbError('missing-database', this.name, `${e.message}`, { advice: 'Check the "file" or "url" of the connection: QueryLens never creates a database file.' });
    if (code === 'DRIVER' || code === 'ERR_DLOPEN_FAILED' || code === 'MODULE_NOT_FOUND') return dbError('driver', this.name, e.message, {});
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return dbError('sql', this.name, e.message, { advice: 'Another program holds a lock on the database; try again when it is done.' });
    if (code === 'SQLITE_READONLY') return dbError('refused', this.name, e.message, { advice: 'The connection is read-only.' });
    return dbError('sql', this.name, e.message, {});
  }

  async session(options: SessionOptions = {}): Promise<DbSession> {
    const previous = this.turn;
    let done!: () => void;
    this.turn = new Promise<void>((resolve) => (done = resolve));
    await previous;
    try {
      const host = await this.ensureHost();
      return new HostSession(this, host, options, done);
    } catch (e) {
      done();
      throw e;
    }
  }

  async serverVersion(): Promise<string> {
    if (!this.info) await (await this.session()).release();
    return this.info!.version;
  }

  /** Which library runs the database (`better-sqlite3`, `node:sqlite`, `pglite`). */
  async library(): Promise<string> {
    await this.serverVersion();
    return this.info!.library;
  }

  async majorVersion(): Promise<number | undefined> {
    await this.serverVersion();
    return this.info!.major;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.host?.close();
    await this.spec.cleanup?.();
  }
}

class HostSession implements DbSession {
  readonly dialect: DbDialect;
  private released = false;

  constructor(
    private readonly driver: HostDriver,
    private readonly host: Host,
    private readonly options: SessionOptions,
    private readonly done: () => void,
  ) {
    this.dialect = driver.dialect;
  }

  async query(sql: string, params?: readonly unknown[]): Promise<QueryResult> {
    const { rows, rowCount, elapsedMs } = await this.run(sql, params, false);
    return { rows, rowCount, elapsedMs };
  }

  /** Runs the statement through and counts its rows without sending them back (SQLite timing). */
  async measure(sql: string, params?: readonly unknown[]): Promise<{ elapsedMs: number; rows: number; rowCount?: number }> {
    const r = await this.run(sql, params, true);
    return { elapsedMs: r.elapsedMs ?? 0, rows: r.produced, rowCount: r.rowCount };
  }

  private async run(sql: string, params: readonly unknown[] | undefined, discardRows: boolean): Promise<QueryResult & { produced: number }> {
    const request =
      this.dialect === 'sqlite'
        ? (() => {
            const b = sqliteBinding(sql, params ?? []);
            return { op: 'query' as const, sql, params: b.anonymous, named: b.named, discardRows };
          })()
        : { op: 'query' as const, sql, params: params ? [...params] : undefined, discardRows };
    const outcome = await this.timed(this.host.request<QueryOutcome>(request));
    return { rows: outcome.rows, rowCount: outcome.rowCount, elapsedMs: outcome.elapsedMs, produced: outcome.produced };
  }

  async exec(sql: string): Promise<void> {
    await this.timed(this.host.request({ op: 'exec', sql }));
  }

  private async timed<T>(work: Promise<T>): Promise<T> {
    if (this.released) throw dbError('driver', this.driver.name, 'this session was already released', {});
    const ms = this.options.timeoutMs;
    const timer = ms ? setTimeout(() => this.host.kill('timeout'), ms) : undefined;
    try {
      return await work;
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  async cancel(): Promise<void> {
    this.host.kill('cancelled');
  }

  async release(): Promise<void> {
    if (this.released) return;
    // Undo what the job left open and, on PGlite, what it set for the session (SET, advisory locks, PREPARE).
    for (const sql of this.dialect === 'postgres' ? ['ROLLBACK', 'DISCARD ALL'] : ['ROLLBACK']) {
      if (this.host.alive) await this.host.request({ op: 'query', sql }).catch(() => undefined);
    }
    this.released = true;
    this.done();
  }
}

export type { HostSession };
