/**
 * Recognises the migration folders of a workspace from file names alone, and
 * which tool wrote them.
 *
 * Layouts (one folder = one set; several sets may coexist):
 * - Prisma: `<dir>/<timestamp>_<name>/migration.sql` (+ `<dir>/migration_lock.toml`, its provider).
 * - Flyway: `V<version>__<desc>.sql`, undo `U<version>__<desc>.sql`, any folder.
 *   Repeatable `R__` scripts are not part of the versioned order and are skipped.
 * - golang-migrate: `<n>_<desc>.up.sql` / `.down.sql`, any folder.
 * - sqlx: `<VERSION>_<desc>.sql`, or reversible `<VERSION>_<desc>.up.sql` / `.down.sql`.
 * - drizzle-kit: `<out>/NNNN_<name>.sql` listed by `<out>/meta/_journal.json` (orm/drizzle/migrations.ts).
 * - plain: `001_init.sql`, `0002-add.sql`, or the number alone (`000011.sql`, graphile-worker's), in a folder
 *   named like migrations/migration/db/sql/schema.
 *
 * sqlx and golang-migrate can write the same names. The heuristic: a folder
 * whose versions are all timestamps (14 digits, `YYYYMMDDHHMMSS`, what
 * `sqlx migrate add` writes) is sqlx, with plain `.sql` or `.up.sql`;
 * `.up.sql`/`.down.sql` with small integer versions (`migrate create -seq`)
 * is golang-migrate. Plain `.sql` files with small integers are `plain`.
 *
 * With `configured` folders, only those folders are read, and every `.sql`
 * file in them counts (unnumbered ones ordered by name after numbered ones).
 *
 * Alembic (`versions/*.py` beside `env.py`, see alembic.ts) needs each
 * revision's `revision`/`down_revision`, which only the Python extractor
 * knows: without `revisionOf`, Alembic folders are not detected. A configured
 * folder selects an Alembic set when it is the versions folder or its parent.
 * knex and Kysely migrations (JavaScript and TypeScript modules, see
 * scripts.ts) likewise need `scriptOf`, fed by the TypeScript reader.
 */
import * as path from 'node:path';
import type { Dialect } from '../../../../shared/types';
import type { Migration, MigrationSet, MigrationTool } from '../catalog/types';
import { MAX_CONFIG_BYTES, readTextFileSync } from '../config/read';
import type { MigrationPosition } from '../rules/types';
import { detectAlembic, type RevisionOf, type TextOf } from './alembic';
import { detectScriptMigrations, KNEX_CLIENTS, type ScriptOf } from './scripts';
import { detectDrizzleMigrations } from '../orm/drizzle/migrations';

const PRISMA_FOLDER = /^(\d{8,})_(.+)$/;
/** Prisma runs every folder of `migrations/` in name order: a project may number them itself (`01_init`). */
const PRISMA_NUMBERED_FOLDER = /^(\d+)_(.+)$/;

/** A Prisma migration's folder name (`20240101120000_init`; `01_init` inside a `migrations` folder), as version and description. */
function prismaFolder(dir: string): RegExpExecArray | null {
  return PRISMA_FOLDER.exec(path.basename(dir)) ?? (path.basename(path.dirname(dir)) === 'migrations' ? PRISMA_NUMBERED_FOLDER.exec(path.basename(dir)) : null);
}
const FLYWAY = /^([VU])(\d+(?:[._]\d+)*)__(.+)\.sql$/i;
const UP_DOWN = /^(\d+)_(.+)\.(up|down)\.sql$/i;
const NUMBERED = /^(\d+)(?:[_-](.+))?\.sql$/i;
const PLAIN_FOLDERS = new Set(['migrations', 'migration', 'migrate', 'db', 'sql', 'schema', 'database', 'ddl']);
const TIMESTAMP_DIGITS = 14;

