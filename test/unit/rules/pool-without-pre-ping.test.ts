import { poolWithoutPrePing } from '../../../server/src/core/rules/pool-without-pre-ping';
import { SEED_002_POOL } from '../seeds/connection-snippets';
import { poolRuleTester } from './pool-harness';

/** Seed 002's engine, before its pool_pre_ping and pool_recycle lines. */
const seed002 = SEED_002_POOL.replace(/ {4}pool_pre_ping.*\n {4}pool_recycle.*\n/, '');

poolRuleTester(poolWithoutPrePing, {
  valid: [
    {
      name: "seed 002's engine as written (pool_pre_ping=True, pool_recycle=3600)",
      code: SEED_002_POOL,
    },
    { name: 'pool_recycle alone', code: 'from sqlalchemy import create_engine\nengine = create_engine(url, pool_recycle=1800)\n' },
    { name: 'pre-ping from a variable', code: 'from sqlalchemy import create_engine\nengine = create_engine(url, pool_pre_ping=ping)\n' },
    { name: 'NullPool keeps no connections', code: 'from sqlalchemy import create_engine\nfrom sqlalchemy.pool import NullPool\nengine = create_engine(url, poolclass=NullPool)\n' },
    { name: 'SQLite has no server', code: 'from sqlalchemy import create_engine\nengine = create_engine("sqlite:///app.db")\n' },
    { name: 'arguments from **options may hold it', code: 'from sqlalchemy import create_engine\nengine = create_engine(url, **options)\n' },
    {
      name: "Alembic's env.py: one migration run",
      code: 'from alembic import context\nfrom sqlalchemy import create_engine\nconnectable = create_engine(SQLALCHEMY_DATABASE_URI)\n',
    },
    {
      name: "an engine local to one call (polar's scripts)",
      code: 'from sqlalchemy.ext.asyncio import create_async_engine\n\n\nasync def run(db_uri):\n    engine = create_async_engine(db_uri, pool_size=1, max_overflow=0)\n    try:\n        await work(engine)\n    finally:\n        await engine.dispose()\n',
    },
    { name: "a project's own create_async_engine is not SQLAlchemy's", code: 'from app.db import create_async_engine\nengine = create_async_engine("worker")\n' },
  ],
  invalid: [
    {
      name: "another engine's PgBouncer URL says nothing about this one's direct URL: info",
      code: 'from sqlalchemy import create_engine\n\nengine = create_engine("postgresql://app@db:5432/app")\npooled = create_engine("postgresql://app@pgbouncer/app", pool_pre_ping=True)\n',
      errors: [{ message: ['(Info: nothing here shows a proxy'], span: 'create_engine', start: 'from sqlalchemy import create_engine\n\nengine = '.length, fixes: ['Add pool_pre_ping=True, pool_recycle=3600'], tentative: true }],
      output: 'from sqlalchemy import create_engine\n\nengine = create_engine("postgresql://app@db:5432/app", pool_pre_ping=True, pool_recycle=3600)\npooled = create_engine("postgresql://app@pgbouncer/app", pool_pre_ping=True)\n',
    },
    {
      name: 'an engine a factory function hands on lives on',
      code: 'from sqlalchemy import create_engine\n\n\ndef make_engine(url):\n    engine = create_engine(url)\n    return sessionmaker(bind=engine)\n',
      errors: [{ message: ['create_engine(...) keeps connections'], span: 'create_engine', start: 'from sqlalchemy import create_engine\n\n\ndef make_engine(url):\n    engine = '.length, fixes: ['Add pool_pre_ping=True, pool_recycle=3600'], tentative: true }],
      output: 'from sqlalchemy import create_engine\n\n\ndef make_engine(url):\n    engine = create_engine(url, pool_pre_ping=True, pool_recycle=3600)\n    return sessionmaker(bind=engine)\n',
    },
    {
      name: 'seed 002 without pre-ping and recycle: info, both added on their own lines',
      code: seed002,
      errors: [
        {
          message: ['create_async_engine(...) keeps connections without pool_pre_ping or pool_recycle', 'Add pool_pre_ping=True', '(Info: nothing here shows a proxy'],
          span: 'create_async_engine',
          start: seed002.indexOf('create_async_engine('),
          fixes: ['Add pool_pre_ping=True, pool_recycle=3600'],
          tentative: true,
        },
      ],
      output: seed002.replace('# Queue-based pooling\n', '# Queue-based pooling\n    pool_pre_ping=True,\n    pool_recycle=3600,\n'),
    },
    {
      name: 'behind PgBouncer (port 6432 in the URL): a warning',
      code: 'import sqlalchemy as sa\n\nengine = sa.create_engine("postgresql://app@db:6432/app", pool_size=5)\n',
      errors: [
        {
          message: ["Here port 6432 (PgBouncer's) points to a proxy, and proxies close idle connections."],
          span: 'create_engine',
          fixes: ['Add pool_pre_ping=True, pool_recycle=3600'],
        },
      ],
      output: 'import sqlalchemy as sa\n\nengine = sa.create_engine("postgresql://app@db:6432/app", pool_size=5, pool_pre_ping=True, pool_recycle=3600)\n',
    },
  ],
});
