/**
 * Alembic: finding a project's revision folders, ordering its revisions along
 * `down_revision`, and writing a new revision that creates an index.
 *
 * Where the revisions are: `versions/` beside an `env.py` (what `alembic init`
 * writes), or the folders an `alembic.ini` names (`version_locations`, else
 * `<script_location>/versions`). Which `.py` file is a revision, and what it
 * revises, comes from the caller (`revisionOf`, fed by the Python extractor):
 * this module reads no Python. New revisions are proven with real Alembic
 * (test/unit/migrations/alembic.real.pg.test.ts).
 *
 * Order: a topological sort of the revision graph, root first, a merge
 * revision after all its parents, ties by file path. Several heads (unmerged
 * branches) are allowed and recorded in `MigrationSet.heads`.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Dialect, IndexDefinition, MigrationChange } from '../../../../shared/types';
import { MAX_CONFIG_BYTES, readTextFileSync } from '../config/read';
import type { Migration, MigrationSet } from '../catalog/types';
import { commentSafe, needsTrigram, slugOf } from './sql';
import type { MigrationPlan } from './writer';

export interface RevisionInfo {
  revision: string;
  /** `None` → null; a tuple for merge revisions. */
  downRevision: string | string[] | null;
}

export type RevisionOf = (file: string) => RevisionInfo | undefined;
/** The text of a file as the workspace read it (undefined: read it from disk). */
export type TextOf = (file: string) => string | undefined;

export function detectAlembic(root: string, files: string[], revisionOf: RevisionOf, textOf?: TextOf): MigrationSet[] {
  const byDir = new Map<string, string[]>();
  for (const file of files.map((f) => path.resolve(root, f))) {
    const list = byDir.get(path.dirname(file)) ?? [];
    list.push(path.basename(file));
    byDir.set(path.dirname(file), list);
  }
  const candidates = new Set<string>();
  for (const [dir, names] of byDir) {
    if (path.basename(dir) === 'versions' && (byDir.get(path.dirname(dir))?.includes('env.py') || fs.existsSync(path.join(path.dirname(dir), 'env.py')))) {
      candidates.add(dir);
    }
    if (names.includes('alembic.ini')) {
      const ini = path.join(dir, 'alembic.ini');
      for (const d of versionDirsOfIni(ini, textOf?.(ini))) candidates.add(d);
    }
  }
  const sets: MigrationSet[] = [];
  for (const dir of [...candidates].sort()) {
    const revisions: { file: string; info: RevisionInfo }[] = [];
    for (const name of (byDir.get(dir) ?? []).filter((n) => n.endsWith('.py') && n !== '__init__.py').sort()) {
      const file = path.join(dir, name);
      const info = revisionOf(file);
      if (info?.revision) revisions.push({ file, info });
    }
    if (revisions.length > 0) {
      const set = orderRevisions(dir, revisions);
      const template = fileTemplateOf(dir, path.resolve(root), byDir);
      sets.push(template ? { ...set, fileTemplate: template } : set);
    }
  }
  return sets;
}

/**
 * The `file_template` of the `alembic.ini` nearest above a versions folder, within the workspace
 * (`%%(year)d-%%(month).2d-%%(day).2d_%%(rev)s`), with the INI's `%%` read
 * as `%`; undefined when none says (Alembic's default `%(rev)s_%(slug)s`).
 */
function fileTemplateOf(versions: string, root: string, byDir: Map<string, string[]>): string | undefined {
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  for (let dir = path.dirname(versions); dir === root || dir.startsWith(prefix); dir = path.dirname(dir)) {
    const ini = path.join(dir, 'alembic.ini');
    if (byDir.get(dir)?.includes('alembic.ini') || fs.existsSync(ini)) {
      const { text } = readTextFileSync(ini, { maxBytes: MAX_CONFIG_BYTES });
      let section = '';
      for (const raw of (text ?? '').split(/\r?\n/)) {
        const line = raw.trim();
        const header = /^\[([^\]]+)\]$/.exec(line);
        if (header) section = header[1].trim();
        const kv = section === 'alembic' ? /^file_template\s*[=:]\s*(.+)$/.exec(line) : null;
        if (kv) return kv[1].trim().replace(/%%/g, '%');
      }
      return undefined;
    }
    if (dir === root) break;
  }
  return undefined;
}