export function detectMigrations(root: string, files: string[], configured?: string[], revisionOf?: RevisionOf, textOf?: TextOf, scriptOf?: ScriptOf): MigrationSet[] {
  const byDir = new Map<string, string[]>();
  for (const file of files.map((f) => path.resolve(f))) {
    const dir = path.dirname(file);
    const list = byDir.get(dir) ?? [];
    list.push(path.basename(file));
    byDir.set(dir, list);
  }
  const wanted = configured?.length ? new Set(configured.map((d) => path.resolve(root, d))) : undefined;
  const sets: MigrationSet[] = [];
  const prismaDirs = new Set<string>();
  const alembicDirs = new Set<string>();

  for (const set of revisionOf ? detectAlembic(root, files, revisionOf, textOf) : []) {
    if (wanted && !wanted.has(set.dir) && !wanted.has(path.dirname(set.dir))) continue;
    alembicDirs.add(set.dir);
    sets.push(set);
  }

  // drizzle-kit: a folder with `meta/_journal.json`, in the journal's order (orm/drizzle/migrations.ts).
  const drizzleDirs = new Set<string>();
  for (const set of textOf ? detectDrizzleMigrations(files.map((f) => path.resolve(root, f)), textOf) : []) {
    if (wanted && !wanted.has(set.dir)) continue;
    drizzleDirs.add(set.dir);
    sets.push(set);
  }

  for (const set of scriptOf ? detectScriptMigrations(files.map((f) => path.resolve(root, f)), scriptOf, root) : []) {
    if (!wanted || wanted.has(set.dir)) sets.push(set);
  }

  // Prisma first: its migration.sql files live one level below the set's folder.
  for (const [dir, names] of byDir) {
    if (!names.includes('migration.sql') || !prismaFolder(dir)) continue;
    prismaDirs.add(path.dirname(dir));
  }
  for (const dir of prismaDirs) {
    if (wanted && !wanted.has(dir)) continue;
    const migrations: Migration[] = [];
    for (const [sub, names] of byDir) {
      const m = prismaFolder(sub);
      if (path.dirname(sub) !== dir || !m || !names.includes('migration.sql')) continue;
      migrations.push({ version: m[1], description: m[2], upFile: path.join(sub, 'migration.sql') });
    }
    sets.push({ tool: 'prisma', dir, migrations: sortByVersion(migrations), provider: prismaProvider(path.join(dir, 'migration_lock.toml'), byDir.get(dir)) });
  }

  for (const [dir, names] of byDir) {
    if (prismaDirs.has(path.dirname(dir)) && prismaFolder(dir)) continue;
    if ((wanted && !wanted.has(dir)) || alembicDirs.has(dir) || drizzleDirs.has(dir)) continue;
    const set = classifyFolder(dir, names.filter((n) => n.toLowerCase().endsWith('.sql')).sort(), !!wanted);
    if (set) sets.push(set);
  }
  // A set in a folder named for one database (wiki.js's `migrations-sqlite/` beside `migrations/`) is the other
  // databases' copy of the schema: applied first, so that the plain set's tables are the catalog's (a later CREATE
  // TABLE of a table wins).
  const rank = (set: MigrationSet) => (DATABASE_FOLDER.test(path.basename(set.dir)) ? 0 : 1);
  return sets.sort((a, b) => rank(a) - rank(b) || (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
}

/** A migrations folder named for one database: `migrations-sqlite`, `migrations_mysql`, `migrations-pg`. */
const DATABASE_FOLDER = /[-_](sqlite3?|mysql|mariadb|maria|mssql|postgres|postgresql|pg)$/i;

function classifyFolder(dir: string, names: string[], configured: boolean): MigrationSet | undefined {
  const flyway = names.filter((n) => FLYWAY.test(n));
  const upDown = names.filter((n) => UP_DOWN.test(n));
  const numbered = names.filter((n) => NUMBERED.test(n) && !UP_DOWN.test(n));
  const best = Math.max(flyway.length, upDown.length, numbered.length);

  if (best > 0 && flyway.length === best) return { tool: 'flyway', dir, migrations: sortByVersion(flywayMigrations(dir, flyway)) };
  if (best > 0 && upDown.length === best) {
    const migrations = upDownMigrations(dir, upDown);
    const tool: MigrationTool = migrations.every((m) => isTimestamp(m.version)) ? 'sqlx' : 'golang-migrate';
    return { tool, dir, migrations: sortByVersion(migrations) };
  }
  const single: Migration[] = numbered.map((n) => {
    const m = NUMBERED.exec(n)!;
    return { version: m[1], description: m[2] ?? '', upFile: path.join(dir, n) };
  });
  if (single.length > 0 && single.every((m) => isTimestamp(m.version)) && numbered.every((n) => /^\d+_/.test(n))) {
    return { tool: 'sqlx', dir, migrations: sortByVersion(single) };
  }
  if (configured) {
    const unnumbered = names.filter((n) => !numbered.includes(n) && !upDown.includes(n) && !flyway.includes(n));
    const rest = unnumbered.map((n) => ({ version: '', description: n.replace(/\.sql$/i, ''), upFile: path.join(dir, n) }));
    if (single.length + rest.length === 0) return undefined;
    return { tool: 'plain', dir, migrations: [...sortByVersion(single), ...rest] };
  }
  if (single.length > 0 && PLAIN_FOLDERS.has(path.basename(dir).toLowerCase())) {
    return { tool: 'plain', dir, migrations: sortByVersion(single) };
  }
  return undefined;
}

function flywayMigrations(dir: string, names: string[]): Migration[] {
  const byVersion = new Map<string, Migration>();
  const undo = new Map<string, string>();
  for (const n of names) {
    const m = FLYWAY.exec(n)!;
    const version = m[2].replace(/_/g, '.'); // what flyway_schema_history.version holds
    if (m[1].toUpperCase() === 'U') undo.set(version, path.join(dir, n));
    else byVersion.set(version, { version, description: m[3], upFile: path.join(dir, n) });
  }
  for (const [version, file] of undo) {
    const migration = byVersion.get(version);
    if (migration) migration.downFile = file;
  }
  return [...byVersion.values()];
}

function upDownMigrations(dir: string, names: string[]): Migration[] {
  const byVersion = new Map<string, Migration>();
  for (const n of names) {
    const m = UP_DOWN.exec(n)!;
    const entry = byVersion.get(m[1]) ?? { version: m[1], description: m[2], upFile: '' };
    if (m[3].toLowerCase() === 'up') entry.upFile = path.join(dir, n);
    else entry.downFile = path.join(dir, n);
    byVersion.set(m[1], entry);
  }
  // A down file without its up applies nothing: not a migration.
  return [...byVersion.values()].filter((m) => m.upFile !== '');
}

const PROVIDERS: Record<string, Dialect> = { ...KNEX_CLIENTS, postgresql: 'postgres', postgres: 'postgres', sqlite: 'sqlite', mysql: 'mysql' };

/** The dialect a set's provider (Prisma's `migration_lock.toml`, a knexfile's `client`) names, if any. */
export function providerDialect(set: MigrationSet): Dialect | undefined {
  return set.provider ? PROVIDERS[set.provider.toLowerCase()] : undefined;
}

function prismaProvider(lockFile: string, namesInDir: string[] | undefined): string | undefined {
  if (!namesInDir?.includes('migration_lock.toml')) return undefined;
  const { text } = readTextFileSync(lockFile, { maxBytes: MAX_CONFIG_BYTES });
  return text === undefined ? undefined : /^\s*provider\s*=\s*"([^"]+)"/m.exec(text)?.[1];
}

