/**
 * Which workspace files QueryLens reads: `.sql` files, the host code that
 * holds SQL and ORM queries (`.py`, `.rs`) and ORM schemas (`.prisma`), plus
 * the files that describe migrations (`migration_lock.toml`) and packages
 * (`Cargo.toml`, `pyproject.toml`, `package.json` ...), minus what is skipped
 * by default (node_modules, .git, `.yarn/`, minified scripts: skipped.ts),
 * whatever `.gitignore` files (root and nested) ignore, the configured
 * excludes and `ignorePatterns`, and (unless `includeTests`) tests, fixtures and
 * vendored code (scope.ts).
 *
 * `include` globs narrow the analysed files only: the Prisma files are still
 * listed so that migrations and models are recognised whatever is analysed.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { ANALYSED_EXTENSIONS, ORM_SCHEMA_EXTENSIONS, TOOL_FILE_NAMES } from '../../../../shared/languages';
import { MAX_CONFIG_BYTES, readTextFile } from './read';
import { MANIFESTS } from '../engine/packages';
import { isInMigrationsFolder, isTestFileName, isTestFolder, isTestPath } from './scope';
import { isScriptFile } from '../migrations/scripts';
import { DEFAULT_IGNORE_PATTERNS } from './skipped';

export interface FileListOptions {
  /** Globs relative to the root; when non-empty, only matching analysed files are listed. */
  include: string[];
  /** Globs relative to the root to skip. */
  exclude: string[];
  /** More excludes (VS Code's `files.exclude`), relative to the root. */
  extraExcludes?: string[];
  /** List tests, fixtures and vendored files too (scope.ts). */
  includeTests?: boolean;
  /** `.querylens.json`'s `ignorePatterns`: .gitignore syntax, relative to the root. */
  ignorePatterns?: string[];
}

/** Files read but not analysed: the languages' tool files that describe migrations (shared/languages.ts), and the manifests that make packages (engine/packages.ts). */
const SCHEMA_FILES = new Set([...TOOL_FILE_NAMES, ...MANIFESTS]);

