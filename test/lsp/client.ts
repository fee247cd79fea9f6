/**
 * A small typed LSP client for tests: spawns the built server (dist/server.js)
 * over stdio and answers the requests a real editor answers. Everything waits
 * for events; nothing sleeps a fixed time.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  CodeLensRequest,
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  WorkDoneProgressCreateRequest,
  type CodeAction,
  type CodeLens,
  type Command,
  type Diagnostic,
  type FileEvent,
  type Hover,
  type ProtocolConnection,
  type Range,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver/node';
import { ReleaseIndexingNotification, StatusNotification, type StatusParams } from '../../shared/protocol';
import { defaultSettings, type QueryLensSettings } from '../../shared/settings';

export const REPO = resolve(__dirname, '../..');
/** QUERYLENS_SERVER points the tests at another build of the server (e.g. a private one). */
export const SERVER = process.env.QUERYLENS_SERVER ?? join(REPO, 'dist/server.js');

let built = false;
/**
 * Builds dist/ once per test run (`npm run build`), so the tests always talk to
 * the current server. QUERYLENS_SKIP_BUILD=1 skips it when the caller has just
 * built (`npm test`) or points QUERYLENS_SERVER at another build.
 */
export function buildServerOnce(): void {
  if (built || process.env.QUERYLENS_SKIP_BUILD) return;
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO, stdio: 'inherit' });
  built = true;
}

/** Prints what a failed test still waited for and what the server logged. */
export function reportFailure(context: Mocha.Context, client: TestClient | undefined): void {
  if (context.currentTest?.state === 'failed' && client) {
    console.error('still waiting for:', client.pending(), '\nserver log:\n', client.logs.join('\n'));
  }
}

/**
 * The hooks of a suite that starts a server per test (in `state.client`): builds
 * once before, and after each test reports a failure and disposes the server.
 */
export function serverPerTest(): { client?: TestClient } {
  const state: { client?: TestClient } = {};
  before(function () {
    this.timeout(120_000);
    buildServerOnce();
  });
  afterEach(async function () {
    reportFailure(this, state.client);
    await state.client?.dispose();
    state.client = undefined;
  });
  return state;
}

/** A temporary copy of a fixture workspace, removed by `dispose`. */
export function copyFixture(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `querylens-${name}-`));
  cpSync(join(REPO, 'test/fixtures', name), dir, { recursive: true });
  return dir;
}

export function uriOf(file: string): string {
  return pathToFileURL(file).href;
}

interface Waiter {
  done(): boolean;
  what(): string;
  resolve(): void;
  reject(error: Error): void;
}

export class TestClient {
  readonly diagnostics = new Map<string, Diagnostic[]>();
  /** The document version the latest diagnostics of each URI were published for. */
  readonly diagnosticsVersions = new Map<string, number | undefined>();
  /** Every publication of diagnostics, in the order they arrived. */
  readonly published: { uri: string; version: number | undefined; count: number; diagnostics: Diagnostic[] }[] = [];
  readonly statuses: StatusParams[] = [];
  readonly logs: string[] = [];
  settings: QueryLensSettings = defaultSettings();
  private readonly versions = new Map<string, number>();
  private readonly waiters = new Set<Waiter>();
  private readonly process: ChildProcess;
  private readonly connection: ProtocolConnection;

  /** The messages of the server's work-done progress reports ($/progress), in order. */
  readonly progress: string[] = [];

  private constructor(readonly roots: string[], env?: Record<string, string>) {
    this.process = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    this.process.stderr!.on('data', (chunk) => this.logs.push(String(chunk)));
    this.process.on('exit', (code) => this.failAll(`server exited (${code})\n${this.logs.join('\n')}`));
    this.connection = createProtocolConnection(
      new StreamMessageReader(this.process.stdout!),
      new StreamMessageWriter(this.process.stdin!),
    );
    this.connection.onNotification(PublishDiagnosticsNotification.type, ({ uri, version, diagnostics }) => {
      this.diagnostics.set(uri, diagnostics);
      this.diagnosticsVersions.set(uri, version);
      this.published.push({ uri, version, count: diagnostics.length, diagnostics });
      this.wake();
    });
    this.connection.onNotification(StatusNotification.type, (status) => {
      this.statuses.push(status);
      this.wake();
    });
    this.connection.onNotification('window/logMessage', ({ message }: { message: string }) => {
      this.logs.push(message);
      if (process.env.QUERYLENS_TEST_LOG) console.error(`[server] ${message}`);
    });
    this.connection.onRequest(ConfigurationRequest.type, ({ items }) =>
      items.map((item) => (item.section === 'querylens' ? this.settings : item.section === 'files.exclude' ? {} : null)),
    );
    this.connection.onRequest(WorkDoneProgressCreateRequest.type, () => null);
    this.connection.onNotification('$/progress', ({ value }: { value: { kind: string; message?: string } }) => {
      this.progress.push(`${value.kind}${value.message ? `: ${value.message}` : ''}`);
      this.wake();
    });
    this.connection.onRequest(RegistrationRequest.type, () => undefined);
    this.connection.listen();
  }

