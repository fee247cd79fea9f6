/**
 * The database a JavaScript package talks to, from its package.json: the
 * drivers it depends on (pg, postgres, mysql2, better-sqlite3...). A package
 * depending on drivers of several databases (uptime-kuma: SQLite, MariaDB and
 * PostgreSQL) names none.
 */
import type { Dialect } from '../../../../../shared/types';
import { moduleInfo } from './libraries';

export const TYPESCRIPT_MANIFESTS = ['package.json'] as const;

/** Driver packages whose name alone does not say (`@louislam/sqlite3`, a fork). */
const FORKS: Record<string, Dialect> = { '@louislam/sqlite3': 'sqlite', '@libsql/client': 'sqlite', 'pg-query-stream': 'postgres', 'pg-cursor': 'postgres' };

export function packageDialect(text: string): Dialect | undefined {
  let manifest: { dependencies?: Record<string, string>; devDependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
  try {
    manifest = JSON.parse(text) as typeof manifest;
  } catch {
    return undefined;
  }
  // Runtime dependencies: a dev dependency (a test database, a tool) does not say what the package runs on.
  const names = Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies });
  const dialects = new Set<Dialect>();
  for (const name of names) {
    const dialect = Object.hasOwn(FORKS, name) ? FORKS[name] : moduleInfo(name)?.dialect;
    if (dialect) dialects.add(dialect);
  }
  return dialects.size === 1 ? [...dialects][0] : undefined;
}
