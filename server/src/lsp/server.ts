/**
 * The QueryLens language server: LSP wiring around the engine's `Workspace`.
 * The connection is injected so tests can run the server over any stream.
 */
import { basename, relative, sep } from 'node:path';
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocuments,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type Connection,
  type Disposable,
  type FileEvent,
  type InitializeResult,
  type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalyzeWorkspaceRequest, FIX_ALL_KIND, QueryAtRequest, ReleaseIndexingNotification, StatusNotification, type AnalyzeWorkspaceResult, type ServerState } from '../../../shared/protocol';
import { MAX_SOURCE_BYTES, readTextFile, readTextFileSync } from '../core/config/read';
import { explainableQueries, explainableQueriesSteps, innermostAt, type ExplainableQuery } from '../core/engine/explainable';
import type { Workspace } from '../core/engine/workspace';
import { chainMigrationFixes } from '../core/engine/chain';
import { codeLenses } from './codeLens';
import { DatabaseHandlers } from './database';
import { registerDashboard } from './dashboard';
import { EMBEDDED_CONNECTION } from '../../../shared/connections';
import { defaultSettings } from '../../../shared/settings';
import { codeActions, type ChainMigrations } from './codeActions';
import { readFile as readDrizzleFile } from '../core/orm/drizzle/migrations';
import { publishConfigProblems } from './configDiagnostics';
import { DiagnosticsPublisher } from './diagnostics';
import { baselineWatchPattern, readFolderBaseline } from './baseline';
import { accepts, contains, createFolder, folderFor, loadFolder, rebuildKey, refreshHistory, type FolderState } from './folders';
import { describe, guard } from './guard';
import { hover } from './hover';
import { PendingEdits } from './pendingEdits';
import { SettingsCache } from './settingsCache';
import { inSlices } from './slices';
import type { CachedCheck } from '../cache/cachedCheck';
import type { Finding } from '../../../shared/types';
import { pathToUri, uriToPath } from './uris';
import { watchedGlobs } from '../../../shared/languages';
import { SCRIPT_MIGRATION_GLOB } from '../core/config/files';

/** The files whose changes the server hears of: the analysed kinds, the tools' files and the config (shared/languages.ts). */
const WATCHED_GLOBS = [...watchedGlobs(), SCRIPT_MIGRATION_GLOB];
/** How long shutdown waits for a disk-state write under way before it answers. */
const SHUTDOWN_WRITE_WAIT_MS = 5_000;

