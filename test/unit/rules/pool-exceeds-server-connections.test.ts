import { poolExceedsServerConnections } from '../../../server/src/core/rules/pool-exceeds-server-connections';
import { poolRuleTester } from './pool-harness';

const imports = 'from sqlalchemy import create_engine\n\n';
const engine = (args: string) => `${imports}engine = create_engine("postgresql://app@db/app"${args})\n`;
const seed = engine(', pool_size=20, max_overflow=10, pool_pre_ping=True, pool_recycle=3600');
const three = { maxConnections: 100, reservedConnections: 3, instances: 3 };
const sqlx = (chain: string) => `async fn pool(url: &str) -> sqlx::Result<sqlx::PgPool> {\n    PgPoolOptions::new()${chain}.connect(url).await\n}\n`;
const advice = 'Lower the pool size, or put PgBouncer in transaction mode in front of the server (seed 004: max_connections 200 serving 2,000 clients).';

poolRuleTester(poolExceedsServerConnections, {
  valid: [
    { name: 'no server configured: silent', code: seed },
    { name: "seed 002's pool on one instance: 30 of 97", code: seed, server: { maxConnections: 100 } },
    { name: 'exactly 90 % is not above it: 27 of 30', code: engine(', pool_size=20, max_overflow=7'), server: { maxConnections: 33 } },
    { name: 'the URL goes through PgBouncer: its connections are the proxy\'s', code: `${imports}engine = create_engine("postgresql://app@pgbouncer:6432/app", pool_size=20, max_overflow=10)\n`, server: three },
    { name: 'a size set at run time', code: engine(', pool_size=settings.pool_size'), server: three },
    { name: 'NullPool keeps no connections', code: `${imports}from sqlalchemy.pool import NullPool\n\nengine = create_engine("postgresql://app@db/app", poolclass=NullPool)\n`, server: { maxConnections: 10 } },
    { name: 'SQLite has no max_connections', code: `${imports}engine = create_engine("sqlite:///app.db", pool_size=50)\n`, server: three },
    { name: 'options from a dictionary may size it', code: engine(', **options'), server: { maxConnections: 10 } },
    { name: "sqlx: seed 000's high-performance preset on one instance", language: 'rust', code: sqlx('.min_connections(10).max_connections(50)'), server: { maxConnections: 100 } },
    {
      name: "deadpool without a size: its default (4 × the CPU cores) is not in the code",
      language: 'rust',
      code: 'use deadpool_postgres::{Manager, Pool};\n\nfn pool(m: Manager) -> Pool {\n    Pool::builder(m).build().unwrap()\n}\n',
      server: { maxConnections: 10 },
    },
  ],
  invalid: [
    {
      name: 'deadpool: Config { pool: Some(PoolConfig::new(32)) } on four instances',
      language: 'rust',
      code: 'use deadpool_postgres::{Config, PoolConfig};\n\nfn config() -> Config {\n    Config { pool: Some(PoolConfig::new(32)), ..Default::default() }\n}\n',
      server: { maxConnections: 100, instances: 4 },
      errors: [{ message: ['PoolConfig::new(...): configured 32 × 4 instances = 128 of 97 available (max_connections 100 − 3 reserved): under load'], span: '32' }],
    },
    {
      name: "bb8's default 10 on ten instances",
      language: 'rust',
      code: 'use bb8_postgres::PostgresConnectionManager;\n\nasync fn pool(m: PostgresConnectionManager<NoTls>) {\n    let pool = bb8::Pool::builder().min_idle(Some(2)).build(m).await.unwrap();\n}\n',
      server: { maxConnections: 100, instances: 10 },
      errors: [{ message: ['bb8::Pool::builder(): configured 10 (default) × 10 instances = 100 of 97 available'], span: 'bb8::Pool::builder' }],
    },
    {
      name: "seed 002's pool on three instances of max_connections 100: 90 of 97, above 90 % (info)",
      code: seed,
      server: three,
      errors: [
        {
          message: [`create_engine(...): configured 20 + 10 overflow × 3 instances = 90 of 97 available (max_connections 100 − 3 reserved): 93 %, above the 90 % at which seed 004 calls pool utilisation critical; migrations, psql and monitoring share what is left. ${advice}`],
          span: 'pool_size=20',
          fixes: [],
          tentative: true,
          explanation: ['Every instance of the code opens its own pool'],
        },
      ],
    },
    {
      name: 'four instances: 120 of 97, over (warning)',
      code: seed,
      server: { ...three, instances: 4 },
      errors: [
        {
          message: [`create_engine(...): configured 20 + 10 overflow × 4 instances = 120 of 97 available (max_connections 100 − 3 reserved): under load the server refuses the rest ("sorry, too many clients already"). ${advice}`],
          span: 'pool_size=20',
          fixes: [],
        },
      ],
    },
    {
      name: 'max_overflow=-1: no limit, whatever the instances',
      code: engine(', pool_size=5, max_overflow=-1'),
      server: { maxConnections: 100 },
      errors: [
        {
          message: [
            `create_engine(...): max_overflow=-1 lets the pool open connections without limit, so under load it takes all 97 available (max_connections 100 − 3 reserved) and the server refuses the rest ("sorry, too many clients already"). Set a max_overflow (seed 002: pool_size=20, max_overflow=10). ${advice}`,
          ],
          span: 'max_overflow=-1',
        },
      ],
    },
    {
      name: "SQLAlchemy's defaults (5 + 10) on ten instances, at create_engine",
      code: engine(''),
      server: { maxConnections: 100, instances: 10 },
      errors: [
        {
          message: ['create_engine(...): configured 5 (default) + 10 overflow (default) × 10 instances = 150 of 97 available (max_connections 100 − 3 reserved): under load'],
          span: 'create_engine',
          start: imports.length + 'engine = '.length,
        },
      ],
    },
    {
      name: 'sqlx: 50 connections on two instances against 100 − 5 reserved',
      language: 'rust',
      code: sqlx('.min_connections(10).max_connections(50)'),
      server: { maxConnections: 100, reservedConnections: 5, instances: 2 },
      errors: [{ message: ['PgPoolOptions::new(): configured 50 × 2 instances = 100 of 95 available (max_connections 100 − 5 reserved): under load'], span: '.max_connections(50)' }],
    },
    {
      name: "sqlx's default 10 on one instance of a small server",
      language: 'rust',
      code: sqlx(''),
      server: { maxConnections: 12 },
      errors: [{ message: ['PgPoolOptions::new(): configured 10 (default) × 1 instance = 10 of 9 available (max_connections 12 − 3 reserved)'], span: 'PgPoolOptions::new' }],
    },
  ],
});
