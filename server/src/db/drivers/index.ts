/**
 * openDriver: a configured connection → a Driver. Nothing connects here:
 * the first session does (so a wrong password shows up as a DbError of the
 * job that needed the database, naming the connection).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResolvedConnection } from '../../../../shared/connections';
import type { Driver } from '../types';
import { dbError } from './errors';
import { HostDriver } from './host/driver';
import { pgliteExtensionModules, pgliteModule, sqliteNativeBinding } from './host/locate';
import { PostgresDriver } from './postgres/driver';

export interface OpenDriverOptions {
  /** Workspace folder: relative SQLite paths are resolved against it. */
  root?: string;
  /** Environment for `DATABASE_URL` / `PG*` (the server's own when absent). */
  env?: NodeJS.ProcessEnv;
}

export { HostDriver } from './host/driver';
export { PostgresDriver } from './postgres/driver';

export async function openDriver(connection: ResolvedConnection, options: OpenDriverOptions = {}): Promise<Driver> {
  switch (connection.driver) {
    case 'postgres':
      return PostgresDriver.open(connection, options.env ?? process.env);
    case 'sqlite':
      return openSqliteFile(connection, options.root);
    case 'embedded':
      return connection.dialect === 'sqlite' ? openEmbeddedSqlite(connection) : openPglite(connection);
    default:
      throw dbError('driver', connection.name, `unknown driver "${String((connection as { driver?: unknown }).driver)}"`, { advice: 'Use "postgres", "sqlite" or "embedded".' });
  }
}

/** `file` or `url` (a path or a `file:` URL), relative to the workspace folder. */
export function sqlitePath(connection: ResolvedConnection, root?: string): string {
  const raw = connection.file ?? connection.url;
  if (!raw) throw dbError('missing-database', connection.name, 'no database file is set', { advice: 'Set "file" (a path relative to the workspace folder) in "querylens.connections".' });
  let file = raw;
  if (raw.startsWith('file://')) file = fileURLToPath(raw);
  else if (raw.startsWith('file:')) file = decodeURIComponent(raw.slice('file:'.length).split('?')[0]);
  return path.resolve(root ?? process.cwd(), file);
}

function openSqliteFile(connection: ResolvedConnection, root?: string): Driver {
  const file = sqlitePath(connection, root);
  // Checked here and again in the host: opening a missing path would create an empty database.
  if (!existsSync(file)) throw dbError('missing-database', connection.name, `the SQLite file ${file} does not exist`, { advice: 'Check "file" in "querylens.connections" (relative paths start at the workspace folder); QueryLens never creates a database file.' });
  return new HostDriver({
    name: connection.name,
    kind: 'sqlite',
    dialect: 'sqlite',
    describe: `SQLite file ${file}`,
    open: { op: 'open', backend: 'sqlite', file, readOnly: connection.readOnly ?? false, nativeBinding: sqliteNativeBinding() },
  });
}

/**
 * The embedded SQLite shadow database lives in a temporary file rather than
 * `:memory:`: a statement that times out is stopped by killing its host
 * process, and the shadow data must outlive that.
 */
async function openEmbeddedSqlite(connection: ResolvedConnection): Promise<Driver> {
  const dir = await mkdtemp(path.join(tmpdir(), 'querylens-shadow-'));
  const file = path.join(dir, 'shadow.sqlite');
  await writeFile(file, '');
  return new HostDriver({
    name: connection.name,
    kind: 'embedded',
    dialect: 'sqlite',
    describe: 'embedded SQLite shadow database',
    open: { op: 'open', backend: 'sqlite', file, nativeBinding: sqliteNativeBinding() },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  });
}

/** PGlite with its data directory on disk, for the same reason (see host/pglite-backend.ts). */
async function openPglite(connection: ResolvedConnection): Promise<Driver> {
  const dir = await mkdtemp(path.join(tmpdir(), 'querylens-pglite-'));
  return new HostDriver({
    name: connection.name,
    kind: 'embedded',
    dialect: 'postgres',
    describe: 'embedded PGlite shadow database',
    open: { op: 'open', backend: 'pglite', dataDir: dir, pgliteModule: pgliteModule(), pgliteExtensions: pgliteExtensionModules() },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  });
}