export function startServer(connection: Connection): void {
  const logger = connection.console;
  // An edit may move the diagnostics the editor shows: then the same ones are published again (ShownDiagnostics).
  const documents = new TextDocuments({
    create: TextDocument.create,
    update: (document, changes, version) => {
      const file = uriToPath(document.uri);
      if (file) publisher.shown.edited(file, changes);
      return TextDocument.update(document, changes, version);
    },
  });
  const folders = new Map<string, FolderState>();
  /** Open documents by absolute path (the client's own URI spelling is kept for publishing). */
  const openByPath = new Map<string, string>();
  let capabilities: ClientCapabilities = {};
  let rootFallback: WorkspaceFolder[] = [];

  const settings = new SettingsCache(connection, () => capabilities.workspace?.configuration === true);
  const host = {
    folderFor: (file: string) => folderFor(folders.values(), file),
    openUri: (file: string) => openByPath.get(file),
    openVersion: (uri: string) => documents.get(uri)?.version,
    uriOf: pathToUri,
    applyPendingEdits: () => pendingEdits.flush(),
    analysed: (file: string) => {
      // An edit that changed the schema changes the other files' findings too
      // (known once the edit is read, which its analysis does in slices).
      const workspace = schemaUnchecked.delete(file) ? host.folderFor(file)?.workspace : undefined;
      const others = workspace?.affectedBy(file).filter((other) => other !== file) ?? [];
      if (others.length > 0) publisher.refresh(others, 0);
    },
    indexing: (file: string) => host.folderFor(file)?.indexing === true,
    awaitingRecorded: (file: string) => {
      const folder = host.folderFor(file);
      return folder !== undefined && folder.indexing === true && quietPreviews.has(folder);
    },
  };
  const publisher = new DiagnosticsPublisher(connection, host, logger);
  /** Open documents handed to their workspace whose effect on the schema is not known yet. */
  const schemaUnchecked = new Set<string>();
  /** An open document's newest text, handed to its workspace when something reads it. */
  const pendingEdits = new PendingEdits((file) => {
    const uri = openByPath.get(file);
    const document = uri === undefined ? undefined : documents.get(uri);
    const folder = host.folderFor(file);
    const workspace = folder?.workspace;
    if (!document || !folder || !workspace || !accepts(folder, file)) return;
    workspace.setFile(file, document.getText());
    schemaUnchecked.add(file);
  });
  const versionOf = (uri: string) => documents.get(uri)?.version ?? null;
  const debounceOf = (folder: FolderState | undefined) =>
    (folder?.settings?.querylens ?? defaultSettings()).debounceMs;

  function sendStatus(state: ServerState, error?: string): void {
    let fileCount = 0;
    for (const folder of folders.values()) fileCount += folder.workspace?.files().length ?? 0;
    void connection.sendNotification(StatusNotification.type, { state, fileCount, error }).catch(() => undefined);
  }

  /** Every file the folder shows: open documents, or all of them in workspace mode. */
  function filesToPublish(folder: FolderState): string[] {
    const workspace = folder.workspace;
    if (!workspace) return [];
    const open = [...openByPath.keys()].filter((file) => host.folderFor(file) === folder);
    return [...new Set([...open, ...workspace.files()])];
  }

  /**
   * (Re)builds one folder's workspace, syncs open buffers into it and
   * publishes: the open documents' syntax errors at once, every finding once
   * the workspace is indexed (in slices, in the background).
   */
  async function reload(folder: FolderState): Promise<Workspace | undefined> {
    folder.settings = await settings.get(folder.uri);
    // On the first load, the open documents are shown (their syntax errors) before the folder is even read,
    // unless the disk state recorded findings of their texts: those may follow as soon as it is read (showKnownSchema).
    const preview = (workspace: Workspace, diskState: CachedCheck) => {
      if (folder.workspace || !folders.has(folder.uri)) return;
      folder.workspace = workspace;
      const open = openFilesOf(folder);
      const recorded = open.length > 0 && open.every((file) => diskState.recordedFindingsFor(file, documents.get(openByPath.get(file)!)?.getText() ?? ''));
      showOpenDocuments(folder, workspace, !recorded);
    };
    // A folder nested in this one (multi-root) shows its own files: this one does not read them a second time.
    const nested = [...folders.values()].filter((other) => other !== folder && contains(folder, other.root)).map((other) => relative(folder.root, other.root).split(sep).join('/'));
    const loadSettings = { ...folder.settings, filesExclude: [...folder.settings.filesExclude, ...nested.flatMap((dir) => [dir, `${dir}/**`])] };
    // Every file as the disk state recorded it: the open documents it recorded findings of show them before any file is read.
    const shown = new Set<string>();
    const replayed = (diskState: CachedCheck, findingsOf: (file: string) => Finding[] | undefined) => {
      if (!folders.has(folder.uri)) return;
      for (const file of openFilesOf(folder)) {
        const text = documents.get(openByPath.get(file)!)?.getText();
        const findings = text !== undefined && diskState.recordedFindingsFor(file, text) ? findingsOf(file) : undefined;
        if (!findings) continue;
        publisher.show(file, findings);
        shown.add(file);
      }
    };
    const result = await loadFolder(folder, loadSettings, (message) => logger.error(`QueryLens: ${message}`), preview, replayed);
    if (!result.current || !folders.has(folder.uri)) return undefined;
    folder.workspace = result.workspace;
    folder.history = result.history;
    folder.error = result.error;
    folder.configProblems = result.problems;
    folder.configFile = result.configFile;
    folder.rebuildKey = rebuildKey(folder.settings);
    folder.diskState = result.diskState;
    if (result.error) logger.error(`QueryLens: indexing ${folder.root} failed: ${result.error}`);
    if (!result.workspace) folder.indexing = false;
    else if (result.workspace.knowsSchema()) showKnownSchema(folder, result.workspace, result.diskState, shown);
    else if (!result.workspace.indexed()) showOpenDocuments(folder, result.workspace);
    else syncOpenDocuments(folder, result.workspace);
    await refreshBaseline(folder);
    publishConfigProblems(connection, folder, logger);
    return result.workspace;
  }

  /** Hands the open documents of the folder to `workspace`. */
  function syncOpenDocuments(folder: FolderState, workspace: Workspace): void {
    for (const [file, uri] of openByPath) {
      const document = documents.get(uri);
      if (document && host.folderFor(file) === folder && accepts(folder, file)) workspace.setFile(file, document.getText());
    }
  }

  /** The open documents of the folder. */
  function openFilesOf(folder: FolderState): string[] {
    return [...openByPath.keys()].filter((file) => host.folderFor(file) === folder);
  }

  /** Folders whose preview published nothing (`reload`): their open documents are shown when the folder is read. */
  const quietPreviews = new Set<FolderState>();

  /**
   * Hands the open documents to the folder's `workspace`, not indexed yet, and
   * publishes what their own text says (unless not `publish`, then later).
   */
  function showOpenDocuments(folder: FolderState, workspace: Workspace, publish = true): void {
    syncOpenDocuments(folder, workspace);
    // Shown already, from the preview: the same texts say the same.
    if (folder.indexing && !quietPreviews.delete(folder)) return;
    folder.indexing = true;
    if (!publish) {
      quietPreviews.add(folder);
      return;
    }
    publisher.invalidate([...openByPath.keys(), ...publisher.shownFiles()].filter((file) => host.folderFor(file) === folder));
    publisher.schedule(openFilesOf(folder), 0);
  }

  /**
   * The workspace took the schema the disk state holds (the last run's, while
   * no file it depends on changed): its catalog is the whole workspace's
   * without indexing, so the open documents get every finding at once. An
   * open document whose findings the disk state recorded for its text, while
   * they hold, shows them before it is analysed again (unless `shown` already,
   * when every file was as recorded: `loadFolder`'s `onReplay`).
   */
  function showKnownSchema(folder: FolderState, workspace: Workspace, diskState: CachedCheck | undefined, shown: ReadonlySet<string>): void {
    folder.indexing = false;
    quietPreviews.delete(folder);
    const open = openFilesOf(folder);
    for (const file of open) {
      // The disk state knows the text on disk, which the workspace read.
      const text = documents.get(openByPath.get(file)!)?.getText();
      const held = text !== undefined && text === workspace.textOf(file) && !shown.has(file) ? diskState?.heldFindings(file) : undefined;
      if (held) publisher.show(file, held);
    }
    syncOpenDocuments(folder, workspace);
    publisher.refresh(open, 0);
  }

  /** Indexes the folder's reloaded workspace (unless a newer load took over) and publishes every finding. */
  async function publishIndexed(folder: FolderState, workspace: Workspace, progress: (percent: number, message: string) => void): Promise<void> {
    if (folder.indexing) await indexFolder(folder, workspace, progress);
    if (folder.workspace !== workspace) return; // a newer load took over
    // This folder's files only: the folders indexed before keep their findings.
    const files = [...filesToPublish(folder), ...publisher.shownFiles().filter((file) => host.folderFor(file) === folder)];
    publisher.invalidate(files);
    publisher.schedule(files, 0);
    if (capabilities.workspace?.codeLens?.refreshSupport) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    // What the workspace read, for the next start (check --cache's file): once the open documents' findings are out, with them.
    await diskWrite(async () => {
      await Promise.all(openFilesOf(folder).map((file) => publisher.currentFindings(file)));
      if (folder.workspace === workspace) await saveDiskState(folder);
    });
  }

  /** The disk-state writes under way (after indexing), which shutdown lets finish before the process exits. */
  const diskWrites = new Set<Promise<void>>();
  async function diskWrite(write: () => Promise<void>): Promise<void> {
    const delay = Number(process.env[ReleaseIndexingNotification.DISK_WRITE_DELAY_ENV] ?? 0);
    const pending = delay > 0 ? new Promise((done) => setTimeout(done, delay)).then(write) : write();
    diskWrites.add(pending);
    try {
      await pending;
    } finally {
      diskWrites.delete(pending);
    }
  }

  /** Per folder, the text of each file whose findings its disk state was last written with. */
  const recordedTexts = new WeakMap<FolderState, Map<string, string>>();

  /**
   * Writes the folder's disk state: what its workspace read, and the findings
   * of its open documents (shown first at the next start while they hold).
   * At shutdown (`saved`), only when an open document's saved text has
   * findings it was not written with (opened since): the next start reads the
   * files on disk, and the last write holds the findings of their texts then.
   */
  async function saveDiskState(folder: FolderState, saved = false): Promise<void> {
    const { workspace, diskState } = folder;
    if (!workspace || !diskState || folder.indexing) return;
    const recorded = new Map<string, string>();
    let news = false;
    // Not those read with a database's tracking tables: the next start reads git's history alone.
    for (const file of folder.tracked ? [] : openFilesOf(folder)) {
      // Findings of the workspace's text of the file (an edit drops them until it is analysed), against the whole catalog.
      const findings = publisher.knownFindings(file);
      const text = workspace.textOf(file);
      if (!findings || text === undefined || !workspace.includes(file) || workspace.tooLarge(file)) continue;
      if (saved && readTextFileSync(file, { maxBytes: MAX_SOURCE_BYTES }).text !== text) continue;
      diskState.record(file, text, findings, workspace.unreadableIn(file));
      recorded.set(file, text);
      if (recordedTexts.get(folder)?.get(file) !== text) news = true;
    }
    if (saved && !news) return;
    recordedTexts.set(folder, recorded);
    await diskState.save();
  }

  /**
   * Reads the folder's workspace for its catalog in slices, the open
   * documents shown first with what their own text says (findings that read
   * the catalog could be false against part of it; see syntaxFindingsSteps).
   */
  async function indexFolder(folder: FolderState, workspace: Workspace, progress: (percent: number, message: string) => void): Promise<void> {
    try {
      await indexingHeld;
      let reported = -1;
      const onRead = (read: number, total: number) => {
        const percent = Math.floor((read / Math.max(total, 1)) * 100);
        if (percent === reported) return;
        reported = percent;
        progress(percent, `Indexing ${folder.name}: ${read}/${total} files`);
      };
      await inSlices(workspace.indexSteps(onRead), () => folder.workspace !== workspace || !folders.has(folder.uri));
    } finally {
      folder.indexing = false;
    }
  }

  /** Resolved at once, or in tests when the client releases the indexing it asked to hold (ReleaseIndexingNotification). */
  const indexingHeld = new Promise<void>((release) => {
    if (process.env[ReleaseIndexingNotification.HOLD_ENV] !== '1') return release();
    connection.onNotification(ReleaseIndexingNotification.type, () => release());
  });

  /** Per folder URI: the watcher registered for its baseline file, and the pattern it follows. */
  const baselineWatches = new Map<string, { pattern: string; registration: Promise<Disposable | undefined> }>();

  /** Reads the folder's `querylens.baseline` again (its findings are shown lower) and follows the file. */
  async function refreshBaseline(folder: FolderState): Promise<void> {
    folder.baseline = await readFolderBaseline(folder.root, folder.settings?.querylens.baseline ?? '');
    if (folder.baseline?.error) logger.error(`QueryLens: ${folder.baseline.error}`);
    const watching = capabilities.workspace?.didChangeWatchedFiles;
    if (!watching?.dynamicRegistration) return;
    const pattern = folder.baseline && baselineWatchPattern(folder.root, folder.baseline);
    const current = baselineWatches.get(folder.uri);
    if (current?.pattern === pattern) return;
    void current?.registration.then((registration) => registration?.dispose());
    baselineWatches.delete(folder.uri);
    if (!pattern) return;
    const globPattern = watching.relativePatternSupport ? { baseUri: folder.uri, pattern } : `**/${pattern}`;
    const registration = connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern }] }).catch(() => undefined);
    baselineWatches.set(folder.uri, { pattern, registration });
  }

  /** The indexing under way, if any: workspace-wide requests wait for it. */
  let indexing: Promise<void> = Promise.resolve();

  function reloadAll(targets: FolderState[]): Promise<void> {
    if (targets.length === 0) return indexing;
    const run = indexing.then(() => reloadNow(targets));
    indexing = run.catch(() => undefined);
    return run;
  }

  async function reloadNow(targets: FolderState[]): Promise<void> {
    sendStatus('indexing');
    const progress = await connection.window.createWorkDoneProgress();
    progress.begin('QueryLens', 0, 'Indexing SQL files', false);
    try {
      const loaded = await Promise.all(targets.map((folder) => reload(folder)));
      // One folder after the other: one folder's indexing at a time holds its files' syntax trees.
      for (const [at, folder] of targets.entries()) {
        const workspace = loaded[at];
        if (workspace) await publishIndexed(folder, workspace, (percent, message) => progress.report(Math.round(((at + percent / 100) / targets.length) * 100), message));
      }
    } finally {
      progress.done();
    }
    const failed = targets.find((folder) => folder.error);
    sendStatus(failed ? 'error' : 'ready', failed?.error);
  }

  function addFolders(added: WorkspaceFolder[]): FolderState[] {
    const created: FolderState[] = [];
    for (const { uri, name } of added) {
      const folder = createFolder(uri, name);
      if (folder && !folders.has(uri)) {
        folders.set(uri, folder);
        created.push(folder);
      }
    }
    return created;
  }

  connection.onInitialize((params): InitializeResult => {
    capabilities = params.capabilities;
    const rootUri = params.rootUri;
    rootFallback = params.workspaceFolders ?? (rootUri ? [{ uri: rootUri, name: basename(uriToPath(rootUri) ?? rootUri) }] : []);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false },
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'QueryLens' },
    };
  });

  connection.onInitialized(
    guard(logger, 'initialization', undefined, async () => {
      if (capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
        void connection.client.register(DidChangeConfigurationNotification.type, { section: ['querylens', 'files.exclude'] });
      }
      if (capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
        void connection.client.register(DidChangeWatchedFilesNotification.type, {
          watchers: WATCHED_GLOBS.map((globPattern) => ({ globPattern })),
        });
      }
      if (capabilities.workspace?.workspaceFolders) {
        connection.workspace.onDidChangeWorkspaceFolders(
          guard(logger, 'workspace folder change', undefined, async (event) => {
            for (const { uri } of event.removed) {
              const folder = folders.get(uri);
              folders.delete(uri);
              if (folder) publisher.schedule(publisher.shownFiles(), 0);
            }
            await reloadAll(addFolders(event.added));
          }),
        );
      }
      await reloadAll(addFolders(rootFallback));
    }),
  );

  documents.onDidChangeContent(
    guard(logger, 'document change', undefined, ({ document }) => {
      const file = uriToPath(document.uri);
      if (!file) return;
      openByPath.set(file, document.uri);
      const folder = host.folderFor(file);
      if (!folder?.workspace || !accepts(folder, file)) return;
      // A text the disk state may have no findings of: the open documents show what their own text says meanwhile.
      if (quietPreviews.delete(folder)) publisher.schedule(openFilesOf(folder), 0);
      // Nothing is parsed here: a burst of edits costs one analysis, of its last version.
      pendingEdits.mark(file);
      publisher.refresh([], debounceOf(folder), file);
    }),
  );

  // The client's diagnostics of a document opened or closed again are published again.
  documents.onDidOpen(({ document }) => {
    const file = uriToPath(document.uri);
    if (file) publisher.shown.forget(file);
  });

  documents.onDidClose(
    guard(logger, 'document close', undefined, async ({ document }) => {
      const file = uriToPath(document.uri);
      if (!file) return;
      publisher.shown.forget(file);
      openByPath.delete(file);
      pendingEdits.forget(file);
      schemaUnchecked.delete(file);
      const folder = host.folderFor(file);
      const workspace = folder?.workspace;
      if (!workspace) return publisher.schedule([file], 0);
      // The disk is the truth again once the editor lets go of the buffer.
      const affected = workspace.affectedBy(file);
      const read = await readTextFile(file, { maxBytes: MAX_SOURCE_BYTES });
      if (read.text !== undefined) workspace.setFile(file, read.text);
      else workspace.deleteFile(file);
      publisher.refresh([file, ...affected], debounceOf(folder));
    }),
  );

  async function onWatchedFile(change: FileEvent, reloads: Set<FolderState>, baselines: Set<FolderState>): Promise<void> {
    const file = uriToPath(change.uri);
    const folder = file && host.folderFor(file);
    if (!file || !folder) return;
    if (file === folder.configFile) {
      reloads.add(folder);
      return;
    }
    if (file === folder.baseline?.file) {
      baselines.add(folder);
      return;
    }
    const workspace = folder.workspace;
    if (!workspace || openByPath.has(file)) return; // an open buffer wins over the disk
    if (change.type === FileChangeType.Deleted) {
      const affected = workspace.affectedBy(file);
      workspace.deleteFile(file);
      publisher.refresh([file, ...affected], debounceOf(folder));
    } else if (accepts(folder, file)) {
      const read = await readTextFile(file, { maxBytes: MAX_SOURCE_BYTES });
      if (read.text === undefined) return logger.error(`QueryLens: skipped ${file}: ${read.error}`);
      workspace.setFile(file, read.text);
      publisher.refresh(workspace.affectedBy(file), debounceOf(folder));
    }
  }

  connection.onDidChangeWatchedFiles(
    guard(logger, 'watched file change', undefined, async ({ changes }) => {
      const reloads = new Set<FolderState>();
      const baselines = new Set<FolderState>();
      const touched = new Set<FolderState>();
      for (const change of changes) {
        try {
          await onWatchedFile(change, reloads, baselines);
          const path = uriToPath(change.uri);
          const folder = path && host.folderFor(path);
          if (folder) touched.add(folder);
        } catch (error) {
          logger.error(`QueryLens: reading ${change.uri} failed: ${describe(error)}`);
        }
      }
      for (const folder of touched) {
        if (!reloads.has(folder) && (await refreshHistory(folder))) publisher.refresh(filesToPublish(folder), debounceOf(folder));
      }
      for (const folder of baselines) {
        if (reloads.has(folder)) continue; // the reload reads it
        await refreshBaseline(folder);
        publisher.schedule([...filesToPublish(folder), ...publisher.shownFiles()], 0);
      }
      await reloadAll([...reloads]);
    }),
  );

  connection.onDidChangeConfiguration(
    guard(logger, 'configuration change', undefined, async (params) => {
      settings.clear(params.settings);
      const rebuild: FolderState[] = [];
      for (const folder of folders.values()) {
        const next = await settings.get(folder.uri);
        if (rebuildKey(next) !== folder.rebuildKey) rebuild.push(folder);
        else folder.settings = next;
      }
      for (const folder of folders.values()) {
        if (rebuild.includes(folder)) continue;
        await refreshBaseline(folder);
        publisher.schedule([...filesToPublish(folder), ...publisher.shownFiles()], 0);
      }
      await reloadAll(rebuild);
    }),
  );

  connection.onCodeAction(
    guard(logger, 'code actions', [], async (params) => {
      const document = documents.get(params.textDocument.uri);
      const file = uriToPath(params.textDocument.uri);
      if (!document || !file) return [];
      const folder = host.folderFor(file);
      const database = {
        connectionName: folder?.settings?.querylens.activeConnection || EMBEDDED_CONNECTION.name,
        dialect: folder?.workspace?.dialectOf(file) ?? 'postgres',
      };
      const workspace = folder?.workspace;
      const chain: ChainMigrations | undefined = workspace
        ? {
            // A drizzle-kit journal is no analysed file: read from the disk.
            textOf: (f) => workspace.textOf(f) ?? readDrizzleFile(f),
            plan: (fixes, textOf) => chainMigrationFixes(fixes, workspace.migrationSets(), workspace.catalog(), new Date(), textOf),
          }
        : undefined;
      const findings = await publisher.currentFindings(file);
      // The document may have changed while its analysis ran: the actions are for the version analysed.
      return codeActions(params, documents.get(params.textDocument.uri) ?? document, file, findings, versionOf, database, chain);
    }),
  );

  connection.onHover(
    guard(logger, 'hover', null, async (params) => {
      const file = uriToPath(params.textDocument.uri);
      return file ? hover(await publisher.currentFindings(file), params.position, (finding) => database.proofFor(finding)) : null;
    }),
  );

  /** An open document whose explainable queries may be listed, with its folder (whose workspace it is in). */
  function explainableDocument(uri: string): { document: TextDocument; workspace: Workspace; folder: FolderState; file: string } | undefined {
    const document = documents.get(uri);
    const file = uriToPath(uri);
    const folder = file ? host.folderFor(file) : undefined;
    const workspace = folder?.workspace;
    if (!document || !file || !folder || !workspace || !accepts(folder, file) || folder.settings?.querylens.enable === false) return undefined;
    if (folder.indexing) return undefined; // asked again once indexed (codeLens.refresh)
    pendingEdits.flush();
    return workspace.tooLarge(file) ? undefined : { document, workspace, folder, file };
  }

  /** The explainable queries of an open document, from its folder's workspace. */
  function queriesOf(uri: string): { document: TextDocument; queries: ExplainableQuery[]; folder: FolderState; file: string } | undefined {
    const found = explainableDocument(uri);
    return found && { ...found, queries: explainableQueries(found.workspace, found.file) };
  }

  connection.onCodeLens(
    guard(logger, 'code lenses', [], async (params) => {
      const uri = params.textDocument.uri;
      // Its analysis reads the document in slices: the lenses then need no parse of their own.
      const file = uriToPath(uri);
      if (file && openByPath.has(file)) await publisher.currentFindings(file);
      const found = explainableDocument(uri);
      if (!found) return [];
      // Listed in slices too; a newer version stops them (the client asks again for it).
      const version = found.document.version;
      const queries = await inSlices(explainableQueriesSteps(found.workspace, found.file), () => documents.get(uri)?.version !== version);
      return queries ? codeLenses(queries, found.document) : [];
    }),
  );

  connection.onRequest(
    QueryAtRequest.type,
    guard(logger, 'query lookup', null, (params) => {
      const found = queriesOf(params.uri);
      if (!found) return null;
      const query = innermostAt(found.queries, found.document.offsetAt(params.position));
      if (!query) return null;
      return {
        key: `${found.file}\n${query.sql}`,
        sql: query.sql,
        dialect: query.dialect,
        statementKind: query.kind,
        params: query.params,
        range: { start: found.document.positionAt(query.span.start), end: found.document.positionAt(query.span.end) },
      };
    }),
  );

  const database = new DatabaseHandlers(
    connection,
    {
      queriesOf,
      folder: (folderUri) => {
        pendingEdits.flush(); // the dashboard reads the workspace: open buffers first
        return (folderUri ? folders.get(folderUri) : undefined) ?? folders.values().next().value;
      },
      historyChanged: (folder) => publisher.refresh(filesToPublish(folder), 0),
    },
    logger,
  );
  connection.onShutdown(async () => {
    // A write after indexing still under way finishes first (the client ends the process once this answers), bounded.
    await Promise.race([Promise.allSettled([...diskWrites]), new Promise((done) => setTimeout(done, SHUTDOWN_WRITE_WAIT_MS).unref())]);
    // The findings of the documents opened since the last write, for the next start.
    await Promise.all([...folders.values()].map((folder) => saveDiskState(folder, true).catch((error) => logger.error(`QueryLens: writing the disk state of ${folder.root} failed: ${describe(error)}`))));
    await database.close();
  });
  registerDashboard(connection, database, logger);

  connection.onRequest(
    AnalyzeWorkspaceRequest.type,
    guard(logger, 'workspace analysis', emptyCounts(), async () => {
      await indexing;
      pendingEdits.flush();
      const counts = emptyCounts();
      for (const folder of folders.values()) {
        if (!folder.workspace || folder.settings?.querylens.enable === false) continue;
        counts.folders++;
        folder.analyzedOnDemand = true;
        for (const file of folder.workspace.files()) {
          counts.files++;
          for (const finding of publisher.findingsOf(file)) counts[`${finding.severity}s` as const]++;
        }
        publisher.schedule(folder.workspace.files(), 0);
      }
      return counts;
    }),
  );

  process.on('uncaughtException', (error) => logger.error(`QueryLens: uncaught: ${describe(error)}`));
  process.on('unhandledRejection', (error) => logger.error(`QueryLens: unhandled: ${describe(error)}`));

  documents.listen(connection);
  connection.listen();
}

function emptyCounts(): AnalyzeWorkspaceResult {
  return { folders: 0, files: 0, errors: 0, warnings: 0, infos: 0, hints: 0 };
}
