/**
 * The dashboard webview's page, built by plan/html.ts's page builder: scripts
 * only with this load's nonce, local files only, and (unlike the plan page,
 * which hosts PEV2) no inline styles at all: uPlot sizes its canvases through
 * the CSSOM, which a CSP does not govern. Pure.
 */
import { webviewPageHtml, type PlanPageAssets } from '../plan/html';

/** The files the page loads, in order, from dist/webview (esbuild.mjs's dashboard block puts them there). */
export const DASHBOARD_STYLES = ['uPlot.min.css', 'theme.css', 'dashboard.css'];
export const DASHBOARD_SCRIPTS = ['uPlot.iife.min.js', 'dashboard.js'];

export function dashboardPageHtml(assets: PlanPageAssets): string {
  return webviewPageHtml({ ...assets, title: 'QueryLens Dashboard', inlineStyles: false });
}
