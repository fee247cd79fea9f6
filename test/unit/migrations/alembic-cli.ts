/**
 * Real Alembic (Debian's python3-alembic, python3-sqlalchemy, python3-psycopg2,
 * installed by .ci/run) on a scratch project: `alembic.ini`, a small `env.py`
 * and a `versions/` folder. Offline (`--sql`) it prints the SQL a revision
 * runs without any database; online it runs against the URL given.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The system Python, where Debian installs Alembic (not a virtualenv's first python3 on PATH). */
const PYTHON = '/usr/bin/python3';

const ENV_PY = `import os
from alembic import context
from sqlalchemy import create_engine

url = os.environ["QL_ALEMBIC_URL"]
schema = os.environ.get("QL_ALEMBIC_SCHEMA")

if context.is_offline_mode():
    context.configure(url=url, literal_binds=True, transactional_ddl=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = create_engine(url)
    with engine.connect() as connection:
        if schema:
            connection.exec_driver_sql(f"SET search_path TO {schema}, public")
            connection.commit() if hasattr(connection, "commit") else None
        context.configure(connection=connection, version_table_schema=schema)
        with context.begin_transaction():
            context.run_migrations()
`;

export interface AlembicProject {
  dir: string;
  versions: string;
  /** Runs `python3 -m alembic <args>`; throws with Alembic's output when it fails. */
  run(args: string[], url: string, schema?: string): string;
  remove(): void;
}

export function alembicProject(): AlembicProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'querylens-alembic-'));
  const versions = path.join(dir, 'migrations', 'versions');
  fs.mkdirSync(versions, { recursive: true });
  fs.writeFileSync(path.join(dir, 'alembic.ini'), '[alembic]\nscript_location = %(here)s/migrations\n');
  fs.writeFileSync(path.join(dir, 'migrations', 'env.py'), ENV_PY);
  return {
    dir,
    versions,
    run(args, url, schema) {
      const env = { ...process.env, QL_ALEMBIC_URL: url, ...(schema ? { QL_ALEMBIC_SCHEMA: schema } : {}) };
      try {
        return execFileSync(PYTHON, ['-B', '-m', 'alembic', '-c', path.join(dir, 'alembic.ini'), ...args], { env, encoding: 'utf8', stdio: 'pipe' });
      } catch (error) {
        const e = error as { stderr?: string; stdout?: string };
        throw new Error(`alembic ${args.join(' ')} failed:\n${e.stderr ?? ''}${e.stdout ?? ''}`);
      }
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** A revision file as `alembic revision` writes it, doing nothing (a parent for generated ones). */
export function emptyRevision(revision: string, downRevision: string | null): string {
  return [
    `revision = '${revision}'`,
    `down_revision = ${downRevision === null ? 'None' : `'${downRevision}'`}`,
    'branch_labels = None',
    'depends_on = None',
    '',
    '',
    'def upgrade():',
    '    pass',
    '',
    '',
    'def downgrade():',
    '    pass',
    '',
  ].join('\n');
}

/** `python3 -m py_compile`: throws with Python's message when the file does not compile. */
export function pyCompile(file: string): void {
  execFileSync(PYTHON, ['-m', 'py_compile', file], { stdio: 'pipe' });
}

/** The SQL statements of an offline run, without Alembic's own version bookkeeping. */
export function offlineStatements(sql: string): string[] {
  return sql
    .split(/;\s*\n/)
    .map((s) => s.replace(/^--.*$/gm, '').trim())
    .filter((s) => s !== '' && !/alembic_version/.test(s));
}
