/**
 * The VS Code side of QueryLens, kept thin: it starts the language server,
 * shows its state in the status bar and wires the commands. All analysis is
 * in the server.
 */
import * as vscode from 'vscode';
import { MigrationOpener } from './migrationOpener';
import { registerDatabaseFeatures } from './db/features';
import { Redactor } from './db/redact';
import { RedactingOutputChannel } from './db/redactingChannel';
import {
  LanguageClient,
  State,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { AnalyzeWorkspaceRequest, StatusNotification, type StatusParams } from '../../shared/protocol';
import { documentLanguages } from '../../shared/languages';

const CLIENT_ID = 'querylens'; // also the prefix of `querylens.trace.server`, which the client library reads
/** The documents the server reads: SQL, the schema files and the host languages it has extractors for (shared/languages.ts). */
const LANGUAGES = documentLanguages();

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  // Requests carry connection passwords: everything written to the channel (server log and
  // the `querylens.trace.server` trace of request params) goes through the redactor.
  const redactor = new Redactor();
  const output = new RedactingOutputChannel(vscode.window.createOutputChannel('QueryLens'), redactor);
  const status = vscode.window.createStatusBarItem('querylens.status', vscode.StatusBarAlignment.Right, 100);
  status.name = 'QueryLens';
  status.command = 'querylens.showOutput';
  context.subscriptions.push(output, status);
  showStatus(status, { state: 'indexing', fileCount: 0 });
  status.show();

  const serverModule = context.asAbsolutePath('dist/server.js');
  // stdio, not Node's IPC channel: the server writes a large file's diagnostics from each one's JSON
  // kept with it (server/src/lsp/stdio.ts), where IPC would stringify all of them at each publish.
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.stdio },
    debug: { module: serverModule, transport: TransportKind.stdio, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const migrationOpener = new MigrationOpener();
  context.subscriptions.push(migrationOpener);
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.map((language) => ({ scheme: 'file', language })),
    outputChannel: output,
    traceOutputChannel: output,
    middleware: { provideCodeActions: migrationOpener.provideCodeActions },
  };

  async function start(): Promise<void> {
    const next = new LanguageClient(CLIENT_ID, 'QueryLens', serverOptions, clientOptions);
    client = next;
    context.subscriptions.push(
      next,
      next.onNotification(StatusNotification.type, (params) => showStatus(status, params)),
      next.onDidChangeState(({ newState }) => {
        if (newState === State.Stopped) showStatus(status, { state: 'error', fileCount: 0, error: 'The server stopped.' });
      }),
    );
    try {
      await next.start();
    } catch (error) {
      showStatus(status, { state: 'error', fileCount: 0, error: String(error) });
      output.appendLine(`QueryLens: the language server failed to start: ${String(error)}`);
    }
  }

  /** The running client, or undefined after telling the user why there is none yet. */
  function runningClient(): LanguageClient | undefined {
    if (client?.isRunning()) return client;
    void vscode.window.showInformationMessage('QueryLens: the language server is not running yet; try again in a moment.');
    return undefined;
  }

  context.subscriptions.push(
    vscode.commands.registerCommand('querylens.restartServer', async () => {
      if (client?.isRunning()) {
        showStatus(status, { state: 'indexing', fileCount: 0 });
        await client.restart();
      } else {
        await start();
      }
    }),
    vscode.commands.registerCommand('querylens.analyzeWorkspace', async () => {
      const running = runningClient();
      if (!running) return;
      const counts = await running.sendRequest(AnalyzeWorkspaceRequest.type);
      const problems = counts.errors + counts.warnings + counts.infos + counts.hints;
      void vscode.window.showInformationMessage(
        `QueryLens: ${problems} problem(s) in ${counts.files} SQL file(s) — see the Problems panel.`,
      );
    }),
    vscode.commands.registerCommand('querylens.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('querylens.openFile', async (file: unknown) => {
      if (typeof file !== 'string') return;
      await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
    }),
    registerDatabaseFeatures({ extension: context, output, redactor, runningClient }),
  );

  await start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

function showStatus(item: vscode.StatusBarItem, { state, fileCount, error }: StatusParams): void {
  switch (state) {
    case 'indexing':
      item.text = '$(sync~spin) QueryLens';
      item.tooltip = 'QueryLens is indexing SQL files';
      item.backgroundColor = undefined;
      break;
    case 'ready':
      item.text = '$(database) QueryLens';
      item.tooltip = `QueryLens: ${fileCount} SQL file(s) indexed`;
      item.backgroundColor = undefined;
      break;
    case 'error':
      item.text = '$(error) QueryLens';
      item.tooltip = `QueryLens: ${error ?? 'failed'} (click for the log)`;
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      break;
  }
}
