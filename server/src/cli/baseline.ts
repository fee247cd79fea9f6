/**
 * `check --baseline FILE [--update-baseline]`: reads the baseline (a clear
 * usage error when it is missing or unusable) or writes it anew. The file must
 * lie inside the workspace, as the editor reads it from there.
 */
import { existsSync, lstatSync, realpathSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../../shared/types';
import { buildBaseline, formatBaseline, loadBaseline, type BaselineEntry } from '../core/baseline/file';
import { isWithin } from '../core/config/read';
import { UsageError } from './args';

/** What `--update-baseline` wrote, against the baseline it replaced. */
export interface BaselineUpdate {
  file: string;
  entries: number;
  /** Entries the previous baseline did not hold. */
  added: number;
  /** Entries of the previous baseline no longer found (fixed, or their code changed). */
  removed: number;
}

/** The baseline's fingerprints; `arg` is the path as given (for messages). */
export async function readBaseline(file: string, root: string, arg: string): Promise<Set<string>> {
  const loaded = await loadBaseline(file, root);
  if (loaded.error === undefined) return loaded.fingerprints;
  if (loaded.missing) throw new UsageError(`no baseline file ${arg}: create it with 'querylens check --update-baseline --baseline ${arg}'`);
  throw new UsageError(loaded.error);
}

/**
 * Writes the baseline of `findings`. The previous baseline's entries of files
 * the run did not cover (`covers`, on workspace-relative paths) are kept:
 * checking some paths updates their entries only, while a file deleted under
 * them drops out.
 */
export async function writeBaseline(file: string, root: string, findings: readonly Finding[], covers: (relative: string) => boolean): Promise<BaselineUpdate> {
  const folder = path.dirname(file);
  if (!existsSync(folder) || !isWithin(realpathSync(root), realpathSync(folder))) {
    throw new UsageError(`the baseline ${file} must be inside the workspace ${root} (an existing folder there)`);
  }
  let previous = new Set<string>();
  let kept: BaselineEntry[] = [];
  if (existsSync(file) || isLink(file)) {
    const loaded = await loadBaseline(file, root);
    // Only a baseline is replaced: never a link out of the workspace, a device, or some other file.
    if (loaded.error !== undefined) throw new UsageError(`${loaded.error}; not overwriting it`);
    previous = loaded.fingerprints;
    kept = loaded.entries.filter((entry) => !covers(entry.file));
  }
  const baseline = buildBaseline(findings, root, kept);
  writeFileSync(file, formatBaseline(baseline));
  const prints = baseline.findings.map((entry) => entry.fingerprint);
  const current = new Set(prints);
  return {
    file,
    entries: prints.length,
    added: prints.filter((p) => !previous.has(p)).length,
    removed: [...previous].filter((p) => !current.has(p)).length,
  };
}

function isLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}
