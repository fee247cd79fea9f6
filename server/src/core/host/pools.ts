/**
 * Connection pools and connection options configured in code, in one shape
 * whatever the library: what the pool rules read. Each library's extractor
 * (python/pools.ts for SQLAlchemy, rust/pools.ts for sqlx, deadpool-postgres
 * and bb8, typescript/pools.ts for node-postgres, postgres.js, knex and
 * mysql2) fills it in. The libraries' names and the URL facts live here, once.
 */
import type { Dialect } from '../../../../shared/types';
import type { Span } from '../sql/model';
import { typedTextTest } from '../last-text';

/** What a pool or its connections are configured with, in neutral names. */
export type PoolSettingName =
  | 'min' //              sqlx min_connections
  | 'max' //              SQLAlchemy pool_size, sqlx max_connections
  | 'overflow' //         SQLAlchemy max_overflow
  | 'acquireTimeout' //   SQLAlchemy pool_timeout, sqlx acquire_timeout
  | 'connectTimeout' //   a driver's connect timeout (libpq connect_timeout, asyncpg timeout)
  | 'idleTimeout' //      sqlx idle_timeout
  | 'maxLifetime' //      SQLAlchemy pool_recycle, sqlx max_lifetime
  | 'prePing' //          SQLAlchemy pool_pre_ping, sqlx test_before_acquire
  | 'statementCache' //   asyncpg statement_cache_size / prepared_statement_cache_size, sqlx statement_cache_capacity
  | 'poolClass' //        SQLAlchemy poolclass
  | 'journalMode' //      SQLite journal_mode
  | 'synchronous' //      SQLite synchronous
  | 'busyTimeout' //      SQLite busy timeout (sqlite3 `timeout`, sqlx busy_timeout)
  | 'statementTimeout' // node-postgres statement_timeout
  | 'tempStore' //        SQLite temp_store
  | 'readOnly'; //        SQLite read-only / immutable

export interface PoolSetting {
  /** The argument or builder call as written (`pool_size=20`, `.max_connections(5)`, `"timeout": 30`). */
  span: Span;
  /** The value's source text (`20`, `Duration::from_secs(30)`, `True`, `SqliteJournalMode::Wal`). */
  value: string;
  /** The value when it is a literal number. */
  number?: number;
}

export type PoolLibrary = 'sqlalchemy' | 'sqlx' | 'deadpool' | 'bb8' | 'node-postgres' | 'postgres.js' | 'knex' | 'mysql2';

/** Where and how new settings are written: `before + settings.join(separator) + after`, at `at`. */
export interface SettingInsertion {
  at: number;
  /** Before the first new setting: the separator after an existing item, `` in an empty `{}`. */
  before: string;
  /** `, ` or `,\n    ` between Python arguments; `\n    ` or `` before a Rust builder call. */
  separator: string;
  /** After the last one: the trailing comma of arguments written one per line. */
  after?: string;
}

