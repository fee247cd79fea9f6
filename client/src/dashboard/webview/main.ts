/**
 * The dashboard webview's script (bundled by esbuild.mjs into
 * dist/webview/dashboard.js, loaded with the page's nonce). It renders the
 * state the extension sends (view.ts, through plan/dom.ts: text only), keeps
 * it with setState so a reload shows it again at once, sends the buttons'
 * actions to the extension, and draws the charts. The browser globals it uses
 * are declared here (the project's tsconfig has no DOM library).
 */
import { renderView, type DomDocument, type DomElement } from '../../plan/dom';
import { emptyDashboardState, isDashboardState, isDashboardToWebview, type DashboardAction, type DashboardFromWebview, type DashboardState } from '../messages';
import { dashboardView } from '../view';
import { drawCharts, resizeCharts } from './charts';

interface WebviewApi {
  postMessage(message: DashboardFromWebview): void;
  getState(): unknown;
  setState(state: DashboardState): void;
}

interface PageElement extends DomElement {
  replaceChildren(): void;
}

declare function acquireVsCodeApi(): WebviewApi;
declare const document: DomDocument & { getElementById(id: string): PageElement | null; body: PageElement };
declare const window: {
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'resize', listener: () => void): void;
};
declare class MutationObserver {
  constructor(callback: () => void);
  observe(target: PageElement, options: { attributes: boolean; attributeFilter: string[] }): void;
}

const vscode = acquireVsCodeApi();
const saved = vscode.getState();
let shown: DashboardState = isDashboardState(saved) ? saved : emptyDashboardState();
let renderedSeq = -1;

function onAction(action: DashboardAction): void {
  vscode.postMessage(action);
}

function render(state: DashboardState): void {
  const root = document.getElementById('ql-root');
  if (!root) return;
  root.replaceChildren();
  renderView(document, root, dashboardView(state), onAction);
  root.setAttribute('data-seq', String(state.seq));
  root.setAttribute('data-tab', state.tab);
  renderedSeq = state.seq;
  drawCharts(state);
}

window.addEventListener('message', (event) => {
  if (!isDashboardToWebview(event.data)) return;
  const { state } = event.data;
  if (state.seq === renderedSeq) return;
  shown = state;
  vscode.setState(state);
  render(state);
});

let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  if (resizeTimer) clearTimeout(resizeTimer);
  resizeTimer = setTimeout(resizeCharts, 100);
});
// VS Code swaps the body's theme class on a theme change: the charts take the new colours.
new MutationObserver(() => drawCharts(shown)).observe(document.body, { attributes: true, attributeFilter: ['class'] });

render(shown);
vscode.postMessage({ type: 'ready', seq: shown.seq });
