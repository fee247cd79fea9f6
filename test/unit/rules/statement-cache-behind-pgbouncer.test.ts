import { statementCacheBehindPgbouncer } from '../../../server/src/core/rules/statement-cache-behind-pgbouncer';
import { poolRuleTester } from './pool-harness';

const asyncImports = 'from sqlalchemy.ext.asyncio import create_async_engine\n\n';
const at = (code: string, needle: string) => code.indexOf(needle);

const rustOptions = `use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

// Connections go through PgBouncer (transaction mode).
async fn pool() -> sqlx::Result<sqlx::PgPool> {
    let options = PgConnectOptions::new()
        .host("db")
        .port(6432);
    PgPoolOptions::new().connect_with(options).await
}
`;

poolRuleTester(statementCacheBehindPgbouncer, {
  valid: [
    {
      name: 'asyncpg with both caches off',
      code: `${asyncImports}engine = create_async_engine("postgresql+asyncpg://app@pgbouncer/app", connect_args={"statement_cache_size": 0, "prepared_statement_cache_size": 0})\n`,
    },
    { name: 'the cache off in the URL', code: `${asyncImports}engine = create_async_engine("postgresql+asyncpg://app@pgbouncer/app?prepared_statement_cache_size=0")\n` },
    { name: 'no PgBouncer in sight', code: `${asyncImports}engine = create_async_engine("postgresql+asyncpg://app@db:5432/app")\n` },
    { name: 'psycopg2 prepares nothing', code: 'from sqlalchemy import create_engine\nengine = create_engine("postgresql://app@db:6432/app")\n' },
    { name: 'sqlx connect options with the cache off', language: 'rust', code: rustOptions.replace('.port(6432)', '.port(6432)\n        .statement_cache_capacity(0)') },
  ],
  invalid: [
    {
      name: 'asyncpg through the pgbouncer host: the caches turned off in a new connect_args',
      code: `${asyncImports}engine = create_async_engine("postgresql+asyncpg://app@pgbouncer.internal/app", pool_size=20)\n`,
      errors: [
        {
          message: ['create_async_engine(...) caches prepared statements, and the host pgbouncer.internal says', 'statement_cache_size=0 (asyncpg)', 'PgBouncer is 1.21+'],
          span: 'create_async_engine',
          start: asyncImports.length + 'engine = '.length,
          fixes: ['Turn the prepared statement caches off in connect_args'],
        },
      ],
      output: `${asyncImports}engine = create_async_engine("postgresql+asyncpg://app@pgbouncer.internal/app", pool_size=20, connect_args={"statement_cache_size": 0, "prepared_statement_cache_size": 0})\n`,
    },
    {
      name: 'sqlx PgConnectOptions in a file that names PgBouncer: .statement_cache_capacity(0) added',
      language: 'rust',
      code: rustOptions,
      errors: [{ message: ['PgConnectOptions::new() caches prepared statements, and a mention of PgBouncer in this file says'], span: 'PgConnectOptions::new', start: at(rustOptions, 'PgConnectOptions::new'), fixes: ['Add .statement_cache_capacity(0)'] }],
      output: rustOptions.replace('PgConnectOptions::new()\n', 'PgConnectOptions::new()\n        .statement_cache_capacity(0)\n'),
    },
    {
      name: 'sqlx pool on a port-6432 URL: the parameter added to the URL',
      language: 'rust',
      code: 'async fn pool() -> sqlx::Result<sqlx::PgPool> {\n    sqlx::postgres::PgPoolOptions::new().connect("postgres://app@db:6432/app").await\n}\n',
      errors: [{ message: ["port 6432 (PgBouncer's) says"], span: 'sqlx::postgres::PgPoolOptions::new', fixes: ['Add statement-cache-capacity=0 to the URL'] }],
      output: 'async fn pool() -> sqlx::Result<sqlx::PgPool> {\n    sqlx::postgres::PgPoolOptions::new().connect("postgres://app@db:6432/app?statement-cache-capacity=0").await\n}\n',
    },
    {
      name: 'sqlx PgPool::connect with ?pgbouncer=true in the URL: & added',
      language: 'rust',
      code: 'async fn pool() -> sqlx::Result<sqlx::PgPool> {\n    PgPool::connect("postgres://app@db/app?pgbouncer=true").await\n}\n',
      errors: [{ message: ['PgPool::connect() caches prepared statements, and `pgbouncer=true` in the URL says'], span: 'PgPool::connect', fixes: ['Add statement-cache-capacity=0 to the URL'] }],
      output: 'async fn pool() -> sqlx::Result<sqlx::PgPool> {\n    PgPool::connect("postgres://app@db/app?pgbouncer=true&statement-cache-capacity=0").await\n}\n',
    },
  ],
});
