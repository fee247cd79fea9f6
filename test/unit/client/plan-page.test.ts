/**
 * The plan webview's page: the Content-Security-Policy allows scripts only
 * with this load's nonce, every script carries it, and nothing is loaded from
 * anywhere but the extension's own files.
 */
import { strict as assert } from 'node:assert';
import { escapeHtml } from '../../../client/src/plan/escape';
import { contentSecurityPolicy, makeNonce, planPageHtml, PLAN_SCRIPTS, PLAN_STYLES } from '../../../client/src/plan/html';

const CSP_SOURCE = 'vscode-webview-resource://ext';
const asset = (file: string) => `vscode-webview-resource://ext/dist/webview/${file}`;

describe('client plan page', function () {
  it('makes a fresh, unguessable nonce per load', function () {
    const nonces = new Set(Array.from({ length: 50 }, makeNonce));
    assert.equal(nonces.size, 50);
    for (const nonce of nonces) assert.match(nonce, /^[A-Za-z0-9+/]{22}==$/, '128 bits, base64');
  });

  it('allows nothing by default and scripts only with the nonce (no unsafe-eval, no unsafe-inline scripts)', function () {
    const csp = contentSecurityPolicy(CSP_SOURCE, 'abc123');
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    assert.deepEqual(directives['default-src'], ["'none'"]);
    assert.deepEqual(directives['script-src'], ["'nonce-abc123'"]);
    assert.deepEqual(directives['style-src'], [CSP_SOURCE, "'unsafe-inline'"], "PEV2's icon library injects a <style>");
    assert.ok(!csp.includes('unsafe-eval'));
    assert.ok(!/https?:/.test(csp), 'no remote source');
  });

  it('puts the nonce in the CSP and on every script tag, and loads only the given local assets', function () {
    const nonce = makeNonce();
    const html = planPageHtml({ cspSource: CSP_SOURCE, nonce, styles: PLAN_STYLES.map(asset), scripts: PLAN_SCRIPTS.map(asset) });
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
    assert.ok(meta, 'the CSP is a meta tag of the page');
    const csp = meta[1]!.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    assert.equal(csp, contentSecurityPolicy(CSP_SOURCE, nonce));
    assert.ok(csp.includes(`script-src 'nonce-${nonce}'`));
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    assert.equal(scripts.length, PLAN_SCRIPTS.length);
    for (const tag of scripts) assert.ok(tag.includes(`nonce="${nonce}"`), tag);
    const loaded = [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    assert.deepEqual(loaded, [...PLAN_STYLES, ...PLAN_SCRIPTS].map(asset));
    assert.ok(!/https?:\/\//.test(html), 'no remote URL anywhere in the page');
    assert.ok(!/<script\b[^>]*>[^<]+<\/script>/.test(html), 'no inline script');
    assert.ok(html.includes('id="ql-root"'));
  });

  it('loads Vue before PEV2 before the view script, and QueryLens styles last', function () {
    assert.deepEqual(PLAN_SCRIPTS, ['vue.global.prod.js', 'pev2.umd.js', 'plan.js']);
    assert.equal(PLAN_STYLES.at(-1), 'plan.css');
  });

  it('escapes what it writes into attributes', function () {
    assert.equal(escapeHtml(`"><script>'&`), '&quot;&gt;&lt;script&gt;&#39;&amp;');
    const html = planPageHtml({ cspSource: CSP_SOURCE, nonce: 'n', styles: ['a"b'], scripts: [] });
    assert.ok(html.includes('href="a&quot;b"'));
  });
});
