#!/usr/bin/env node
// End-to-end test of QueryLens in a real VS Code (code-server), driven by headless Chromium.
//
//   npm run test:e2e
//
// What it does, in order (each phase is timed):
//   1. tools:     Node 24 + code-server 4.139.x into a cache outside the repo (reused), Debian chromium.
//   2. package:   `npm run package` -> querylens.vsix (skipped with QUERYLENS_E2E_VSIX=path).
//   3. install:   `code-server --install-extension querylens.vsix` into a fresh extensions dir.
//   4. start:     copy the fixture workspace to a temp dir, start code-server on a free port.
//   5. browser:   open the workspace, open queries.sql, wait for the diagnostic in the Problems panel,
//                 run the quick fix, check the migration it writes, check the diagnostic goes away;
//                 then open app/report.py, wait for `n-plus-one` (a lazy SQLAlchemy relationship read in
//                 a loop; the models are in app/models.py), apply the selectinload fix, save, check the
//                 file on disk and that the diagnostic goes away; then the same in TypeScript: open
//                 src/workers.ts, wait for `commit-in-loop` (a node-postgres INSERT per item), apply the
//                 one-INSERT fix, save, check the file (it type-checks); before that, the token
//                 inspector shows the SQL in the call highlighted as SQL (the injection grammar);
//                 then, in a window of its own, a copy of examples/prisma-agents: open
//                 src/taskManager.ts, wait for `missing-composite-index` on a Prisma Client call, see the
//                 Explain CodeLenses over the call, apply the quick fix, check schema.prisma gains the
//                 @@index and the new Prisma migration creates the index (both exactly), that the finding
//                 goes, and that the migrations apply on PostgreSQL (test/e2e/prisma.mjs).
// Screenshots (problems.png, quickfix.png, migration.png, after-fix.png, failure.png,
// python-n-plus-one.png, python-quickfix.png, python-after-fix.png, python-failure.png, and the same
// typescript-*.png, prisma-*.png) and logs (code-server.log, browser-console.log, vscode-logs/, migration-*.sql,
// python-report.py, typescript-workers.ts, prisma-schema.prisma, prisma-migration-*.sql) land in test-results/.
//
// Environment:
//   QUERYLENS_E2E_CACHE        tool cache (default ~/.cache/querylens-e2e)
//   QUERYLENS_E2E_VSIX         use this .vsix instead of building one
//   QUERYLENS_E2E_KEEP=1       keep the temp dir (workspace, user data) for inspection
//   QUERYLENS_E2E_TIMEOUT_MS   how long to wait for each editor-side effect (default 60000)
//   QUERYLENS_E2E_ONLY         run only these parts, comma-separated: sql, python, typescript, explain,
//                              dashboard, prisma (default: all; `sql` includes applying the migrations on
//                              PostgreSQL, and the dashboard expects the migration the `sql` part writes)

import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync,
  symlinkSync, writeFileSync, closeSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { driveDashboard, runCommand } from './dashboard.mjs';
import { driveExplain } from './explain.mjs';
import { drivePrisma, EXPECT_PRISMA } from './prisma.mjs';

// ---------------------------------------------------------------------------------------------
// What we expect from the extension. Adjust here when the server's wording changes.
// ---------------------------------------------------------------------------------------------
const EXPECT = {
  /** Rule id: the diagnostic's `code`, shown by the Problems panel as `QueryLens(<code>)`. */
  ruleId: 'missing-composite-index',
  /** Diagnostic source. */
  source: 'QueryLens',
  /** Text the diagnostic message must mention (checked loosely: spaces ignored). */
  messageMentions: 'workers(planner_id, task_status)',
  /** File to open, relative to the workspace, and a unique piece of the flagged query in it. */
  sqlFile: 'queries.sql',
  flaggedQuery: "SELECT worker_id FROM workers WHERE planner_id = $1 AND task_status = 'pending'",
  /** Put the cursor on this word inside the flagged query before asking for quick fixes. */
  cursorOn: 'workers',
  /** The quick fix to choose: first menu item whose title matches. */
  fixTitle: /^Add index|workers\(planner_id, task_status\)/,
  /** Exact title the server team announced (only printed if it differs, not asserted). */
  fixTitleExact: 'Add index on workers(planner_id, task_status) in a new migration',
  /** Folder (relative to the workspace) where the fix writes a new migration file. */
  migrationsDir: 'migrations',
  /** The new file's name (golang-migrate: 000002_add_index_..._planner_id_task_status.up.sql). */
  migrationName: /^\d+_.*workers.*planner_id.*task_status.*\.sql$/i,
  /** What the new migration must contain. */
  migrationContent: [
    /CREATE\s+INDEX\s+CONCURRENTLY/i,
    /\bworkers\s*\(\s*"?planner_id"?\s*,\s*"?task_status"?\s*\)/i,
  ],
};

/** The Python part: a lazy SQLAlchemy relationship read in a loop (issue 3, section 6). */
const EXPECT_PY = {
  part: 'python',
  ruleId: 'n-plus-one',
  /** The file with the loop; its models (Agent.messages, lazy by default) are in app/models.py. */
  file: 'app/report.py',
  /** The flagged expression: the relationship read inside the loop. */
  flagged: 'agent.messages',
  messageMentions: 'selectinload(Agent.messages)',
  /** The quick fix to choose: first menu item whose title matches. */
  fixTitle: /selectinload/,
  /** What the saved file must hold after the fix. */
  after: [
    { what: '.options(selectinload(Agent.messages)) in the outer query', re: /session\.query\(Agent\)[^\n]*\.options\(selectinload\(Agent\.messages\)\)[^\n]*\.all\(\)/ },
    { what: 'the selectinload import', re: /^from\s+sqlalchemy\.orm\s+import\s+[^\n]*\bselectinload\b/m },
  ],
  /** What the check of the fixed file proves. */
  checked: 'parses as Python',
  /** Why the fixed file does not parse, if it does not (parsed only: no bytecode written into the workspace). */
  parseError(path) {
    const py = spawnSync('python3', ['-c', 'import ast,sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])', path], { encoding: 'utf8' });
    if (py.error) return { skipped: `python3 not available (${py.error.message})` };
    return py.status === 0 ? {} : { error: py.stderr.trim() };
  },
};

