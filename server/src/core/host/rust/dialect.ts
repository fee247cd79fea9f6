/**
 * The database a Rust file talks to, from the sqlx / driver types it names
 * (`SqlitePool`, `sqlx::Postgres`, `MySqlPool`, `tokio_postgres`, `rusqlite`).
 */
import type { Dialect } from '../../../../../shared/types';

const TYPE_DIALECT: Record<string, Dialect> = {
  Sqlite: 'sqlite', SqlitePool: 'sqlite', SqliteConnection: 'sqlite', SqlitePoolOptions: 'sqlite', SqliteRow: 'sqlite',
  SqliteConnectOptions: 'sqlite', SqliteQueryResult: 'sqlite', rusqlite: 'sqlite',
  Postgres: 'postgres', PgPool: 'postgres', PgConnection: 'postgres', PgPoolOptions: 'postgres', PgRow: 'postgres',
  PgConnectOptions: 'postgres', PgQueryResult: 'postgres', PgListener: 'postgres', tokio_postgres: 'postgres', deadpool_postgres: 'postgres',
  MySql: 'mysql', MySqlPool: 'mysql', MySqlConnection: 'mysql', MySqlPoolOptions: 'mysql', MySqlRow: 'mysql',
  MySqlConnectOptions: 'mysql', MySqlQueryResult: 'mysql', mysql_async: 'mysql',
};

/** Counts the dialect-telling names seen in a file; the most named wins, the first seen on a tie. */
export class DialectVotes {
  private readonly votes = new Map<Dialect, number>();

  see(name: string): void {
    const dialect = Object.hasOwn(TYPE_DIALECT, name) ? TYPE_DIALECT[name] : undefined;
    if (dialect) this.votes.set(dialect, (this.votes.get(dialect) ?? 0) + 1);
  }

  winner(): Dialect | undefined {
    let best: Dialect | undefined;
    for (const [dialect, count] of this.votes) if (best === undefined || count > (this.votes.get(best) ?? 0)) best = dialect;
    return best;
  }
}
