/**
 * Database connections (issue 4): what the `querylens.connections` setting
 * holds, and what the client hands the server once it has looked up the
 * password in SecretStorage. Plain data, shared by client, server and CLI.
 */

export type DriverKind = 'postgres' | 'sqlite' | 'embedded';

/** Every DriverKind, for the settings schema and the server's request checks. */
export const DRIVER_KINDS: readonly DriverKind[] = ['postgres', 'sqlite', 'embedded'];

/** One entry of the `querylens.connections` setting. Never holds a password. */
export interface ConnectionSetting {
  /** Unique name shown in the status bar and in every message about the connection. */
  name: string;
  driver: DriverKind;
  /** postgres: `postgres://user@host:port/db` (a password in the URL is refused by the client: use the Set Password command). sqlite: a file path or `file:` URL. */
  url?: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  /** sqlite: path of the database file, relative to the workspace folder. */
  file?: string;
  /** postgres: `true`/`'require'` (TLS, certificate checked), `'no-verify'` (TLS, any certificate), `false`/`'disable'`. */
  ssl?: boolean | 'require' | 'no-verify' | 'disable';
  /** Nothing but read-only work runs here: EXPLAIN ANALYZE of writes and index proofs are refused. */
  readOnly?: boolean;
  /** Ask for confirmation before anything runs here. */
  production?: boolean;
  /** embedded: synthetic rows per table in the shadow database (default 10,000). */
  rowsPerTable?: number;
  /** embedded: `postgres` (PGlite) or `sqlite` (in-memory); the workspace dialect when absent. */
  dialect?: 'postgres' | 'sqlite';
  /** postgres: the server's RAM (`16GB`), for the Settings tab's advice; read from /proc/meminfo when the server is local. */
  ram?: string;
}

/** A connection as the server uses it: the setting plus the secret the client looked up. */
export interface ResolvedConnection extends ConnectionSetting {
  /** From SecretStorage, `PGPASSWORD` or `DATABASE_URL`; never written to settings or logs. */
  password?: string;
}

/** The default connection when none is configured: the in-process shadow database. */
export const EMBEDDED_CONNECTION: ConnectionSetting = { name: 'embedded', driver: 'embedded' };

/** Default statement timeout of everything QueryLens runs on a database (ms). */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

/**
 * The longest statement timeout anything may ask for (ms, about 23 days):
 * PostgreSQL's statement_timeout and Node's timers are 32-bit, and QueryLens's
 * own timer waits a little longer than the server's.
 */
export const MAX_STATEMENT_TIMEOUT_MS = 2_000_000_000;

/** Default synthetic rows per table of the shadow database. */
export const DEFAULT_SHADOW_ROWS = 10_000;
/**
 * The most synthetic rows of one shadow table (`--rows`, `shadow.rowsPerTable`,
 * `shadow.tables`, a connection's `rowsPerTable`): enough for plans of a large
 * table; far more would fill the shadow database for hours, never a plan.
 */
export const MAX_SHADOW_ROWS = 10_000_000;
