/**
 * The one `QueryLens Dashboard` webview panel. Its page comes from page.ts
 * (CSP with a fresh nonce per load, dist/webview as the only resource root);
 * what it shows is the store's DashboardState, posted whole on every change
 * and kept by the page with setState, and restored after a window reload by
 * the panel serializer. While it is visible on the Pool tab, the pool is read
 * every few seconds.
 */
import * as vscode from 'vscode';
import { makeNonce } from '../plan/html';
import { isDashboardMessage, isDashboardState, refusal, type DashboardAction, type DashboardToWebview } from './messages';
import { DASHBOARD_SCRIPTS, DASHBOARD_STYLES, dashboardPageHtml } from './page';
import type { DashboardStore } from './store';

export const DASHBOARD_VIEW_TYPE = 'querylens.dashboard';

export class DashboardPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly assetRoot: vscode.Uri;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    extensionUri: vscode.Uri,
    private readonly store: DashboardStore,
    /** Runs what the page's buttons ask for, once checked against the state. */
    private readonly act: (action: DashboardAction) => void,
  ) {
    this.assetRoot = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    const subscription = store.onChange(() => this.post());
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, saved) => this.restore(panel, saved),
      }),
      { dispose: () => subscription.dispose() },
    );
  }

  /** Shows the panel (created the first time) and reads the shown tab if it was never read. */
  open(): void {
    if (this.panel) this.panel.reveal();
    else {
      const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, 'QueryLens Dashboard', vscode.ViewColumn.Active, this.webviewOptions());
      this.attach(panel);
    }
    this.store.showTab(this.store.state.tab);
  }

  dispose(): void {
    this.stopTimer();
    for (const d of this.disposables) d.dispose();
    this.panel?.dispose();
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, enableFindWidget: true, localResourceRoots: [this.assetRoot] };
  }

  /** Gives a panel (new, or restored after a window reload) its page, with a fresh nonce, and its listeners. */
  private attach(panel: vscode.WebviewPanel): void {
    const asset = (file: string) => panel.webview.asWebviewUri(vscode.Uri.joinPath(this.assetRoot, file)).toString();
    panel.webview.options = this.webviewOptions();
    panel.webview.html = dashboardPageHtml({
      cspSource: panel.webview.cspSource,
      nonce: makeNonce(),
      styles: DASHBOARD_STYLES.map(asset),
      scripts: DASHBOARD_SCRIPTS.map(asset),
    });
    panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message));
    panel.onDidChangeViewState(() => {
      if (panel.visible && this.store.poolDue()) void this.store.refresh('pool', false);
    });
    panel.onDidDispose(() => {
      if (this.panel === panel) {
        this.panel = undefined;
        this.stopTimer();
      }
    });
    this.panel = panel;
    this.startTimer();
  }

  /** VS Code kept the panel across a window reload: its page's saved state is shown until fresh reports arrive. */
  private restore(panel: vscode.WebviewPanel, saved: unknown): void {
    if (this.panel) {
      panel.dispose();
      return;
    }
    if (isDashboardState(saved)) this.store.restore(saved);
    this.attach(panel);
    void this.store.refresh(this.store.state.tab, false);
  }

  private startTimer(): void {
    this.stopTimer();
    this.timer = setInterval(() => {
      if (this.panel?.visible && this.store.poolDue()) void this.store.refresh('pool', false);
    }, this.store.state.poolRefreshMs);
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private post(): void {
    const message: DashboardToWebview = { type: 'show', state: this.store.state };
    void this.panel?.webview.postMessage(message);
  }

  private receive(message: unknown): void {
    if (!isDashboardMessage(message)) return;
    if (message.type === 'ready') {
      if (message.seq !== this.store.state.seq) this.post();
      return;
    }
    const why = refusal(this.store.state, message);
    if (why) {
      void vscode.window.showWarningMessage(`QueryLens: ${why}`);
      return;
    }
    this.act(message);
  }
}
