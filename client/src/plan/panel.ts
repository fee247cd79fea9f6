/**
 * The one `QueryLens Plan` webview panel: created on the first plan, reused
 * after. The page and its guarantees are built by html.ts; what it shows is
 * a PlanViewState (messages.ts), which the webview keeps with setState, so no
 * retainContextWhenHidden is needed.
 */
import * as vscode from 'vscode';
import type { ExplainResult, IndexProof, SuggestedIndex } from '../../../shared/explain';
import type { QueryLocation } from '../../../shared/protocol';
import { makeNonce, planPageHtml, PLAN_SCRIPTS, PLAN_STYLES } from './html';
import { EMPTY_PLAN_STATE, isWebviewMessage, nextPlanState, type ExtensionToWebview, type PlanViewState } from './messages';

export const PLAN_VIEW_TYPE = 'querylens.plan';

export class PlanPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private state: PlanViewState = EMPTY_PLAN_STATE;
  private readonly assetRoot: vscode.Uri;
  private readonly serializer: vscode.Disposable;

  constructor(
    extensionUri: vscode.Uri,
    /** Runs the "Prove index" button of a problem. */
    private readonly proveIndex: (location: QueryLocation, index: SuggestedIndex) => void,
  ) {
    this.assetRoot = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    this.serializer = vscode.window.registerWebviewPanelSerializer(PLAN_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, saved) => this.restore(panel, saved),
    });
  }

  showExplain(queryKey: string, location: QueryLocation, explain: ExplainResult): void {
    this.update(nextPlanState(this.state, { queryKey, location, explain }));
  }

  showProof(queryKey: string, location: QueryLocation, proof: IndexProof): void {
    this.update(nextPlanState(this.state, { queryKey, location, proof }));
  }

  dispose(): void {
    this.serializer.dispose();
    this.panel?.dispose();
  }

  private update(state: PlanViewState): void {
    this.state = state;
    const panel = this.reveal();
    void this.post(panel);
  }

  private post(panel: vscode.WebviewPanel): Thenable<boolean> {
    const message: ExtensionToWebview = { type: 'show', state: this.state };
    return panel.webview.postMessage(message);
  }

  private reveal(): vscode.WebviewPanel {
    if (this.panel) {
      this.panel.reveal(undefined, true);
      return this.panel;
    }
    const panel = vscode.window.createWebviewPanel(
      PLAN_VIEW_TYPE,
      'QueryLens Plan',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      this.webviewOptions(),
    );
    this.attach(panel);
    return panel;
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, enableFindWidget: true, localResourceRoots: [this.assetRoot] };
  }

  /** Gives a panel (new, or restored by VS Code after a window reload) its page, with a fresh nonce, and its listeners. */
  private attach(panel: vscode.WebviewPanel): void {
    const asset = (file: string) => panel.webview.asWebviewUri(vscode.Uri.joinPath(this.assetRoot, file)).toString();
    panel.webview.options = this.webviewOptions();
    panel.webview.html = planPageHtml({
      cspSource: panel.webview.cspSource,
      nonce: makeNonce(),
      styles: PLAN_STYLES.map(asset),
      scripts: PLAN_SCRIPTS.map(asset),
    });
    panel.webview.onDidReceiveMessage((message: unknown) => this.receive(panel, message));
    panel.onDidDispose(() => {
      if (this.panel === panel) this.panel = undefined;
    });
    this.panel = panel;
  }

  /**
   * Restores the panel VS Code kept across a window reload, with the state its
   * page saved (setState). Only when the extension is active by then: it does
   * not declare `onWebviewPanel:querylens.plan` itself.
   */
  private restore(panel: vscode.WebviewPanel, saved: unknown): void {
    if (this.panel) {
      panel.dispose();
      return;
    }
    const state = saved as PlanViewState | undefined;
    if (state && typeof state.seq === 'number') this.state = state;
    this.attach(panel);
  }

  private receive(panel: vscode.WebviewPanel, message: unknown): void {
    if (!isWebviewMessage(message)) return;
    switch (message.type) {
      case 'ready':
        if (message.seq !== this.state.seq) void this.post(panel);
        break;
      case 'copy':
        void vscode.env.clipboard.writeText(message.text).then(() => vscode.window.setStatusBarMessage('QueryLens: copied', 2000));
        break;
      case 'proveIndex':
        if (this.state.location) this.proveIndex(this.state.location, message.index);
        break;
    }
  }
}
