/**
 * Connections on the VS Code side: the `querylens.connections` settings read
 * and checked (settings.ts), passwords in SecretStorage, the status bar item
 * of the active connection, and the Select / Set Password / Clear Password /
 * Test commands. Hands the server a ResolvedConnection per request.
 */
import * as vscode from 'vscode';
import { EMBEDDED_CONNECTION, type ConnectionSetting, type ResolvedConnection } from '../../../shared/connections';
import { TestConnectionRequest } from '../../../shared/protocol';
import {
  chooseConnection,
  ConnectionProblem,
  describeConnection,
  readConnections,
  resolveConnection,
  secretKey,
  statementTimeout,
  type ConnectionList,
} from './settings';
import { failureMessage } from './texts';
import { withCancellableProgress, type DatabaseContext } from './context';

const EMBEDDED_LABEL = 'Embedded shadow database';

export class ConnectionManager implements vscode.Disposable {
  private readonly status: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  /** The refusals last shown, so a settings change shows each once. */
  private shownRefusals = '';

  constructor(private readonly ctx: DatabaseContext) {
    this.status = vscode.window.createStatusBarItem('querylens.connection', vscode.StatusBarAlignment.Right, 99);
    this.status.name = 'QueryLens Connection';
    this.status.command = 'querylens.selectConnection';
    this.disposables.push(
      this.status,
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('querylens.connections') || event.affectsConfiguration('querylens.activeConnection')) {
          this.refresh();
          void this.learnPasswords();
        }
      }),
      ctx.extension.secrets.onDidChange(() => void this.learnPasswords()),
      vscode.commands.registerCommand('querylens.selectConnection', () => this.select()),
      vscode.commands.registerCommand('querylens.setConnectionPassword', (name?: unknown) => this.setPassword(name)),
      vscode.commands.registerCommand('querylens.clearConnectionPassword', (name?: unknown) => this.clearPassword(name)),
      vscode.commands.registerCommand('querylens.testConnection', (name?: unknown) => this.test(name)),
    );
    this.refresh();
    void this.learnPasswords();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** The statement timeout every request carries. */
  timeoutMs(): number {
    return statementTimeout(vscode.workspace.getConfiguration('querylens').get('statementTimeoutMs'));
  }

  /** The active connection's setting; a ConnectionProblem (naming it) when it cannot be used. */
  activeSetting(): ConnectionSetting {
    return chooseConnection(this.list(), this.activeName());
  }

  /** A connection with its password (and its SQLite file made absolute against the query's folder), ready for the server. */
  async resolve(setting: ConnectionSetting, documentUri?: string): Promise<ResolvedConnection> {
    const password = setting.driver === 'postgres' ? await this.ctx.extension.secrets.get(secretKey(setting.name)) : undefined;
    this.ctx.redactor.add(password);
    const folder = documentUri
      ? vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(documentUri))
      : vscode.workspace.workspaceFolders?.[0];
    const file = folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
    return resolveConnection(setting, password, file);
  }

  /** The configured connections (and the refused entries, with why). */
  list(): ConnectionList {
    return readConnections(vscode.workspace.getConfiguration('querylens').get('connections'));
  }

  /** The name in `querylens.activeConnection` ('' is the embedded shadow database). */
  activeName(): string {
    return vscode.workspace.getConfiguration('querylens').get<string>('activeConnection') ?? '';
  }

  /** Every stored password goes into the redactor, so no log line can show one. */
  private async learnPasswords(): Promise<void> {
    for (const connection of this.list().connections) {
      this.ctx.redactor.add(await this.ctx.extension.secrets.get(secretKey(connection.name)));
    }
  }

  private refresh(): void {
    const list = this.list();
    const refusals = list.refused.map((r) => r.reason).join('\n');
    if (refusals && refusals !== this.shownRefusals) {
      for (const refused of list.refused) {
        this.ctx.output.appendLine(`QueryLens: ${refused.reason}`);
        void vscode.window.showWarningMessage(`QueryLens: ${refused.reason}`);
      }
    }
    this.shownRefusals = refusals;
    this.showStatus();
  }

  private showStatus(): void {
    const item = this.status;
    try {
      const setting = this.activeSetting();
      const embedded = setting.driver === 'embedded' && setting.name === EMBEDDED_CONNECTION.name;
      const icon = setting.production ? '$(warning)' : setting.readOnly ? '$(lock)' : '$(database)';
      const lock = setting.production && setting.readOnly ? ' $(lock)' : '';
      item.text = `${icon} ${embedded ? 'embedded DB' : setting.name}${lock}`;
      const flags = [setting.production && 'production: asks before running anything', setting.readOnly && 'read-only'].filter(Boolean);
      item.tooltip = `QueryLens connection: ${embedded ? EMBEDDED_LABEL : setting.name}\n${describeConnection(setting)}${
        flags.length ? `\n${flags.join('; ')}` : ''
      }\nClick to select another connection.`;
      item.backgroundColor = setting.production ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    } catch (error) {
      item.text = '$(error) QueryLens DB';
      item.tooltip = `${error instanceof Error ? error.message : String(error)}\nClick to select a connection.`;
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    }
    item.show();
  }

  private async select(): Promise<void> {
    type Item = vscode.QuickPickItem & { name: string };
    const active = this.activeName();
    const list = this.list();
    const items: Item[] = [
      { name: '', label: `$(server-environment) ${EMBEDDED_LABEL}`, description: active === '' ? 'active' : '', detail: describeConnection(EMBEDDED_CONNECTION) },
      ...list.connections.map((c) => ({
        name: c.name,
        label: `${c.production ? '$(warning)' : c.readOnly ? '$(lock)' : '$(database)'} ${c.name}`,
        description: [c.name === active && 'active', c.production && 'production', c.readOnly && 'read-only'].filter(Boolean).join(' · '),
        detail: describeConnection(c),
      })),
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: 'QueryLens: Select Connection',
      placeHolder: list.connections.length ? 'Connection for Explain, Benchmark and index proofs' : 'No connections in querylens.connections yet: add them in the settings',
      matchOnDetail: true,
    });
    if (!picked) return;
    await this.use(picked.name);
  }

  /** Makes a connection the active one ('' for the embedded shadow database). */
  async use(name: string): Promise<void> {
    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration('querylens').update('activeConnection', name, target);
    this.showStatus();
  }

  /** The connection a password command is about: its argument, the only one, or the user's pick. */
  private async pickConnection(argument: unknown, title: string, only?: (c: ConnectionSetting) => Promise<boolean>): Promise<ConnectionSetting | undefined> {
    const all = this.list().connections.filter((c) => c.driver === 'postgres');
    if (typeof argument === 'string') {
      const named = all.find((c) => c.name === argument);
      if (!named) void vscode.window.showErrorMessage(`QueryLens: there is no PostgreSQL connection "${argument}" in querylens.connections.`);
      return named;
    }
    const candidates: ConnectionSetting[] = [];
    for (const c of all) if (!only || (await only(c))) candidates.push(c);
    if (candidates.length === 0) {
      const open = 'Open Settings';
      const message = only
        ? 'QueryLens: no connection has a stored password.'
        : 'QueryLens: no PostgreSQL connection in querylens.connections: add one in the settings first.';
      if ((await vscode.window.showInformationMessage(message, open)) === open) {
        await vscode.commands.executeCommand('workbench.action.openSettings', 'querylens.connections');
      }
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      candidates.map((c) => ({ label: c.name, detail: describeConnection(c), connection: c })),
      { title },
    );
    return picked?.connection;
  }

  private async setPassword(argument: unknown): Promise<void> {
    const connection = await this.pickConnection(argument, 'QueryLens: Set Connection Password');
    if (!connection) return;
    const password = await vscode.window.showInputBox({
      title: `Password of connection "${connection.name}"`,
      prompt: `Kept in VS Code's secret storage, never in settings or logs (${describeConnection(connection)}).`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => (value === '' ? 'Type the password (use "QueryLens: Clear Connection Password" to remove it).' : undefined),
    });
    if (password === undefined) return;
    this.ctx.redactor.add(password);
    await this.ctx.extension.secrets.store(secretKey(connection.name), password);
    void vscode.window.showInformationMessage(`QueryLens: password of "${connection.name}" saved in VS Code's secret storage.`);
  }

  private async clearPassword(argument: unknown): Promise<void> {
    const secrets = this.ctx.extension.secrets;
    const hasPassword = async (c: ConnectionSetting) => (await secrets.get(secretKey(c.name))) !== undefined;
    const connection = await this.pickConnection(argument, 'QueryLens: Clear Connection Password', hasPassword);
    if (!connection) return;
    await secrets.delete(secretKey(connection.name));
    void vscode.window.showInformationMessage(`QueryLens: password of "${connection.name}" removed from VS Code's secret storage.`);
  }

  /** Tests the active connection, or the one named (the Connections view's Test action). */
  private async test(name?: unknown): Promise<void> {
    if (!this.ctx.mayRunOnDatabases()) return;
    let setting: ConnectionSetting;
    try {
      setting = typeof name === 'string' ? chooseConnection(this.list(), name) : this.activeSetting();
    } catch (error) {
      void vscode.window.showErrorMessage(failureMessage('test', error instanceof ConnectionProblem ? error.connection : '?', error));
      return;
    }
    const client = this.ctx.runningClient();
    if (!client) return;
    const connection = await this.resolve(setting);
    try {
      const outcome = await withCancellableProgress(`QueryLens: testing connection "${setting.name}"`, (token) =>
        client.sendRequest(TestConnectionRequest.type, { connection }, token),
      );
      if (outcome === 'cancelled') return;
      const result = outcome.value;
      const message = this.ctx.redactor.redact(result.message);
      this.ctx.output.appendLine(`Test of connection "${setting.name}": ${result.ok ? 'ok' : 'failed'}: ${message}`);
      if (result.ok) void vscode.window.showInformationMessage(`QueryLens: connection "${setting.name}" works: ${message}`);
      else void vscode.window.showErrorMessage(failureMessage('test', setting.name, message));
    } catch (error) {
      const message = this.ctx.redactor.redact(failureMessage('test', setting.name, error));
      this.ctx.output.appendLine(message);
      void vscode.window.showErrorMessage(message);
    }
  }
}
