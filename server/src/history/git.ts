/**
 * Git's side of "shipped": a migration is shipped when git tracks it and the
 * working tree holds it unchanged from HEAD. New, staged-but-uncommitted and
 * modified files are not shipped, so they may still be checked and edited.
 * Outside a repository, or before its first commit, nothing is shipped.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { NOTHING_SHIPPED, type MigrationHistory } from '../core/migrations/history';

const MAX_OUTPUT = 256 * 1024 * 1024;

function git(root: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    // No fsmonitor hook: reading the status must not run a program of the repository's configuration.
    execFile('git', ['-c', 'core.fsmonitor=false', '-C', root, ...args], { maxBuffer: MAX_OUTPUT, windowsHide: true }, (error, stdout) =>
      resolve(error ? undefined : stdout),
    );
  });
}

export interface GitHistory extends MigrationHistory {
  /** Equal for equal facts: tells a caller whether anything shipped (or stopped being shipped) since. */
  fingerprint: string;
}

/** The committed, unmodified files under `root` (absolute paths), as a history. */
export async function gitHistory(root: string): Promise<GitHistory> {
  const [tracked, changed] = await Promise.all([
    git(root, ['ls-files', '-z', '--', '.']),
    git(root, ['diff', '--name-only', '--relative', '--no-renames', '-z', 'HEAD', '--', '.']),
  ]);
  if (tracked === undefined || changed === undefined) return { ...NOTHING_SHIPPED, fingerprint: '' };
  const absolute = (list: string) => list.split('\0').filter(Boolean).map((rel) => path.resolve(root, rel));
  const modified = new Set(absolute(changed));
  const shipped = new Set(absolute(tracked).filter((file) => !modified.has(file)));
  return { isShipped: (file) => shipped.has(path.resolve(file)), fingerprint: `${tracked}\n${changed}` };
}
