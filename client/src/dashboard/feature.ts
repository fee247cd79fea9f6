/**
 * The review dashboard on the VS Code side (issue 5), wired in one place: the
 * store and its source, the webview panel, the activity-bar views, the status
 * bar entry, and the commands (Open Dashboard, Export Review Report, the
 * views' actions). The full benchmark command itself lives with the other
 * query commands (db/queryCommands.ts); its runs land here.
 */
import * as vscode from 'vscode';
import type { MigrationSetReport } from '../../../shared/dashboard';
import { MigrationActionRequest, ReportRequest } from '../../../shared/protocol';
import type { ConnectionManager } from '../db/connections';
import { withCancellableProgress, type DatabaseContext } from '../db/context';
import { BENCHMARK_RUN_COMMAND, type QueryCommands } from '../db/queryCommands';
import type { QueryLocation } from '../../../shared/protocol';
import type { DashboardAction } from './messages';
import { DashboardPanel } from './panel';
import { ExtensionDashboardSource } from './source';
import { DashboardStore } from './store';
import { dashboardFailure, locationLabel, migrationQuestion, migrationRefusal, REPORT_FILE_NAME } from './texts';
import { ConnectionsTree, MigrationsTree, type ConnectionNode, type MigrationNode } from './trees';

export function registerDashboard(ctx: DatabaseContext, connections: ConnectionManager, queries: QueryCommands): vscode.Disposable {
  const source = new ExtensionDashboardSource(ctx, connections);
  const store = new DashboardStore(source);
  const disposables: vscode.Disposable[] = [];
  /** Where "Run benchmark" runs: the last cursor position in a file editor (the panel itself has the focus when it is clicked). */
  let benchmarkLocation: QueryLocation | undefined;

  const panel = new DashboardPanel(ctx.extension.extensionUri, store, (action) => void act(action));
  const migrationsTree = new MigrationsTree(store);
  const connectionsTree = new ConnectionsTree(connections);

  const status = vscode.window.createStatusBarItem('querylens.dashboard', vscode.StatusBarAlignment.Right, 98);
  status.name = 'QueryLens Dashboard';
  status.text = '$(dashboard)';
  status.tooltip = 'Open the QueryLens Dashboard: migrations, pool, benchmarks, index health';
  status.command = 'querylens.openDashboard';
  status.show();

  function rememberCursor(editor: vscode.TextEditor | undefined): void {
    if (!editor || editor.document.uri.scheme !== 'file') return;
    const { line, character } = editor.selection.active;
    benchmarkLocation = { uri: editor.document.uri.toString(), position: { line, character } };
    const folder = vscode.workspace.getWorkspaceFolder(editor.document.uri);
    store.setBenchmarkTarget(locationLabel(editor.document.uri.fsPath, line, folder?.uri.fsPath));
  }
  rememberCursor(vscode.window.activeTextEditor);

  async function openFile(file: string, line = 0): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    const uri = /^([a-zA-Z]:)?[\\/]/.test(file) || !folder ? vscode.Uri.file(file) : vscode.Uri.joinPath(folder.uri, file);
    const position = new vscode.Position(line, 0);
    await vscode.window.showTextDocument(uri, { preview: false, viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(position, position) });
  }

  async function copy(text: string, what = 'copied'): Promise<void> {
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`QueryLens: ${what}`, 3000);
  }

  async function migrationAction(set: MigrationSetReport, action: 'apply' | 'revert'): Promise<void> {
    if (!ctx.mayRunOnDatabases()) return;
    let name = '?';
    try {
      const setting = connections.activeSetting();
      name = setting.name;
      const why = migrationRefusal(set, action, setting);
      if (why) {
        void vscode.window.showWarningMessage(`QueryLens: ${why}`);
        return;
      }
      const question = migrationQuestion(set, action, setting);
      const answer = await vscode.window.showWarningMessage(question.message, { modal: true, detail: question.detail }, question.confirm);
      if (answer !== question.confirm) return;
      const { params } = await source.params(true);
      const client = ctx.runningClient();
      if (!client) return;
      const title = `QueryLens: ${action === 'apply' ? 'applying' : 'reverting'} ${set.tool} migrations on "${name}"`;
      const outcome = await withCancellableProgress(title, (token) =>
        client.sendRequest(MigrationActionRequest.type, { ...params, dir: set.dir, action }, token),
      );
      if (outcome === 'cancelled') return;
      const result = outcome.value;
      ctx.output.appendLine(`Migrations (${set.tool}, ${set.dir}) on "${name}": ${action} ${result.versions.join(', ')}: ${result.message}`);
      void vscode.window.showInformationMessage(`QueryLens: ${result.message}`);
    } catch (error) {
      const message = ctx.redactor.redact(dashboardFailure(action === 'apply' ? 'Applying migrations' : 'Reverting a migration', name, error));
      ctx.output.appendLine(message);
      void vscode.window.showErrorMessage(message);
    }
    await store.refresh('migrations', true);
  }

  async function exportReport(): Promise<void> {
    let name = '?';
    try {
      name = connections.activeSetting().name;
      const { params } = await source.params(true);
      const client = ctx.runningClient();
      if (!client) return;
      const outcome = await withCancellableProgress(`QueryLens: writing the review report on "${name}"`, (token) =>
        client.sendRequest(ReportRequest.type, params, token),
      );
      if (outcome === 'cancelled') return;
      const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: outcome.value.markdown });
      await vscode.window.showTextDocument(document, { preview: false });
      const save = `Save as ${REPORT_FILE_NAME}`;
      if ((await vscode.window.showInformationMessage('QueryLens: review report ready to paste into a pull request.', save)) !== save) return;
      const folder = vscode.workspace.workspaceFolders?.[0];
      const target = await vscode.window.showSaveDialog({
        defaultUri: folder ? vscode.Uri.joinPath(folder.uri, REPORT_FILE_NAME) : undefined,
        filters: { Markdown: ['md'] },
      });
      if (!target) return;
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(document.getText()));
      await vscode.window.showTextDocument(target, { preview: false });
    } catch (error) {
      const message = ctx.redactor.redact(dashboardFailure('The review report', name, error));
      ctx.output.appendLine(message);
      void vscode.window.showErrorMessage(message);
    }
  }

  async function act(action: DashboardAction): Promise<void> {
    switch (action.type) {
      case 'tab':
        return store.showTab(action.tab);
      case 'refresh':
        return store.refresh(action.tab, true);
      case 'open':
        return openFile(action.file, action.line);
      case 'copy':
        return copy(action.text);
      case 'migration': {
        const set = store.state.migrations.value?.sets.find((s) => s.dir === action.dir);
        if (set) await migrationAction(set, action.action);
        return;
      }
      case 'runBenchmark':
        await vscode.commands.executeCommand(BENCHMARK_RUN_COMMAND, benchmarkLocation);
        return;
      case 'pickRun':
        return store.pickRun(action.id, action.role);
    }
  }

  const setOf = (node: unknown): MigrationSetReport | undefined => {
    const n = node as MigrationNode | undefined;
    return n && (n.kind === 'set' || n.kind === 'migration') ? n.set : undefined;
  };

  disposables.push(
    panel,
    migrationsTree,
    connectionsTree,
    status,
    vscode.window.registerTreeDataProvider('querylens.migrations', migrationsTree),
    vscode.window.registerTreeDataProvider('querylens.connections', connectionsTree),
    vscode.window.onDidChangeActiveTextEditor(rememberCursor),
    vscode.window.onDidChangeTextEditorSelection((event) => rememberCursor(event.textEditor)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('querylens.connections') || event.affectsConfiguration('querylens.activeConnection')) {
        store.connectionChanged();
        if (!store.state.migrations.at) void store.refresh('migrations', false);
      }
    }),
    queries.onDidRunBenchmark((run) => {
      store.addRun(run);
      panel.open();
    }),
    queries.onDidChangeBenchmarkRunning((running) => store.setBenchmarkRunning(running)),
    vscode.commands.registerCommand('querylens.openDashboard', () => panel.open()),
    vscode.commands.registerCommand('querylens.exportReport', () => exportReport()),
    vscode.commands.registerCommand('querylens.refreshMigrations', () => store.refresh('migrations', true)),
    vscode.commands.registerCommand('querylens.applyMigrations', async (node?: unknown) => {
      const set = setOf(node);
      if (set) await migrationAction(set, 'apply');
    }),
    vscode.commands.registerCommand('querylens.revertMigration', async (node?: unknown) => {
      const set = setOf(node);
      if (set) await migrationAction(set, 'revert');
    }),
    vscode.commands.registerCommand('querylens.copyMigrationCommand', async (node?: unknown) => {
      const set = setOf(node);
      if (set?.command) await copy(set.command, `copied: ${set.command}`);
    }),
    vscode.commands.registerCommand('querylens.useConnection', async (name?: unknown) => {
      const value = typeof name === 'string' ? name : (name as ConnectionNode | undefined)?.name;
      if (typeof value === 'string') await connections.use(value);
    }),
    vscode.commands.registerCommand('querylens.testConnectionItem', async (node?: unknown) => {
      const name = (node as ConnectionNode | undefined)?.name;
      await vscode.commands.executeCommand('querylens.testConnection', typeof name === 'string' ? name : undefined);
    }),
  );
  return vscode.Disposable.from(...disposables);
}
