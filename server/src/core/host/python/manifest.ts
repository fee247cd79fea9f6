/** What Python's manifests say about the database (engine/packages.ts asks through host/languages.ts). */
import type { Dialect } from '../../../../../shared/types';

/** The manifests whose dependencies name a Python project's database driver. */
export const PYTHON_MANIFESTS = ['pyproject.toml', 'setup.cfg', 'setup.py'];

/** Python drivers that name their database (a dependency in pyproject.toml, setup.cfg or setup.py). */
const PYTHON_DRIVERS: Record<string, Dialect> = {
  psycopg: 'postgres', psycopg2: 'postgres', 'psycopg2-binary': 'postgres', asyncpg: 'postgres', pg8000: 'postgres',
  aiosqlite: 'sqlite', pysqlite3: 'sqlite', 'pysqlite3-binary': 'sqlite',
  pymysql: 'mysql', mysqlclient: 'mysql', aiomysql: 'mysql', asyncmy: 'mysql', 'mysql-connector-python': 'mysql',
};

/**
 * The one database a Python manifest's dependencies name, by driver
 * (`"asyncpg>=0.29"`, `psycopg = {extras = ["binary"]}`, `aiosqlite==0.20` in
 * setup.cfg); none when it names several. A driver that is only optional (an
 * extra, an optional or dependency group, `optional = true`) does not count:
 * the project runs without it (SQLite by default, PostgreSQL as an extra).
 */
export function pythonDialect(text: string): Dialect | undefined {
  const named = new Set<Dialect>();
  let section = '';
  const required = text
    .split('\n')
    .filter((line) => {
      const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
      if (header) section = header[1]!;
      return !header && !/optional-dependencies|extras|dependency-groups|\.group\.|tests?_require/.test(section) && !/optional\s*=\s*true/.test(line);
    })
    .join('\n');
  for (const [driver, dialect] of Object.entries(PYTHON_DRIVERS)) {
    const name = driver.replace(/[-_.]/g, '[-_.]');
    // At a line's start (Poetry's `name = ...`, setup.cfg's list) or opening a quoted requirement; then a version, extras, marker or the end.
    if (new RegExp(`(^\\s*|["'])${name}\\s*(?=[\\[<>=~!;"'\\s]|$)`, 'im').test(required)) named.add(dialect);
  }
  return named.size === 1 ? [...named][0] : undefined;
}
