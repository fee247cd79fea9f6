// A small workspace like a real service's: a migration, a SQL file and a Python service
// (raw SQL in `text()`), with four warnings (the SQL file and the service want different indexes, leading
// with other columns: the same one, or one leading with the same key, would be counted once in a run);
// NEW_QUERY appended to the service adds one more.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const SCHEMA = `CREATE TABLE planners (planner_id VARCHAR(32) PRIMARY KEY, goal TEXT NOT NULL);
CREATE TABLE workers (
    worker_id VARCHAR(32) PRIMARY KEY,
    planner_id VARCHAR(32) NOT NULL REFERENCES planners (planner_id),
    task_status VARCHAR(50) NOT NULL,
    name TEXT NOT NULL,
    goal_rank INT NOT NULL
);
CREATE INDEX idx_workers_task_status ON workers (task_status);
`;

export const QUERIES = `SELECT worker_id FROM workers WHERE name LIKE '%smith' LIMIT 5;
SELECT worker_id FROM workers WHERE name = $1 AND goal_rank = $2 LIMIT 1;
`;

export const SERVICE = `from sqlalchemy import text


def pending_worker(session, planner_id):
    return session.execute(
        text("SELECT worker_id FROM workers WHERE planner_id = :p AND task_status = 'pending' LIMIT 1"),
        {"p": planner_id},
    )
`;

/** What a new query appended to the service adds: one leading-wildcard LIKE. */
export const NEW_QUERY = `

def workers_named(session, suffix):
    return session.execute(text("SELECT worker_id FROM workers WHERE name LIKE '%-jr' LIMIT 20"))
`;

/** A fresh temporary folder holding the workspace (the caller removes it). */
export function makeServiceWorkspace(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'querylens-service-'));
  const write = (file: string, text: string) => writeFileSync(path.join(dir, file), text);
  write('.querylens.json', JSON.stringify({ dialect: 'postgres' }));
  for (const folder of ['migrations', 'queries', 'app']) mkdirSync(path.join(dir, folder));
  write('migrations/20240101000000_init.sql', SCHEMA);
  write('queries/workers.sql', QUERIES);
  write('app/service.py', SERVICE);
  return dir;
}
