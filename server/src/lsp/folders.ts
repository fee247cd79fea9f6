/**
 * One `Workspace` per workspace folder (multi-root), with the config and
 * settings it was built from. Loading is idempotent and last-call-wins: a
 * reload started while another is running supersedes it.
 */
import { isAbsolute, join, relative, resolve } from 'node:path';
import { Workspace } from '../core/engine/workspace';
import { loadConfig, unmatchedIncludes } from '../core/config/load';
import { CONFIG_FILE_NAME, type ConfigProblem, type QueryLensConfig } from '../core/config/types';
import { initParsers } from '../core/sql/parse';
import { initHostParsers } from '../core/host/treesitter';
import { maxFileChars } from './largeFiles';
import { eitherShipped, NOTHING_SHIPPED, type MigrationHistory } from '../core/migrations/history';
import { gitHistory, type GitHistory } from '../history/git';
import type { FolderBaseline } from './baseline';
import type { FolderSettings } from './settingsCache';
import { uriToPath } from './uris';
import { sqliteSyntaxOracle } from '../db/syntax-oracle';
import { CachedCheck } from '../cache/cachedCheck';
import { DEFAULT_CACHE_FOLDER } from '../cache/checkCache';
import { version } from '../../../package.json';
import type { Finding } from '../../../shared/types';

export interface FolderState {
  uri: string;
  name: string;
  /** Absolute path of the folder. */
  root: string;
  settings?: FolderSettings;
  workspace?: Workspace;
  /** Absolute path of the config file this folder reads (it may not exist). */
  configFile: string;
  configProblems: ConfigProblem[];
  /** Set when building the workspace failed. */
  error?: string;
  /** The user asked for the whole folder (`querylens.analyzeWorkspace`). */
  analyzedOnDemand: boolean;
  /** `rebuildKey` of the settings the workspace was built with. */
  rebuildKey?: string;
  /** What git says has shipped, as the workspace was last told. */
  history?: GitHistory;
  /** What the tracking tables of the last real connection read record (see history/tracked.ts). */
  tracked?: MigrationHistory;
  /** Bumped by every load; a load whose token is stale drops its result. */
  loadToken: number;
  /** The `querylens.baseline` file and what it holds (lsp/baseline.ts). */
  baseline?: FolderBaseline;
  /** True while its workspace is read in the background for the catalog (see server.ts `indexFolder`). */
  indexing?: boolean;
  /** The disk state its workspace was built with, written once it is indexed and at shutdown (server.ts `saveDiskState`). */
  diskState?: CachedCheck;
}

let parsersReady: Promise<void> | undefined;
function ensureParsers(): Promise<void> {
  parsersReady ??= Promise.resolve(initParsers()).catch((error) => {
    parsersReady = undefined; // retry on the next load
    throw error;
  });
  return parsersReady;
}

export function createFolder(uri: string, name: string): FolderState | undefined {
  const root = uriToPath(uri);
  if (!root) return undefined;
  return { uri, name, root, configFile: join(root, CONFIG_FILE_NAME), configProblems: [], analyzedOnDemand: false, loadToken: 0 };
}

