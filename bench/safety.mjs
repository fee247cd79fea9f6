#!/usr/bin/env node
// Responsiveness of the language server under input that used to stall it (issue 9, item 3).
// Run after `npm run build`: `node bench/safety.mjs` (QUERYLENS_SERVER: another dist/server.js).
//
//  (a) A 20 MB SQL file opened in the editor: time to its first diagnostics, how many
//      CodeLenses it gets and how long they take, and a hover on another (small) file
//      sent right after the open.
//  (b) A burst of 1,000 edits of a 5,000-line file sent back to back, then a hover:
//      time from the last edit to the hover's answer, and to the diagnostics of the last version.
//  (c) An 880 KB file (30,000 lines, under querylens.maxFileSizeKb): time to its first
//      diagnostics, edit → diagnostics of that version, a hover on another file and on the
//      file itself while its analysis runs, and an edit sent while the previous version's
//      analysis runs (whether that stale version was still published).
//
// Arguments pick the scenarios (`large`, `burst`, `medium`); all three by default.
// Figures are printed (and reported in the commit/PR), never asserted in tests.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LspClient } from './lspClient.mjs';
import { SCHEMA, generateFile, nextEdit, prng } from './workload.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverJs = process.env.QUERYLENS_SERVER ?? path.join(repo, 'dist', 'server.js');
const LIMIT_MS = 600_000;
const round = (x) => Math.round(x);

function workspace() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'querylens-safety-bench-'));
  mkdirSync(path.join(dir, 'migrations'));
  writeFileSync(path.join(dir, '.querylens.json'), JSON.stringify({ dialect: 'postgres' }));
  writeFileSync(path.join(dir, 'migrations', '20240101000000_schema.sql'), SCHEMA);
  return dir;
}

async function startServer(dir) {
  // QUERYLENS_BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the server, as in bench.mjs.
  const nodeArgs = (process.env.QUERYLENS_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, serverJs, '--stdio'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr.on('data', () => {});
  const client = new LspClient(child, (method, params) =>
    method === 'workspace/configuration' ? params.items.map((item) => (item.section === 'querylens' ? {} : item.section ? {} : null)) : null,
  );
  const rootUri = pathToFileURL(dir).href;
  await client.request('initialize', {
    processId: process.pid,
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: 'bench' }],
    capabilities: { workspace: { configuration: true, workspaceFolders: true }, textDocument: { publishDiagnostics: { versionSupport: true } } },
  });
  client.notify('initialized', {});
  const stop = async () => {
    const closed = new Promise((resolve) => child.on('close', resolve));
    await Promise.race([client.request('shutdown', null).catch(() => {}), new Promise((r) => setTimeout(r, 2000))]);
    client.notify('exit', null);
    // A moment to exit on its own (a --cpu-prof profile is written then), else it is stopped.
    await Promise.race([closed, new Promise((r) => setTimeout(r, 5000))]);
    child.kill();
    await closed;
  };
  return { client, stop };
}

/** Milliseconds `promise` took, or `timed out after N s`. */
async function time(promise, started = performance.now()) {
  try {
    const value = await promise;
    return { ms: round(performance.now() - started), value };
  } catch (error) {
    return { ms: `timed out after ${LIMIT_MS / 1000} s`, error };
  }
}

/** `promise`, or a rejection after LIMIT_MS (the timer is cleared once it settles: it would keep the process alive). */
function within(promise) {
  let timer;
  const limit = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), LIMIT_MS)));
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** The workspace with a small file beside the one measured, for hovers elsewhere. */
function workspaceWithSmallFile() {
  const dir = workspace();
  const small = path.join(dir, 'small.sql');
  const smallText = "SELECT id FROM projects WHERE name LIKE '%x%';\n";
  writeFileSync(small, smallText);
  return { dir, small, smallText };
}

