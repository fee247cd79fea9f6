/**
 * Where the dashboard's reports come from in the extension: the language
 * server's dashboard requests, on the active connection (resolved with its
 * password by the ConnectionManager). Reads never run in an untrusted
 * workspace, and a production connection is read only after the user said
 * yes once (never asked from the pool's timer). Failures name the connection
 * and go to the (redacting) output channel.
 */
import * as vscode from 'vscode';
import type { ConnectionSetting } from '../../../shared/connections';
import type { BenchmarkRun, IndexHealthReport, MigrationsReport, PoolReport, SettingsReport, TableHealthReport } from '../../../shared/dashboard';
import { BenchmarkListRequest, IndexHealthRequest, MigrationsRequest, PoolRequest, SettingsRequest, TableHealthRequest, type DashboardParams } from '../../../shared/protocol';
import type { ConnectionManager } from '../db/connections';
import type { DatabaseContext } from '../db/context';
import type { DashboardConnection } from './messages';
import type { DashboardSource } from './store';
import { dashboardFailure, productionReadQuestion } from './texts';

export class ExtensionDashboardSource implements DashboardSource {
  /** Production connections the user allowed the dashboard to read, this window. */
  private readonly allowed = new Set<string>();

  constructor(
    private readonly ctx: DatabaseContext,
    private readonly connections: ConnectionManager,
  ) {}

  connection(): DashboardConnection {
    const s = this.connections.activeSetting();
    return { name: s.name, driver: s.driver, production: !!s.production, readOnly: !!s.readOnly };
  }

  migrations(userAsked: boolean): Promise<MigrationsReport> {
    return this.read('Reading migrations', userAsked, (client, params) => client.sendRequest(MigrationsRequest.type, params));
  }

  pool(userAsked: boolean): Promise<PoolReport> {
    return this.read('Reading the pool', userAsked, (client, params) => client.sendRequest(PoolRequest.type, params));
  }

  health(userAsked: boolean): Promise<IndexHealthReport> {
    return this.read('Reading index health', userAsked, (client, params) => client.sendRequest(IndexHealthRequest.type, params));
  }

  tables(userAsked: boolean): Promise<TableHealthReport> {
    return this.read('Reading table health', userAsked, (client, params) => client.sendRequest(TableHealthRequest.type, params));
  }

  settings(userAsked: boolean): Promise<SettingsReport> {
    return this.read('Reading server settings', userAsked, (client, params) => client.sendRequest(SettingsRequest.type, params));
  }

  /** Saved runs are workspace files: no connection, no question. */
  async benchmarks(): Promise<BenchmarkRun[]> {
    const client = this.ctx.runningClient();
    if (!client) throw new Error('The language server is not running yet.');
    return (await client.sendRequest(BenchmarkListRequest.type, { folderUri: folderUri() })) ?? [];
  }

  /** The params of a dashboard request on the active connection, after the checks; throws (naming the connection) when it may not run. */
  async params(userAsked: boolean): Promise<{ setting: ConnectionSetting; params: DashboardParams }> {
    if (!vscode.workspace.isTrusted) {
      if (userAsked) this.ctx.mayRunOnDatabases();
      throw new Error('QueryLens reads no database in an untrusted workspace: trust the folder first.');
    }
    const setting = this.connections.activeSetting();
    if (setting.production && !this.allowed.has(setting.name)) {
      if (!userAsked) throw new Error(`"${setting.name}" is a production connection: click Refresh to allow reading it.`);
      const question = productionReadQuestion(setting);
      const answer = await vscode.window.showWarningMessage(question.message, { modal: true, detail: question.detail }, question.confirm);
      if (answer !== question.confirm) throw new Error(`Reading production connection "${setting.name}" was not allowed.`);
      this.allowed.add(setting.name);
    }
    const connection = await this.connections.resolve(setting);
    return { setting, params: { connection, folderUri: folderUri() } };
  }

  private async read<T>(
    what: string,
    userAsked: boolean,
    send: (client: NonNullable<ReturnType<DatabaseContext['runningClient']>>, params: DashboardParams) => Thenable<T | null | undefined>,
  ): Promise<T> {
    let name = '?';
    try {
      name = this.connections.activeSetting().name;
      const { params } = await this.params(userAsked);
      const client = this.ctx.runningClient();
      if (!client) throw new Error('The language server is not running yet.');
      const value = await send(client, params);
      if (value === null || value === undefined) throw new Error('the language server sent no result');
      return value;
    } catch (error) {
      const message = this.ctx.redactor.redact(dashboardFailure(what, name, error));
      this.ctx.output.appendLine(message);
      throw new Error(message.replace(/^QueryLens: /, ''));
    }
  }
}

/** The folder the dashboard is about: the first workspace folder. */
export function folderUri(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.toString();
}
