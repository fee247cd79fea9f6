/**
 * Connected databases on the client (issue 4), wired in one place: the
 * connection manager (status bar, connection commands), the plan panel,
 * the query commands the server's CodeLenses run, and the review dashboard
 * (issue 5) built on them.
 */
import * as vscode from 'vscode';
import { PROVE_INDEX_COMMAND } from '../../../shared/protocol';
import { registerDashboard } from '../dashboard/feature';
import { PlanPanel } from '../plan/panel';
import { ConnectionManager } from './connections';
import type { DatabaseContext } from './context';
import { QueryCommands } from './queryCommands';

export function registerDatabaseFeatures(ctx: Omit<DatabaseContext, 'mayRunOnDatabases'>): vscode.Disposable {
  const context: DatabaseContext = { ...ctx, mayRunOnDatabases };
  const connections = new ConnectionManager(context);
  const plan = new PlanPanel(ctx.extension.extensionUri, (location, index) => {
    void vscode.commands.executeCommand(PROVE_INDEX_COMMAND, location, index);
  });
  const commands = new QueryCommands(context, connections, plan);
  const dashboard = registerDashboard(context, connections, commands);
  return vscode.Disposable.from(connections, plan, commands, dashboard);
}

/** Nothing runs on a database from an untrusted workspace (its settings could point anywhere). */
function mayRunOnDatabases(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage('QueryLens runs nothing on databases in an untrusted workspace: trust the folder first.');
  return false;
}
