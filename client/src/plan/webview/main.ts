/**
 * The plan webview's script (bundled by esbuild.mjs into dist/webview/plan.js,
 * loaded with the page's nonce). It renders the state the extension sends,
 * keeps it with setState so the view survives being hidden and reloaded, and
 * mounts PEV2 for PostgreSQL plans (pev2.ts: every plan string escaped first).
 * The browser globals it uses are declared here (the project's tsconfig has no
 * DOM library).
 */
import { renderView, type DomDocument, type DomElement } from '../dom';
import { EMPTY_PLAN_STATE, isExtensionMessage, type PlanViewState, type WebviewToExtension } from '../messages';
import { mountPev2, type Pev2Libraries, type VueApp } from '../pev2';
import { planView, type ViewAction } from '../view';

interface WebviewApi {
  postMessage(message: WebviewToExtension): void;
  getState(): PlanViewState | undefined;
  setState(state: PlanViewState): void;
}

interface PageElement extends DomElement {
  replaceChildren(): void;
  classList: { contains(name: string): boolean };
}

declare function acquireVsCodeApi(): WebviewApi;
declare const document: DomDocument & {
  getElementById(id: string): PageElement | null;
  body: PageElement;
  documentElement: PageElement;
};
declare const window: { addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void };
/** From vue.global.prod.js and pev2.umd.js, loaded before this script. */
declare const Vue: Pev2Libraries['Vue'] | undefined;
declare const pev2: Pev2Libraries['pev2'] | undefined;
declare class MutationObserver {
  constructor(callback: () => void);
  observe(target: PageElement, options: { attributes: boolean; attributeFilter: string[] }): void;
}

const vscode = acquireVsCodeApi();
let shown: PlanViewState = vscode.getState() ?? EMPTY_PLAN_STATE;
let planApp: VueApp | undefined;
/** The seq of the state on screen: a resent state (after `ready`) is not rendered twice. */
let renderedSeq = -1;

function onAction(action: ViewAction): void {
  if (action.type === 'copy') vscode.postMessage({ type: 'copy', text: action.text });
  else vscode.postMessage({ type: 'proveIndex', index: action.index });
}

/** Bootstrap (PEV2's styles) follows VS Code's light or dark theme. */
function followTheme(): void {
  const dark = document.body.classList.contains('vscode-dark') || document.body.classList.contains('vscode-high-contrast');
  document.documentElement.setAttribute('data-bs-theme', dark ? 'dark' : 'light');
}

function mountPlan(state: PlanViewState): void {
  const target = document.getElementById('ql-pev2');
  const plan = state.explain?.pgPlan;
  if (!target || plan === undefined) return;
  const libraries = typeof Vue === 'undefined' || typeof pev2 === 'undefined' ? undefined : { Vue, pev2 };
  planApp = mountPev2(document, target, plan, libraries);
}

function render(state: PlanViewState): void {
  const root = document.getElementById('ql-root');
  if (!root) return;
  planApp?.unmount();
  planApp = undefined;
  root.replaceChildren();
  renderView(document, root, planView(state), onAction);
  mountPlan(state);
  root.setAttribute('data-seq', String(state.seq));
  renderedSeq = state.seq;
}

window.addEventListener('message', (event) => {
  if (!isExtensionMessage(event.data)) return;
  const { state } = event.data;
  if (state.seq === renderedSeq) return;
  shown = state;
  vscode.setState(state);
  render(state);
});

followTheme();
// VS Code swaps the body's theme class when the user changes theme.
new MutationObserver(followTheme).observe(document.body, { attributes: true, attributeFilter: ['class'] });
render(shown);
vscode.postMessage({ type: 'ready', seq: shown.seq });