export function isTimestamp(version: string): boolean {
  return /^\d+$/.test(version) && version.length >= TIMESTAMP_DIGITS;
}

/**
 * Numeric comparison of dotted versions: `1.10` after `1.9`, `0010` after `9`. Part by part (`.` or `_`
 * between them); a part that is no number, or is missing, comes before every number. Read in place, without
 * splitting the versions: each index fix compares the set's every version (documenso's check: 27,000
 * comparisons, which made 18 MB of parts).
 */
export function compareVersions(a: string, b: string): number {
  let i = 0;
  let j = 0;
  // A version of n separators has n + 1 parts: one starts at each index up to its length.
  while (i <= a.length || j <= b.length) {
    const endA = i <= a.length ? partEnd(a, i) : -1;
    const endB = j <= b.length ? partEnd(b, j) : -1;
    const order = compareParts(a, i, endA, b, j, endB);
    if (order !== 0) return order;
    i = endA < 0 ? i : endA + 1;
    j = endB < 0 ? j : endB + 1;
  }
  return 0;
}

/** Where the part of `version` starting at `from` ends: its next `.` or `_`, else its end. */
function partEnd(version: string, from: number): number {
  let at = from;
  while (at < version.length && version[at] !== '.' && version[at] !== '_') at++;
  return at;
}

/** The order of two parts, `[i, endA)` of `a` and `[j, endB)` of `b` (an end below 0: no such part). */
function compareParts(a: string, i: number, endA: number, b: string, j: number, endB: number): number {
  const x = endA >= 0 && isNumber(a, i, endA);
  const y = endB >= 0 && isNumber(b, j, endB);
  if (!x || !y) return x === y ? 0 : x ? 1 : -1;
  // Leading zeros aside, the longer number is the larger; of two as long, the first digit that differs tells.
  while (i < endA - 1 && a[i] === '0') i++;
  while (j < endB - 1 && b[j] === '0') j++;
  if (endA - i !== endB - j) return endA - i < endB - j ? -1 : 1;
  for (; i < endA; i++, j++) if (a[i] !== b[j]) return a[i]! < b[j]! ? -1 : 1;
  return 0;
}

function isNumber(text: string, from: number, end: number): boolean {
  if (end === from) return false;
  for (let at = from; at < end; at++) if (text[at]! < '0' || text[at]! > '9') return false;
  return true;
}

function sortByVersion(migrations: Migration[]): Migration[] {
  return migrations.sort((a, b) => compareVersions(a.version, b.version) || (a.upFile < b.upFile ? -1 : a.upFile > b.upFile ? 1 : 0));
}

/** Where `file` sits among the sets: the migration it applies (or reverts), if any. */
export function migrationPositionOf(sets: MigrationSet[], file: string): Omit<MigrationPosition, 'order' | 'shipped'> | undefined {
  const target = path.resolve(file);
  for (const set of sets) {
    const index = set.migrations.findIndex((m) => m.upFile === target || m.downFile === target);
    if (index >= 0) return { set, index, isDown: set.migrations[index].downFile === target };
  }
  return undefined;
}
