/**
 * `--fix`: applies each finding's preferred fix. Edits of existing files:
 * overlapping edits in one file are skipped, so a second run may fix more.
 * Fixes that write a new migration are planned again together as one chain
 * per migration set (core/engine/chain.ts) and written as new files: an
 * existing file is never overwritten. Files are written only inside the workspace.
 */
import { closeSync, constants, existsSync, mkdirSync, openSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Finding, Fix, TextEdit } from '../../../shared/types';
import { isWithin } from '../core/config/read';
import { LineIndex } from '../core/engine/lineIndex';
import { preferredFixes } from '../core/engine/chain';

interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

/** Applies the fixes to the texts; returns the new texts of the files it changed. */
export function applyFixes(findings: readonly Finding[], textOf: (file: string) => string | undefined): Map<string, string> {
  return applyEdits(preferredFixes(findings).filter((fix) => fix.changes.length > 0 && fix.changes.every((c) => c.kind === 'edit')), textOf);
}

/**
 * The edits of existing files that fixes writing a new migration make beside it (Prisma's `@@index` in
 * schema.prisma, TypeORM's `@Index` on the entity), for those whose migration the chain writes: neither in
 * `leftOut` (skipped by the chain, or covered by a longer index) nor drizzle-kit's (its chain edits the
 * table itself). `rejected`: the fixes whose edits cannot be made with the others (a file the in-file fixes
 * changed, whose positions moved; an edit at a place another took): their migrations must be left for
 * the next run too, or a model would lack an index its migration creates.
 */
export function applyModelEdits(fixes: readonly Fix[], leftOut: ReadonlySet<Fix>, changed: ReadonlyMap<string, string>, textOf: (file: string) => string | undefined): { changed: Map<string, string>; rejected: Set<Fix> } {
  // The fixes planning one migration (the same index asked by two findings), keyed as the chain keys them: its edits are made once.
  const byMigration = new Map<string, Fix[]>();
  for (const fix of fixes) {
    if (!fix.migration || fix.migration.model !== undefined || leftOut.has(fix) || !fix.changes.some((c) => c.kind === 'edit')) continue;
    const key = JSON.stringify(fix.migration);
    byMigration.set(key, [...(byMigration.get(key) ?? []), fix]);
  }
  const firsts = [...byMigration.values()].map((same) => same[0]!);
  const accepted = new Set<Fix>();
  const result = applyEdits(firsts.filter((fix) => !fix.changes.some((c) => c.kind === 'edit' && changed.has(c.file))), textOf, accepted);
  const rejected = new Set(firsts.filter((fix) => !accepted.has(fix)).flatMap((fix) => byMigration.get(JSON.stringify(fix.migration))!));
  return { changed: result, rejected };
}

/** Applies each fix's edits (all or nothing within a file) to the texts; returns the new texts of the files it changed. */
function applyEdits(fixes: readonly Fix[], textOf: (file: string) => string | undefined, accepted?: Set<Fix>): Map<string, string> {
  const editsByFile = new Map<string, { fix: Fix; edits: TextEdit[] }[]>();
  for (const fix of fixes) {
    accepted?.add(fix);
    for (const change of fix.changes) {
      if (change.kind !== 'edit') continue;
      const groups = editsByFile.get(change.file) ?? [];
      groups.push({ fix, edits: change.edits });
      editsByFile.set(change.file, groups);
    }
  }

  const changed = new Map<string, string>();
  for (const [file, groups] of editsByFile) {
    const text = textOf(file);
    if (text === undefined) {
      for (const { fix } of groups) accepted?.delete(fix);
      continue;
    }
    const lines = new LineIndex(text);
    const taken: OffsetEdit[] = [];
    for (const { fix, edits: group } of groups) {
      const edits = group.map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), newText: e.newText }));
      // A fix is all or nothing: skip it when any of its edits touches an accepted one.
      if (edits.some((e) => taken.some((a) => overlaps(a, e)))) {
        accepted?.delete(fix);
        continue;
      }
      taken.push(...edits);
    }
    taken.sort((a, b) => b.start - a.start || b.end - a.end);
    let result = text;
    for (const e of taken) result = result.slice(0, e.start) + e.newText + result.slice(e.end);
    if (result !== text) changed.set(file, result);
  }
  return changed;
}

function overlaps(a: OffsetEdit, b: OffsetEdit): boolean {
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  return a.start < b.end && b.start < a.end;
}

/**
 * Writes the fixed texts, only to existing regular files whose real path is
 * inside the workspace: a symlink to a file elsewhere (another checkout, a
 * system file) is left alone, and no file is created. Returns the files
 * written; each refusal goes to `refuse` with its reason.
 */
export function writeFixedFiles(root: string, changed: Map<string, string>, refuse: (message: string) => void): string[] {
  const realRoot = realpathSync(root);
  const written: string[] = [];
  for (const [file, text] of changed) {
    let real: string;
    try {
      real = realpathSync(file);
    } catch {
      refuse(`not fixed: ${file} no longer exists (--fix never creates files)`);
      continue;
    }
    if (real === realRoot || !isWithin(realRoot, real)) {
      refuse(`not fixed: ${file} is a link to ${real}, outside the workspace ${root} (--fix writes only inside it)`);
      continue;
    }
    if (!statSync(real).isFile()) {
      refuse(`not fixed: ${file} is not a regular file`);
      continue;
    }
    // O_NOFOLLOW: a link swapped in since realpath is not followed either.
    const fd = openSync(real, constants.O_WRONLY | constants.O_TRUNC | (constants.O_NOFOLLOW ?? 0));
    try {
      writeFileSync(fd, text);
    } finally {
      closeSync(fd);
    }
    written.push(file);
  }
  return written;
}

/** Writes new files; one that exists already is left alone and reported. Returns the files written. */
export function writeNewFiles(root: string, files: readonly { file: string; content: string }[], warn: (message: string) => void): string[] {
  const realRoot = realpathSync(root);
  const written: string[] = [];
  for (const { file, content } of files) {
    try {
      // The nearest folder that exists, by its real path, before any is created: a linked migrations
      // folder pointing elsewhere is neither written nor created into.
      if (!isWithin(realRoot, realpathSync(nearestExisting(path.dirname(file))))) {
        warn(`not written: ${file}: its folder is a link to a place outside the workspace ${root} (--fix writes only inside it)`);
        continue;
      }
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content, { flag: 'wx' });
      written.push(file);
    } catch (error) {
      warn(`not written: ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return written;
}

/** `folder`, or its nearest ancestor that exists. */
function nearestExisting(folder: string): string {
  let at = folder;
  while (!existsSync(at) && path.dirname(at) !== at) at = path.dirname(at);
  return at;
}