export function contains(folder: FolderState, file: string): boolean {
  const rel = relative(folder.root, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** The innermost folder holding `file` (nested folders are allowed in multi-root workspaces). */
export function folderFor(folders: Iterable<FolderState>, file: string): FolderState | undefined {
  let best: FolderState | undefined;
  for (const folder of folders) {
    if (contains(folder, file) && (!best || folder.root.length > best.root.length)) best = folder;
  }
  return best;
}

/** Whether the folder's workspace should hold `file`: a file it knows, or a new one its scan would list. */
export function accepts(folder: FolderState, file: string): boolean {
  return folder.workspace?.includes(file) ?? false;
}

export function configFileOf(root: string, settings: FolderSettings): string {
  return settings.querylens.configFile ? resolve(root, settings.querylens.configFile) : join(root, CONFIG_FILE_NAME);
}

/** What, in the settings, requires rebuilding the workspace when it changes. */
export function rebuildKey(settings: FolderSettings): string {
  const { dialect, configFile, maxFileSizeKb, includeTests } = settings.querylens;
  return JSON.stringify([dialect, configFile, maxFileSizeKb, includeTests, settings.filesExclude]);
}

export interface LoadResult {
  workspace?: Workspace;
  problems: ConfigProblem[];
  configFile: string;
  config?: QueryLensConfig;
  history?: GitHistory;
  /** The disk state the workspace was built with, written again once it is indexed (`saveDiskState`). */
  diskState?: CachedCheck;
  error?: string;
  /** False when a newer load superseded this one. */
  current: boolean;
}

/**
 * Builds the folder's workspace (scans and reads every file). `onPreview`, if
 * given, gets at once an empty workspace with the same config, for the open
 * documents to be shown in before the scan and the read are done, and the
 * disk state the workspace will be built with. `onReplay`, if given, gets
 * the findings the disk state recorded, after the scan, when every listed
 * file is as it recorded them (`CachedCheck.replay`): they hold.
 */
export async function loadFolder(
  folder: FolderState,
  settings: FolderSettings,
  onError: (message: string) => void,
  onPreview?: (workspace: Workspace, diskState: CachedCheck) => void,
  onReplay?: (diskState: CachedCheck, findingsOf: (file: string) => Finding[] | undefined) => void,
): Promise<LoadResult> {
  const token = ++folder.loadToken;
  let configFile = configFileOf(folder.root, settings);
  let problems: ConfigProblem[] = [];
  try {
    await ensureParsers();
    const loaded = await loadConfig(folder.root, settings.querylens.configFile || undefined);
    configFile = loaded.file ?? configFile;
    problems = loaded.problems;
    const config: QueryLensConfig = { ...loaded.config };
    // The project's file wins over a user's setting: it is what CI and the CLI see too.
    if (!config.dialect && settings.querylens.dialect !== 'auto') config.dialect = settings.querylens.dialect;
    config.includeTests ??= settings.querylens.includeTests;
    let diskState: CachedCheck | undefined;
    const onSkipped = (file: string, reason: string) => {
      diskState?.skip(file, reason);
      onError(`skipped ${file}: ${reason}`);
    };
    const options = { root: folder.root, config, extraExcludes: settings.filesExclude, onError, onSkipped, incremental: true, maxFileChars: maxFileChars(settings.querylens.maxFileSizeKb), syntaxOracle: sqliteSyntaxOracle() };
    // The disk state (check --cache's): what the last run read of each unchanged file, its schema while no file the catalog
    // depends on changed, and the findings it recorded of the files open then. Read first: the preview asks it about the open files.
    const history = gitHistory(folder.root);
    diskState = await CachedCheck.load({ folder: join(folder.root, DEFAULT_CACHE_FOLDER), root: folder.root, version, readFindings: true, findingsUsed: false, warn: onError });
    if (onPreview) {
      await initHostParsers();
      if (token === folder.loadToken) onPreview(Workspace.fromFiles(options, {}), diskState);
    }
    const shipped = await history;
    // The disk state records each file's metadata before the workspace reads it: an unchanged one is then not hashed.
    const listed = await Workspace.listFiles(options);
    diskState.observe(listed);
    // Every file as the last run left it (its metadata, else its text), the same settings and what has shipped:
    // the findings it recorded hold (check --cache takes them whole then), before a file is read.
    const replay = onReplay && token === folder.loadToken ? diskState.replay({ configFile, config, isShipped: (file) => shipped.isShipped(file) }) : undefined;
    if (replay) onReplay!(diskState, (file) => replay.findingsOf(file));
    const known = diskState;
    const workspace = await Workspace.create({ ...options, history: shipped, known: (file, text) => known.known(file, text) }, listed);
    diskState.begin(workspace, { configFile, config, isShipped: (file) => shipped.isShipped(file) });
    problems = [...problems, ...unmatchedIncludes(loaded, folder.root, workspace.files())];
    return { workspace, problems, configFile, config, history: shipped, diskState, current: token === folder.loadToken };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { problems, configFile, error: message, current: token === folder.loadToken };
  }
}

/**
 * Asks git again what has shipped (after files changed on disk: a commit, a
 * checkout, a fix's new migration) and tells the workspace when that changed.
 * True when it did: every finding may have changed.
 */
export async function refreshHistory(folder: FolderState): Promise<boolean> {
  const workspace = folder.workspace;
  if (!workspace) return false;
  const history = await gitHistory(folder.root);
  if (folder.workspace !== workspace || history.fingerprint === folder.history?.fingerprint) return false;
  folder.history = history;
  applyHistory(folder);
  return true;
}

/** Tells the folder's workspace what git and the tracking tables say has shipped. */
export function applyHistory(folder: FolderState): void {
  folder.workspace?.setHistory(eitherShipped(folder.history ?? NOTHING_SHIPPED, folder.tracked ?? NOTHING_SHIPPED));
}