export interface HostPool {
  library: PoolLibrary;
  /** A pool (SQLAlchemy engine, sqlx PoolOptions) or the options of each connection (sqlx ConnectOptions). */
  kind: 'pool' | 'connect-options';
  /** The whole call or builder chain. */
  span: Span;
  /** The constructor as written (`create_engine`, `PgPoolOptions::new`, `new Pool`): where findings point. */
  anchor: Span;
  /** How messages name a pool whose anchor is no call (a knexfile's environment: `knexfile production`). */
  label?: string;
  /** knex: the knexfile environment the configuration is for (`development`, `production`). */
  environment?: string;
  /**
   * knex: a `pool: {...}` written inside `connection`, which knex hands to the driver (that ignores it)
   * instead of its pool: `span` the entry, `removal` the entry with its separator, `insertion` where it
   * belongs (the configuration object; absent when that already has a `pool`).
   */
  misplacedPool?: { span: Span; removal: Span; insertion?: SettingInsertion };
  /** From the URL or the type (`SqlitePoolOptions`). */
  dialect?: Dialect;
  /** The driver the URL names (`asyncpg`, `psycopg2`), or the library's default one for its dialect. */
  driver?: string;
  /** The URL when the code writes it (f-string holes as `{}`). */
  url?: { value: string; span: Span };
  settings: Partial<Record<PoolSettingName, PoolSetting>>;
  /** Some settings are passed in a form the code does not show (`**options`, a `connect_args` variable): an absent one may be set there. */
  opaque: boolean;
  /** False when the code turns pooling off (SQLAlchemy NullPool, StaticPool). */
  pooled: boolean;
  /** Where a new setting goes (a keyword argument, a builder call). */
  insertion?: SettingInsertion;
  /** Where a new entry of the driver's connect arguments goes (SQLAlchemy's `connect_args={...}` literal). */
  connectArgsInsertion?: SettingInsertion;
  /** SQLite in memory (`sqlite://`, `:memory:`): no file to journal, nothing to tune. */
  inMemory?: boolean;
  /** Python: the file drives Alembic (its `env.py`): the engine lives for one migration run. */
  runsMigrations?: boolean;
  /** Python: the engine is a local variable of a function that neither returns nor publishes it: it lives for one call (a script, a one-off task). */
  functionLocal?: boolean;
  /** Python: the variable the engine is assigned to (`engine`, `self.engine`). */
  assignedTo?: string;
  /** Python: the end of the statement that creates the engine and its indentation, where code using it can follow. */
  after?: { at: number; indentation: string };
  /** Names the file imports from the library (`event`, `SqliteJournalMode`), and where a new import line goes. */
  imports: { names: string[]; at: number };
  /** Python: `create_async_engine` (its `connect` events are the `sync_engine`'s). */
  asyncEngine?: boolean;
  /** The URL (or, for a URL the code does not write, the file) says a proxy pools the connections (PgBouncer, port 6432): what it says. */
  proxyEvidence?: string;
}

/**
 * What a pool holds when the code does not say: SQLAlchemy's QueuePool 5 + 10 overflow, sqlx 0 to 10,
 * bb8 0 to 10; deadpool's is 4 × the machine's CPU cores, which the code does not show. node-postgres
 * (pg-pool) 0 to 10, postgres.js up to 10, knex (tarn) 2 to 10, mysql2 `connectionLimit` 10.
 */
export interface PoolDefaults {
  max?: number;
  overflow?: number;
  min?: number;
}
export const POOL_DEFAULTS = {
  sqlalchemy: { max: 5, overflow: 10 },
  sqlx: { max: 10, min: 0 },
  deadpool: {},
  bb8: { max: 10, min: 0 },
  'node-postgres': { max: 10, min: 0 },
  'postgres.js': { max: 10 },
  knex: { max: 10, min: 2 },
  mysql2: { max: 10 },
} satisfies Record<PoolLibrary, PoolDefaults>;

/** SQLAlchemy's engine factories. */
export const SQLALCHEMY_ENGINE_FACTORIES = new Set(['create_engine', 'create_async_engine']);
/** The SQLAlchemy modules an engine factory is imported from. */
export const SQLALCHEMY_MODULES = new Set(['sqlalchemy', 'sqlalchemy.ext.asyncio', 'sqlalchemy.engine']);
/** Pool classes that keep no connections: nothing to pre-ping, recycle or size. */
export const UNPOOLED_CLASSES = new Set(['NullPool', 'StaticPool', 'SingletonThreadPool', 'AssertionPool']);

/** sqlx pool builders and connect options by type, with their dialect. */
export const SQLX_POOL_TYPES: Record<string, { dialect: Dialect; kind: HostPool['kind'] }> = {
  PgPoolOptions: { dialect: 'postgres', kind: 'pool' },
  SqlitePoolOptions: { dialect: 'sqlite', kind: 'pool' },
  MySqlPoolOptions: { dialect: 'mysql', kind: 'pool' },
  PgConnectOptions: { dialect: 'postgres', kind: 'connect-options' },
  SqliteConnectOptions: { dialect: 'sqlite', kind: 'connect-options' },
  MySqlConnectOptions: { dialect: 'mysql', kind: 'connect-options' },
};

/** sqlx pools opened without a builder (`PgPool::connect(url)`): sqlx's default options. */
export const SQLX_POOLS: Record<string, Dialect> = { PgPool: 'postgres', SqlitePool: 'sqlite', MySqlPool: 'mysql' };
/** The associated functions that open such a pool. */
export const SQLX_POOL_CONNECTS = new Set(['connect', 'connect_lazy', 'connect_with', 'connect_lazy_with']);

