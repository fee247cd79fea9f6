/**
 * The pools a workspace's code configures, as the dashboard's Pool tab lists
 * them: the real extractors over a small workspace, the application's pools
 * only, with sizes (the library's default where the code sets none).
 */
import assert from 'node:assert/strict';
import { defaultConfig } from '../../../server/src/core/config/types';
import { configuredPools } from '../../../server/src/core/engine/configured-pools';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';
import { SEED_002_POOL } from '../seeds/connection-snippets';

const ROOT = '/w';

describe('configured pools (the Pool tab)', () => {
  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  it('lists the application pools with their sizes and settings; scripts, migration runs and connect options are not pools', () => {
    const ws = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, {
      'src/db/session.py': SEED_002_POOL,
      'app/db.py': 'from sqlalchemy import create_engine\n\nengine = create_engine("postgresql://app@db/app", pool_timeout=10)\n',
      'app/env_engine.py': 'from sqlalchemy import create_engine\n\nengine = create_engine(url, **options)\n',
      'scripts/backfill.py': 'from sqlalchemy import create_engine\n\n\ndef run(url):\n    engine = create_engine(url)\n    engine.dispose()\n',
      'alembic/env.py': 'from alembic import context\nfrom sqlalchemy import create_engine\n\nconnectable = create_engine(URL)\n',
      'crates/store/src/lib.rs':
        'use sqlx::postgres::PgPoolOptions;\n\npub async fn pool(url: &str) -> sqlx::Result<sqlx::PgPool> {\n    PgPoolOptions::new()\n        .min_connections(5)\n        .max_connections(20)\n        .acquire_timeout(std::time::Duration::from_secs_f64(\n            settings.timeout,\n        ))\n        .connect(url)\n        .await\n}\n',
      'crates/api/src/main.rs': 'async fn main() -> sqlx::Result<()> {\n    let pool = sqlx::PgPool::connect(&std::env::var("DATABASE_URL").unwrap()).await?;\n    Ok(())\n}\n',
      'crates/cli/src/db.rs':
        'pub async fn open(path: &str) -> sqlx::Result<sqlx::SqlitePool> {\n    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(path);\n    sqlx::sqlite::SqlitePoolOptions::new().connect_with(options).await\n}\n',
    });
    assert.deepEqual(configuredPools(ws, ROOT), [
      { file: 'app/db.py', line: 3, library: 'sqlalchemy', name: 'create_engine', dialect: 'postgres', size: 5, overflow: 10, defaults: ['size', 'overflow'], settings: { acquireTimeout: '10' } },
      { file: 'app/env_engine.py', line: 3, library: 'sqlalchemy', name: 'create_engine', defaults: [], settings: {} },
      { file: 'crates/api/src/main.rs', line: 2, library: 'sqlx', name: 'sqlx::PgPool::connect', dialect: 'postgres', size: 10, min: 0, defaults: ['size', 'min'], settings: {} },
      { file: 'crates/cli/src/db.rs', line: 3, library: 'sqlx', name: 'sqlx::sqlite::SqlitePoolOptions::new', dialect: 'sqlite', size: 10, min: 0, defaults: ['size', 'min'], settings: {} },
      { file: 'crates/store/src/lib.rs', line: 4, library: 'sqlx', name: 'PgPoolOptions::new', dialect: 'postgres', size: 20, min: 5, defaults: [], settings: { acquireTimeout: 'std::time::Duration::from_secs_f64( set…' } },
      { file: 'src/db/session.py', line: 4, library: 'sqlalchemy', name: 'create_async_engine', size: 20, overflow: 10, defaults: [], settings: { prePing: 'True', maxLifetime: '3600', poolClass: 'QueuePool' } },
    ]);
  });
  it('deadpool-postgres and bb8 pools too, with their sizes (bb8 defaults to 10; deadpool\'s default depends on the CPU count)', () => {
    const ws = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, {
      'src/pg.rs': 'use deadpool_postgres::{Config, Manager, Pool, PoolConfig};\n\nfn config() -> Config {\n    Config { pool: Some(PoolConfig::new(32)), ..Default::default() }\n}\n\nfn pool(m: Manager) -> Pool {\n    Pool::builder(m).build().unwrap()\n}\n',
      'src/bb.rs': 'use bb8_postgres::PostgresConnectionManager;\n\nasync fn pool(m: PostgresConnectionManager<NoTls>) {\n    let pool = bb8::Pool::builder().connection_timeout(Duration::from_secs(5)).build(m).await.unwrap();\n}\n',
    });
    assert.deepEqual(configuredPools(ws, ROOT), [
      { file: 'src/bb.rs', line: 4, library: 'bb8', name: 'bb8::Pool::builder', dialect: 'postgres', size: 10, min: 0, defaults: ['size', 'min'], settings: { acquireTimeout: 'Duration::from_secs(5)' } },
      { file: 'src/pg.rs', line: 4, library: 'deadpool', name: 'PoolConfig::new', dialect: 'postgres', size: 32, defaults: [], settings: {} },
      { file: 'src/pg.rs', line: 8, library: 'deadpool', name: 'Pool::builder', dialect: 'postgres', defaults: [], settings: {} },
    ]);
  });
});
