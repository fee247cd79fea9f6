import { sqliteWithoutPragmas } from '../../../server/src/core/rules/sqlite-without-pragmas';
import { SEED_001_ENGINE, SEED_001_OPTIMIZED_ENGINE } from '../seeds/connection-snippets';
import { poolRuleTester } from './pool-harness';

const seed001Fixed = SEED_001_ENGINE.replace('sessionmaker\n', 'sessionmaker\nfrom sqlalchemy import event\n').replace(
  "{db_path}')\n",
  `{db_path}')

        @event.listens_for(self.engine, "connect")
        def _set_sqlite_pragmas(dbapi_connection, connection_record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA temp_store=MEMORY")
            cursor.close()

`,
);

const withListener = `from sqlalchemy import create_engine, event

engine = create_engine("sqlite:///app.db")


@event.listens_for(engine, "connect")
def pragmas(dbapi_connection, _record):
    dbapi_connection.execute("PRAGMA journal_mode=WAL")
`;

const rustStore = `use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

pub async fn open(path: &str) -> sqlx::Result<sqlx::SqlitePool> {
    let opts = SqliteConnectOptions::from_str(path)?
        .create_if_missing(true);
    SqlitePoolOptions::new().connect_with(opts).await
}
`;

poolRuleTester(sqliteWithoutPragmas, {
  valid: [
    { name: 'a connect listener sets the journal mode', code: withListener },
    {
      name: 'event.listen with a named function setting synchronous',
      code: 'import sqlalchemy as sa\n\n\ndef tune(dbapi_connection, _record):\n    dbapi_connection.execute("PRAGMA synchronous = NORMAL")\n\n\nengine = sa.create_engine("sqlite:///app.db")\nsa.event.listen(engine, "connect", tune)\n',
    },
    { name: 'in memory', code: 'from sqlalchemy import create_engine\nengine = create_engine("sqlite://")\n' },
    { name: 'PostgreSQL', code: 'from sqlalchemy import create_engine\nengine = create_engine("postgresql://db/app")\n' },
    { name: 'a URL from the settings: not known to be SQLite', code: 'from sqlalchemy import create_engine\nengine = create_engine(settings.DB_URL)\n' },
    { name: 'sqlx: WAL and NORMAL set (atuin)', language: 'rust', code: rustStore.replace('.create_if_missing(true)', '.journal_mode(SqliteJournalMode::Wal)\n        .synchronous(SqliteSynchronous::Normal)\n        .create_if_missing(true)') },
    { name: 'sqlx: another journal mode chosen on purpose', language: 'rust', code: rustStore.replace('.create_if_missing(true)', '.journal_mode(SqliteJournalMode::Delete)') },
    { name: 'sqlx: synchronous set through pragma()', language: 'rust', code: rustStore.replace('.create_if_missing(true)', '.pragma("synchronous", "full")') },
    { name: 'sqlx: read-only', language: 'rust', code: rustStore.replace('.create_if_missing(true)', '.read_only(true)') },
    { name: 'sqlx: SqlitePool::connect to memory', language: 'rust', code: 'async fn t() -> sqlx::Result<()> {\n    let pool = SqlitePool::connect("sqlite::memory:").await?;\n    Ok(())\n}\n' },
    { name: 'sqlx: in memory', language: 'rust', code: 'async fn t() { let pool = SqlitePoolOptions::new().min_connections(2).connect(":memory:").await.unwrap(); }\n' },
  ],
  invalid: [
    {
      name: "seed 001's AgentDatabase: the listener added after the engine, with the event import",
      code: SEED_001_ENGINE,
      errors: [
        {
          message: ["create_engine(...) opens SQLite with the default journal", 'Set journal_mode=WAL, synchronous=NORMAL, temp_store=MEMORY on every connection in a "connect" event listener.'],
          span: 'create_engine',
          start: SEED_001_ENGINE.indexOf('create_engine('),
          fixes: ['Set the SQLite pragmas in a "connect" event listener'],
          explanation: ['reach one pooled connection only'],
        },
      ],
      output: seed001Fixed,
    },
    {
      name: 'a connect listener that sets other pragmas only (foreign_keys): temp_store is kept when already set',
      code: withListener.replace('"PRAGMA journal_mode=WAL"', '"PRAGMA foreign_keys=ON")\n    dbapi_connection.execute("PRAGMA temp_store=MEMORY"'),
      errors: [{ message: ['Set journal_mode=WAL, synchronous=NORMAL on every connection'], span: 'create_engine', start: withListener.indexOf('create_engine('), fixes: ['Set the SQLite pragmas in a "connect" event listener'] }],
      output: withListener
        .replace('"PRAGMA journal_mode=WAL"', '"PRAGMA foreign_keys=ON")\n    dbapi_connection.execute("PRAGMA temp_store=MEMORY"')
        .replace(
          'create_engine("sqlite:///app.db")\n',
          'create_engine("sqlite:///app.db")\n\n\n@event.listens_for(engine, "connect")\ndef _set_sqlite_pragmas(dbapi_connection, connection_record):\n' +
            '    cursor = dbapi_connection.cursor()\n    cursor.execute("PRAGMA journal_mode=WAL")\n    cursor.execute("PRAGMA synchronous=NORMAL")\n    cursor.close()\n',
        ),
    },
    {
      name: "seed 001's optimized engine, returned directly: reported, no place for a listener",
      code: SEED_001_OPTIMIZED_ENGINE,
      errors: [{ message: ['Set journal_mode=WAL'], span: 'create_engine', start: SEED_001_OPTIMIZED_ENGINE.indexOf('create_engine('), fixes: [] }],
    },
    {
      name: 'module-level async engine: the listener on sync_engine, two blank lines around it',
      code: 'from sqlalchemy.ext.asyncio import create_async_engine\n\nengine = create_async_engine("sqlite+aiosqlite:///app.db")\n\nSession = async_sessionmaker(engine)\n',
      errors: [{ message: ['create_async_engine(...) opens SQLite'], span: 'create_async_engine', start: 'from sqlalchemy.ext.asyncio import create_async_engine\n\nengine = '.length, fixes: ['Set the SQLite pragmas in a "connect" event listener'] }],
      output:
        'from sqlalchemy.ext.asyncio import create_async_engine\nfrom sqlalchemy import event\n\nengine = create_async_engine("sqlite+aiosqlite:///app.db")\n\n\n' +
        '@event.listens_for(engine.sync_engine, "connect")\ndef _set_sqlite_pragmas(dbapi_connection, connection_record):\n    cursor = dbapi_connection.cursor()\n' +
        '    cursor.execute("PRAGMA journal_mode=WAL")\n    cursor.execute("PRAGMA synchronous=NORMAL")\n    cursor.execute("PRAGMA temp_store=MEMORY")\n    cursor.close()\n\n\nSession = async_sessionmaker(engine)\n',
    },
    {
      name: 'sqlx SqliteConnectOptions: the builder calls added, types the file does not import written with their path',
      language: 'rust',
      code: rustStore,
      errors: [{ message: ['SqliteConnectOptions::from_str() opens SQLite', '(sqlx 0.7+ sets no journal mode; 0.5 and 0.6 chose WAL themselves)', 'Set journal_mode=WAL, synchronous=NORMAL, temp_store=MEMORY on every connection.'], span: 'SqliteConnectOptions::from_str', fixes: ['Add journal_mode=WAL, synchronous=NORMAL, temp_store=MEMORY to the connect options'] }],
      output: rustStore.replace(
        'from_str(path)?\n',
        'from_str(path)?\n        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)\n        .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)\n        .pragma("temp_store", "memory")\n',
      ),
    },
    {
      name: 'sqlx SqlitePoolOptions straight to a file URL: reported without a fix',
      language: 'rust',
      code: 'async fn open() -> sqlx::Result<sqlx::SqlitePool> {\n    SqlitePoolOptions::new().max_connections(4).connect("sqlite://app.db").await\n}\n',
      errors: [{ message: ['SqlitePoolOptions::new() opens SQLite', 'through SqliteConnectOptions and connect_with.'], span: 'SqlitePoolOptions::new', fixes: [] }],
    },
    {
      name: 'sqlx from_str(..).expect(..): the builder calls go after the expect',
      language: 'rust',
      code: 'fn options(url: &str) -> SqliteConnectOptions {\n    SqliteConnectOptions::from_str(url).expect("a SQLite URL").create_if_missing(true)\n}\n',
      errors: [{ message: ['opens SQLite'], span: 'SqliteConnectOptions::from_str', fixes: ['Add journal_mode=WAL, synchronous=NORMAL, temp_store=MEMORY to the connect options'] }],
      output:
        'fn options(url: &str) -> SqliteConnectOptions {\n    SqliteConnectOptions::from_str(url).expect("a SQLite URL").journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)' +
        '.synchronous(sqlx::sqlite::SqliteSynchronous::Normal).pragma("temp_store", "memory").create_if_missing(true)\n}\n',
    },
    {
      name: 'sqlx SqlitePool::connect to a file URL: reported without a fix',
      language: 'rust',
      code: 'async fn open() -> sqlx::Result<sqlx::SqlitePool> {\n    sqlx::SqlitePool::connect("sqlite://app.db?mode=rwc").await\n}\n',
      errors: [{ message: ['sqlx::SqlitePool::connect() opens SQLite'], span: 'sqlx::SqlitePool::connect', fixes: [] }],
    },
  ],
});
