/**
 * Several fixes that each write a new migration, applied together (`check
 * --fix`, Fix all): each was planned alone, against the sets as they are, so
 * two would share a version or an Alembic `down_revision`. Planned again here
 * as one chain per migration set: distinct versions and index names, each
 * Alembic revision revising the previous new one. The same change asked by two
 * findings is written once.
 */
import type { Fix, MigrationChange, PlannedMigration } from '../../../../shared/types';
import type { Catalog, MigrationSet } from '../catalog/types';
import { freeIndexName } from '../migrations/sql';
import { planMigrations } from '../migrations/writer';
import { takenIndexNames } from './fixes';

export interface ChainedFiles {
  files: { file: string; content: string }[];
  /** Fixes left out: their set is no longer among the workspace's. */
  skipped: Fix[];
}

export function chainMigrationFixes(fixes: readonly Fix[], sets: readonly MigrationSet[], catalog: Catalog, now: Date): ChainedFiles {
  const bySet = new Map<string, PlannedMigration[]>();
  const seen = new Set<string>();
  const skipped: Fix[] = [];
  for (const fix of fixes) {
    const planned = fix.migration;
    if (!planned) continue;
    if (!sets.some((s) => s.dir === planned.set)) {
      skipped.push(fix);
      continue;
    }
    const key = JSON.stringify(planned);
    if (seen.has(key)) continue;
    seen.add(key);
    bySet.set(planned.set, [...(bySet.get(planned.set) ?? []), planned]);
  }
  const taken = new Set(takenIndexNames(catalog)); // a copy: the chain's own names are added
  const files: ChainedFiles['files'] = [];
  for (const [dir, planned] of bySet) {
    const set = sets.find((s) => s.dir === dir)!;
    const changes: MigrationChange[] = planned.map(({ change }) => {
      if (change.kind !== 'createIndex') return change;
      const name = freeIndexName(change.index.name, taken);
      taken.add(name.toLowerCase());
      return { ...change, index: { ...change.index, name } };
    });
    // One dialect per set: the fixes of a set were all planned in its dialect.
    for (const plan of planMigrations(set, changes, planned[0].dialect, now)) files.push(...plan.files);
  }
  return { files, skipped };
}