  /**
   * Starts the server on the folders `roots` (the first is the root) and waits
   * until it has indexed them (unless `indexed` is false), with `env` added to
   * its environment.
   */
  static async start(
    roots: string | string[],
    settings?: Partial<QueryLensSettings>,
    { env, indexed = true }: { env?: Record<string, string>; indexed?: boolean } = {},
  ): Promise<TestClient> {
    const folders = typeof roots === 'string' ? [roots] : roots;
    const client = new TestClient(folders, env);
    client.settings = { ...client.settings, ...settings };
    const exited = new Promise<never>((_, reject) =>
      client.process.once('exit', (code) => reject(new Error(`server exited (${code}):\n${client.logs.join('\n')}`))),
    );
    const initialized = client.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: uriOf(folders[0]!),
      workspaceFolders: folders.map((folder, i) => ({ uri: uriOf(folder), name: `folder${i}` })),
      capabilities: {
        workspace: {
          configuration: true,
          workspaceFolders: true,
          workspaceEdit: { documentChanges: true, resourceOperations: ['create'] },
          didChangeWatchedFiles: { dynamicRegistration: true },
          didChangeConfiguration: { dynamicRegistration: true },
        },
        window: { workDoneProgress: true },
        textDocument: { publishDiagnostics: { versionSupport: true }, codeAction: { isPreferredSupport: true } },
      },
    });
    exited.catch(() => undefined); // only awaited while initializing; later exits reject the waiters
    await Promise.race([initialized, exited]);
    await client.connection.sendNotification(InitializedNotification.type, {});
    if (!indexed) return client;
    await client.waitFor(
      () => client.statuses.some((s) => s.state !== 'indexing'),
      () => 'the server to finish indexing',
    );
    return client;
  }

  async open(file: string, text: string, languageId = 'sql'): Promise<string> {
    const uri = uriOf(file);
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version: 1, text },
    });
    return uri;
  }

  /** Sends one incremental change (`range` replaced by `text`), or a full text when `range` is omitted. */
  async change(uri: string, text: string, range?: Range): Promise<void> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    const change: TextDocumentContentChangeEvent = range ? { range, text } : { text };
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [change],
    });
  }

  /** The version of `uri` last sent (1 when opened, +1 per change). */
  versionOf(uri: string): number | undefined {
    return this.versions.get(uri);
  }

  /** Changes the settings the client answers with and tells the server, as VS Code does. */
  async configure(settings: Partial<QueryLensSettings>): Promise<void> {
    this.settings = { ...this.settings, ...settings };
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  async close(uri: string): Promise<void> {
    this.versions.delete(uri);
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async watchedFilesChanged(changes: FileEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
  }

  /** Resolves with the uri's diagnostics once the latest publication satisfies `predicate`. */
  async waitForDiagnostics(uri: string, predicate: (diagnostics: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
    await this.waitFor(() => {
      const current = this.diagnostics.get(uri);
      return current !== undefined && predicate(current);
    }, () => `diagnostics of ${uri} (last: ${JSON.stringify(this.diagnostics.get(uri) ?? null)})`);
    return this.diagnostics.get(uri)!;
  }

  async codeActions(uri: string, range: Range, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
    const result = await this.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range,
      context: { diagnostics, only },
    });
    return (result ?? []).filter((action): action is CodeAction => !isCommand(action));
  }

  codeLenses(uri: string): Promise<CodeLens[] | null> {
    return this.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
  }

  hover(uri: string, position: Range['start']): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  }

  /** Lets a server started with ReleaseIndexingNotification.HOLD_ENV index its folders. */
  releaseIndexing(): Promise<void> {
    return this.connection.sendNotification(ReleaseIndexingNotification.type);
  }

  /** Resolves once the server has said its indexing ended (its status is no longer `indexing`). */
  indexed(): Promise<void> {
    return this.waitFor(() => this.statuses.some((s) => s.state !== 'indexing'), () => 'the server to finish indexing');
  }

  sendRequest<R>(method: string, params?: unknown): Promise<R> {
    return this.connection.sendRequest(method, params);
  }

  /** Stops the server; its folders are removed unless `keepFolders` (a next server starts on them). */
  async dispose({ keepFolders = false } = {}): Promise<void> {
    try {
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // The server is already gone: nothing to shut down.
    }
    this.connection.dispose();
    // The folders go once the process is gone: it may still be writing into them (.querylens/cache).
    const exited = this.process.exitCode !== null || this.process.signalCode !== null ? Promise.resolve() : new Promise<void>((done) => this.process.once('exit', () => done()));
    this.process.kill();
    await exited;
    if (!keepFolders) for (const root of this.roots) rmSync(root, { recursive: true, force: true });
  }

  /** What the test is still waiting for (printed when a test times out). */
  pending(): string[] {
    return [...this.waiters].map((waiter) => waiter.what());
  }

  /** Resolves when `done()` holds, re-checked on every message from the server; mocha's timeout bounds it. */
  private waitFor(done: () => boolean, what: () => string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolvePromise, reject) => {
      this.waiters.add({ done, what, resolve: resolvePromise, reject });
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.done()) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  private failAll(reason: string): void {
    for (const waiter of this.waiters) waiter.reject(new Error(`${reason} while waiting for ${waiter.what()}`));
    this.waiters.clear();
  }
}

function isCommand(value: CodeAction | Command): value is Command {
  return typeof (value as Command).command === 'string' && !('kind' in value) && !('edit' in value);
}
