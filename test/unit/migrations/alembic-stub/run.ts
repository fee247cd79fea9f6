/**
 * Runs generated Alembic revisions with python3. Alembic itself cannot be
 * installed on this machine (no PyPI), so `run` executes upgrade()/downgrade()
 * against the stub `alembic` package beside this file, which records the SQL
 * SQLAlchemy's PostgreSQL dialect would emit.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

export interface RevisionRun {
  revision: string;
  down_revision: string | string[] | null;
  doc: string;
  /** [sql, ran inside autocommit_block()] */
  statements: [string, boolean][];
}

/** `python3 -m py_compile`: throws with Python's message when the file does not compile. */
export function pyCompile(file: string): void {
  execFileSync('python3', ['-m', 'py_compile', file], { stdio: 'pipe' });
}

export function runRevision(file: string, fn: 'upgrade' | 'downgrade'): RevisionRun {
  const out = execFileSync('python3', ['-B', path.join(__dirname, 'run_revision.py'), file, fn], { encoding: 'utf8', stdio: 'pipe' });
  return JSON.parse(out) as RevisionRun; // Python tuples come back as arrays
}
