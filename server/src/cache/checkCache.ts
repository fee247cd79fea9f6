/**
 * `check --cache`: each file's findings from the last run, kept on disk and
 * reused when nothing they depend on changed (like ESLint's and ruff's caches).
 *
 * One JSON file per cache folder, keyed as a whole by what every finding
 * depends on (QueryLens's version and build, the root, the configuration
 * and the list of files: `runKey`), and per file by its content hash and
 * whether it has shipped; `catalog` hashes the files that may change other files'
 * findings (schema, models, migrations, manifests), so the caller can tell
 * which cached findings still hold after such a file changed. Each listed file's
 * metadata (size, modification and change times, inode), as it was before the
 * run read the file, lets the next run skip reading and hashing the files whose
 * metadata is the same (git's index, ESLint's `--cache-strategy metadata`), and
 * re-check nothing at all when no file, setting or shipped state changed.
 *
 * Written to a temporary file then renamed, so concurrent runs never see half
 * a cache (the last one wins); a cache that cannot be read or parsed, and any
 * entry of the wrong shape, are ignored (and rewritten by the run).
 */
import { createHash } from 'node:crypto';
import { existsSync, promises as fs, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../../shared/types';
import type { SchemaChange } from '../core/sql/model';
import type { DialectSignals } from '../core/engine/layout';
import { readTextFile } from '../core/config/read';
import type { FileFacts } from '../core/engine/workspace';

/** Bumped when the cache's layout changes: older caches are then ignored. */
/** Where `check --cache` keeps its files when no `--cache-location` is given, and the language server its disk state: under the workspace root. */
export const DEFAULT_CACHE_FOLDER = path.join('.querylens', 'cache');
const CACHE_FORMAT = 3;
const CACHE_FILE = 'check.json';
/** A cache larger than this is not read (a run rewrites it). */
const MAX_CACHE_BYTES = 512 * 1024 * 1024;
/** The cache folder's own `.gitignore` (as ruff writes): the cache is never committed, whatever the project ignores. */
const GITIGNORE = '# Written by querylens check --cache\n*\n';

export interface CachedFile {
  /** Hash of the file's text. */
  hash: string;
  /** Whether the file had shipped (committed, unchanged): some rules and fixes read it. */
  shipped?: boolean;
  /** Whether the file may change other files' findings (Workspace.influencesOthers). */
  influences: boolean;
  /** The file's findings (before cross-file deduplication), when it was analysed. */
  findings?: Finding[];
  /** SQL strings of the file that could not be read as SQL. */
  unreadable?: number;
  /** A Python file: its Alembic revision and models (Workspace.factsOf). */
  facts?: FileFacts;
  /** A file the catalog reads: its schema changes (Workspace.schemaChangesOf), reused while the catalog's signature is the same. */
  schema?: SchemaChange[];
  /** A SQL file: what its tokens say of its dialect (Workspace.dialectSignalsOf). */
  signals?: DialectSignals;
  /** The file's metadata (`statOf`) just before the run read the text hashed: absent when the text is not the one read (a fix wrote it). */
  stat?: string;
  /** Whether the workspace analyses the file (Workspace.files(), as opposed to the manifests and models it only reads). */
  analyses?: boolean;
  /** The schema key of the file (Workspace.schemaKeyOf), kept for the files whose findings suggest an index (oneWarningPerIndex). */
  schemaKey?: string;
}

/** A listed file the workspace did not take: another engine's SQL, or a file it could not read (`skipped`: why). */
export interface LeftFile {
  stat: string;
  skipped?: string;
}

export interface CheckCacheContent {
  /** The QueryLens build that wrote it (`buildId`): another build's cache is not read. */
  build: string;
  runKey: string;
  catalog: string;
  /** The root, the configuration file and the configuration (`settingsKey`): the part of `runKey` known before the files are read. */
  settings: string;
  /**
   * Nanoseconds since the epoch: a file whose modification time is not older than
   * this may have changed in the same clock tick as its recorded metadata (git's
   * "racily clean" entries), so its metadata alone does not tell it unchanged.
   */
  racyFrom: string;
  /** By path relative to the root, '/'-separated. */
  files: Record<string, CachedFile>;
  /** The listed files not in `files`, by the same paths. */
  left: Record<string, LeftFile>;
}

/** A file's metadata as the cache compares it: size, modification and change times (nanoseconds), inode; undefined for no regular file. */
export function statOf(file: string): { key: string; mtimeNs: bigint } | undefined {
  try {
    const stats = statSync(file, { bigint: true, throwIfNoEntry: false });
    return stats?.isFile() ? { key: `${stats.size} ${stats.mtimeNs} ${stats.ctimeNs} ${stats.ino}`, mtimeNs: stats.mtimeNs } : undefined;
  } catch {
    return undefined;
  }
}

/** The part of the run's key known before the files are listed: the root, the configuration file and the configuration (as loaded). */
export function settingsKey(root: string, configFile: string, config: unknown): string {
  return hashOf([root, configFile, JSON.stringify(config)]);
}

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** A hash of the parts, in order. */
export function hashOf(parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('base64url');
}

/** The running bundle's hash, once read (`buildId`). */
let bundleHash: string | undefined;

/**
 * This QueryLens: its version and its build (a hash of the running bundle's
 * content), so that a changed QueryLens does not trust findings of the old
 * one, while the same code built again (a new time stamp) keeps its cache.
 * Reading and hashing the bundle costs a few milliseconds, once per process.
 */
export function buildId(version: string): string {
  try {
    bundleHash ??= createHash('sha256').update(readFileSync(__filename)).digest('base64url');
    return `${version} ${bundleHash}`;
  } catch {
    return `${version} ${Math.random()}`; // unknown build: never reuse
  }
}

export class CheckCache {
  private readonly file: string;

  constructor(private readonly folder: string) {
    this.file = path.join(folder, CACHE_FILE);
  }

  /** The cache of the last run of this QueryLens build; undefined when missing, unreadable, corrupt or of another build. */
  async read(build: string): Promise<CheckCacheContent | undefined> {
    const read = await readTextFile(this.file, { maxBytes: MAX_CACHE_BYTES });
    if (read.text === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(read.text);
    } catch {
      return undefined;
    }
    if (
      !isRecord(parsed) ||
      parsed.format !== CACHE_FORMAT ||
      parsed.build !== build ||
      typeof parsed.runKey !== 'string' ||
      typeof parsed.catalog !== 'string' ||
      typeof parsed.settings !== 'string' ||
      typeof parsed.racyFrom !== 'string' ||
      !/^\d+$/.test(parsed.racyFrom) ||
      !isRecord(parsed.files) ||
      !isRecord(parsed.left)
    ) {
      return undefined;
    }
    const files: Record<string, CachedFile> = {};
    for (const [name, entry] of Object.entries(parsed.files)) if (isCachedFile(entry)) files[name] = entry;
    const left: Record<string, LeftFile> = {};
    for (const [name, entry] of Object.entries(parsed.left)) if (isRecord(entry) && typeof entry.stat === 'string' && (entry.skipped === undefined || typeof entry.skipped === 'string')) left[name] = entry as unknown as LeftFile;
    return { build, runKey: parsed.runKey, catalog: parsed.catalog, settings: parsed.settings, racyFrom: parsed.racyFrom, files, left };
  }

  /** Replaces the cache (atomically: a temporary file renamed over it). Failures are reported, never thrown. */
  async write(content: CheckCacheContent, warn: (message: string) => void): Promise<void> {
    const temporary = `${this.file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await fs.mkdir(this.folder, { recursive: true });
      const gitignore = path.join(this.folder, '.gitignore');
      if (!existsSync(gitignore)) await fs.writeFile(gitignore, GITIGNORE);
      await fs.writeFile(temporary, JSON.stringify({ format: CACHE_FORMAT, ...content }));
      await fs.rename(temporary, this.file);
    } catch (error) {
      await fs.rm(temporary, { force: true }).catch(() => undefined);
      warn(`could not write the cache in ${this.folder}: ${(error as Error).message}`);
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCachedFile(value: unknown): value is CachedFile {
  return (
    isRecord(value) &&
    typeof value.hash === 'string' &&
    typeof value.influences === 'boolean' &&
    (value.shipped === undefined || typeof value.shipped === 'boolean') &&
    (value.stat === undefined || typeof value.stat === 'string') &&
    (value.analyses === undefined || typeof value.analyses === 'boolean') &&
    (value.schemaKey === undefined || typeof value.schemaKey === 'string') &&
    (value.findings === undefined || (Array.isArray(value.findings) && value.findings.every(isFindingShaped))) &&
    (value.unreadable === undefined || typeof value.unreadable === 'number') &&
    (value.facts === undefined || isFacts(value.facts)) &&
    (value.schema === undefined || (Array.isArray(value.schema) && value.schema.every(isChangeShaped))) &&
    (value.signals === undefined || (isRecord(value.signals) && typeof value.signals.mixed === 'boolean' && (value.signals.own === undefined || typeof value.signals.own === 'string')))
  );
}

function isFacts(value: unknown): value is FileFacts {
  if (!isRecord(value) || !Array.isArray(value.models) || !value.models.every(isModelShaped)) return false;
  const revision = value.revision;
  if (revision === undefined) return true;
  const down = isRecord(revision) ? revision.downRevision : undefined;
  return isRecord(revision) && typeof revision.revision === 'string' && (down === null || typeof down === 'string' || (Array.isArray(down) && down.every((d) => typeof d === 'string')));
}

function isModelShaped(value: unknown): boolean {
  return isRecord(value) && typeof value.className === 'string' && typeof value.table === 'string' && isRecord(value.span) && Array.isArray(value.changes) && Array.isArray(value.relationships);
}

function isChangeShaped(value: unknown): boolean {
  return isRecord(value) && typeof value.kind === 'string' && isRecord(value.span);
}

function isFindingShaped(value: unknown): boolean {
  return isRecord(value) && typeof value.ruleId === 'string' && typeof value.file === 'string' && typeof value.message === 'string' && isRecord(value.range) && Array.isArray(value.fixes);
}
