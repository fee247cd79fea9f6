/**
 * The webview pages (the plan panel's, and the dashboard's through
 * webviewPageHtml): a strict Content-Security-Policy with a fresh nonce per
 * load, and local assets only (what asWebviewUri gives). Pure, so its
 * guarantees are tested without VS Code.
 */
import { randomBytes } from 'node:crypto';
import { escapeHtml } from './escape';

/** The files the page loads, in order, from the webview asset folder (dist/webview, built by esbuild.mjs). */
export const PLAN_STYLES = ['bootstrap.min.css', 'pev2.css', 'theme.css', 'plan.css'];
export const PLAN_SCRIPTS = ['vue.global.prod.js', 'pev2.umd.js', 'plan.js'];

export interface PlanPageAssets {
  /** `webview.cspSource`. */
  cspSource: string;
  nonce: string;
  /** Webview URIs of PLAN_STYLES and PLAN_SCRIPTS, same order. */
  styles: string[];
  scripts: string[];
}

/** 128 random bits, base64: a nonce no page can guess. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * Nothing by default; scripts only with the nonce (PEV2 is mounted with a
 * render function, so no 'unsafe-eval'); styles from the extension plus
 * inline ones, which PEV2's icon library injects at run time (a page
 * without PEV2 passes `inlineStyles: false`: then only the extension's
 * stylesheets apply); images from the extension and `data:` (Bootstrap's
 * inline SVGs).
 */
export function contentSecurityPolicy(cspSource: string, nonce: string, options: { inlineStyles?: boolean } = {}): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    `style-src ${cspSource}${options.inlineStyles === false ? '' : " 'unsafe-inline'"}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}


/** The whole page. The view itself is built by plan.js (client/src/plan/webview/main.ts) from the state it is sent. */
export function planPageHtml(assets: PlanPageAssets): string {
  return webviewPageHtml({ ...assets, title: 'QueryLens Plan' });
}

export interface WebviewPage extends PlanPageAssets {
  title: string;
  /** False: the CSP allows no inline styles (see contentSecurityPolicy). */
  inlineStyles?: boolean;
}

/** A page whose body is `<main id="ql-root">`, filled by its scripts. */
export function webviewPageHtml(page: WebviewPage): string {
  const nonce = escapeHtml(page.nonce);
  const styles = page.styles.map((href) => `  <link rel="stylesheet" href="${escapeHtml(href)}">`);
  const scripts = page.scripts.map((src) => `  <script nonce="${nonce}" src="${escapeHtml(src)}"></script>`);
  const csp = contentSecurityPolicy(page.cspSource, page.nonce, { inlineStyles: page.inlineStyles });
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '  <meta charset="UTF-8">',
    `  <meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '  <meta name="viewport" content="width=device-width, initial-scale=1.0">',
    ...styles,
    `  <title>${escapeHtml(page.title)}</title>`,
    '</head>',
    '<body>',
    '  <main id="ql-root" class="ql-root" aria-live="polite"></main>',
    ...scripts,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
