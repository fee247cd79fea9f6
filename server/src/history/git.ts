/**
 * Git's side of "shipped": a migration is shipped when git tracks it and the
 * working tree holds it unchanged from HEAD. New, staged-but-uncommitted and
 * modified files are not shipped, so they may still be checked and edited.
 * Outside a repository, or before its first commit, nothing is shipped.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { isAnalysedFile, workspacePath } from '../core/config/files';
import { NOTHING_SHIPPED, type MigrationHistory } from '../core/migrations/history';

const MAX_OUTPUT = 256 * 1024 * 1024;

/** Runs git with an argument array (never a shell); undefined when it fails. */
function git(root: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    // No fsmonitor hook: reading the status must not run a program of the repository's configuration.
    execFile('git', ['-c', 'core.fsmonitor=false', '-C', root, ...args], { maxBuffer: MAX_OUTPUT, windowsHide: true }, (error, stdout) =>
      resolve(error ? undefined : stdout),
    );
  });
}

const absolutePaths = (root: string, list: string) => {
  // git's paths under the working folder are already normal ('/'-separated, no '.' or '..'): joined, not resolved one by one.
  const base = path.resolve(root);
  const prefix = base.endsWith(path.sep) ? base : base + path.sep;
  return list
    .split('\0')
    .filter(Boolean)
    .map((rel) => prefix + (path.sep === '/' ? rel : rel.split('/').join(path.sep)));
};

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
  return { ...shippedHistory(root, tracked, changed), fingerprint: `${tracked}\n${changed}` };
}

/** Shipped: tracked (git's `-z` list) and not changed since. */
function shippedHistory(root: string, tracked: string, changed: string): MigrationHistory {
  const modified = new Set(absolutePaths(root, changed));
  const shipped = new Set(absolutePaths(root, tracked).filter((file) => !modified.has(file)));
  return { isShipped: (file) => shipped.has(file) || shipped.has(path.resolve(file)) };
}

/** Where a pull request's changes start when no ref is named: the merge base of HEAD with the first of these that exists. */
export const DEFAULT_BASES = ['origin/HEAD', 'main', 'master'];

export interface ChangedFiles {
  /** The ref the changes are counted from, as named (`main`, or the `--since` value). */
  ref: string;
  /** The merge base of HEAD with `ref` (a commit id). */
  base: string;
  /** Files under the root changed since `base`: committed, staged, modified or untracked (not ignored), deleted ones left out; absolute, sorted. */
  files: string[];
  /** Files QueryLens analyses that were at `base` and are deleted since, with their text there: what they wrote to the schema is gone. */
  deleted: { file: string; text: string }[];
  /** Shipped as of `base`: a migration there and unchanged since (new and changed ones are checked, as a pull request's). */
  history: MigrationHistory;
}

/** Why `check --changed` cannot run; the message is for the user. */
export class ChangedFilesError extends Error {}

/**
 * The files under `root` changed since the merge base of HEAD with `since`
 * (default: with origin/HEAD, else main, else master), the working tree's
 * changes and untracked files included.
 */
export async function changedFiles(root: string, since?: string): Promise<ChangedFiles> {
  // A ref is passed to git as an argument of its own; one starting with '-' would be read as an option.
  if (since !== undefined && (since === '' || since.startsWith('-'))) throw new ChangedFilesError(`not a git ref: ${JSON.stringify(since)} (a ref cannot be empty or start with "-")`);
  if ((await git(root, ['rev-parse', '--is-inside-work-tree']))?.trim() !== 'true') {
    throw new ChangedFilesError(`--changed compares with git, but ${root} is not inside a git working tree`);
  }
  if ((await git(root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])) === undefined) throw new ChangedFilesError('--changed compares with git, but the repository has no commit yet');
  let ref: string | undefined;
  let commit: string | undefined;
  for (const candidate of since !== undefined ? [since] : DEFAULT_BASES) {
    commit = (await git(root, ['rev-parse', '--verify', '--quiet', `${candidate}^{commit}`]))?.trim();
    if (commit) {
      ref = candidate;
      break;
    }
  }
  if (!ref || !commit) {
    throw new ChangedFilesError(since !== undefined ? `no commit named ${JSON.stringify(since)} in this repository` : `no default branch to compare with (none of ${DEFAULT_BASES.join(', ')} exists); name one with --since REF`);
  }
  const base = (await git(root, ['merge-base', 'HEAD', commit]))?.trim();
  if (!base) throw new ChangedFilesError(`HEAD and ${ref} have no commit in common`);
  const [changed, untracked, trackedAtBase] = await Promise.all([
    git(root, ['diff', '--name-only', '--relative', '--no-renames', '--no-ext-diff', '--no-textconv', '-z', base, '--', '.']),
    git(root, ['ls-files', '--others', '--exclude-standard', '-z', '--', '.']),
    git(root, ['ls-tree', '-r', '--name-only', '-z', base, '--', '.']),
  ]);
  if (changed === undefined || untracked === undefined || trackedAtBase === undefined) throw new ChangedFilesError(`git could not list the changes since ${ref}`);
  const all = [...new Set([...absolutePaths(root, changed), ...absolutePaths(root, untracked)])].sort();
  const files = all.filter((file) => existsSync(file));
  const gone = all.filter((file) => !existsSync(file) && isAnalysedFile(file));
  const texts = await Promise.all(gone.map((file) => git(root, ['show', `${base}:./${workspacePath(root, file)}`])));
  const deleted = gone.flatMap((file, i) => (texts[i] === undefined ? [] : [{ file, text: texts[i]! }]));
  return { ref, base, files, deleted, history: shippedHistory(root, trackedAtBase, changed) };
}
