/**
 * SQLite opened with its defaults where the seed guide (seed 001) tunes every
 * connection: `journal_mode=WAL` (readers no longer wait for the writer),
 * `synchronous=NORMAL` (safe under WAL, one sync per checkpoint instead of
 * per commit), `temp_store=MEMORY`, and a busy timeout (sqlite3 and sqlx
 * wait 5 s by default, so that one is not asked for).
 *
 * Reported where the connections are configured and set neither the journal
 * mode nor `synchronous` (a project that chose either made its choice):
 * - SQLAlchemy `create_engine("sqlite:///...")` with no `connect` event
 *   listener setting them; the fix adds the listener after the engine,
 *   with the `event` import;
 * - sqlx `SqliteConnectOptions` builders; the fix adds the builder calls;
 *   a `SqlitePoolOptions` connecting straight to a URL is reported without a fix.
 * Not for in-memory, read-only or immutable databases, nor (yet) for knex's
 * SQLite pools, whose pragmas go in `pool.afterCreate`.
 *
 * Info by default: WAL suits a service with concurrent readers and a writer,
 * not a database on a network file system or one copied as a single file.
 */
import type { HostPool, PoolSettingName } from '../host/pools';
import { fileFix, has, insertEdit, poolName, poolRule } from './pool-helpers';
import type { CoreFix, FileContext, Rule } from './types';

const ID = 'sqlite-without-pragmas';

/** The pragmas the seed sets on every connection, as `PRAGMA` text and sqlx builder calls. */
const PRAGMAS: { setting: PoolSettingName; pragma: string; sqlx: (name: (type: string) => string) => string }[] = [
  { setting: 'journalMode', pragma: 'journal_mode=WAL', sqlx: (name) => `.journal_mode(${name('SqliteJournalMode')}::Wal)` },
  { setting: 'synchronous', pragma: 'synchronous=NORMAL', sqlx: (name) => `.synchronous(${name('SqliteSynchronous')}::Normal)` },
  { setting: 'tempStore', pragma: 'temp_store=MEMORY', sqlx: () => '.pragma("temp_store", "memory")' },
];

export const sqliteWithoutPragmas: Rule = poolRule(
  ID,
  'SQLite connections opened without journal_mode=WAL and synchronous=NORMAL (the seed guide sets them on every connection).',
  'info',
  check,
);

function check(ctx: FileContext, pool: HostPool): void {
  if (pool.dialect !== 'sqlite' || pool.inMemory || has(pool, 'readOnly') || (pool.library !== 'sqlalchemy' && pool.library !== 'sqlx')) return;
  const missing = missingPragmas(pool);
  if (!missing || (pool.library === 'sqlx' && pool.kind === 'pool' && !pool.url)) return;
  ctx.report({
    span: pool.anchor,
    message:
      `${poolName(ctx, pool)} opens SQLite with the default journal (a writer blocks every reader) and synchronous=FULL (a sync per commit)` +
      (pool.library === 'sqlx' ? ' (sqlx 0.7+ sets no journal mode; 0.5 and 0.6 chose WAL themselves). ' : '. ') +
      `Set ${missing.map((p) => p.pragma).join(', ')} on every connection` +
      (pool.library === 'sqlalchemy' ? ' in a "connect" event listener.' : pool.kind === 'pool' ? ' through SqliteConnectOptions and connect_with.' : '.'),
    explanation:
      'WAL lets readers go on while one connection writes; with WAL, synchronous=NORMAL syncs at checkpoints instead of every commit ' +
      'and stays safe against corruption. PRAGMAs run once through `engine.connect()` reach one pooled connection only: they belong ' +
      'where each connection is opened. The busy timeout is 5 s by default in sqlite3 and sqlx.',
    fixes: pool.library === 'sqlalchemy' ? listenerFix(ctx, pool, missing) : builderFix(ctx, pool, missing),
  });
}

/** The seed's pragmas the connections do not set, or undefined when the code chose a journal mode or synchronous itself. */
function missingPragmas(pool: HostPool): typeof PRAGMAS | undefined {
  if (has(pool, 'journalMode', 'synchronous')) return undefined;
  return PRAGMAS.filter((p) => !has(pool, p.setting));
}

function listenerFix(ctx: FileContext, pool: HostPool, missing: typeof PRAGMAS): CoreFix[] {
  if (!pool.after || !pool.assignedTo) return [];
  const target = pool.asyncEngine ? `${pool.assignedTo}.sync_engine` : pool.assignedTo;
  const indent = pool.after.indentation;
  let name = '_set_sqlite_pragmas';
  while (ctx.text.includes(`def ${name}(`)) name += '_';
  const body = [
    `@event.listens_for(${target}, "connect")`,
    `def ${name}(dbapi_connection, connection_record):`,
    '    cursor = dbapi_connection.cursor()',
    ...missing.map((p) => `    cursor.execute("PRAGMA ${p.pragma}")`),
    '    cursor.close()',
  ];
  // PEP 8: two blank lines around a module-level function (one inside a function), counting the blank lines already after the engine.
  const around = indent === '' ? 2 : 1;
  const rest = ctx.text.slice(pool.after.at);
  const blankAfter = rest.trim() === '' ? around : Math.max(0, /^\n*/.exec(rest)![0].length - 1);
  const newText = '\n'.repeat(around + 1) + body.map((line) => indent + line).join('\n') + '\n'.repeat(Math.max(0, around - blankAfter));
  const edits = [{ span: { start: pool.after.at, end: pool.after.at }, newText }];
  if (!pool.imports.names.includes('event')) edits.unshift({ span: { start: pool.imports.at, end: pool.imports.at }, newText: 'from sqlalchemy import event\n' });
  return [fileFix(ctx, 'Set the SQLite pragmas in a "connect" event listener', edits)];
}

/** sqlx: the builder calls after the constructor; a type the file does not import is written with its path. */
function builderFix(ctx: FileContext, pool: HostPool, missing: typeof PRAGMAS): CoreFix[] {
  if (pool.kind !== 'connect-options' || !pool.insertion) return [];
  const name = (type: string) => (pool.imports.names.includes(type) ? type : `sqlx::sqlite::${type}`);
  return [fileFix(ctx, `Add ${missing.map((p) => p.pragma).join(', ')} to the connect options`, [insertEdit(pool.insertion, missing.map((p) => p.sqlx(name)))])];
}
