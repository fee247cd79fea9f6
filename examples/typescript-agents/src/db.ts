/** Where the service opens its database: one node-postgres pool, and knex on the same database. */
import { knex } from 'knex';
import { Pool } from 'pg';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://localhost/agents';

// BAD: no connectionTimeoutMillis. node-postgres's default is 0, no timeout: once the 20
// connections are in use, or when the database host stops answering, pool.query waits
// without limit and requests pile up instead of failing (seed 004: "Connection Timeout:
// 10 seconds (fast failure detection)").
export const pool = new Pool({
  connectionString: DATABASE_URL,
  max: 20,
  idleTimeoutMillis: 30_000,
});

// GOOD: knex's pool gives up after acquireConnectionTimeout (60 s by default).
export const db = knex({
  client: 'pg',
  connection: DATABASE_URL,
  pool: { min: 2, max: 10 },
});
