/**
 * Migrations written as JavaScript or TypeScript modules: knex and Kysely.
 * Which file is one, and of which tool, comes from the caller (`scriptOf`,
 * fed by the TypeScript reader host/typescript/migrations.ts): this module
 * reads no code.
 *
 * Order: both tools run a folder's files in the order of their names (knex's
 * file system source sorts by file name, Kysely's Migrator sorts the names
 * `FileMigrationProvider` gives, which are the file names without their
 * extension). The version is what the tool records in its table: knex's
 * `knex_migrations.name` is the file name, Kysely's `kysely_migration.name`
 * the name without its extension.
 *
 * New migrations (an index fix) are written in the folder's own language and
 * module style:
 * - knex: `<YYYYMMDDHHMMSS>_<slug>.<ext>` (what `knex migrate:make` names), with
 *   `config = { transaction: false }` (knex then runs that file outside its
 *   migration transaction) and `knex.raw('CREATE INDEX CONCURRENTLY ...')` in
 *   `up`, `DROP INDEX CONCURRENTLY IF EXISTS` in `down`.
 * - Kysely: Kysely's Migrator runs the migrations in one transaction on
 *   PostgreSQL unless the project creates it with `disableTransactions: true`,
 *   a setting of the runner, not of a file: no migration can step out of it,
 *   and CREATE INDEX CONCURRENTLY fails in it. So the new migration builds the
 *   index with a plain `CREATE INDEX` (writes wait for the build), and says so;
 *   when the project's Migrator runs without transactions (`noTransaction`: the
 *   module above the folder that creates it passes `disableTransactions: true`),
 *   CONCURRENTLY.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Dialect, MigrationChange } from '../../../../shared/types';
import { MAX_CONFIG_BYTES, readTextFileSync } from '../config/read';
import type { Migration, MigrationSet } from '../catalog/types';
import { createIndexStatement, dropIndexStatement, needsTrigram, slugOf } from './sql';
import type { MigrationPlan } from './writer';

export type ScriptTool = 'knex' | 'kysely' | 'typeorm';

export interface ScriptFileInfo {
  /** Undefined: a module that exports `up` but shows neither tool: it belongs to its folder's set, if the folder has one. */
  tool: ScriptTool | undefined;
  /** TypeORM: the migration's name (its class name), what TypeORM orders by (the last 13 digits) and records. */
  name?: string;
  module: 'esm' | 'cjs';
  /** The extension with its dot (`.ts`, `.js`, `.mjs`, ...). */
  extension: string;
  /** knex: the tracking table the knexfile naming this file's folder sets (`migrations.tableName`). */
  table?: string;
}

export type ScriptOf = (file: string) => ScriptFileInfo | undefined;

/** Extensions both tools load (knex: `loadExtensions`; Kysely: `FileMigrationProvider`), declaration files left out. */
const SCRIPT = /\.(?:[cm]?[jt]s)$/i;

export function isScriptFile(file: string): boolean {
  return SCRIPT.test(file) && !/\.d\.[cm]?ts$/i.test(file);
}