/** The TypeScript part (issue 14): a node-postgres INSERT run once per item of a loop. */
const EXPECT_TS = {
  part: 'typescript',
  ruleId: 'commit-in-loop',
  file: 'src/workers.ts',
  /** The flagged call: the INSERT inside the loop. */
  flagged: 'await pool.query(',
  messageMentions: 'once per workerId of workerIds',
  /** The SQL in the call is highlighted as SQL (the injection grammar), as the editor's token inspector shows it. */
  /** The CodeLenses drawn over the query (issue 14 item 4: the same as over SQL files' queries). */
  codeLenses: ['Explain', 'Explain Analyze', 'Benchmark'],
  highlight: { line: 'pool.query(', word: 'INSERT', language: 'sql', scopes: ['keyword.other.DML.sql', 'meta.embedded.block.sql', 'source.ts'] },
  /** The quick fix to choose: first menu item whose title matches. */
  fixTitle: /INSERT|one statement|multi-row/i,
  /** What the saved file must hold after the fix: the loop replaced by one INSERT of every item. */
  after: [
    { what: 'one INSERT with a row of placeholders per worker id', re: /INSERT INTO workers \(worker_id, planner_id, task_status\) VALUES \$\{workerIds\.map\(/ },
    { what: 'the values of every item, flattened', re: /workerIds\.flatMap\(\(workerId\) => \[workerId, plannerId, 'pending'\]\)/ },
    { what: 'no INSERT per item left', re: /^(?![\s\S]*for \(const workerId of workerIds\))/ },
  ],
  checked: "type-checks as strict TypeScript against pg's and Node's types",
  /** The fixed file's type errors: the workspace's tsconfig.json, pg's and Node's types from its node_modules. */
  async parseError(path) {
    const { default: ts } = await import('typescript');
    const config = ts.getParsedCommandLineOfConfigFile(join(dirname(dirname(path)), 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
    if (!config) return { error: 'the workspace tsconfig.json does not load' };
    const program = ts.createProgram([path], config.options);
    const errors = ts.getPreEmitDiagnostics(program).map((d) => {
      const at = d.file && d.start !== undefined ? `:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '';
      return `${d.file ? d.file.fileName.split('/').pop() : ''}${at} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
    return errors.length ? { error: errors.join('; ') } : {};
  },
};

/** The parts QUERYLENS_E2E_ONLY asks for (all when unset). */
const ONLY = new Set((process.env.QUERYLENS_E2E_ONLY ?? '').split(',').map((p) => p.trim()).filter(Boolean));
const wants = (part) => ONLY.size === 0 || ONLY.has(part);
/** The parts run in the window of the fixture workspace (the Prisma part has a window of its own). */
const FIRST_WINDOW = ['sql', 'python', 'typescript', 'explain', 'dashboard'];

/** What the .vsix must hold and must not hold (checks .vscodeignore). */
const VSIX = {
  required: ['extension/package.json', 'extension/dist/client.js', 'extension/dist/server.js', 'extension/dist/libpg-query.wasm'],
  forbidden: [/\.ts$/, /\.map$/, /(^|\/)node_modules\//, /^extension\/(test|client|server|shared|bench|examples)\//, /\.vsix$/],
};

const CODE_SERVER_VERSION = '4.139.1';
const NODE_PACKAGE = 'node@24';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage',
];
const TIMEOUT = Number(process.env.QUERYLENS_E2E_TIMEOUT_MS || 60_000);

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = join(repo, 'test/fixtures/e2e-workspace');
const results = join(repo, 'test-results');
const cache = resolve(process.env.QUERYLENS_E2E_CACHE || join(homedir(), '.cache/querylens-e2e'));

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------
const t0 = Date.now();
const timings = [];
const failures = [];
const cleanups = [];

function log(msg) {
  const s = ((Date.now() - t0) / 1000).toFixed(1).padStart(6);
  console.log(`[e2e ${s}s] ${msg}`);
}

class E2EError extends Error {}
function fail(msg) { throw new E2EError(msg); }
/** A failed check that does not stop the run: later checks still say what they see. */
function softFail(msg) { failures.push(msg); log(`FAIL: ${msg}`); }
let passed = 0;
/** A check that held. */
function ok(what) { passed++; log(`ok: ${what}`); }

async function phase(name, fn) {
  const start = Date.now();
  log(`== ${name}`);
  try {
    return await fn();
  } finally {
    const ms = Date.now() - start;
    timings.push([name, ms]);
    log(`== ${name}: ${(ms / 1000).toFixed(1)} s`);
  }
}

function run(cmd, args, opts = {}) {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) fail(`${cmd} could not start: ${r.error.message}`);
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
  return r;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value; returns that value, or undefined on timeout. */
async function waitFor(fn, { timeout = TIMEOUT, interval = 250 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) return undefined;
    await sleep(interval);
  }
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

const squash = (s) => s.replace(/\s+/g, '');

// ---------------------------------------------------------------------------------------------
// Phase 1: tools
// ---------------------------------------------------------------------------------------------
const node24Prefix = join(cache, 'node24');
const node24Bin = join(node24Prefix, 'node_modules/.bin');
const csPrefix = join(cache, 'code-server');
const csBin = join(csPrefix, 'node_modules/.bin/code-server');
const pathWithNode24 = `${node24Bin}:${process.env.PATH}`;

function ensureTools() {
  mkdirSync(cache, { recursive: true });
  const nodeMarker = join(node24Prefix, '.installed');
  if (!existsSync(nodeMarker) || !existsSync(join(node24Bin, 'node'))) {
    log(`installing ${NODE_PACKAGE} into ${node24Prefix}`);
    run('npm', ['install', '--prefix', node24Prefix, '--no-audit', '--no-fund', '--loglevel=error', NODE_PACKAGE]);
    writeFileSync(nodeMarker, `${NODE_PACKAGE}\n`);
  }
  const v = spawnSync(join(node24Bin, 'node'), ['--version'], { encoding: 'utf8' });
  if (v.status !== 0 || !/^v24\./.test(v.stdout)) fail(`Node 24 from ${node24Bin} does not run: ${v.stdout}${v.stderr}`);
  log(`node ${v.stdout.trim()} (for code-server)`);

  const csMarker = join(csPrefix, `.installed-${CODE_SERVER_VERSION}`);
  if (!existsSync(csMarker) || !existsSync(csBin)) {
    // code-server's postinstall builds the `kerberos` native module: it needs gssapi headers.
    aptInstall('libkrb5-dev', existsSync('/usr/include/gssapi/gssapi.h'), 'code-server install needs gssapi headers');
    log(`installing code-server@${CODE_SERVER_VERSION} into ${csPrefix} (takes ~1.5 min once)`);
    run('npm', ['install', '--prefix', csPrefix, '--no-audit', '--no-fund', '--loglevel=error', `code-server@${CODE_SERVER_VERSION}`], {
      // code-server's postinstall reads the Node version from npm_config_user_agent: drop the one
      // an outer `npm run test:e2e` (on Node 20) exported, so the inner npm (on Node 24) sets its own.
      env: { ...withoutKey(process.env, 'npm_config_user_agent'), PATH: pathWithNode24, npm_config_unsafe_perm: 'true' },
    });
    writeFileSync(csMarker, `${CODE_SERVER_VERSION}\n`);
  }
  const cv = spawnSync(csBin, ['--version'], { encoding: 'utf8', env: { ...process.env, PATH: pathWithNode24 } });
  if (cv.status !== 0) fail(`code-server does not run: ${cv.stdout}${cv.stderr}`);
  log(`code-server ${cv.stdout.trim().split('\n')[0]}`);

  aptInstall('chromium', existsSync(CHROMIUM), `${CHROMIUM} is missing`);
}

function withoutKey(env, key) {
  const copy = { ...env };
  delete copy[key];
  return copy;
}

let aptUpdated = false;
/** Installs a Debian package when `present` is false; only as root, else a clear error. */
function aptInstall(pkg, present, why) {
  if (present) return;
  if (process.getuid?.() !== 0) {
    fail(`${why}. Install Debian's ${pkg} first: sudo apt-get update && sudo apt-get install -y ${pkg}`);
  }
  log(`installing Debian ${pkg} (${why})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) { run('apt-get', ['update', '-qq'], { env }); aptUpdated = true; }
  run('apt-get', ['install', '-y', '-qq', pkg], { env });
}

// ---------------------------------------------------------------------------------------------
// Phase 2 and 3: package and install the extension
// ---------------------------------------------------------------------------------------------
function packageExtension() {
  if (process.env.QUERYLENS_E2E_VSIX) {
    const vsix = resolve(process.env.QUERYLENS_E2E_VSIX);
    if (!existsSync(vsix)) fail(`QUERYLENS_E2E_VSIX=${vsix} does not exist`);
    log(`using prebuilt ${vsix} (QUERYLENS_E2E_VSIX)`);
    return vsix;
  }
  const vsix = join(repo, 'querylens.vsix');
  rmSync(vsix, { force: true });
  run('npm', ['run', 'package'], { cwd: repo, stdio: ['ignore', 'inherit', 'inherit'] });
  if (!existsSync(vsix)) fail(`npm run package succeeded but ${vsix} is missing`);
  return vsix;
}

function vsixManifest(vsix) {
  const r = spawnSync('unzip', ['-p', vsix, 'extension/package.json'], { encoding: 'utf8' });
  if (r.status !== 0) fail(`cannot read extension/package.json from ${vsix}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function checkVsixContents(vsix) {
  const r = spawnSync('unzip', ['-Z1', vsix], { encoding: 'utf8' });
  if (r.status !== 0) fail(`cannot list ${vsix}: ${r.stderr}`);
  const entries = r.stdout.split('\n').filter(Boolean);
  const files = entries.filter((e) => e.startsWith('extension/'));
  log(`vsix holds ${files.length} files: ${files.map((f) => f.slice('extension/'.length)).join(', ')}`);
  const missing = VSIX.required.filter((f) => !entries.includes(f));
  if (missing.length) softFail(`the .vsix lacks ${missing.join(', ')}`);
  else ok('the .vsix holds the bundles and the wasm');
  const extra = files.filter((f) => VSIX.forbidden.some((re) => re.test(f)));
  if (extra.length) softFail(`the .vsix ships files .vscodeignore should leave out: ${extra.slice(0, 20).join(', ')}`);
  else ok('the .vsix ships no sources, maps or node_modules');
}

function installExtension(vsix, extDir, userDataDir) {
  checkVsixContents(vsix);
  const manifest = vsixManifest(vsix);
  const id = `${manifest.publisher}.${manifest.name}`.toLowerCase();
  log(`extension ${id}@${manifest.version}`);
  const r = spawnSync(csBin, ['--install-extension', vsix, '--extensions-dir', extDir, '--user-data-dir', userDataDir, '--force'], {
    encoding: 'utf8', env: codeServerEnv(),
  });
  process.stdout.write(r.stdout || '');
  process.stderr.write(r.stderr || '');
  const installed = existsSync(extDir) && readdirSync(extDir).some((d) => d.toLowerCase().startsWith(`${id}-`));
  if (r.status === 0 && installed) {
    log(`installed with code-server --install-extension into ${extDir}`);
    return { id, manifest, how: 'install-extension' };
  }
  log(`WARNING: code-server --install-extension failed (exit ${r.status}); falling back to unpacking the .vsix`);
  const target = join(extDir, `${id}-${manifest.version}`);
  const tmp = mkdtempSync(join(tmpdir(), 'querylens-vsix-'));
  try {
    run('unzip', ['-q', vsix, 'extension/*', '-d', tmp]);
    mkdirSync(extDir, { recursive: true });
    cpSync(join(tmp, 'extension'), target, { recursive: true });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  log(`unpacked into ${target} (FALLBACK: a user's "Install from VSIX" would have failed)`);
  return { id, manifest, how: 'unpacked' };
}

// ---------------------------------------------------------------------------------------------
// Phase 4: code-server
// ---------------------------------------------------------------------------------------------
let runDir;
function codeServerEnv() {
  return {
    ...process.env,
    PATH: pathWithNode24,
    // Keep code-server's own config.yaml and state out of the user's home.
    XDG_CONFIG_HOME: join(runDir, 'xdg-config'),
    XDG_DATA_HOME: join(runDir, 'xdg-data'),
    XDG_CACHE_HOME: join(runDir, 'xdg-cache'),
  };
}

const USER_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'files.autoSave': 'off',
  'editor.codeActionWidget.includeNearbyQuickFixes': true,
  // The dashboard part reads the pool of the real server through this connection (trust auth, no password).
  // Its "ram" makes the Settings tab's advice the seed table's 16 GB row.
  'querylens.connections': [{ name: 'local-pg', driver: 'postgres', url: process.env.QUERYLENS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test', ram: '16GB' }],
};

function stopProcessGroup(child, name) {
  return new Promise((res) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return res();
    const killGroup = (sig) => { try { process.kill(-child.pid, sig); } catch { /* gone */ } };
    const timer = setTimeout(() => { killGroup('SIGKILL'); res(); }, 5000);
    child.once('exit', () => { clearTimeout(timer); killGroup('SIGKILL'); res(); });
    log(`stopping ${name} (process group ${child.pid})`);
    killGroup('SIGTERM');
  });
}

/** Children that left our process group but still run on our temp dirs: end them by pid. */
function killStragglers(marker) {
  let n = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    if (Number(pid) === process.pid) continue;
    let cmd = '';
    try { cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
    if (cmd.includes(marker)) {
      try { process.kill(Number(pid), 'SIGKILL'); n++; } catch { /* gone */ }
    }
  }
  if (n) log(`ended ${n} leftover process(es) using ${marker}`);
}

async function startCodeServer({ extDir, userDataDir, workspace }) {
  const port = await freePort();
  const logFile = join(results, 'code-server.log');
  const fd = openSync(logFile, 'w');
  const args = [
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--extensions-dir', extDir, '--user-data-dir', userDataDir, workspace,
  ];
  log(`$ code-server ${args.join(' ')}`);
  const child = spawn(csBin, args, { detached: true, stdio: ['ignore', fd, fd], env: codeServerEnv() });
  closeSync(fd);
  let exited = null;
  child.on('exit', (code, sig) => { exited = `exit ${code ?? sig}`; });
  cleanups.push(() => stopProcessGroup(child, 'code-server'));
  const url = `http://127.0.0.1:${port}`;
  const ok = await waitFor(async () => {
    if (exited) return 'exited';
    try {
      const r = await fetch(`${url}/healthz`);
      return r.ok ? 'up' : false;
    } catch { return false; }
  }, { timeout: 60_000, interval: 200 });
  if (ok !== 'up') {
    fail(`code-server did not answer on ${url} (${exited || 'timeout'}); see ${logFile}:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
  }
  log(`code-server up at ${url}`);
  return url;
}

// ---------------------------------------------------------------------------------------------
// Phase 5: the browser
// ---------------------------------------------------------------------------------------------
const MOD = 'Control';

async function shot(page, name) {
  const file = join(results, name);
  try {
    await page.screenshot({ path: file });
    log(`screenshot ${file}`);
  } catch (e) {
    log(`screenshot ${name} failed: ${e.message}`);
  }
}

/** Texts of the rows the Problems panel shows. */
async function markerRows(page) {
  return page.evaluate(() => {
    const panel = document.querySelector('.markers-panel');
    if (!panel) return null;
    return [...panel.querySelectorAll('.monaco-list-row')].map((r) => (r.innerText || r.textContent || '').replace(/\s+/g, ' ').trim());
  });
}

/** Error notifications the workbench shows, each reported once (a note, not a failed check). */
const errorToastsSeen = new Set();
async function noteErrorToasts(page, when) {
  const texts = await page.evaluate(() => [...document.querySelectorAll('.notification-toast, .notifications-center .monaco-list-row')]
    .filter((n) => n.querySelector('.codicon-error'))
    .map((n) => (n.querySelector('.notification-list-item-message')?.textContent || n.textContent || '').replace(/\s+/g, ' ').trim()))
    .catch(() => []);
  for (const t of texts) {
    if (errorToastsSeen.has(t)) continue;
    errorToastsSeen.add(t);
    log(`NOTE: error notification ${when}: "${t}"`);
  }
}

async function ensureProblemsPanel(page) {
  const visible = await page.locator('.markers-panel').first().isVisible().catch(() => false);
  if (visible) return;
  await page.keyboard.press(`${MOD}+Shift+M`);
  const ok = await waitFor(() => page.locator('.markers-panel').first().isVisible().catch(() => false), { timeout: 10_000 });
  if (!ok) fail('the Problems panel (.markers-panel) did not open with Ctrl+Shift+M');
}

async function quickOpen(page, text) {
  await page.keyboard.press(`${MOD}+P`);
  const input = page.locator('.quick-input-widget input').first();
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(text);
  return input;
}

async function openFile(page, relPath) {
  const name = relPath.split('/').pop();
  await quickOpen(page, relPath);
  // Wait until the file shows up in the results, then take it. A loaded machine can take long to
  // search a workspace just opened: the same patience as for every other editor-side effect.
  const row = page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: name }).first();
  await row.waitFor({ state: 'visible', timeout: TIMEOUT });
  await page.keyboard.press('Enter');
  await page.locator(`.tab[aria-label*="${name}"]`).first().waitFor({ state: 'visible', timeout: TIMEOUT });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ state: 'visible', timeout: TIMEOUT });
}

/** Moves the cursor with Ctrl+G to a 1-based line and column. */
async function goTo(page, line, column) {
  await page.keyboard.press(`${MOD}+G`);
  const input = page.locator('.quick-input-widget input').first();
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => {});
}

/**
 * Puts the cursor on 1-based `line`:`col` of the open file `tabName` and opens the quick fix
 * menu with Ctrl+. Right after moving the cursor, Ctrl+. may come before the server answers
 * (VS Code then says "No code actions available"): ask again, up to 30 s.
 */
async function openQuickFixMenu(page, tabName, line, col) {
  log(`cursor to line ${line}, column ${col} of ${tabName}`);
  await page.locator(`.tab[aria-label*="${tabName}"]`).first().click();
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await goTo(page, line, col);
  const rows = page.locator('.action-widget .monaco-list-row');
  const menuVisible = async () => (await rows.count()) > 0 && await rows.first().isVisible().catch(() => false);
  let menuUp = false;
  for (let attempt = 1, end = Date.now() + 30_000; !menuUp && Date.now() < end; attempt++) {
    if (!(await page.locator('.editor-instance .monaco-editor.focused').count())) {
      log('editor lost focus: clicking into it and moving the cursor again');
      await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
      await goTo(page, line, col);
    }
    await page.keyboard.press(`${MOD}+.`);
    menuUp = Boolean(await waitFor(menuVisible, { timeout: 4000 }));
    if (!menuUp) {
      const msg = await page.evaluate(() => document.querySelector('.monaco-editor-overlaymessage')?.textContent || '');
      log(`quick fix menu not shown (attempt ${attempt})${msg ? `: "${msg.trim()}"` : ''}`);
      await page.keyboard.press('Escape');
    }
  }
  const titles = menuUp ? (await rows.allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim()) : [];
  return { rows, titles, menuUp };
}

function listMigrations(workspace) {
  const dir = join(workspace, EXPECT.migrationsDir);
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** Opens `folder` in the workbench on `page` and waits until the explorer shows it. */
async function openWorkbench(page, url, folder) {
  await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`, { waitUntil: 'domcontentloaded' });
  await page.locator('.monaco-workbench').first().waitFor({ state: 'visible', timeout: TIMEOUT });
  // The explorer shows the workspace once the folder is open.
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: TIMEOUT })
    .catch(() => log('note: explorer rows not visible (not fatal)'));
  await page.locator('.monaco-workbench').first().click({ position: { x: 700, y: 400 } }).catch(() => {});
}

async function drive(url, workspace, prismaWorkspace) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS,
    // Our own signal handlers end code-server too; Playwright's would exit first.
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
  });
  cleanups.push(() => browser.close().catch(() => {}));
  const consoleLines = [];
  const newPage = async () => {
    const p = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    p.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') consoleLines.push(`[${m.type()}] ${m.text()}`); });
    p.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
    return p;
  };
  const page = await newPage();
  cleanups.push(() => writeFileSync(join(results, 'browser-console.log'), consoleLines.join('\n') + '\n'));
  // Errors the workbench logs about QueryLens (e.g. a code action command it cannot run) are
  // notes, like error notifications: the user sees them, but they do not fail the run.
  const noteConsoleErrors = () => {
    for (const l of consoleLines) {
      if (/^\[(error|pageerror)\]/.test(l) && /querylens/i.test(l)) errorToastsSeen.add(l.split('\n')[0].replace(/^\[\w+\] /, ''));
    }
  };

  try {
    if (FIRST_WINDOW.some(wants)) await phase('workbench ready', () => openWorkbench(page, url, workspace));

    if (wants('sql')) await driveSql(page, workspace);
  } catch (e) {
    await shot(page, 'failure.png');
    throw e;
  }

  noteConsoleErrors();
  // The Python and TypeScript parts run after the SQL part and do not stop the run: a failure
  // there is one failed check, the SQL checks and the PostgreSQL phase still report.
  for (const X of [EXPECT_PY, EXPECT_TS].filter((x) => wants(x.part))) {
    try {
      await driveHostFix(page, workspace, X);
    } catch (e) {
      await shot(page, `${X.part}-failure.png`);
      softFail(`${X.part}: ${e instanceof E2EError ? e.message : e.stack || e}`);
    }
    noteConsoleErrors();
  }
  // Issue 4: Explain Analyze from the CodeLens into the plan webview (embedded shadow database).
  if (wants('explain')) {
    try {
      await phase('explain analyze from the CodeLens', () =>
        driveExplain(page, { log, ok, softFail, fail, shot, waitFor, openFile, timeout: TIMEOUT }));
    } catch (e) {
      await shot(page, 'explain-failure.png');
      softFail(`explain: ${e instanceof E2EError ? e.message : e.stack || e}`);
    }
    noteConsoleErrors();
  }
  // Issue 5: the review dashboard (migrations, pool, a benchmark run).
  if (wants('dashboard')) {
    try {
      await phase('review dashboard', () =>
        driveDashboard(page, { log, ok, softFail, fail, shot, waitFor, goTo, openFile, timeout: TIMEOUT }));
    } catch (e) {
      await shot(page, 'dashboard-failure.png');
      softFail(`dashboard: ${e instanceof E2EError ? e.message : e.stack || e}`);
    }
    noteConsoleErrors();
  }
  // Issue 15: a Prisma finding and its fix, in a window of its own on a copy of examples/prisma-agents.
  if (wants('prisma')) {
    // The first window is done: close it, so its extension host and language server stop using the CPU.
    await page.close().catch(() => {});
    const prismaPage = await newPage();
    try {
      await phase('workbench ready (Prisma example)', () => openWorkbench(prismaPage, url, prismaWorkspace));
      await drivePrisma(prismaPage, prismaWorkspace, {
        log, ok, softFail, fail, shot, waitFor, phase, squash, openFile, runCommand, waitRuleRow, waitRuleGone, openQuickFixMenu,
        timeout: TIMEOUT, results,
      });
    } catch (e) {
      await shot(prismaPage, 'prisma-failure.png');
      softFail(`prisma: ${e instanceof E2EError ? e.message : e.stack || e}`);
    }
    noteConsoleErrors();
  }
}

/** The SQL part: the missing index in queries.sql, its quick fix and the migration it writes. */
async function driveSql(page, workspace) {
  await phase(`open ${EXPECT.sqlFile}`, () => openFile(page, EXPECT.sqlFile));

  const found = await phase('diagnostic visible in Problems panel', async () => {
    const row = await waitRuleRow(page, EXPECT.ruleId, 'problems.png', '');
    ok(`Problems panel shows ${EXPECT.ruleId}: ${row}`);
    return row;
  });
  if (!found.includes(EXPECT.source)) softFail(`marker row does not show source "${EXPECT.source}": ${found}`);
  else ok(`source is ${EXPECT.source}`);
  if (!squash(found).includes(squash(EXPECT.messageMentions))) {
    softFail(`marker message does not mention "${EXPECT.messageMentions}": ${found}`);
  } else ok(`message mentions ${EXPECT.messageMentions}`);

  const before = listMigrations(workspace);
  let created;
  await phase('quick fix', async () => {
    // Put the cursor where the diagnostic starts (the Problems panel shows `[Ln L, Col C]`):
    // quick fixes are offered for diagnostics under the cursor. Without a position, use a
    // word inside the flagged query.
    const lines = readFileSync(join(workspace, EXPECT.sqlFile), 'utf8').split('\n');
    const idx = lines.findIndex((l) => l.includes(EXPECT.flaggedQuery));
    if (idx < 0) fail(`fixture ${EXPECT.sqlFile} has no line with the flagged query`);
    const at = /\[Ln (\d+), Col (\d+)\]/.exec(found);
    const line = at ? Number(at[1]) : idx + 1;
    const col = at ? Number(at[2]) + 1 : lines[idx].indexOf(EXPECT.cursorOn, lines[idx].indexOf('FROM')) + 2;
    if (line !== idx + 1) softFail(`diagnostic is on line ${line}, the flagged query on line ${idx + 1}`);
    const { rows, titles, menuUp } = await openQuickFixMenu(page, EXPECT.sqlFile, line, col);
    await shot(page, 'quickfix.png');
    if (!menuUp) fail('Ctrl+. did not open the quick fix menu (.action-widget) on the flagged query');
    log(`quick fix menu: ${JSON.stringify(titles)}`);
    const i = titles.findIndex((t) => EXPECT.fixTitle.test(t));
    if (i < 0) fail(`no quick fix matching ${EXPECT.fixTitle} in the menu: ${JSON.stringify(titles)}`);
    if (titles[i] !== EXPECT.fixTitleExact) log(`note: fix title is "${titles[i]}" (announced: "${EXPECT.fixTitleExact}")`);
    ok(`quick fix offered: ${titles[i]}`);
    await rows.nth(i).click();

    created = await waitFor(() => {
      const now = listMigrations(workspace).filter((f) => !before.includes(f));
      return now.length ? now : undefined;
    });
    if (!created) fail(`the quick fix wrote no new file in ${EXPECT.migrationsDir}/ within ${TIMEOUT / 1000} s`);
    ok(`the fix wrote ${created.join(', ')}`);
  });

  await phase('migration content and editor', async () => {
    // The fix may create the file empty and write its text a moment later (create, edit, save):
    // wait until one new file holds the index, then list what is there.
    const newSql = () => listMigrations(workspace).filter((f) => !before.includes(f) && f.endsWith('.sql'));
    const holdsIndex = (f) => {
      try {
        const text = readFileSync(join(workspace, EXPECT.migrationsDir, f), 'utf8');
        return EXPECT.migrationContent.every((re) => re.test(text));
      } catch { return false; }
    };
    const withIndex = await waitFor(() => newSql().find(holdsIndex), { timeout: Math.min(TIMEOUT, 20_000) });
    created = listMigrations(workspace).filter((f) => !before.includes(f));
    const sqlFiles = newSql();
    const named = sqlFiles.find((f) => EXPECT.migrationName.test(f) && /\.up\.sql$/i.test(f)) ||
      sqlFiles.find((f) => EXPECT.migrationName.test(f));
    if (!named) softFail(`new migration name(s) ${JSON.stringify(created)} do not match ${EXPECT.migrationName}`);
    else ok(`migration name ${named}`);
    for (const f of created) {
      const text = readFileSync(join(workspace, EXPECT.migrationsDir, f), 'utf8');
      log(`--- ${EXPECT.migrationsDir}/${f}\n${text.trimEnd()}\n---`);
      writeFileSync(join(results, `migration-${f}`), text);
    }
    if (!withIndex) softFail(`no new migration contains ${EXPECT.migrationContent.map(String).join(' and ')}`);
    else ok(`${withIndex} creates the index concurrently`);
    const opened = withIndex || named || created[0];
    const tab = await waitFor(() => page.locator(`.tab[aria-label*="${opened}"]`).first().isVisible().catch(() => false), { timeout: 15_000 });
    if (!tab) softFail(`the fix did not open ${opened} in an editor`);
    else ok(`the fix opened ${opened}`);
    const dirty = await page.locator(`.tab.dirty[aria-label*="${opened}"]`).count().catch(() => 0);
    if (dirty) log(`note: the editor of ${opened} is dirty (unsaved changes) after the fix`);
    await shot(page, 'migration.png');
    await noteErrorToasts(page, 'after the index fix');
  });

  await phase('diagnostic gone after the fix', async () => {
    // Gone means: the panel is rendered and has had no such row for 1.5 s in a row
    // (a server may clear diagnostics and publish them again).
    const [gone, last] = await waitRuleGone(page, EXPECT.ruleId);
    await shot(page, 'after-fix.png');
    if (!gone) softFail(`"${EXPECT.ruleId}" is still in the Problems panel ${TIMEOUT / 1000} s after the fix: ${JSON.stringify(last)}`);
    else ok(`${EXPECT.ruleId} left the Problems panel after the fix`);
  });
}

/** Polls the Problems panel for a row mentioning `ruleId`, takes the screenshot, returns the row (or fails). */
async function waitRuleRow(page, ruleId, screenshot, context) {
  await ensureProblemsPanel(page);
  let last = [];
  const row = await waitFor(async () => {
    last = (await markerRows(page)) || [];
    return last.find((r) => r.includes(ruleId));
  });
  await shot(page, screenshot);
  if (!row) {
    fail(`no diagnostic with rule id "${ruleId}" in the Problems panel within ${TIMEOUT / 1000} s${context}. ` +
      `Rows seen: ${last.length ? JSON.stringify(last) : '(none)'}`);
  }
  return row;
}

/** Polls the Problems panel until no row mentions `ruleId` for 1.5 s in a row; returns [gone, lastRows]. */
async function waitRuleGone(page, ruleId) {
  await ensureProblemsPanel(page);
  let last = [];
  let since = 0;
  const gone = await waitFor(async () => {
    const rows = await markerRows(page);
    last = rows || [];
    if (!rows || rows.some((r) => r.includes(ruleId))) { since = 0; return false; }
    since ||= Date.now();
    return Date.now() - since >= 1500;
  });
  return [Boolean(gone), last];
}

/** A host-language file's finding and its quick fix: open, see the finding, apply the fix, save, check, gone. */
async function driveHostFix(page, workspace, X) {
  const name = X.file.split('/').pop();
  const path = join(workspace, X.file);
  const original = readFileSync(path, 'utf8');

  await phase(`open ${X.file}`, () => openFile(page, X.file));
  if (X.highlight) await phase(`SQL highlighted in ${X.file}`, () => checkHighlight(page, X, name, original));

  const found = await phase(`${X.ruleId} visible in Problems panel`, async () => {
    const row = await waitRuleRow(page, X.ruleId, `${X.part}-${X.ruleId}.png`, ` after opening ${X.file}`);
    ok(`Problems panel shows ${X.ruleId}: ${row}`);
    return row;
  });
  if (!squash(found).includes(squash(X.messageMentions))) softFail(`${X.ruleId} message does not mention ${X.messageMentions}: ${found}`);
  else ok(`${X.ruleId} message mentions ${X.messageMentions}`);
  if (X.codeLenses) await phase(`CodeLenses in ${X.file}`, () => checkCodeLenses(page, X));

  await phase(`${X.ruleId} quick fix`, async () => {
    const lines = original.split('\n');
    const idx = lines.findIndex((l) => l.includes(X.flagged));
    if (idx < 0) fail(`fixture ${X.file} has no line with ${X.flagged}`);
    const at = /\[Ln (\d+), Col (\d+)\]/.exec(found);
    const line = at ? Number(at[1]) : idx + 1;
    const col = at ? Number(at[2]) + 1 : lines[idx].indexOf(X.flagged) + 2;
    if (line !== idx + 1) softFail(`${X.ruleId} is on line ${line}, ${X.flagged} on line ${idx + 1}`);
    else ok(`${X.ruleId} is on the line reading ${X.flagged}`);
    const { rows, titles, menuUp } = await openQuickFixMenu(page, name, line, col);
    await shot(page, `${X.part}-quickfix.png`);
    if (!menuUp) fail(`Ctrl+. did not open the quick fix menu on ${X.flagged}`);
    log(`quick fix menu: ${JSON.stringify(titles)}`);
    const i = titles.findIndex((t) => X.fixTitle.test(t));
    if (i < 0) fail(`no quick fix matching ${X.fixTitle} in the menu: ${JSON.stringify(titles)}`);
    ok(`quick fix offered: ${titles[i]}`);
    await rows.nth(i).click();

    // The fix edits the open document: wait until its tab is dirty, then save it.
    const dirtyTab = page.locator(`.tab.dirty[aria-label*="${name}"]`).first();
    const dirty = await waitFor(async () => (await dirtyTab.count()) > 0 || readFileSync(path, 'utf8') !== original, { timeout: 15_000 });
    if (!dirty) fail(`the quick fix did not change ${X.file} (its editor never became dirty)`);
    if (await dirtyTab.count()) {
      await page.locator(`.tab[aria-label*="${name}"]`).first().click();
      await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
      await page.keyboard.press(`${MOD}+S`);
      const saved = await waitFor(async () => (await dirtyTab.count()) === 0, { timeout: 15_000 });
      if (!saved) fail(`Ctrl+S did not save ${X.file} (its tab is still dirty)`);
      ok(`saved ${X.file} with Ctrl+S`);
    } else log(`note: ${X.file} changed on disk without a dirty editor`);
  });

  await phase(`${X.file} after the fix`, async () => {
    let text = '';
    const all = await waitFor(() => {
      text = readFileSync(path, 'utf8');
      return X.after.every(({ re }) => re.test(text));
    }, { timeout: 15_000 });
    writeFileSync(join(results, `${X.part}-${name}`), text);
    log(`--- ${X.file}\n${text.trimEnd()}\n---`);
    for (const { what, re } of X.after) {
      if (re.test(text)) ok(`${X.file} has ${what}`);
      else softFail(`${X.file} lacks ${what}`);
    }
    if (!all) return;
    // The fixed file must still be code of its language.
    const parsed = await X.parseError(path);
    if (parsed.skipped) log(`note: ${parsed.skipped}: the fixed file was not parsed`);
    else if (parsed.error) softFail(`the fixed ${X.file} does not parse: ${parsed.error}`);
    else ok(`the fixed ${X.file} ${X.checked}`);
  });

  await phase(`${X.ruleId} gone after the fix`, async () => {
    const [gone, last] = await waitRuleGone(page, X.ruleId);
    await shot(page, `${X.part}-after-fix.png`);
    await noteErrorToasts(page, `after the ${X.ruleId} fix`);
    if (!gone) softFail(`"${X.ruleId}" is still in the Problems panel ${TIMEOUT / 1000} s after the fix: ${JSON.stringify(last)}`);
    else ok(`${X.ruleId} left the Problems panel after the fix`);
    log(`Problems panel now: ${JSON.stringify(last)}`);
  });
}

/** The titles of the CodeLenses the editor draws in `X.file` (its only query) are `X.codeLenses`. */
async function checkCodeLenses(page, X) {
  const name = X.file.split('/').pop();
  await page.locator(`.tab[aria-label*="${name}"]`).first().click();
  let titles = [];
  const shown = await waitFor(async () => {
    titles = (await page.locator('.editor-instance .codelens-decoration a').allInnerTexts().catch(() => [])).map((t) => t.trim());
    return X.codeLenses.every((t) => titles.includes(t));
  });
  await shot(page, `${X.part}-codelens.png`);
  if (!shown) softFail(`the CodeLenses over the query of ${X.file} are ${JSON.stringify(titles)}, not ${JSON.stringify(X.codeLenses)}`);
  else ok(`CodeLenses ${X.codeLenses.join(' / ')} over the query of ${X.file}`);
}

/**
 * The tokens under `X.highlight.word` as the editor has them (Developer: Inspect Editor Tokens and
 * Scopes): the TextMate scopes must include `X.highlight.scopes`.
 */
async function checkHighlight(page, X, tabName, text) {
  const { line, word, language, scopes } = X.highlight;
  const lines = text.split('\n');
  const idx = lines.findIndex((l) => l.includes(line) && l.includes(word));
  if (idx < 0) fail(`fixture ${X.file} has no line with ${line} and ${word}`);
  await page.locator(`.tab[aria-label*="${tabName}"]`).first().click();
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await goTo(page, idx + 1, lines[idx].indexOf(word, lines[idx].indexOf(line)) + 2);
  await runCommand(page, 'Developer: Inspect Editor Tokens and Scopes', 'Inspect Editor Tokens');
  const widget = page.locator('.token-inspect-widget').first();
  let info = '';
  const shown = await waitFor(async () => {
    info = (await widget.innerText().catch(() => '')).replace(/\s+/g, ' ').trim();
    return /textmate scopes/i.test(info) && scopes.some((s) => info.includes(s));
  });
  await shot(page, `${X.part}-sql-highlight.png`);
  await page.keyboard.press('Escape');
  if (!shown && !info) return softFail(`the token inspector showed nothing for ${word} in ${X.file}`);
  log(`tokens under ${word}: ${info}`);
  const missing = scopes.filter((s) => !info.includes(s));
  if (missing.length) softFail(`${word} in ${X.file} lacks the scopes ${missing.join(', ')}: ${info}`);
  else ok(`${word} in ${X.file} is highlighted as SQL (${scopes.join(', ')})`);
  if (!info.includes(`language ${language}`)) softFail(`the editor does not take ${word} in ${X.file} for ${language}: ${info}`);
  else ok(`the editor takes ${word} in ${X.file} for ${language} (embedded language)`);
}

/**
 * The fix is only right if the migration it wrote runs: apply every up migration of the
 * fixture (the fix's included) on the real PostgreSQL server in a schema of its own, check
 * the index is there and valid, then run the down migrations in reverse.
 */
async function applyMigrations(workspace) {
  const { default: pg } = await import('pg');
  const url = process.env.QUERYLENS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: url });
  const schema = `querylens_e2e_${process.pid}`;
  const dir = join(workspace, EXPECT.migrationsDir);
  const files = listMigrations(workspace).sort();
  try {
    await client.connect();
  } catch (e) {
    return softFail(`PostgreSQL at ${url} is unreachable (${e.message}): the new migration was not applied`);
  }
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`SET search_path TO ${schema}`);
    for (const f of files.filter((f) => f.endsWith('.up.sql'))) await client.query(readFileSync(join(dir, f), 'utf8'));
    const { rows } = await client.query(
      `SELECT i.indisvalid, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND pg_get_indexdef(i.indexrelid) LIKE '%(planner_id, task_status)%'`,
      [schema],
    );
    if (rows.length !== 1 || !rows[0].indisvalid) softFail(`after the migrations, no valid index on workers (planner_id, task_status): ${JSON.stringify(rows)}`);
    else ok(`the new migration applies on PostgreSQL: ${rows[0].def}`);
    for (const f of files.filter((f) => f.endsWith('.down.sql')).reverse()) await client.query(readFileSync(join(dir, f), 'utf8'));
    const left = await client.query(`SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1`, [schema]);
    if (left.rows[0].n !== 0) softFail(`the down migrations left ${left.rows[0].n} relations behind`);
    else ok('the down migrations revert it');
  } catch (e) {
    softFail(`applying the migrations on PostgreSQL failed: ${e.message}`);
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await client.end().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------
let cleaning;
const cleanupOnce = () => (cleaning ||= cleanup());
async function cleanup() {
  while (cleanups.length) {
    try { await cleanups.pop()(); } catch (e) { log(`cleanup: ${e.message}`); }
  }
  if (runDir) {
    killStragglers(runDir);
    // Keep code-server's logs (extension host, the QueryLens output channel) next to the screenshots.
    const logs = join(runDir, 'user-data/logs');
    if (existsSync(logs)) cpSync(logs, join(results, 'vscode-logs'), { recursive: true });
    if (exitCode !== 0 || failures.length) printExtensionLogs(join(results, 'vscode-logs'));
    if (process.env.QUERYLENS_E2E_KEEP) log(`kept ${runDir}`);
    else rmSync(runDir, { recursive: true, force: true });
  }
}

/** On failure: the tail of the extension's output channel(s) and of the extension host log. */
function printExtensionLogs(dir) {
  if (!existsSync(dir)) return;
  const files = readdirSync(dir, { recursive: true }).map(String)
    .filter((f) => /QueryLens.*\.log$/i.test(f) || f.endsWith('remoteexthost.log'));
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8').trimEnd();
    const tail = text.split('\n').slice(-40).join('\n');
    console.error(`\n[e2e] ---- ${f} (last 40 lines) ----\n${tail}\n[e2e] ---- end ${f} ----`);
  }
}

let exitCode = 0;
let hardFailed = false;
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, async () => {
    if (stopping) return;
    stopping = true;
    log(`${sig}: interrupted, cleaning up`);
    await cleanupOnce();
    console.error(`[e2e] INTERRUPTED by ${sig}`);
    process.exit(130);
  });
}