/** sqlx builder methods → neutral settings. */
export const SQLX_METHODS: Record<string, PoolSettingName> = {
  min_connections: 'min',
  max_connections: 'max',
  acquire_timeout: 'acquireTimeout',
  connect_timeout: 'acquireTimeout', // sqlx 0.5's name for it
  idle_timeout: 'idleTimeout',
  max_lifetime: 'maxLifetime',
  test_before_acquire: 'prePing',
  statement_cache_capacity: 'statementCache',
  journal_mode: 'journalMode',
  synchronous: 'synchronous',
  busy_timeout: 'busyTimeout',
  read_only: 'readOnly',
  immutable: 'readOnly',
};

/**
 * tokio-postgres pools, each known by a crate the file names (deadpool-postgres; bb8 with
 * bb8-postgres, as bb8 and r2d2 pool other things too; diesel-async's pools of `AsyncPgConnection`) and the call that starts its builder chain:
 * deadpool's `Pool::builder(manager)` (one argument), bb8's `Pool::builder()` / `Builder::new()`
 * (none). deadpool's `PoolConfig::new(n)` outside a chain is a pool too (`Config { pool: Some(..) }`).
 */
export const TOKIO_POSTGRES_POOLS: Record<'deadpool' | 'bb8', { crate: RegExp; modules: string[]; builders: { type: string; name: string; args: number }[] }> = {
  deadpool: { crate: /\bdeadpool_postgres\b|\bAsyncPgConnection\b/, modules: ['deadpool_postgres', 'deadpool', 'managed'], builders: [{ type: 'Pool', name: 'builder', args: 1 }] },
  bb8: { crate: /\bbb8_postgres\b|\bAsyncPgConnection\b/, modules: ['bb8', 'bb8_postgres'], builders: [{ type: 'Pool', name: 'builder', args: 0 }, { type: 'Builder', name: 'new', args: 0 }] },
};

/** deadpool `PoolBuilder` methods and `PoolConfig` / `Timeouts` fields → neutral settings. */
export const DEADPOOL_METHODS: Record<string, PoolSettingName> = {
  max_size: 'max',
  wait_timeout: 'acquireTimeout',
  wait: 'acquireTimeout', // Timeouts { wait: Some(..) }
  create_timeout: 'connectTimeout',
  create: 'connectTimeout', // Timeouts { create: Some(..) }
};

/** bb8 `Builder` methods → neutral settings. */
export const BB8_METHODS: Record<string, PoolSettingName> = {
  max_size: 'max',
  min_idle: 'min',
  connection_timeout: 'acquireTimeout',
  idle_timeout: 'idleTimeout',
  max_lifetime: 'maxLifetime',
  test_on_check_out: 'prePing',
};

/** node-postgres `new Pool({...})` options → neutral settings (milliseconds, except `maxLifetimeSeconds`). */
export const NODE_POSTGRES_OPTIONS: Record<string, PoolSettingName> = {
  max: 'max',
  min: 'min',
  connectionTimeoutMillis: 'acquireTimeout', // bounds both the wait for a free client and opening one
  idleTimeoutMillis: 'idleTimeout',
  maxLifetimeSeconds: 'maxLifetime',
  statement_timeout: 'statementTimeout',
};

/** postgres.js `postgres(url, {...})` options → neutral settings (seconds). */
export const POSTGRES_JS_OPTIONS: Record<string, PoolSettingName> = {
  max: 'max',
  idle_timeout: 'idleTimeout',
  connect_timeout: 'connectTimeout',
  max_lifetime: 'maxLifetime',
  prepare: 'statementCache', // `prepare: false` turns the named prepared statements off
};

/** knex `pool: {...}` (tarn) options and `acquireConnectionTimeout` → neutral settings (milliseconds). */
export const KNEX_POOL_OPTIONS: Record<string, PoolSettingName> = {
  min: 'min',
  max: 'max',
  idleTimeoutMillis: 'idleTimeout',
  acquireTimeoutMillis: 'acquireTimeout',
  createTimeoutMillis: 'connectTimeout',
  acquireConnectionTimeout: 'acquireTimeout', // a top-level option of knex's config
};

/** mysql2 `createPool({...})` options → neutral settings (milliseconds). */
export const MYSQL2_OPTIONS: Record<string, PoolSettingName> = {
  connectionLimit: 'max',
  connectTimeout: 'connectTimeout',
  idleTimeout: 'idleTimeout',
};

