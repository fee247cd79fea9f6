/**
 * Which migrations have shipped. A shipped migration may already have run in
 * production: migration rules say nothing about it, and no fix edits it (a fix
 * about it is a new migration). Core knows no git and no database: the facts
 * come from the CLI and the language server (server/src/history), and
 * `.querylens.json`'s `migrations.checkFrom` sets the project's own cut.
 */
import * as path from 'node:path';
import type { MigrationSet } from '../catalog/types';

export interface MigrationHistory {
  /**
   * Whether the file (absolute path) has shipped: committed in git and
   * unchanged in the working tree, or recorded in its tool's tracking table.
   */
  isShipped(file: string): boolean;
}

/** Nothing has shipped: no git, no database (every migration is checked and may be edited). */
export const NOTHING_SHIPPED: MigrationHistory = { isShipped: () => false };

/** Shipped when either history says so. */
export function eitherShipped(a: MigrationHistory, b: MigrationHistory): MigrationHistory {
  return { isShipped: (file) => a.isShipped(file) || b.isShipped(file) };
}

/**
 * `migrations.checkFrom` (or its older name `migrationsFrom`): the first
 * migration to check, by version (Alembic: its revision id) or by file path
 * relative to the root. It decides for its set, whatever `other` (git, the
 * tracking tables) says: every migration before it counts as shipped, it and
 * every later one are checked. Other sets, and files of no set, keep `other`'s
 * answer. Unknown values cut nothing.
 */
export function firstCheckedHistory(root: string, sets: MigrationSet[], first: string | undefined, other: MigrationHistory): MigrationHistory {
  if (!first) return other;
  const target = path.resolve(root, first);
  const before = new Set<string>();
  const checked = new Set<string>();
  for (const set of sets) {
    const at = set.migrations.findIndex((m) => m.version === first || m.upFile === target || path.dirname(m.upFile) === target);
    if (at < 0) continue;
    set.migrations.forEach((m, i) => {
      for (const file of [m.upFile, m.downFile]) if (file) (i < at ? before : checked).add(file);
    });
  }
  return { isShipped: (file) => before.has(file) || (!checked.has(file) && other.isShipped(file)) };
}
