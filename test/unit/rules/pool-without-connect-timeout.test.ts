import { poolWithoutConnectTimeout } from '../../../server/src/core/rules/pool-without-connect-timeout';
import { poolRuleTester } from './pool-harness';

const imports = 'from sqlalchemy import create_engine\n\n';

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
  ],
  invalid: [
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