/** A revision's file name by Alembic's `file_template` (Python `%`-format of rev, slug and the date parts, UTC here). */
export function revisionFileName(template: string | undefined, revision: string, slug: string, now: Date): string {
  const values: Record<string, string | number> = {
    rev: revision, slug, epoch: Math.floor(now.getTime() / 1000),
    year: now.getUTCFullYear(), month: now.getUTCMonth() + 1, day: now.getUTCDate(),
    hour: now.getUTCHours(), minute: now.getUTCMinutes(), second: now.getUTCSeconds(),
  };
  const name = (template ?? '%(rev)s_%(slug)s').replace(/%\((\w+)\)(0?)(\d*)(?:\.(\d+))?([sd])/g, (whole, key: string, zero: string, width: string, precision: string, kind: string) => {
    const value = values[key];
    if (value === undefined) return whole;
    let text = kind === 'd' ? String(Math.trunc(Number(value))).padStart(Number(precision || 0), '0') : String(value);
    if (width) text = text.padStart(Number(width), zero ? '0' : ' ');
    return text;
  });
  return `${name.replace(/[\\/]/g, '_')}.py`;
}

/**
 * The folders an `alembic.ini` keeps revisions in. A tiny INI reader: the
 * `[alembic]` section's `script_location` and `version_locations`, with
 * `%(here)s` (the ini's folder). `package:path` locations are read as folders
 * below the ini (`myapp.db:migrations` → `myapp/db/migrations`). Its text as
 * the workspace read it (so an in-memory workspace and the product read the
 * same), else from disk.
 */
export function versionDirsOfIni(iniFile: string, known?: string): string[] {
  const text = known ?? readTextFileSync(iniFile, { maxBytes: MAX_CONFIG_BYTES }).text;
  if (text === undefined) return [];
  const here = path.dirname(iniFile);
  const options = new Map<string, string>();
  let section = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) section = header[1].trim();
    else if (section === 'alembic') {
      const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
      if (kv) options.set(kv[1].toLowerCase(), kv[2]);
    }
  }
  const resolve = (value: string) => {
    const v = value.replace(/%\(here\)s/g, here);
    const pkg = /^([\w.]+):(.+)$/.exec(v);
    return path.resolve(here, pkg && !/^[A-Za-z]$/.test(pkg[1]) ? path.join(...pkg[1].split('.'), pkg[2]) : v);
  };
  const locations = options.get('version_locations');
  if (locations) return locations.split(/[\s,;]+/).filter(Boolean).map(resolve);
  const script = options.get('script_location');
  return script ? [path.join(resolve(script), 'versions')] : [];
}

function parentsOf(info: RevisionInfo): string[] {
  const down = info.downRevision;
  return down === null ? [] : typeof down === 'string' ? [down] : [...down];
}

/** `<rev>_<slug>.py` → `slug`; other file templates keep the name, minus the revision id where it appears. */
function descriptionOf(file: string, revision: string): string {
  const base = path.basename(file, '.py');
  if (base.startsWith(`${revision}_`)) return base.slice(revision.length + 1);
  return base.replace(`_${revision}_`, '_').replace(revision, '').replace(/^_+|_+$/g, '') || base;
}

/**
 * Kahn's algorithm: a revision is ready once every parent present in the
 * folder is placed. Parents that are not there (another version location, a
 * deleted file) do not hold a revision back. Revisions in a cycle, or sharing
 * an id with an earlier file, follow in file order so nothing is lost.
 */
