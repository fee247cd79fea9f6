import { poolWithoutConnectTimeout } from '../../../server/src/core/rules/pool-without-connect-timeout';
import { poolRuleTester } from './pool-harness';

const imports = 'from sqlalchemy import create_engine\n\n';
const deadpool = 'use deadpool_postgres::{Config, Manager, Pool, PoolConfig, Runtime, Timeouts};\n\n';

poolRuleTester(poolWithoutConnectTimeout, {
  valid: [
    { name: 'connect_timeout in connect_args', code: `${imports}engine = create_engine("postgresql://app@db/app", connect_args={"connect_timeout": 5})\n` },
    { name: 'connect_timeout in the URL', code: `${imports}engine = create_engine("postgresql+psycopg://app@db/app?connect_timeout=5")\n` },
    { name: 'asyncpg: its connect timeout is 60 s by default', code: `${imports}engine = create_engine("postgresql+asyncpg://app@db/app")\n` },
    { name: 'a URL from the environment may carry it', code: `${imports}engine = create_engine(os.environ["DATABASE_URL"])\n` },
    { name: 'connect_args from a variable may carry it', code: `${imports}engine = create_engine("postgresql://app@db/app", connect_args=args)\n` },
    { name: 'SQLite connects to a file', code: `${imports}engine = create_engine("sqlite:///app.db")\n` },
    { name: 'MySQL drivers time out after 10 s', code: `${imports}engine = create_engine("mysql+pymysql://app@db/app")\n` },
    {
      name: 'sqlx: acquire_timeout (30 s by default) covers connecting',
      language: 'rust',
      code: 'async fn pool() -> sqlx::Result<PgPool> {\n    PgPoolOptions::new().max_connections(5).connect("postgres://app@db/app").await\n}\n',
    },
    {
      name: 'deadpool: a wait timeout on the builder',
      language: 'rust',
      code: `${deadpool}fn pool(m: Manager) -> Pool {\n    Pool::builder(m).max_size(16).wait_timeout(Some(Duration::from_secs(5))).runtime(Runtime::Tokio1).build().unwrap()\n}\n`,
    },
    {
      name: 'deadpool: timeouts from a variable may set it',
      language: 'rust',
      code: `${deadpool}fn pool(m: Manager, t: Timeouts) -> Pool {\n    Pool::builder(m).max_size(16).timeouts(t).build().unwrap()\n}\n`,
    },
    {
      name: "bb8: connection_timeout is 30 s by default",
      language: 'rust',
      code: 'use bb8_postgres::PostgresConnectionManager;\n\nasync fn pool(m: PostgresConnectionManager<NoTls>) {\n    let pool = bb8::Pool::builder().max_size(20).build(m).await.unwrap();\n}\n',
    },
  ],
  invalid: [
    {
      name: 'deadpool: a builder with a runtime and no wait timeout gets .wait_timeout(..)',
      language: 'rust',
      code: `${deadpool}fn pool(m: Manager) -> Pool {\n    Pool::builder(m)\n        .max_size(16)\n        .runtime(Runtime::Tokio1)\n        .build()\n        .unwrap()\n}\n`,
      errors: [
        {
          message: [
            'Pool::builder(...) (deadpool) sets no wait timeout: once its 16 connections are in use, Pool::get waits for a free one without limit, and requests pile up instead of failing. Add .wait_timeout(Some(std::time::Duration::from_secs(30))).',
          ],
          span: 'Pool::builder',
          fixes: ['Add a 30 s wait timeout'],
          explanation: ['without one `build()` fails with `NoRuntimeSpecified`'],
        },
      ],
      output: `${deadpool}fn pool(m: Manager) -> Pool {\n    Pool::builder(m)\n        .wait_timeout(Some(std::time::Duration::from_secs(30)))\n        .max_size(16)\n        .runtime(Runtime::Tokio1)\n        .build()\n        .unwrap()\n}\n`,
    },
    {
      name: 'deadpool: no runtime on the builder, no fix (build() would fail with NoRuntimeSpecified)',
      language: 'rust',
      code: `${deadpool}fn pool(m: Manager) -> Pool {\n    Pool::builder(m).max_size(16).build().unwrap()\n}\n`,
      errors: [{ message: ['Add .wait_timeout(Some(std::time::Duration::from_secs(30))) with .runtime(Runtime::Tokio1) (deadpool refuses timeouts without a runtime).'], span: 'Pool::builder', fixes: [] }],
    },
    {
      name: "deadpool: Config { pool: Some(PoolConfig::new(32)) } has no timeouts",
      language: 'rust',
      code: `${deadpool}fn config() -> Config {\n    Config { dbname: Some("app".into()), pool: Some(PoolConfig::new(32)), ..Default::default() }\n}\n`,
      errors: [
        {
          message: [
            'PoolConfig::new(...) (deadpool) sets no wait timeout: once its 32 connections are in use',
            'Set its timeouts (PoolConfig { timeouts: Timeouts::wait_millis(30000), ..PoolConfig::new(32) }) and pass a runtime to create_pool (Some(Runtime::Tokio1)).',
          ],
          span: 'PoolConfig::new',
          fixes: [],
        },
      ],
    },
    {
      name: 'psycopg2 (the default driver) without a connect timeout: a new connect_args',
      code: `${imports}engine = create_engine("postgresql://app@db/app", pool_size=10)\n`,
      errors: [
        {
          message: ['create_engine(...) connects through libpq (psycopg2) with no connect_timeout', 'about 2 minutes on Linux', 'connect_args={"connect_timeout": 10}'],
          span: 'create_engine',
          start: imports.length + 'engine = '.length,
          fixes: ['Add connect_timeout=10 to connect_args'],
          explanation: ['`pool_timeout` (30 s) bounds the wait for a free connection, not the time to open one'],
        },
      ],
      output: `${imports}engine = create_engine("postgresql://app@db/app", pool_size=10, connect_args={"connect_timeout": 10})\n`,
    },
    {
      name: 'an existing connect_args dictionary gets the entry',
      code: `${imports}engine = create_engine(\n    "postgresql+psycopg://app@db/app",\n    connect_args={\n        "application_name": "api",\n    },\n)\n`,
      errors: [{ message: ['(psycopg)'], span: 'create_engine', start: imports.length + 'engine = '.length, fixes: ['Add connect_timeout=10 to connect_args'] }],
      output: `${imports}engine = create_engine(\n    "postgresql+psycopg://app@db/app",\n    connect_args={\n        "application_name": "api",\n        "connect_timeout": 10,\n    },\n)\n`,
    },
  ],
});
