/**
 * What QueryLens never reads by default: other people's code installed or
 * vendored by a tool, caches, build output, and files made by a machine
 * (minified or bundled scripts, generated clients). The one list, for the
 * CLI's scan, the language server's indexing and the files opened in the
 * editor (files.ts, engine/workspace.ts). Reading them costs seconds and
 * hundreds of MB (Yarn's own 3 MB release in `.yarn/releases/`) and finds
 * nothing the project can fix.
 *
 * `ignorePatterns` (.querylens.json) come after these patterns, so a `!`
 * pattern there takes one back (`!.yarn/`, `!public/app.js`), as in ESLint.
 * Tests, fixtures and vendored source folders are another matter (scope.ts,
 * `includeTests`).
 */
import { GRAMMARS, LANGUAGES } from '../../../../shared/languages';

/**
 * Folders, at any depth: version control and installed packages (ESLint's
 * default ignores), Python's environments, tool caches and build output (ruff's
 * default `exclude`), Yarn Berry's `.yarn/` (its own release, plugins, SDKs,
 * cache and unplugged packages) and Bower's packages.
 */
const SKIPPED_FOLDERS = [
  'node_modules', '.git', '.hg', '.svn', '.bzr', '.git-rewrite',
  '.yarn', 'bower_components',
  '.venv', 'venv', '.direnv', '.pyenv', '__pypackages__', 'site-packages', '.eggs', '.tox', '.nox',
  '.mypy_cache', '.pytest_cache', '.ruff_cache', '.pytype', '.ipynb_checkpoints', '.pants.d',
  '_build', 'buck-out', 'dist', '.vscode',
];

/** Files, at any depth, that a tool writes: Yarn Plug'n'Play's loaders, minified scripts (GitHub Linguist's `generated?`). */
const SKIPPED_FILES = ['.pnp.cjs', '.pnp.js', '.pnp.loader.mjs', '*.min.js', '*.min.cjs', '*.min.mjs'];

/** The default skips in .gitignore syntax; `ignorePatterns` are added after them. */
export const DEFAULT_IGNORE_PATTERNS: readonly string[] = [...SKIPPED_FOLDERS.map((folder) => `${folder}/`), ...SKIPPED_FILES];

/**
 * Host code (Python, Rust, TypeScript, JavaScript) larger than this is not
 * read (Biome's `files.maxSize`): a generated API client, an inlined image, a
 * bundle. SQL and Prisma files are read whatever their size: a schema dump of
 * several MB is the schema.
 */
export const MAX_HOST_FILE_BYTES = 1024 * 1024;

/** A line this long in a JavaScript file: minified or bundled (UglifyJS breaks its output at 32,000 characters). */
export const MINIFIED_LINE_CHARS = 10_000;

const SKIPPED_FOLDER_SET = new Set(SKIPPED_FOLDERS);
const HOST_EXTENSIONS: readonly string[] = LANGUAGES.flatMap((language) => ('grammars' in language ? language.extensions : []));
const SCRIPT_EXTENSIONS: readonly string[] = GRAMMARS.javascript.extensions;

/**
 * Why a host file's text is not read (its size, a minified line), or
 * undefined. Only `text` is looked at: whether `ignorePatterns` took the file
 * back is the caller's.
 */
export function contentSkipReason(file: string, text: string): string | undefined {
  const lower = file.toLowerCase();
  if (!HOST_EXTENSIONS.some((ext) => lower.endsWith(ext))) return undefined;
  // UTF-8 takes at most 3 bytes per UTF-16 unit: most files are known small without counting.
  if (text.length * 3 > MAX_HOST_FILE_BYTES) {
    const bytes = Buffer.byteLength(text);
    if (bytes > MAX_HOST_FILE_BYTES) return `generated or bundled code, not read by default: it is larger than ${formatMiB(MAX_HOST_FILE_BYTES)} (${formatMiB(bytes)})`;
  }
  if (SCRIPT_EXTENSIONS.some((ext) => lower.endsWith(ext))) {
    const line = longestLine(text, MINIFIED_LINE_CHARS);
    if (line > MINIFIED_LINE_CHARS) return `minified or bundled code, not read by default: a line of ${line.toLocaleString('en-US')} characters`;
  }
  return undefined;
}

/**
 * Which default rule leaves out a root-relative, `/`-separated path (a folder
 * on its way, or the file's name), for a message; undefined when none does.
 */
export function defaultSkipOf(relativePath: string): string | undefined {
  const parts = relativePath.split('/');
  const folder = parts.slice(0, -1).find((part) => SKIPPED_FOLDER_SET.has(part));
  if (folder !== undefined) return `${folder}/`;
  const name = parts[parts.length - 1]!;
  return SKIPPED_FILES.find((pattern) => (pattern.startsWith('*') ? name.endsWith(pattern.slice(1)) : name === pattern));
}

/** The length of the first line longer than `limit`, else of the longest line. */
function longestLine(text: string, limit: number): number {
  let longest = 0;
  let start = 0;
  while (start <= text.length) {
    const end = text.indexOf('\n', start);
    const length = (end < 0 ? text.length : end) - start;
    if (length > longest) longest = length;
    if (longest > limit || end < 0) break;
    start = end + 1;
  }
  return longest;
}

function formatMiB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MiB`;
}
