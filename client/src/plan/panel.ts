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

  constructor(
    extensionUri: vscode.Uri,
    /** Runs the "Prove index" button of a problem. */
    private readonly proveIndex: (location: QueryLocation, index: SuggestedIndex) => void,
  ) {
    this.assetRoot = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  }

  showExplain(queryKey: string, location: QueryLocation, explain: ExplainResult): void {
    this.update(nextPlanState(this.state, { queryKey, location, explain }));
  }

  showProof(queryKey: string, location: QueryLocation, proof: IndexProof): void {
    this.update(nextPlanState(this.state, { queryKey, location, proof }));
  }

  dispose(): void {
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
      { enableScripts: true, enableFindWidget: true, localResourceRoots: [this.assetRoot] },
    );
    const asset = (file: string) => panel.webview.asWebviewUri(vscode.Uri.joinPath(this.assetRoot, file)).toString();
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
    return panel;
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