function orderRevisions(dir: string, revisions: { file: string; info: RevisionInfo }[]): MigrationSet {
  const byId = new Map<string, { file: string; info: RevisionInfo }>();
  const duplicates: { file: string; info: RevisionInfo }[] = [];
  for (const r of revisions) {
    if (byId.has(r.info.revision)) duplicates.push(r);
    else byId.set(r.info.revision, r);
  }
  const waiting = new Map<string, number>();
  const children = new Map<string, string[]>();
  for (const [id, r] of byId) {
    const parents = parentsOf(r.info).filter((p) => byId.has(p));
    waiting.set(id, parents.length);
    for (const p of parents) children.set(p, [...(children.get(p) ?? []), id]);
  }
  const byFile = (a: string, b: string) => (byId.get(a)!.file < byId.get(b)!.file ? -1 : 1);
  const ready = [...waiting].filter(([, n]) => n === 0).map(([id]) => id).sort(byFile);
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    order.push(id);
    for (const child of children.get(id) ?? []) {
      const left = waiting.get(child)! - 1;
      waiting.set(child, left);
      if (left === 0) {
        ready.push(child);
        ready.sort(byFile);
      }
    }
  }
  const placed = new Set(order);
  const stuck = [...byId.keys()].filter((id) => !placed.has(id)).sort(byFile);
  const entries = [...order, ...stuck].map((id) => byId.get(id)!).concat(duplicates);
  const migrations: Migration[] = entries.map(({ file, info }) => ({
    version: info.revision,
    description: descriptionOf(file, info.revision),
    upFile: file,
    parents: parentsOf(info),
  }));
  const revised = new Set(migrations.flatMap((m) => m.parents ?? []));
  const heads = [...new Set(migrations.map((m) => m.version))].filter((id) => !revised.has(id));
  return { tool: 'alembic', dir, migrations, heads };
}

/** The heads a new revision revises: `set.heads`, else worked out from the parents, else the last revision. */
export function headsOf(set: MigrationSet): string[] {
  if (set.heads) return set.heads;
  const revised = new Set(set.migrations.flatMap((m) => m.parents ?? []));
  const heads = set.migrations.map((m) => m.version).filter((v) => v && !revised.has(v));
  return heads.length > 0 || set.migrations.length === 0 ? heads : [set.migrations[set.migrations.length - 1].version];
}

/**
 * A fresh 12-hex revision id, like Alembic's `uuid4().hex[-12:]`, but derived
 * from `seed` (time, suggestion, heads) so that one request always writes the
 * same file; re-hashed while it collides with an existing revision.
 */
export function newRevisionId(seed: string, taken: ReadonlySet<string>): string {
  for (let i = 0; ; i++) {
    const id = crypto.createHash('sha256').update(`${seed}\n${i}`).digest('hex').slice(0, 12);
    if (!taken.has(id)) return id;
  }
}

export interface AlembicPlanOptions {
  /** Overrides the revision ids (tests, or a caller that wants Alembic's random ids). */
  revisionId?: (seed: string, taken: ReadonlySet<string>) => string;
}

