/**
 * drizzle-kit migrations: the `out` folder (`drizzle/` by default) holds
 * `NNNN_<name>.sql` files (statements split by `--> statement-breakpoint`, a
 * SQL comment) and `meta/_journal.json`, whose `entries` (idx, tag, when)
 * are the order the migrator applies them in; `meta/NNNN_snapshot.json` is
 * the schema after each, which `drizzle-kit generate` diffs the code against.
 * A folder is drizzle-kit's when its `meta/_journal.json` reads (where the
 * config puts it does not matter); its migrations are the journal's entries
 * whose file exists.
 *
 * A new index migration is written as drizzle-kit writes one: the next
 * `NNNN_<slug>.sql`, its journal entry (`when`: the time, `breakpoints` as the
 * last entry), and the snapshot of the schema with the index, chained to the
 * last (`prevId`), so that the next `drizzle-kit generate` finds nothing to add.
 * drizzle-orm's migrator runs every pending migration in one transaction:
 * the index is a plain CREATE INDEX (CONCURRENTLY cannot run there).
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Dialect, MigrationChange } from '../../../../../shared/types';
import type { Migration, MigrationSet } from '../../catalog/types';
import { MAX_CONFIG_BYTES, readTextFileSync } from '../../config/read';
import type { ExtraEdit } from '../../host/adapter';
import { createIndexStatement, dropIndexStatement, needsTrigram, slugOf } from '../../migrations/sql';
import { forLastText } from '../../last-text';

const JOURNAL = path.join('meta', '_journal.json');

interface JournalEntry {
  idx: number;
  version?: string;
  when: number;
  tag: string;
  breakpoints?: boolean;
}

interface Journal {
  version?: string;
  dialect?: string;
  entries: JournalEntry[];
}

/** Whether a file is a drizzle-kit journal (`<out>/meta/_journal.json`). */
export function isDrizzleJournal(file: string): boolean {
  return path.basename(file) === '_journal.json' && path.basename(path.dirname(file)) === 'meta';
}

function parseJournal(text: string | undefined): Journal | undefined {
  if (text === undefined) return undefined;
  try {
    const json = JSON.parse(text) as Partial<Journal>;
    if (!Array.isArray(json.entries)) return undefined;
    const entries = json.entries.filter((e): e is JournalEntry => !!e && typeof e.tag === 'string' && typeof e.idx === 'number' && /^[\w.-]+$/.test(e.tag));
    return { ...json, entries: entries.sort((a, b) => a.idx - b.idx) };
  } catch {
    return undefined;
  }
}

/** The drizzle-kit sets among `files` (absolute paths): one per journal, its migrations in journal order. */
export function detectDrizzleMigrations(files: string[], textOf: (file: string) => string | undefined): MigrationSet[] {
  const present = new Set(files);
  const sets: MigrationSet[] = [];
  for (const file of files) {
    if (!isDrizzleJournal(file)) continue;
    const journal = parseJournal(textOf(file));
    if (!journal) continue;
    const dir = path.dirname(path.dirname(file));
    const migrations: Migration[] = [];
    for (const entry of journal.entries) {
      const upFile = path.join(dir, `${entry.tag}.sql`);
      if (!present.has(upFile)) continue;
      const m = /^(\d+)_(.+)$/.exec(entry.tag);
      migrations.push({ version: m ? m[1]! : String(entry.idx).padStart(4, '0'), description: m ? m[2]! : entry.tag, upFile });
    }
    sets.push({ tool: 'drizzle', dir, migrations, ...(journal.dialect ? { provider: journal.dialect } : {}) });
  }
  return sets;
}

/** The journal's entries of a set (read from disk), for the migration status: `when` is what `__drizzle_migrations.created_at` holds. */
export function drizzleJournalEntries(dir: string): JournalEntry[] {
  return parseJournal(readTextFileSync(path.join(dir, JOURNAL), { maxBytes: MAX_CONFIG_BYTES }).text)?.entries ?? [];
}

export interface DrizzlePlan {
  files: { file: string; content: string }[];
  /** Edits of existing files (the journal). */
  edits: { file: string; edits: ExtraEdit[] }[];
  open: string;
}

/**
 * New migrations for `changes`, chained: each a `NNNN_<slug>.sql` with its
 * journal entry and its snapshot. Undefined when the journal or the last
 * snapshot cannot be read (a migration without its snapshot would make the
 * next `drizzle-kit generate` write the same index again).
 */