/** A matcher for root-relative, `/`-separated paths; never matches with no globs. */
export function globMatcher(globs: string[]): (relativePath: string) => boolean {
  const patterns = globs.filter((g) => g.trim() !== '').map((g) => g.replace(/^\.\//, ''));
  if (patterns.length === 0) return () => false;
  const match = picomatch(patterns, { dot: true });
  // `legacy` or `legacy/` as a glob means the folder and everything below it.
  const folders = picomatch(patterns.map((g) => `${g.replace(/\/+$/, '')}/**`), { dot: true });
  return (p) => match(p) || folders(p);
}

/**
 * A matcher for what is never read: the default skips (skipped.ts), then
 * `ignorePatterns` (.gitignore syntax, root-relative `/`-separated paths,
 * folders with a trailing `/`), whose `!` patterns can take a default back.
 */
export function ignorePatternMatcher(patterns: string[] | undefined): (relativePath: string, isFolder?: boolean) => boolean {
  const rules = ignore().add(DEFAULT_IGNORE_PATTERNS as string[]).add(patterns ?? []);
  return (p, isFolder = false) => rules.ignores(isFolder ? `${p}/` : p);
}

/**
 * Whether a `!` pattern of `ignorePatterns` names a root-relative file path
 * or one of its folders (`!public/app.js`, `!*.min.js`, `!.yarn/`): such a
 * file is read whatever its size or line lengths (skipped.ts).
 */
export function takenBackMatcher(patterns: string[] | undefined): (relativePath: string) => boolean {
  if (!patterns?.some((pattern) => pattern.startsWith('!'))) return () => false;
  const rules = ignore().add(patterns);
  return (p) => {
    if (rules.test(p).unignored) return true;
    const parts = p.split('/');
    return parts.slice(0, -1).some((_, i) => rules.test(`${parts.slice(0, i + 1).join('/')}/`).unignored);
  };
}

/** Whether `ignored` (an `ignorePatternMatcher`) leaves out `file` (absolute, under `root`). */
export function isIgnoredByPatterns(root: string, file: string, ignored: (relativePath: string) => boolean): boolean {
  const rel = toRelative(root, file);
  return rel !== undefined && ignored(rel);
}

/** Whether `file` (absolute) is test, fixture or vendored code under `root` that the options leave out. */
export function isLeftOutTest(root: string, file: string, includeTests: boolean | undefined): boolean {
  if (includeTests) return false;
  const rel = toRelative(root, file);
  return rel !== undefined && isTestPath(rel);
}

/** Whether `file` (absolute) is under `root` and matched by one of `globs`. */
export function isExcluded(root: string, file: string, globs: string[]): boolean {
  const rel = toRelative(root, file);
  return rel !== undefined && globMatcher(globs)(rel);
}

/** Whether `file` is one QueryLens analyses (include globs apply to these, ORM schemas aside): SQL, host code and ORM schemas (shared/languages.ts). */
export function isAnalysedFile(file: string): boolean {
  const lower = file.toLowerCase();
  return ANALYSED_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/**
 * Whether `file` is an ORM's schema file (schema.prisma, a schema folder's
 * .prisma files): read whatever `include` says, like the files that describe migrations.
 */
export function isOrmSchemaFile(file: string): boolean {
  const lower = file.toLowerCase();
  return ORM_SCHEMA_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/**
 * knex and Kysely migrations: JavaScript and TypeScript modules in a
 * migrations folder (`migrations/`, `db/migrations/`, `src/migrations/`).
 * Read for the schema; which of them are migrations, and of which tool, the
 * TypeScript reader decides (host/typescript/migrations.ts).
 */
export function isScriptMigrationPath(relativePath: string): boolean {
  return isScriptFile(relativePath) && isInMigrationsFolder(relativePath) && !relativePath.split('/').some((folder) => BUILD_OUTPUT.has(folder));
}

/** What a file watcher watches for `isScriptMigrationPath` (wider: the workspace's `includes` decides). */
export const SCRIPT_MIGRATION_GLOB = '**/*migration*/**/*.{js,cjs,mjs,ts,cts,mts}';

/** Folders of compiled output: `dist/migrations/*.js` is the build of `src/migrations/*.ts`, not a second set. */
const BUILD_OUTPUT = new Set(['dist', 'build', 'out', 'lib', '.next', 'coverage']);

/** Whether `file` is of a kind QueryLens reads (before include/exclude); with its root-relative path, knex and Kysely migrations too. */
export function isWorkspaceFileKind(file: string, relativePath?: string): boolean {
  return isAnalysedFile(file) || SCHEMA_FILES.has(path.basename(file)) || (relativePath !== undefined && isScriptMigrationPath(relativePath));
}

/** `file` relative to `root` with forward slashes: the same on every machine and system (how globs, baselines and caches name a file). */
export function workspacePath(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

function toRelative(root: string, file: string): string | undefined {
  const rel = path.relative(root, file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

interface GitignoreScope {
  /** Root-relative folder of the .gitignore ('' for the root). */
  dir: string;
  rules: Ignore;
}

/** Absolute paths of the files QueryLens reads under `root`, sorted. */
export async function listWorkspaceFiles(root: string, options: FileListOptions): Promise<string[]> {
  const excluded = globMatcher([...options.exclude, ...(options.extraExcludes ?? [])]);
  const included = options.include.length > 0 ? globMatcher(options.include) : () => true;
  const ignoredByPatterns = ignorePatternMatcher(options.ignorePatterns);
  const found: string[] = [];

  const ignoredBy = (scopes: GitignoreScope[], rel: string, isDir: boolean) =>
    scopes.some((s) => {
      const inner = s.dir === '' ? rel : rel.slice(s.dir.length + 1);
      return s.rules.ignores(isDir ? `${inner}/` : inner);
    });

  async function walk(dir: string, rel: string, scopes: GitignoreScope[]): Promise<void> {
    let entries;
    try {
      entries = await fsp.readdir(dir, { withFileTypes: true });
    } catch {
      return; // unreadable folder: skip it, never fail the scan
    }
    const own = entries.some((e) => e.name === '.gitignore' && e.isFile()) ? await readGitignore(path.join(dir, '.gitignore'), rel) : undefined;
    const active = own ? [...scopes, own] : scopes;
    const subfolders: Promise<void>[] = [];
    for (const entry of entries) {
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (ignoredByPatterns(childRel, true) || excluded(childRel) || ignoredBy(active, childRel, true)) continue;
        if (!options.includeTests && isTestFolder(entry.name)) continue;
        subfolders.push(walk(abs, childRel, active));
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        // Symbolic links to files are read; links to folders are not followed (cycles).
        if (!isWorkspaceFileKind(entry.name, childRel) || excluded(childRel) || ignoredByPatterns(childRel) || ignoredBy(active, childRel, false)) continue;
        if (!options.includeTests && isTestFileName(entry.name)) continue;
        if (isAnalysedFile(entry.name) && !isOrmSchemaFile(entry.name) && !included(childRel)) continue;
        if (entry.isSymbolicLink() && !(await isFile(abs))) continue;
        found.push(abs);
      }
    }
    await Promise.all(subfolders);
  }

  await walk(path.resolve(root), '', []);
  return found.sort();
}

async function readGitignore(file: string, dir: string): Promise<GitignoreScope | undefined> {
  try {
    const read = await readTextFile(file, { maxBytes: MAX_CONFIG_BYTES });
    return read.text === undefined ? undefined : { dir, rules: ignore().add(read.text) };
  } catch {
    return undefined; // a .gitignore the library cannot read ignores nothing
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fsp.stat(file)).isFile();
  } catch {
    return false;
  }
}
