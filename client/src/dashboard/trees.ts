/**
 * The QueryLens activity-bar views: Migrations (from the dashboard store's
 * migrations report, read when the view first shows) and Connections (from
 * the settings). Their items are built by treeModel.ts.
 */
import * as vscode from 'vscode';
import type { MigrationRow, MigrationSetReport } from '../../../shared/dashboard';
import type { ConnectionManager } from '../db/connections';
import type { DashboardStore } from './store';
import { connectionItems, migrationRowItem, migrationSetItem, type TreeItemModel } from './treeModel';

export type MigrationNode = { kind: 'set'; set: MigrationSetReport } | { kind: 'migration'; set: MigrationSetReport; row: MigrationRow };
export type ConnectionNode = { kind: 'connection'; name: string; model: TreeItemModel };

function toTreeItem(model: TreeItemModel): vscode.TreeItem {
  const item = new vscode.TreeItem(model.label, model.expandable ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
  item.id = model.id;
  item.description = model.description;
  item.tooltip = model.tooltip;
  item.iconPath = new vscode.ThemeIcon(model.icon, model.iconColor ? new vscode.ThemeColor(model.iconColor) : undefined);
  item.contextValue = model.contextValue;
  if (model.command) item.command = model.command;
  return item;
}

export class MigrationsTree implements vscode.TreeDataProvider<MigrationNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: { dispose(): void };
  private shownAt: string | undefined;
  private shownError: string | undefined;

  constructor(private readonly store: DashboardStore) {
    this.subscription = store.onChange((state) => {
      if (state.migrations.at !== this.shownAt || state.migrations.error !== this.shownError) {
        this.shownAt = state.migrations.at;
        this.shownError = state.migrations.error;
        this.changed.fire();
      }
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  getTreeItem(node: MigrationNode): vscode.TreeItem {
    return toTreeItem(node.kind === 'set' ? migrationSetItem(node.set) : migrationRowItem(node.set, node.row));
  }

  getChildren(node?: MigrationNode): MigrationNode[] {
    if (node?.kind === 'set') return node.set.rows.map((row) => ({ kind: 'migration', set: node.set, row }));
    if (node) return [];
    const { value, loading, at, error } = this.store.state.migrations;
    if (!value && !loading && !at && !error) void this.store.refresh('migrations', true);
    return (value?.sets ?? []).map((set) => ({ kind: 'set', set }));
  }
}

export class ConnectionsTree implements vscode.TreeDataProvider<ConnectionNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly connections: ConnectionManager) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('querylens.connections') || event.affectsConfiguration('querylens.activeConnection')) this.changed.fire();
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  getTreeItem(node: ConnectionNode): vscode.TreeItem {
    return toTreeItem(node.model);
  }

  getChildren(node?: ConnectionNode): ConnectionNode[] {
    if (node) return [];
    return connectionItems(this.connections.list().connections, this.connections.activeName()).map((model) => ({
      kind: 'connection',
      name: model.command?.arguments[0] as string,
      model,
    }));
  }
}