/** `20240101120000_create_users.js` → `create_users`; `2024-01-01-users.ts` → `users`. */
function descriptionOf(name: string): string {
  const base = name.replace(SCRIPT, '');
  return base.replace(/^[\d_.T:-]+(?=[A-Za-z])/, '').replace(/^[_-]+/, '') || base;
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** knex's client names → the database they drive (`client` of a knexfile). */
export const KNEX_CLIENTS: Record<string, Dialect> = {
  pg: 'postgres', postgres: 'postgres', postgresql: 'postgres', pgnative: 'postgres', cockroachdb: 'postgres',
  sqlite3: 'sqlite', 'better-sqlite3': 'sqlite', mysql: 'mysql', mysql2: 'mysql',
};

const KNEXFILE = /^knexfile\.[cm]?[jt]s$/;

/** `knexfile.js`, `knexfile.ts`, `knexfile.mjs`...: knex's configuration module. */
export function isKnexfile(file: string): boolean {
  return KNEXFILE.test(path.basename(file));
}

/**
 * The `client` the nearest knexfile (in the set's folder or above it, up to
 * `root`) names, when its environments all name one database (`pg` in
 * development and production); a tiny reader of `client: '...'` properties.
 */
function knexClient(dir: string, root: string): string | undefined {
  const top = path.resolve(root);
  for (let at = dir; ; at = path.dirname(at)) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(at).filter((n) => KNEXFILE.test(n));
    } catch {
      // an unreadable folder names no client
    }
    for (const name of names) {
      const { text } = readTextFileSync(path.join(at, name), { maxBytes: MAX_CONFIG_BYTES });
      const clients = [...(text ?? '').matchAll(/\bclient\s*:\s*['"]([\w-]+)['"]/g)].map((m) => m[1]!.toLowerCase()).filter((c) => KNEX_CLIENTS[c]);
      if (clients.length > 0) return new Set(clients.map((c) => KNEX_CLIENTS[c])).size === 1 ? clients[0] : undefined;
    }
    if (at === top || path.dirname(at) === at || !at.startsWith(top)) return undefined;
  }
}

/**
 * Whether the project runs its Kysely migrations without transactions: the
 * nearest module above the set's folder (up to `root`) that creates the
 * Migrator (`new Migrator({...})`, kysely-ctl's `defineConfig`) passes
 * `disableTransactions: true`.
 */
function kyselyWithoutTransactions(dir: string, root: string): boolean {
  const top = path.resolve(root);
  for (let at = path.dirname(dir); at.startsWith(top); at = path.dirname(at)) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(at).filter((n) => isScriptFile(n)).sort();
    } catch {
      // an unreadable folder creates no Migrator
    }
    for (const name of names) {
      const { text } = readTextFileSync(path.join(at, name), { maxBytes: MAX_CONFIG_BYTES });
      if (text !== undefined && /\bnew\s+Migrator\s*\(|\bdefineConfig\s*\(/.test(text) && /\bkysely\b/.test(text)) return /\bdisableTransactions\s*:\s*true\b/.test(text);
    }
    if (at === top || path.dirname(at) === at) break;
  }
  return false;
}

/** TypeORM's order key: the name's last 13 digits (MigrationExecutor.getMigrations); names without one sort first. */
function typeOrmTimestamp(name: string): number {
  const digits = /(\d{13})$/.exec(name)?.[1];
  return digits ? Number(digits) : 0;
}

/** `AddUserTable1700000000000` → `AddUserTable`. */
function typeOrmDescription(name: string): string {
  return name.replace(/\d{13}$/, '') || name;
}

/** The transaction modes that let a TypeORM migration say `transaction = false` (in the default, 'all', TypeORM refuses it). */
const TYPEORM_MODES = /\bmigrationsTransactionMode\s*:\s*['"](each|none)['"]/;
/** The CLI's `migration:run -t each` / `--transaction none`. */
const TYPEORM_CLI_MODES = /migration:run[^"&|;]*\s(?:-t|--transaction)[\s=]+['"]?(each|none)\b/;

/**
 * Whether the project runs its TypeORM migrations in the 'each' or 'none'
 * transaction mode: the DataSource options (a module in the set's folder's
 * parents, up to `root`, or in a `config`/`database`/`db` folder beside them)
 * say `migrationsTransactionMode: 'each'`, or the package.json script that runs
 * the migrations passes `-t each`. In the default mode ('all': every pending
 * migration in one transaction), TypeORM 1.1.1 throws
 * ForbiddenTransactionModeOverrideError for a migration that sets
 * `transaction`, so a migration can only leave the transaction in those modes.
 */
function typeOrmWithoutTransactions(dir: string, root: string): boolean {
  const top = path.resolve(root);
  for (let at = path.dirname(dir); at.startsWith(top); at = path.dirname(at)) {
    const folders = [at, ...['config', 'database', 'db', 'data-source', 'typeorm'].map((f) => path.join(at, f))];
    for (const folder of folders) {
      let names: string[] = [];
      try {
        names = fs.readdirSync(folder).filter((n) => isScriptFile(n) || n === 'package.json').sort();
      } catch {
        // an unreadable (or missing) folder says nothing
      }
      for (const name of names) {
        const { text } = readTextFileSync(path.join(folder, name), { maxBytes: MAX_CONFIG_BYTES });
        if (text === undefined) continue;
        if (name === 'package.json' ? TYPEORM_CLI_MODES.test(text) : /\bmigrations\b/.test(text) && TYPEORM_MODES.test(text)) return true;
      }
    }
    if (at === top || path.dirname(at) === at) break;
  }
  return false;
}

/** The knex and Kysely sets among `files`: one per folder, of the tool most of its files are written for; a knex set's `provider` is its knexfile's client. */
export function detectScriptMigrations(files: string[], scriptOf: ScriptOf, root?: string): MigrationSet[] {
  const byDir = new Map<string, { name: string; info: ScriptFileInfo }[]>();
  for (const file of files) {
    if (!isScriptFile(file)) continue;
    const info = scriptOf(file);
    if (!info) continue;
    const dir = path.dirname(file);
    const list = byDir.get(dir) ?? [];
    list.push({ name: path.basename(file), info });
    byDir.set(dir, list);
  }
  const sets: MigrationSet[] = [];
  for (const [dir, entries] of byDir) {
    const knex = entries.filter((e) => e.info.tool === 'knex').length;
    const kysely = entries.filter((e) => e.info.tool === 'kysely').length;
    const typeorm = entries.filter((e) => e.info.tool === 'typeorm').length;
    if (knex + kysely + typeorm === 0) continue;
    const tool: ScriptTool = typeorm > knex && typeorm > kysely ? 'typeorm' : knex >= kysely ? 'knex' : 'kysely';
    // TypeORM runs its migration classes in the order of their names' timestamps (the last 13 digits), not of their files'.
    const own = tool === 'typeorm'
      ? entries.filter((e) => e.info.tool === 'typeorm').sort((a, b) => typeOrmTimestamp(a.info.name!) - typeOrmTimestamp(b.info.name!) || byName(a.name, b.name))
      : entries.filter((e) => e.info.tool === tool || e.info.tool === undefined).sort((a, b) => byName(a.name, b.name));
    const migrations: Migration[] = own.map(({ name, info }) => ({
      version: tool === 'knex' ? name : tool === 'typeorm' ? info.name! : name.slice(0, name.lastIndexOf('.')),
      description: tool === 'typeorm' ? typeOrmDescription(info.name!) : descriptionOf(name),
      upFile: path.join(dir, name),
    }));
    const last = own.filter((e) => e.info.tool === tool).pop()!.info;
    const client = tool === 'knex' && root !== undefined ? knexClient(dir, root) : undefined;
    const noTransaction = (tool === 'kysely' && root !== undefined && kyselyWithoutTransactions(dir, root)) || (tool === 'typeorm' && root !== undefined && typeOrmWithoutTransactions(dir, root));
    const table = tool === 'knex' ? own.find((e) => e.info.table)?.info.table : undefined;
    sets.push({
      tool, dir, migrations, script: { module: last.module, extension: last.extension },
      ...(client ? { provider: client } : {}), ...(noTransaction ? { noTransaction } : {}), ...(table ? { table } : {}),
    });
  }
  return sets.sort((a, b) => byName(a.dir, b.dir));
}

/** `YYYYMMDDHHMMSS` in UTC. */
function utcStamp(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * The name prefixes of the next `count` migrations: in the numbering the
 * folder's last file uses (a 14-digit UTC timestamp, 13-digit epoch
 * milliseconds, a zero-padded sequence number), always sorting after every
 * existing name (both tools run files in name order).
 */
function nextPrefixes(set: MigrationSet, now: Date, count: number): string[] {
  const names = set.migrations.map((m) => path.basename(m.upFile)).sort(byName);
  const last = names[names.length - 1];
  const digits = last ? /^\d+/.exec(last)?.[0] : undefined;
  let first: bigint;
  let width = 14;
  if (digits === undefined || digits.length === 14) first = BigInt(utcStamp(now));
  else if (digits.length === 13) {
    first = BigInt(now.getTime());
    width = 13;
  } else {
    first = BigInt(digits) + 1n;
    width = digits.length;
  }
  if (digits !== undefined && digits.length === width && first <= BigInt(digits)) first = BigInt(digits) + 1n;
  return Array.from({ length: count }, (_, i) => String(first + BigInt(i)).padStart(width, '0'));
}

/** A single-quoted JavaScript string literal. */
export function jsString(text: string): string {
  return `'${text.replace(/[\\'\u0000-\u001f\u2028\u2029]/g, (c) => (c === '\\' ? '\\\\' : c === "'" ? "\\'" : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))}'`;
}

/** A template literal's text: backquotes, `${` and backslashes escaped. */
function templateText(text: string): string {
  return text.replace(/[\\`]|\$\{/g, (c) => (c === '${' ? '\\${' : `\\${c}`));
}

const KNEX_NOTE = [
  'CREATE INDEX CONCURRENTLY does not block writes to the table, but cannot run in a',
  "transaction block: `config.transaction = false` makes knex run this file outside one.",
];

function knexFile(set: MigrationSet, up: string[], down: string[], transaction: boolean): string {
  const ts = /\.[cm]?ts$/.test(set.script?.extension ?? '.js');
  const esm = set.script?.module === 'esm' || /\.m[jt]s$/.test(set.script?.extension ?? '');
  const raw = (lines: string[]) => lines.map((s) => `  await knex.raw(${jsString(s)});`);
  const note = transaction ? [] : KNEX_NOTE.map((l) => `// ${l}`);
  if (ts && esm) {
    return [
      "import type { Knex } from 'knex';",
      '',
      ...note,
      ...(transaction ? [] : ['export const config = { transaction: false };', '']),
      'export async function up(knex: Knex): Promise<void> {',
      ...raw(up),
      '}',
      '',
      'export async function down(knex: Knex): Promise<void> {',
      ...raw(down),
      '}',
      '',
    ].join('\n');
  }
  const typed = ts ? ': Knex' : '';
  const doc = ts ? [] : ['/**', ' * @param { import("knex").Knex } knex', ' * @returns { Promise<void> }', ' */'];
  if (esm) {
    return [
      ...note,
      ...(transaction ? [] : ['export const config = { transaction: false };', '']),
      ...doc,
      `export async function up(knex${typed}) {`,
      ...raw(up),
      '}',
      '',
      ...doc,
      `export async function down(knex${typed}) {`,
      ...raw(down),
      '}',
      '',
    ].join('\n');
  }
  return [
    ...(ts ? ["import type { Knex } from 'knex';", ''] : []),
    ...note,
    ...(transaction ? [] : ['exports.config = { transaction: false };', '']),
    ...doc,
    `exports.up = async function (knex${typed}) {`,
    ...raw(up),
    '};',
    '',
    ...doc,
    `exports.down = async function (knex${typed}) {`,
    ...raw(down),
    '};',
    '',
  ].join('\n');
}

const KYSELY_NOTE = [
  "Kysely's Migrator runs migrations in a transaction on PostgreSQL (unless it is created",
  'with `disableTransactions: true`), where CREATE INDEX CONCURRENTLY cannot run: this',
  'index is built with a plain CREATE INDEX, which makes writes to the table wait for the build.',
];

function kyselyFile(set: MigrationSet, up: string[], down: string[], plain: boolean): string {
  const ts = /\.[cm]?ts$/.test(set.script?.extension ?? '.ts');
  const cjs = set.script?.module === 'cjs' && !/\.m[jt]s$/.test(set.script?.extension ?? '');
  const run = (lines: string[]) => lines.map((s) => `  await sql\`${templateText(s)}\`.execute(db);`);
  const param = ts ? 'db: Kysely<any>' : 'db';
  const returns = ts ? ': Promise<void>' : '';
  const note = plain ? [...KYSELY_NOTE.map((l) => `// ${l}`), '// querylens-ignore non-concurrent-index-creation'] : [];
  const head = cjs
    ? [ts ? "import { type Kysely, sql } from 'kysely';" : "const { sql } = require('kysely');", '']
    : [ts ? "import { type Kysely, sql } from 'kysely';" : "import { sql } from 'kysely';", ''];
  const exported = (name: string) => (cjs && !ts ? `exports.${name} = async function (${param})${returns} {` : `export async function ${name}(${param})${returns} {`);
  const end = cjs && !ts ? '};' : '}';
  // The note sits right above the statement it is about (a suppression covers the next line).
  const upBody = run(up);
  if (note.length > 0) upBody.splice(upBody.length - 1, 0, ...note.map((l) => `  ${l}`));
  return [...head, exported('up'), ...upBody, end, '', exported('down'), ...run(down), end, ''].join('\n');
}

const TYPEORM_NOTE = [
  "TypeORM runs pending migrations in one transaction by default (migrationsTransactionMode 'all'),",
  'where CREATE INDEX CONCURRENTLY cannot run, and refuses a migration that sets `transaction`: this',
  'index is built with a plain CREATE INDEX, which makes writes to the table wait for the build.',
];

/** `add_index_tasks_planner_id` → `AddIndexTasksPlannerId`. */
function pascal(slug: string): string {
  return slug.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('') || 'Migration';
}

/**
 * A TypeORM migration class (what `typeorm migration:create` writes: `<ms>-<Name>.ts`,
 * class `<Name><ms>`), its SQL through `queryRunner.query`. With `transaction = false`
 * when the project runs migrations in the 'each' or 'none' mode (then CONCURRENTLY).
 */
function typeOrmFile(set: MigrationSet, className: string, up: string[], down: string[], concurrently: boolean, plain: boolean): string {
  const ts = /\.[cm]?ts$/.test(set.script?.extension ?? '.ts');
  const cjs = set.script?.module === 'cjs' && !ts;
  const run = (lines: string[]) => lines.map((s) => `    await queryRunner.query(\`${templateText(s)}\`);`);
  const param = ts ? 'queryRunner: QueryRunner' : 'queryRunner';
  const returns = ts ? ': Promise<void>' : '';
  const upBody = run(up);
  if (plain) upBody.splice(upBody.length - 1, 0, ...[...TYPEORM_NOTE, 'querylens-ignore non-concurrent-index-creation'].map((l) => `    // ${l}`));
  const head = ts ? ["import { MigrationInterface, QueryRunner } from 'typeorm';", ''] : [];
  const declaration = cjs ? `module.exports = class ${className} {` : `export class ${className}${ts ? ' implements MigrationInterface' : ''} {`;
  return [
    ...head,
    declaration,
    `  name = ${jsString(className)};`,
    ...(concurrently ? ['', '  // CREATE INDEX CONCURRENTLY cannot run in a transaction block: TypeORM runs this migration outside one.', '  transaction = false;'] : []),
    '',
    `  public async up(${param})${returns} {`.replace(ts ? '' : 'public ', ''),
    ...upBody,
    '  }',
    '',
    `  public async down(${param})${returns} {`.replace(ts ? '' : 'public ', ''),
    ...run(down),
    '  }',
    cjs ? '};' : '}',
    '',
  ].join('\n');
}

/** Timestamps (ms) after every migration's of the set and not before `now`. */
function nextTimestamps(set: MigrationSet, now: Date, count: number): number[] {
  const last = Math.max(0, ...set.migrations.map((m) => Number(/(\d{13})$/.exec(m.version)?.[1] ?? 0)));
  const first = Math.max(now.getTime(), last + 1);
  return Array.from({ length: count }, (_, i) => first + i);
}

/** New knex, Kysely or TypeORM migrations for `changes`, one plan per change (a trigram index: the extension in the same file first). */
export function planScriptMigrations(set: MigrationSet, changes: MigrationChange[], dialect: Dialect, now: Date): MigrationPlan[] {
  if (set.tool === 'typeorm') return planTypeOrmMigrations(set, changes, dialect, now);
  const prefixes = nextPrefixes(set, now, changes.length);
  const extension = set.script?.extension ?? (set.tool === 'kysely' ? '.ts' : '.js');
  return changes.map((change, i) => {
    const postgres = dialect === 'postgres';
    const concurrently = postgres && (set.tool === 'knex' || set.noTransaction === true);
    const [up, down] = indexStatements(change, dialect, concurrently);
    const content = set.tool === 'knex' ? knexFile(set, up, down, !concurrently) : kyselyFile(set, up, down, postgres && !concurrently && change.kind === 'createIndex');
    const file = path.join(set.dir, `${prefixes[i]}_${slugOf(change)}${extension}`);
    return { files: [{ file, content }], open: file };
  });
}

/** A change's up and down statements (no `;`): a trigram index creates pg_trgm first on PostgreSQL; dropping an index is undone by creating it. */
function indexStatements(change: MigrationChange, dialect: Dialect, concurrently: boolean): [string[], string[]] {
  const { index } = change;
  const strip = (s: string) => s.replace(/;$/, '');
  const create = strip(createIndexStatement(index, dialect, { concurrently }));
  const drop = strip(dropIndexStatement(index, dialect, { concurrently }));
  const extensionFirst = dialect === 'postgres' && change.kind === 'createIndex' && needsTrigram(index) ? ['CREATE EXTENSION IF NOT EXISTS pg_trgm'] : [];
  return change.kind === 'createIndex' ? [[...extensionFirst, create], [drop]] : [[drop], [create]];
}

function planTypeOrmMigrations(set: MigrationSet, changes: MigrationChange[], dialect: Dialect, now: Date): MigrationPlan[] {
  const stamps = nextTimestamps(set, now, changes.length);
  const extension = set.script?.extension ?? '.ts';
  return changes.map((change, i) => {
    const postgres = dialect === 'postgres';
    const concurrently = postgres && set.noTransaction === true;
    const [up, down] = indexStatements(change, dialect, concurrently);
    const name = pascal(slugOf(change));
    const className = `${name}${stamps[i]}`;
    const content = typeOrmFile(set, className, up, down, concurrently, postgres && !concurrently && change.kind === 'createIndex');
    const file = path.join(set.dir, `${stamps[i]}-${name}${extension}`);
    return { files: [{ file, content }], open: file };
  });
}
