/**
 * Several fixes that each write a new migration, applied together (`check
 * --fix`, Fix all): each was planned alone, against the sets as they are, so
 * two would share a version or an Alembic `down_revision`. Planned again here
 * as one chain per migration set: distinct versions and index names, each
 * Alembic revision revising the previous new one. The same change asked by two
 * findings is written once.
 *
 * A drizzle-kit set's chain also edits files that exist: its journal (one entry
 * per new migration) and the Drizzle table of each index (`index().on()` added
 * to its callback, again on the text the previous fix of the chain left), both
 * or neither for each index. Those need the files' texts (`textOf`); without
 * them the set's fixes are skipped.
 */
import type { Finding, Fix, MigrationChange, PlannedMigration } from '../../../../shared/types';
import type { Catalog, MigrationSet } from '../catalog/types';
import { freeIndexName } from '../migrations/sql';
import { planMigrations } from '../migrations/writer';
import { drizzleIndexEdits } from '../orm/drizzle/fix';
import { planDrizzleMigrations, readFile } from '../orm/drizzle/migrations';
import type { ExtraEdit } from '../host/adapter';
import { takenIndexNames } from './fixes';

export interface ChainedFiles {
  files: { file: string; content: string }[];
  /** New texts of existing files (a drizzle-kit journal, a Drizzle table's file). */
  edited: Map<string, string>;
  /** Fixes left out: their set is no longer among the workspace's (or, without `textOf`, is drizzle-kit's). */
  skipped: Fix[];
}

export function chainMigrationFixes(
  fixes: readonly Fix[],
  sets: readonly MigrationSet[],
  catalog: Catalog,
  now: Date,
  textOf?: (file: string) => string | undefined,
): ChainedFiles {
  const bySet = new Map<string, PlannedMigration[]>();
  const seen = new Set<string>();
  const skipped: Fix[] = [];
  for (const fix of fixes) {
    const planned = fix.migration;
    if (!planned) continue;
    const set = sets.find((s) => s.dir === planned.set);
    if (!set || (set.tool === 'drizzle' && !textOf)) {
      skipped.push(fix);
      continue;
    }
    const key = JSON.stringify(planned);
    if (seen.has(key)) continue;
    seen.add(key);
    bySet.set(planned.set, [...(bySet.get(planned.set) ?? []), planned]);
  }
  for (const [dir, planned] of bySet) bySet.set(dir, withoutPrefixes(planned));
  const taken = new Set(takenIndexNames(catalog)); // a copy: the chain's own names are added
  const files: ChainedFiles['files'] = [];
  const edited = new Map<string, string>();
  for (const [dir, planned] of bySet) {
    const set = sets.find((s) => s.dir === dir)!;
    const named = planned.map((p): PlannedMigration => {
      if (p.change.kind !== 'createIndex') return p;
      const name = freeIndexName(p.change.index.name, taken);
      taken.add(name.toLowerCase());
      return { ...p, change: { ...p.change, index: { ...p.change.index, name } } };
    });
    // One dialect per set: the fixes of a set were all planned in its dialect.
    if (set.tool === 'drizzle') chainDrizzle(set, named, now, textOf!, files, edited);
    else for (const plan of planMigrations(set, named.map((p) => p.change), planned[0].dialect, now)) files.push(...plan.files);
  }
  return { files, edited, skipped };
}

/**
 * drizzle-kit: each index declared on its table (the text as the chain left it), then the migrations of those
 * that could be, one chain with one journal edit. An index whose table cannot take it gets no migration.
 */
function chainDrizzle(set: MigrationSet, planned: PlannedMigration[], now: Date, textOf: (file: string) => string | undefined, files: ChainedFiles['files'], edited: Map<string, string>): void {
  const current = (file: string) => edited.get(file) ?? textOf(file);
  const before = new Map(edited);
  const declared: MigrationChange[] = [];
  for (const p of planned) {
    const text = p.model !== undefined ? current(p.model) : undefined;
    const model = p.change.kind === 'createIndex' && text !== undefined ? drizzleIndexEdits(p.model!, text, p.change.index) : undefined;
    if (!model) continue;
    edited.set(p.model!, applyOffsetEdits(text!, model.edits));
    declared.push(p.change);
  }
  if (declared.length === 0) return;
  const plans = planDrizzleMigrations(set, declared, planned[0]!.dialect, now, (file) => current(file) ?? readFile(file));
  if (!plans) {
    // No migration can be written (no journal or last snapshot): the tables are left as they were too.
    edited.clear();
    for (const [file, text] of before) edited.set(file, text);
    return;
  }
  for (const plan of plans) {
    files.push(...plan.files);
    for (const e of plan.edits) edited.set(e.file, applyOffsetEdits(current(e.file) ?? readFile(e.file)!, e.edits));
  }
}

/** The text with the edits (spans of the text itself, not overlapping) applied. */
function applyOffsetEdits(text: string, edits: readonly ExtraEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.span.start - a.span.start || b.span.end - a.span.end)) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

/**
 * The planned changes without the B-tree indexes whose columns lead another planned one of the same table
 * (`(application_id)` beside `(application_id, created_at)`): the longer serves both lookups, and the
 * shorter would be redundant at once.
 */
function withoutPrefixes(planned: PlannedMigration[]): PlannedMigration[] {
  return planned.filter((p) => !leadsAnother(p, planned));
}

/** Whether `p` is a plain B-tree index whose columns lead a longer plain one planned on its table in its set. */
function leadsAnother(p: PlannedMigration, planned: readonly PlannedMigration[]): boolean {
  const plain = (q: PlannedMigration) => q.change.kind === 'createIndex' && (q.change.index.method ?? 'btree') === 'btree' && !q.change.index.options && q.change.index.keys.every((k) => !k.opclass);
  const columns = (q: PlannedMigration) => (q.change.kind === 'createIndex' ? q.change.index.keys.map((k) => `${k.column}${k.desc ? ' desc' : ''}`) : []);
  if (!plain(p) || p.change.kind !== 'createIndex') return false;
  const mine = columns(p);
  const table = p.change.index.table;
  return planned.some((q) => q !== p && q.set === p.set && plain(q) && q.change.kind === 'createIndex' && q.change.index.table === table && columns(q).length > mine.length && mine.every((c, i) => columns(q)[i] === c));
}

/**
 * The fixes among `fixes` whose new index the chain leaves out, because another of them plans a longer
 * index it leads (`withoutPrefixes`): a fix-all takes none of their edits either (a TypeORM `@Index`, a
 * Prisma `@@index` declared without its migration would have the ORM's tools ask for it again).
 */
export function coveredIndexFixes(fixes: readonly Fix[]): Set<Fix> {
  const planned = fixes.flatMap((f) => (f.migration ? [f.migration] : []));
  return new Set(fixes.filter((f) => f.migration !== undefined && leadsAnother(f.migration, planned)));
}

/** The preferred fix of each finding: what Fix all and `check --fix` apply. */
export function preferredFixes(findings: readonly Finding[]): Fix[] {
  return findings.flatMap((f) => f.fixes.filter((fix) => fix.isPreferred).slice(0, 1));
}