export function planDrizzleMigrations(set: MigrationSet, changes: MigrationChange[], dialect: Dialect, now: Date, read = readFile): DrizzlePlan[] | undefined {
  const journalFile = path.join(set.dir, JOURNAL);
  const journalText = read(journalFile);
  const journal = parseJournal(journalText);
  if (!journal || journalText === undefined) return undefined;
  const last = journal.entries[journal.entries.length - 1];
  const prefixOf = (entry: JournalEntry) => /^(\d+)_/.exec(entry.tag)?.[1] ?? String(entry.idx).padStart(4, '0');
  let snapshot = last ? parseSnapshot(read(path.join(set.dir, 'meta', `${prefixOf(last)}_snapshot.json`))) : undefined;
  if (!snapshot) return undefined;
  const entries = [...journal.entries];
  const plans: DrizzlePlan[] = [];
  let when = Math.max(now.getTime(), (last?.when ?? 0) + 1);
  for (const change of changes) {
    const idx = (entries[entries.length - 1]?.idx ?? -1) + 1;
    const prefix = String(idx).padStart(4, '0');
    const tag = `${prefix}_${slugOf(change)}`;
    const next = snapshotWith(snapshot, change, dialect, `${tag}:${when}`);
    if (!next) return undefined;
    const statement = change.kind === 'createIndex'
      ? createIndexStatement(change.index, dialect, { concurrently: false })
      : dropIndexStatement(change.index, dialect, { concurrently: false });
    // A trigram index needs pg_trgm first: one more statement of the same file, as drizzle-kit separates them.
    const trigram = change.kind === 'createIndex' && dialect === 'postgres' && needsTrigram(change.index);
    const up = path.join(set.dir, `${tag}.sql`);
    const entry: JournalEntry = { idx, version: last?.version ?? journal.version ?? '7', when, tag, breakpoints: last?.breakpoints ?? true };
    entries.push(entry);
    plans.push({
      files: [
        { file: up, content: trigram ? `CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint\n${statement}\n` : `${statement}\n` },
        { file: path.join(set.dir, 'meta', `${prefix}_snapshot.json`), content: JSON.stringify(next, null, 2) },
      ],
      edits: [],
      open: up,
    });
    snapshot = next;
    when++;
  }
  // One edit of the journal, with every new entry (as drizzle-kit writes it: two-space JSON, no final newline).
  const text = JSON.stringify({ ...JSON.parse(journalText), entries }, null, 2);
  plans[plans.length - 1]!.edits.push({ file: journalFile, edits: [{ span: { start: 0, end: journalText.length }, newText: text }] });
  return plans;
}

/** A file of a drizzle-kit folder (a journal, a snapshot) as on disk. */
export function readFile(file: string): string | undefined {
  return readTextFileSync(file, { maxBytes: 64 * MAX_CONFIG_BYTES }).text;
}

interface Snapshot {
  id: string;
  prevId: string;
  version: string;
  dialect: string;
  tables: Record<string, { name: string; schema?: string; indexes: Record<string, unknown> }>;
  [key: string]: unknown;
}

function parseSnapshot(text: string | undefined): Snapshot | undefined {
  return text === undefined ? undefined : lastSnapshot(text);
}

/** The snapshot of the last text read: every index fix of a check plans from the same one (never changed: `snapshotWith` copies). */
const lastSnapshot = forLastText((text): Snapshot | undefined => {
  try {
    const json = JSON.parse(text) as Snapshot;
    return typeof json.id === 'string' && json.tables && typeof json.tables === 'object' ? json : undefined;
  } catch {
    return undefined;
  }
});

/**
 * The snapshot after the change: PostgreSQL snapshots of version 7 (index
 * columns as `{ expression, isExpression, asc, nulls }`) and SQLite/MySQL
 * snapshots of versions 5 and 6 (column names). Others are not written.
 */
function snapshotWith(snapshot: Snapshot, change: MigrationChange, dialect: Dialect, seed: string): Snapshot | undefined {
  const { index } = change;
  const [schema, bare] = index.table.includes('.') ? index.table.split('.', 2) as [string, string] : ['public', index.table];
  const key = Object.keys(snapshot.tables).find((k) => {
    const t = snapshot.tables[k]!;
    return t.name === bare && (dialect !== 'postgres' || (t.schema || 'public') === schema);
  });
  if (!key) return undefined;
  const table = snapshot.tables[key]!;
  const indexes = { ...table.indexes };
  if (change.kind === 'dropIndex') delete indexes[index.name];
  else if (dialect === 'postgres' && snapshot.version === '7') {
    indexes[index.name] = {
      name: index.name,
      columns: index.keys.map((k) => ({ expression: k.column, isExpression: false, asc: !k.desc, nulls: k.desc ? 'first' : 'last', ...(k.opclass ? { opclass: k.opclass } : {}) })),
      isUnique: false,
      concurrently: false,
      method: index.method ?? 'btree',
      with: index.options ?? {},
    };
  } else if (dialect !== 'postgres' && (snapshot.version === '5' || snapshot.version === '6') && index.keys.every((k) => !k.desc && !k.opclass) && !index.method) {
    indexes[index.name] = { name: index.name, columns: index.keys.map((k) => k.column), isUnique: false };
  } else return undefined;
  return { ...snapshot, id: uuidFrom(seed), prevId: snapshot.id, tables: { ...snapshot.tables, [key]: { ...table, indexes } } };
}

/** A version-4-shaped UUID derived from `seed` (a snapshot's id only has to be new). */
function uuidFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