async function largeFile() {
  const { dir, small, smallText } = workspaceWithSmallFile();
  const big = path.join(dir, 'big.sql');
  const unit = generateFile(5000);
  const bigText = unit.repeat(Math.ceil((20 * 1024 * 1024) / unit.length));
  writeFileSync(big, bigText);
  const { client, stop } = await startServer(dir);
  try {
    const bigUri = pathToFileURL(big).href;
    const smallUri = pathToFileURL(small).href;
    const started = performance.now();
    const firstBig = client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === bigUri, LIMIT_MS);
    client.notify('textDocument/didOpen', { textDocument: { uri: bigUri, languageId: 'sql', version: 1, text: bigText } });
    client.notify('textDocument/didOpen', { textDocument: { uri: smallUri, languageId: 'sql', version: 1, text: smallText } });
    const hover = await time(within(client.request('textDocument/hover', { textDocument: { uri: smallUri }, position: { line: 0, character: smallText.indexOf('name') } })), started);
    const diagnostics = await time(firstBig, started);
    const lenses = await time(within(client.request('textDocument/codeLens', { textDocument: { uri: bigUri } })));
    return {
      sizeMB: round(bigText.length / 1024 / 1024),
      openToFirstDiagnosticsMs: diagnostics.ms,
      diagnostics: diagnostics.value?.params.diagnostics.length,
      firstDiagnostic: diagnostics.value?.params.diagnostics[0]?.message.slice(0, 80),
      hoverOnOtherFileMs: hover.ms,
      hoverAnswered: hover.value !== undefined && hover.value !== null,
      codeLensMs: lenses.ms,
      codeLenses: lenses.value?.length,
    };
  } finally {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function editBurst() {
  const dir = workspace();
  const file = path.join(dir, 'app.sql');
  let text = generateFile(5000);
  writeFileSync(file, text);
  const { client, stop } = await startServer(dir);
  try {
    const uri = pathToFileURL(file).href;
    const opened = client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === 1, LIMIT_MS);
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text } });
    await opened;
    const random = prng(9);
    const changes = [];
    for (let n = 0; n < 1000; n++) {
      const edit = nextEdit(text, random, n);
      text = edit.text;
      changes.push(edit.change);
    }
    const lastVersion = changes.length + 1;
    changes.forEach((change, i) => client.notify('textDocument/didChange', { textDocument: { uri, version: i + 2 }, contentChanges: [change] }));
    const sent = performance.now();
    const line = text.split('\n').findIndex((l) => l.includes("LIKE '%"));
    const position = { line, character: text.split('\n')[line].indexOf('LIKE') };
    // The last version's publish, or (left out: the diagnostics the editor shows already) the server's word that it is analysed.
    const final = client.analysed(uri, lastVersion, position, LIMIT_MS);
    const hover = await time(within(client.request('textDocument/hover', { textDocument: { uri }, position })), sent);
    const diagnostics = await time(final, sent);
    return { edits: changes.length, hoverAfterBurstMs: hover.ms, hoverAnswered: Boolean(hover.value), finalDiagnosticsAfterBurstMs: diagnostics.ms };
  } finally {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function mediumFile() {
  const { dir, small, smallText } = workspaceWithSmallFile();
  const file = path.join(dir, 'medium.sql');
  let text = generateFile(30_000);
  const { client, stop } = await startServer(dir);
  try {
    const uri = pathToFileURL(file).href;
    const smallUri = pathToFileURL(small).href;
    const published = [];
    const onDiagnostics = client.dispatch.bind(client);
    client.dispatch = (message) => {
      if (message.method === 'textDocument/publishDiagnostics' && message.params.uri === uri) published.push(message.params.version);
      onDiagnostics(message);
    };
    client.notify('textDocument/didOpen', { textDocument: { uri: smallUri, languageId: 'sql', version: 1, text: smallText } });
    const first = client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === 1, LIMIT_MS);
    const started = performance.now();
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text } });
    // Hovers on a file outside the workspace (nothing to analyse) one after another while the
    // first analysis runs: the slowest answer is about the longest the server held its event loop.
    const ping = () => client.request('textDocument/hover', { textDocument: { uri: pathToFileURL(path.join(os.tmpdir(), 'elsewhere.sql')).href }, position: { line: 0, character: 0 } });
    let analysing = true;
    const pings = [];
    first.then(() => (analysing = false), () => (analysing = false));
    while (analysing) pings.push((await time(within(ping()))).ms);
    const opened = await time(first, started);
    const lenses = await time(within(client.request('textDocument/codeLens', { textDocument: { uri } })));
    const hoverSmall = () => client.request('textDocument/hover', { textDocument: { uri: smallUri }, position: { line: 0, character: smallText.indexOf('LIKE') } });
    const random = prng(9);
    let version = 1;
    const edit = () => {
      const next = nextEdit(text, random, version);
      text = next.text;
      version++;
      client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [next.change] });
      return version;
    };
    // A version's publish, or (left out: the diagnostics the editor shows already) the server's word that it is analysed.
    const analysed = (v) => client.analysed(uri, v, { line: 0, character: 0 }, LIMIT_MS);
    const perEdit = [];
    for (let n = 0; n < 5; n++) {
      const v = edit();
      perEdit.push((await time(analysed(v))).ms);
    }
    // Past the 75 ms debounce, the edited version's analysis is under way when the hover comes.
    let v = edit();
    let done = analysed(v);
    await sleep(150);
    const hoverOther = await time(within(hoverSmall()));
    await done;
    v = edit();
    done = analysed(v);
    const line = text.split('\n').findIndex((l) => l.includes("LIKE '%"));
    const hoverSelf = await time(within(client.request('textDocument/hover', { textDocument: { uri }, position: { line, character: text.split('\n')[line].indexOf('LIKE') } })));
    await done;
    // An edit while the previous version is being analysed: is that stale version still published?
    const stale = edit();
    await sleep(150);
    v = edit();
    const superseded = await time(analysed(v));
    return {
      sizeKB: round(text.length / 1024),
      openToFirstDiagnosticsMs: opened.ms,
      diagnostics: opened.value?.params.diagnostics.length,
      codeLensMs: lenses.ms,
      codeLenses: lenses.value?.length,
      pingsDuringOpen: pings.length,
      slowestPingMs: Math.max(...pings),
      editToDiagnosticsMs: perEdit,
      hoverOnOtherFileDuringAnalysisMs: hoverOther.ms,
      hoverOnFileAfterEditMs: hoverSelf.ms,
      hoverAnswered: Boolean(hoverSelf.value),
      editDuringAnalysisToDiagnosticsMs: superseded.ms,
      staleVersionPublished: published.includes(stale),
    };
  } finally {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const scenarios = { large: largeFile, burst: editBurst, medium: mediumFile };
const names = { large: 'largeFile', burst: 'editBurst', medium: 'mediumFile' };
const picked = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(scenarios);
const results = { server: serverJs };
for (const name of picked) {
  if (!scenarios[name]) throw new Error(`unknown scenario ${name} (one of ${Object.keys(scenarios).join(', ')})`);
  results[names[name]] = await scenarios[name]();
}
console.log(JSON.stringify(results, null, 2));
