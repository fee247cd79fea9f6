/**
 * Pools read from code in one shape whatever the library (host/pools.ts):
 * the same pool written with SQLAlchemy and with sqlx gives the same neutral
 * settings, each with the exact span of its argument or builder call, and
 * the place where a new setting goes.
 */
import assert from 'node:assert/strict';
import type { HostPool } from '../../../server/src/core/host/pools';
import { extractPython } from '../../../server/src/core/host/python/extract';
import { extractRust } from '../../../server/src/core/host/rust/extract';
import { initHostParsers } from '../../../server/src/core/host/treesitter';

/** Setting name → the text its span covers. */
function settingsOf(code: string, pool: HostPool): Record<string, string> {
  return Object.fromEntries(Object.entries(pool.settings).map(([name, s]) => [name, code.slice(s!.span.start, s!.span.end)]));
}

describe('pools read from code', () => {
  before(() => initHostParsers());

  it('SQLAlchemy and sqlx give the same neutral settings, spans on the arguments and builder calls', () => {
    const python = `from sqlalchemy import create_engine

engine = create_engine(
    "postgresql+psycopg://app@db:6432/app",
    pool_size=20,
    max_overflow=10,
    pool_timeout=5,
    pool_recycle=3600,
    pool_pre_ping=True,
    connect_args={"connect_timeout": 10, "prepared_statement_cache_size": 0},
)
`;
    const rust = `async fn pool() -> sqlx::Result<sqlx::PgPool> {
    let options = sqlx::postgres::PgConnectOptions::from_str("postgres://app@db:6432/app")?.statement_cache_capacity(0);
    sqlx::postgres::PgPoolOptions::new()
        .min_connections(5)
        .max_connections(20)
        .acquire_timeout(Duration::from_secs(5))
        .max_lifetime(Duration::from_secs(3600))
        .test_before_acquire(true)
        .connect_with(options)
        .await
}
`;
    const [engine] = extractPython(python, 'db.py').pools!;
    assert.deepEqual(settingsOf(python, engine!), {
      max: 'pool_size=20',
      overflow: 'max_overflow=10',
      acquireTimeout: 'pool_timeout=5',
      maxLifetime: 'pool_recycle=3600',
      prePing: 'pool_pre_ping=True',
      connectTimeout: '"connect_timeout": 10',
      statementCache: '"prepared_statement_cache_size": 0',
    });
    assert.deepEqual(
      [engine!.library, engine!.kind, engine!.dialect, engine!.driver, engine!.proxyEvidence, engine!.settings.max!.number, engine!.opaque, engine!.pooled],
      ['sqlalchemy', 'pool', 'postgres', 'psycopg', "port 6432 (PgBouncer's)", 20, false, true],
    );
    assert.equal(python.slice(engine!.anchor.start, engine!.anchor.end), 'create_engine');
    assert.deepEqual(engine!.insertion, { at: python.indexOf('0},') + 3, before: '\n    ', separator: ',\n    ', after: ',' });

    const [options, pool] = extractRust(rust, 'db.rs').pools!;
    assert.deepEqual(settingsOf(rust, options!), { statementCache: '.statement_cache_capacity(0)' });
    assert.deepEqual([options!.kind, options!.proxyEvidence, options!.url?.value], ['connect-options', "port 6432 (PgBouncer's)", 'postgres://app@db:6432/app']);
    assert.deepEqual(settingsOf(rust, pool!), {
      min: '.min_connections(5)',
      max: '.max_connections(20)',
      acquireTimeout: '.acquire_timeout(Duration::from_secs(5))',
      maxLifetime: '.max_lifetime(Duration::from_secs(3600))',
      prePing: '.test_before_acquire(true)',
    });
    assert.deepEqual([pool!.library, pool!.kind, pool!.dialect, pool!.settings.max!.number, pool!.settings.min!.number], ['sqlx', 'pool', 'postgres', 20, 5]);
    assert.equal(rust.slice(pool!.anchor.start, pool!.anchor.end), 'sqlx::postgres::PgPoolOptions::new');
    assert.deepEqual(pool!.insertion, { at: rust.indexOf('new()') + 5, before: '\n        ', separator: '\n        ' });
  });

  it('what the code does not show: **options, a connect_args variable, a URL from the environment', () => {
    const code = 'import sqlalchemy as sa\n\na = sa.create_engine(url, **options)\nb = sa.create_engine(url, connect_args=args)\n';
    const [a, b] = extractPython(code, 'db.py').pools!;
    assert.deepEqual([a!.opaque, a!.url, a!.dialect, b!.opaque, b!.connectArgsInsertion], [true, undefined, undefined, true, undefined]);
  });
  it('deadpool-postgres: a builder chain, PoolConfig::new in Config { pool: .. }, and its timeouts', () => {
    const rust = `use deadpool_postgres::{Config, Manager, Pool, PoolConfig, Runtime, Timeouts};

fn builder(manager: Manager) -> Pool {
    Pool::builder(manager)
        .max_size(16)
        .wait_timeout(Some(Duration::from_secs(5)))
        .runtime(Runtime::Tokio1)
        .build()
        .unwrap()
}

fn config() -> Config {
    Config { dbname: Some("app".into()), pool: Some(PoolConfig::new(32)), ..Default::default() }
}

fn with_timeouts() -> Config {
    Config { pool: Some(PoolConfig { timeouts: Timeouts { wait: Some(Duration::from_secs(2)), create: None, recycle: None }, ..PoolConfig::new(8) }), ..Default::default() }
}

fn literal() -> deadpool_postgres::Config {
    deadpool_postgres::Config { pool: Some(PoolConfig { max_size: 15, timeouts: Timeouts { wait: Some(Duration::from_secs(5)), ..Default::default() } }), ..Default::default() }
}

fn kept() -> PoolConfig {
    let pool = PoolConfig::new(4);
    pool
}
`;
    const pools = extractRust(rust, 'db.rs').pools!;
    assert.deepEqual(
      pools.map((p) => [p.library, p.dialect, rust.slice(p.anchor.start, p.anchor.end), p.opaque, settingsOf(rust, p)]),
      [
        ['deadpool', 'postgres', 'Pool::builder', false, { max: '.max_size(16)', acquireTimeout: '.wait_timeout(Some(Duration::from_secs(5)))' }],
        ['deadpool', 'postgres', 'PoolConfig::new', false, { max: '32' }],
        ['deadpool', 'postgres', 'PoolConfig', false, { acquireTimeout: 'wait: Some(Duration::from_secs(2))', max: '8' }],
        ['deadpool', 'postgres', 'PoolConfig', false, { max: 'max_size: 15', acquireTimeout: 'wait: Some(Duration::from_secs(5))' }],
        ['deadpool', 'postgres', 'PoolConfig::new', true, { max: '4' }],
      ],
    );
    assert.deepEqual(pools.map((p) => p.settings.max?.number), [16, 32, 8, 15, 4]);
  });

  it('bb8 with bb8-postgres: the builder chain; r2d2 and a file without bb8-postgres are not read', () => {
    const rust = `use bb8_postgres::PostgresConnectionManager;

async fn pool(manager: PostgresConnectionManager<NoTls>) -> bb8::Pool<PostgresConnectionManager<NoTls>> {
    bb8::Pool::builder()
        .max_size(20)
        .min_idle(Some(5))
        .connection_timeout(Duration::from_secs(10))
        .idle_timeout(None)
        .build(manager)
        .await
        .unwrap()
}

fn sync_pool(manager: M) -> r2d2::Pool<M> {
    r2d2::Pool::builder().max_size(50).build(manager).unwrap()
}
`;
    const pools = extractRust(rust, 'db.rs').pools!;
    assert.deepEqual(
      pools.map((p) => [p.library, p.dialect, rust.slice(p.anchor.start, p.anchor.end), settingsOf(rust, p)]),
      [['bb8', 'postgres', 'bb8::Pool::builder', { max: '.max_size(20)', min: '.min_idle(Some(5))', acquireTimeout: '.connection_timeout(Duration::from_secs(10))' }]],
    );
    assert.deepEqual([pools[0]!.settings.max?.number, pools[0]!.settings.min?.number], [20, 5]);
    assert.equal(extractRust('fn p() { let pool = bb8::Pool::builder().max_size(5).build(redis_manager); }\n', 'cache.rs').pools, undefined);
    const diesel = 'async fn p(m: AsyncDieselConnectionManager<AsyncPgConnection>) {\n    let pool = diesel_async::pooled_connection::bb8::Pool::builder().max_size(8).build(m).await;\n}\n';
    assert.deepEqual(extractRust(diesel, 'db.rs').pools!.map((p) => [p.library, p.settings.max?.number]), [['bb8', 8]]);
  });
});
