/**
 * A scratch schema on the test PostgreSQL server for one mocha `describe`:
 * a `workers` table with 100 rows, dropped afterwards. The suite is skipped
 * when no server answers.
 */
import { Client } from 'pg';

const url = process.env.QUERYLENS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestSchema {
  client: Client;
  schema: string;
  /** Index names of `workers`, sorted. */
  indexes(): Promise<string[]>;
  /** Whether the named index of the schema is valid (a failed CONCURRENTLY build leaves it invalid). */
  isValid(index: string): Promise<boolean>;
}

export function useTestSchema(): TestSchema {
  const client = new Client({ connectionString: url });
  const schema = `querylens_test_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  let available = false;

  before(async function () {
    try {
      await client.connect();
      available = true;
    } catch {
      this.skip();
    }
    // The extension is database-wide: install it in public once, so that a
    // concurrent run never finds it inside another run's (soon dropped) schema.
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public').catch(() => undefined);
    await client.query(`CREATE SCHEMA ${schema}`);
    // public stays on the path: CREATE EXTENSION IF NOT EXISTS finds pg_trgm there if already installed.
    await client.query(`SET search_path TO ${schema}, public`);
    await client.query('CREATE TABLE workers (id serial PRIMARY KEY, planner_id int NOT NULL, task_status text NOT NULL, name text)');
    await client.query("INSERT INTO workers (planner_id, task_status, name) SELECT g % 10, 'todo', 'worker ' || g FROM generate_series(1, 100) g");
  });

  after(async () => {
    if (!available) return;
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  return {
    client,
    schema,
    async indexes() {
      const r = await client.query('SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 ORDER BY indexname', [schema, 'workers']);
      return r.rows.map((row) => row.indexname as string);
    },
    async isValid(index) {
      const r = await client.query('SELECT indisvalid FROM pg_index WHERE indexrelid = $1::regclass', [`${schema}.${index}`]);
      return r.rows[0].indisvalid === true;
    },
  };
}