/** A Python string literal: every character that could end it or the line is escaped. */
export function py(text: string): string {
  const escaped = text.replace(/[\\'\u0000-\u001f\u007f\u2028\u2029]/g, (c) =>
    c === '\\' ? '\\\\' : c === "'" ? "\\'" : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `'${escaped}'`;
}

/** Alembic's `Create Date`, `str(datetime)` style (UTC here; Alembic writes local time). */
function createDate(now: Date): string {
  const iso = now.toISOString();
  const ms = now.getUTCMilliseconds();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${ms ? `.${String(ms * 1000).padStart(6, '0')}` : ''}`;
}

/** `op.create_index(...)` of the index, with its PostgreSQL options. */
function createCall(index: IndexDefinition, dialect: Dialect): string {
  const postgres = dialect === 'postgres';
  const parts = index.table.split('.');
  const args = [py(index.name), py(parts[parts.length - 1]), `[${index.keys.map((k) => py(k.column)).join(', ')}]`, 'unique=False'];
  if (parts.length > 1) args.push(`schema=${py(parts.slice(0, -1).join('.'))}`);
  const method = index.method?.toLowerCase();
  if (postgres && method && method !== 'btree') args.push(`postgresql_using=${py(method)}`);
  const ops = index.keys.filter((k) => k.opclass);
  if (postgres && ops.length > 0) args.push(`postgresql_ops={${ops.map((k) => `${py(k.column)}: ${py(k.opclass!)}`).join(', ')}}`);
  const options = Object.entries(index.options ?? {});
  if (postgres && options.length > 0) args.push(`postgresql_with=${pyDict(options)}`);
  if (postgres) args.push('postgresql_concurrently=True');
  return `op.create_index(${args.join(', ')})`;
}

function dropCall(index: IndexDefinition, dialect: Dialect): string {
  const parts = index.table.split('.');
  const args = [py(index.name), `table_name=${py(parts[parts.length - 1])}`];
  if (parts.length > 1) args.push(`schema=${py(parts.slice(0, -1).join('.'))}`);
  if (dialect === 'postgres') args.push('postgresql_concurrently=True');
  return `op.drop_index(${args.join(', ')})`;
}

/** The body of upgrade() or downgrade(): on PostgreSQL the call in an autocommit block. */
function body(call: string, dialect: Dialect, extension: boolean): string[] {
  if (dialect !== 'postgres') return [`    ${call}`];
  return [
    ...(extension ? ["    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')"] : []),
    '    # CONCURRENTLY does not block writes, but cannot run in a transaction block:',
    "    # autocommit_block() commits Alembic's transaction and runs this outside one.",
    '    with op.get_context().autocommit_block():',
    `        ${call}`,
  ];
}

/**
 * New revision files `versions/<rev>_<slug>.py` in the layout of Alembic's
 * default `script.py.mako`, one per change: the first revises the current head
 * (all heads, as a tuple, when there are several: it then also merges them),
 * each next one the previous new revision, so `alembic heads` shows one head.
 */
export function planAlembicRevisions(set: MigrationSet, changes: MigrationChange[], dialect: Dialect, now: Date, opts: AlembicPlanOptions): MigrationPlan[] {
  let heads = headsOf(set);
  const taken = new Set(set.migrations.map((m) => m.version));
  return changes.map((change) => {
    const { index } = change;
    const seed = [now.toISOString(), change.kind, index.table, index.name, ...index.keys.map((k) => k.column), ...heads].join('\n');
    const revision = (opts.revisionId ?? newRevisionId)(seed, taken);
    taken.add(revision);
    const extension = dialect === 'postgres' && change.kind === 'createIndex' && needsTrigram(index);
    const [up, down] =
      change.kind === 'createIndex' ? [createCall(index, dialect), dropCall(index, dialect)] : [dropCall(index, dialect), createCall(index, dialect)];
    const message = commentSafe(`${change.kind === 'createIndex' ? 'add' : 'drop'} index ${index.name} on ${index.table}`);
    const downRevision = heads.length === 0 ? 'None' : heads.length === 1 ? py(heads[0]) : `(${heads.map(py).join(', ')})`;
    const content = [
      `"""${message}`,
      '',
      `Revision ID: ${revision}`,
      `Revises: ${heads.join(', ')}`,
      `Create Date: ${createDate(now)}`,
      '',
      '"""',
      'from alembic import op',
      '',
      '',
      '# revision identifiers, used by Alembic.',
      `revision = ${py(revision)}`,
      ...(heads.length > 1 ? ['# Revises every head, so this revision also merges the branches.'] : []),
      `down_revision = ${downRevision}`,
      'branch_labels = None',
      'depends_on = None',
      '',
      '',
      'def upgrade():',
      ...body(up, dialect, extension),
      '',
      '',
      'def downgrade():',
      ...(extension ? ['    # pg_trgm stays installed: other objects may depend on it.'] : []),
      ...body(down, dialect, false),
      '',
    ].join('\n');
    const file = path.join(set.dir, revisionFileName(set.fileTemplate, revision, slugOf(change), now));
    heads = [revision];
    return { files: [{ file, content }], open: file };
  });
}

/** `{"m": 16, "ef_construction": 64}`: numbers bare, anything else quoted. */
export function pyDict(entries: [string, string][]): string {
  return `{${entries.map(([k, v]) => `${py(k)}: ${/^\d+(\.\d+)?$/.test(v) ? v : py(v)}`).join(', ')}}`;
}