const OUR_OUTPUTS = [
  /^(problems|quickfix|migration|after-fix|failure)\.png$/, /^(python|typescript)-.*\.(png|py|ts)$/, /^code-server\.log$/, /^browser-console\.log$/,
  /^vscode-logs$/, /^migration-.*\.sql$/, /^explain-.*\.png$/, /^dashboard-.*\.png$/, /^prisma-.*\.(png|prisma|sql)$/,
];

async function main() {
  // test-results/ may hold other suites' output: remove only what an earlier run of this one left.
  mkdirSync(results, { recursive: true });
  for (const f of readdirSync(results)) {
    if (OUR_OUTPUTS.some((re) => re.test(f))) rmSync(join(results, f), { recursive: true, force: true });
  }
  runDir = mkdtempSync(join(tmpdir(), 'querylens-e2e-'));
  const extDir = join(runDir, 'extensions');
  const userDataDir = join(runDir, 'user-data');
  const workspace = join(runDir, 'workspace');
  const prismaWorkspace = join(runDir, 'prisma-agents');
  mkdirSync(extDir, { recursive: true });
  mkdirSync(join(userDataDir, 'User'), { recursive: true });

  await phase('tools (node 24, code-server, chromium)', ensureTools);
  const vsix = await phase('package (npm run package)', packageExtension);
  const ext = await phase('install extension', () => installExtension(vsix, extDir, userDataDir));

  cpSync(fixture, workspace, { recursive: true });
  // The TypeScript part's project has its dependencies installed, as a user's would: pg and Node's
  // types for VS Code's TypeScript service and for type-checking the fixed file (QueryLens skips node_modules).
  symlinkSync(join(repo, 'node_modules'), join(workspace, 'node_modules'), 'dir');
  // The Prisma part's workspace: the example as it is in the repository (no generated client, no node_modules).
  cpSync(join(repo, EXPECT_PRISMA.example), prismaWorkspace, { recursive: true, filter: (src) => !/\/(node_modules|generated)(\/|$)/.test(src) });
  writeFileSync(join(userDataDir, 'User/settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  const url = await phase('start code-server', () => startCodeServer({ extDir, userDataDir, workspace }));
  await drive(url, workspace, prismaWorkspace);
  if (wants('sql')) await phase('migrations apply on PostgreSQL', () => applyMigrations(workspace));
  if (ext.how !== 'install-extension') softFail('the .vsix did not install with code-server --install-extension (unpacked instead)');
  else ok('the .vsix installs with code-server --install-extension');
}

try {
  await main();
} catch (e) {
  exitCode = 1;
  hardFailed = true;
  if (stopping) await new Promise(() => {}); // the signal handler reports and exits
  console.error(`\n[e2e] FAILED: ${e instanceof E2EError ? e.message : e.stack || e}`);
} finally {
  await cleanupOnce();
}

console.log('\n[e2e] timings:');
for (const [name, ms] of timings) console.log(`  ${(ms / 1000).toFixed(1).padStart(7)} s  ${name}`);
console.log(`  ${((Date.now() - t0) / 1000).toFixed(1).padStart(7)} s  total`);
console.log(`[e2e] screenshots and logs: ${results}`);
if (errorToastsSeen.size) {
  console.log(`\n[e2e] note: the editor showed or logged ${errorToastsSeen.size} error(s) (notes, not counted as failures):`);
  for (const t of errorToastsSeen) console.log(`  - ${t}`);
}
if (failures.length) {
  exitCode = 1;
  console.error(`\n[e2e] ${failures.length} check(s) failed:`);
  for (const f of failures) console.error(`  - ${f}`);
}
console.log(exitCode === 0 ? '\n[e2e] PASSED' : '\n[e2e] FAILED');
// Hard failures stop the run: they count once, the checks they prevented are not counted.
const failedCount = failures.length + (hardFailed ? 1 : 0);
console.log(`e2e: ${passed} passed, ${failedCount} failed`);
process.exit(exitCode);
