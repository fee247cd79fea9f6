/** The database: a node-postgres pool behind Drizzle, with the schema for the relational API (`db.query`). */
import { drizzle } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';
import * as schema from './schema';

export const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10, connectionTimeoutMillis: 5_000 });
export const db = drizzle(pool, { schema });