/** SQLAlchemy create_engine keyword arguments → neutral settings. */
export const SQLALCHEMY_ARGUMENTS: Record<string, PoolSettingName> = {
  pool_size: 'max',
  max_overflow: 'overflow',
  pool_timeout: 'acquireTimeout',
  pool_recycle: 'maxLifetime',
  pool_pre_ping: 'prePing',
  poolclass: 'poolClass',
};

/** Driver connect arguments (SQLAlchemy `connect_args`, URL query parameters) → neutral settings. */
export const DRIVER_ARGUMENTS: Record<string, PoolSettingName> = {
  connect_timeout: 'connectTimeout', // libpq (psycopg2, psycopg), pymysql
  statement_cache_size: 'statementCache', // asyncpg
  prepared_statement_cache_size: 'statementCache', // SQLAlchemy's asyncpg dialect
  'statement-cache-capacity': 'statementCache', // sqlx URL parameter
};

/** SQLite pragmas as `PRAGMA name = ...` (a SQLAlchemy connect listener) / sqlx `.pragma("name", ...)` → neutral settings. */
export const SQLITE_PRAGMAS: Record<string, PoolSettingName> = {
  journal_mode: 'journalMode',
  synchronous: 'synchronous',
  busy_timeout: 'busyTimeout',
  temp_store: 'tempStore',
  query_only: 'readOnly',
};

const URL_SCHEMES: Record<string, Dialect> = { sqlite: 'sqlite', postgresql: 'postgres', postgres: 'postgres', mysql: 'mysql', mariadb: 'mysql' };

/** SQLAlchemy's default driver per dialect, when the URL names none. */
const DEFAULT_DRIVERS: Partial<Record<Dialect, string>> = { postgres: 'psycopg2', mysql: 'mysqldb', sqlite: 'pysqlite' };

/** What a database URL says: `postgresql+asyncpg://u@pgbouncer:6432/db?connect_timeout=10`. */
export interface UrlFacts {
  dialect?: Dialect;
  driver?: string;
  /** Query parameters (`connect_timeout`, `pgbouncer`). */
  parameters: Map<string, string>;
  /** Why the URL looks like it goes through PgBouncer, if it does. */
  proxy?: string;
  /** SQLite in memory (`sqlite://`, `:memory:`). */
  inMemory: boolean;
}

export function urlFacts(url: string): UrlFacts {
  const scheme = /^([a-z][a-z0-9]*)(?:\+([a-z0-9_]+))?:/i.exec(url);
  const dialect = scheme ? URL_SCHEMES[scheme[1].toLowerCase()] : undefined;
  const driver = scheme?.[2]?.toLowerCase() ?? (dialect ? DEFAULT_DRIVERS[dialect] : undefined);
  const parameters = new Map<string, string>();
  const query = url.indexOf('?');
  if (query >= 0) {
    for (const pair of url.slice(query + 1).split('&')) {
      const [name, value = ''] = pair.split('=');
      if (name) parameters.set(name.toLowerCase(), value);
    }
  }
  const authority = /^[^:]+:\/\/(?:[^@/]*@)?([^/?]*)/.exec(url)?.[1] ?? '';
  const proxy =
    parameters.get('pgbouncer') === 'true' ? '`pgbouncer=true` in the URL'
    : /pgbouncer/i.test(authority) ? `the host ${authority}`
    : /:6432$/.test(authority) ? 'port 6432 (PgBouncer\'s)'
    : undefined;
  const inMemory = url.includes(':memory:') || (dialect === 'sqlite' && (/^sqlite(\+\w+)?:\/\/\/?$/.test(url.split('?')[0]) || parameters.get('mode') === 'memory'));
  return { ...(dialect ? { dialect } : {}), ...(driver ? { driver } : {}), parameters, ...(proxy ? { proxy } : {}), inMemory };
}

/** A file that names PgBouncer (a comment, a setting, a URL built elsewhere): a proxy sits in front of the server. */
export function proxyNamedIn(text: string): string | undefined {
  return namesPgBouncer(text) ? 'a mention of PgBouncer in this file' : undefined;
}

/** Asked at every edit of a file with a pool: a typed version is searched around the edit (`typedTextTest`). */
const namesPgBouncer = typedTextTest(/pgbouncer/i, 'pgbouncer'.length);
