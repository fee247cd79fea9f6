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
});
