#!/usr/bin/env node
/**
 * Does every fix QueryLens offers on a real project compile?
 *
 *   node bench/compileFixes.mjs [--json OUT] [--fresh] [--findings CLI.json] CHECKOUT...
 *
 * For each project checkout (e.g. the ones /work/rw-extra/run.py writes into $TMPDIR/ql-rw/NAME):
 * runs the built CLI (`bin/querylens.js check CHECKOUT --format json`, cached per build of dist/
 * in $TMPDIR/ql-compile; or the JSON of --findings, one checkout then), applies each offered fix that touches a TypeScript or JavaScript file
 * on its own (as run.py's `fixes` does), and asks TypeScript for the syntactic and semantic
 * diagnostics of the files the fix changes, against the same files' diagnostics before the fix.
 * A fix fails when it brings a diagnostic the file did not have (compared by code and message, so
 * that lines moved by the fix do not count).
 *
 * One LanguageService per tsconfig (the nearest one above each changed file; JavaScript without a
 * tsconfig gets allowJs/checkJs defaults), whose roots are the config's declaration files and the
 * changed files: each fix is a new version of one or two scripts, so the checks are incremental.
 * A new checker per program is most of the cost, so fixes that change disjoint files are applied
 * together and their files checked in one program; a fix whose files gain a diagnostic there is
 * checked again alone, and only that verdict counts.
 * JavaScript is checked (checkJs) even where the project does not, before and after alike.
 *
 * Real types need the project's dependencies in its checkout (its own package manager, and
 * `prisma generate` for Prisma). Without node_modules the project is checked with unresolved
 * modules ignored (`real types: no`); with them, the imports the changed files still cannot
 * resolve are counted and printed, and also ignored.
 * Exit 0 when no fix brings a new diagnostic.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ts = createRequire(import.meta.url)(path.join(ROOT, 'node_modules', 'typescript'));

const SCRIPT = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const JS = /\.(js|jsx|mjs|cjs)$/;
/** Cannot find module / its declarations: not the fix's doing when the dependency is absent. */
const UNRESOLVED = new Set([2307, 2792, 7016, 2688, 2875]);

function parseArgs(argv) {
  const out = { trees: [], json: undefined, fresh: false, findings: undefined };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--json') out.json = argv[++i];
    else if (argv[i] === '--findings') out.findings = argv[++i];
    else if (argv[i] === '--fresh') out.fresh = true;
    else out.trees.push(path.resolve(argv[i]));
  }
  return out;
}

/** The CLI's findings on `tree`, cached per build of dist/. */
function findings(tree, fresh) {
  if (args.findings) return JSON.parse(readFileSync(args.findings, 'utf8'));
  const h = createHash('sha1');
  for (const f of ['dist/cli.js', 'dist/server.js']) {
    const p = path.join(ROOT, f);
    if (existsSync(p)) h.update(readFileSync(p));
  }
  const dir = path.join(tmpdir(), 'ql-compile');
  mkdirSync(dir, { recursive: true });
  const cache = path.join(dir, `${path.basename(tree)}.${h.digest('hex').slice(0, 12)}.json`);
  if (!fresh && existsSync(cache)) return JSON.parse(readFileSync(cache, 'utf8'));
  const bin = path.join(ROOT, 'bin', 'querylens.js');
  const run = spawnSync(process.execPath, [bin, 'check', tree, '--format', 'json'], { cwd: tree, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (run.status !== 0 && run.status !== 1) throw new Error(`querylens check ${tree}: exit ${run.status}: ${run.stderr.slice(-300)}`);
  writeFileSync(cache, run.stdout);
  return JSON.parse(run.stdout);
}

/** The files one fix changes, as run.py's apply: relative path → { kind, text }. */
function apply(tree, fix) {
  const out = new Map();
  for (const ch of fix.changes ?? []) {
    const rel = path.isAbsolute(ch.file) ? path.relative(tree, ch.file) : ch.file;
    if (ch.kind === 'create') out.set(rel, { kind: 'create', text: ch.content ?? '' });
    else if (ch.kind === 'edit') {
      let text = out.get(rel)?.text ?? readOr(path.join(tree, rel), '');
      const offset = (lines, p) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
      let lines = text.split('\n');
      const edits = [...ch.edits].sort((a, b) => offset(lines, b.range.start) - offset(lines, a.range.start));
      for (const e of edits) {
        const a = offset(lines, e.range.start), b = offset(lines, e.range.end);
        text = text.slice(0, a) + e.newText + text.slice(b);
        lines = text.split('\n');
      }
      out.set(rel, { kind: out.get(rel)?.kind ?? 'edit', text });
    }
  }
  return out;
}

function readOr(file, fallback) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

/** The nearest tsconfig.json from `file`'s folder up to `tree`, or undefined. */
function configOf(tree, file) {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const c = path.join(dir, 'tsconfig.json');
    if (existsSync(c)) return c;
    if (dir === tree || !dir.startsWith(tree)) return undefined;
  }
}

function compilerOptions(tree, config) {
  const fallback = {
    allowJs: true, checkJs: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10, esModuleInterop: true, skipLibCheck: true, resolveJsonModule: true,
  };
  if (!config) return { options: fallback, declarations: [], note: 'no tsconfig (allowJs/checkJs defaults)' };
  const parsed = ts.getParsedCommandLineOfConfigFile(config, {}, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {},
  });
  if (!parsed) return { options: fallback, declarations: [], note: `${path.relative(tree, config)} unreadable` };
  const options = { ...parsed.options, noEmit: true, allowJs: true, checkJs: true, skipLibCheck: true, incremental: false, composite: false, declaration: false, emitDeclarationOnly: false, tsBuildInfoFile: undefined };
  return { options, declarations: parsed.fileNames.filter((f) => /\.d\.[mc]?ts$/.test(f)), note: path.relative(tree, config) };
}

/** A LanguageService over `roots` whose scripts can be given new texts (overlay), one version each. */
function service(options, roots, registry, cwd) {
  const overlay = new Map();
  const versions = new Map();
  const host = {
    getScriptFileNames: () => roots,
    getScriptVersion: (f) => String(versions.get(f) ?? 0),
    getScriptSnapshot: (f) => {
      const text = overlay.has(f) ? overlay.get(f) : ts.sys.readFile(f);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => cwd,
    getCompilationSettings: () => options,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (f) => overlay.has(f) || ts.sys.fileExists(f),
    readFile: (f) => (overlay.has(f) ? overlay.get(f) : ts.sys.readFile(f)),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
    realpath: ts.sys.realpath,
  };
  const ls = ts.createLanguageService(host, registry);
  return {
    set(file, text) {
      if (text === undefined) overlay.delete(file);
      else overlay.set(file, text);
      versions.set(file, (versions.get(file) ?? 0) + 1);
    },
    diagnostics(file) {
      return [...ls.getSyntacticDiagnostics(file), ...ls.getSemanticDiagnostics(file)].map((d) => {
        const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
        return { code: d.code, line: pos ? pos.line + 1 : 0, message: ts.flattenDiagnosticMessageText(d.messageText, ' ') };
      });
    },
  };
}

const keyOf = (d) => `TS${d.code}: ${d.message}`;

/** Diagnostics of `after` not in `before` (as a multiset of code and message). */
function added(before, after) {
  const left = new Map();
  for (const d of before) left.set(keyOf(d), (left.get(keyOf(d)) ?? 0) + 1);
  const out = [];
  for (const d of after) {
    const n = left.get(keyOf(d)) ?? 0;
    if (n > 0) left.set(keyOf(d), n - 1);
    else out.push(d);
  }
  return out;
}

function checkProject(tree, fresh) {
  const started = Date.now();
  const result = findings(tree, fresh);
  const cliMs = Date.now() - started;
  // Every offered fix touching a script, once (two findings often offer the same fix).
  const fixes = new Map();
  let offered = 0;
  for (const f of result.findings) {
    for (const fix of f.fixes ?? []) {
      const files = apply(tree, fix);
      if (![...files.keys()].some((p) => SCRIPT.test(p))) continue;
      offered++;
      const key = JSON.stringify([...files.entries()].filter(([p]) => SCRIPT.test(p)));
      if (!fixes.has(key)) fixes.set(key, { where: `${f.file}:${f.range.start.line + 1} ${f.ruleId}`, title: fix.title, files });
    }
  }
  const realTypes = existsSync(path.join(tree, 'node_modules'));
  // One service per tsconfig, over the files some fix changes.
  const groups = new Map();
  for (const { files } of fixes.values()) {
    for (const rel of files.keys()) {
      if (!SCRIPT.test(rel)) continue;
      const abs = path.join(tree, rel);
      const config = configOf(tree, abs) ?? '';
      if (!groups.has(config)) groups.set(config, new Set());
      groups.get(config).add(abs);
    }
  }
  const registry = ts.createDocumentRegistry();
  const services = new Map();
  const configs = [];
  for (const [config, files] of groups) {
    const { options, declarations, note } = compilerOptions(tree, config || undefined);
    configs.push(note);
    const svc = service(options, [...new Set([...declarations, ...files])], registry, path.dirname(config || path.join(tree, 'x')));
    for (const f of files) services.set(f, svc);
  }
  // The files' diagnostics before any fix, all in one program.
  const before = new Map();
  const unresolved = new Map();
  /** Whether `d` is a module the checkout cannot resolve (then noted, and not the fix's doing). */
  const noteUnresolved = (d) => UNRESOLVED.has(d.code) && Boolean(unresolved.set(d.message, (unresolved.get(d.message) ?? 0) + 1));
  for (const abs of services.keys()) {
    const ds = existsSync(abs) ? services.get(abs).diagnostics(abs) : [];
    before.set(abs, ds);
    ds.forEach(noteUnresolved);
  }
  const errorsBefore = [...before.values()].reduce((n, ds) => n + ds.filter((d) => !UNRESOLVED.has(d.code)).length, 0);
  /** The diagnostics each of `batch` (fixes changing disjoint files) brings to the files it changes, all applied at once. */
  const check = (batch) => {
    const scripts = (fix) => [...fix.files.entries()].filter(([p]) => SCRIPT.test(p)).map(([rel, { text }]) => ({ rel, abs: path.join(tree, rel), text }));
    for (const fix of batch) for (const s of scripts(fix)) services.get(s.abs).set(s.abs, s.text);
    const out = batch.map((fix) => scripts(fix).flatMap((s) => added(before.get(s.abs), services.get(s.abs).diagnostics(s.abs))
      .filter((d) => !noteUnresolved(d))
      .map((d) => `${s.rel}:${d.line} TS${d.code}: ${d.message}`)));
    for (const fix of batch) for (const s of scripts(fix)) services.get(s.abs).set(s.abs, undefined);
    return out;
  };
  // Fixes changing disjoint files are checked together (one program for the lot: a new checker per
  // program is most of the cost); a fix with new diagnostics there is checked again alone, and only
  // that verdict counts, so a fix is never blamed for another's change.
  const rounds = [];
  for (const fix of fixes.values()) {
    const files = [...fix.files.keys()].filter((p) => SCRIPT.test(p));
    let round = rounds.find((r) => files.every((f) => !r.files.has(f)));
    if (!round) rounds.push((round = { files: new Set(), fixes: [] }));
    for (const f of files) round.files.add(f);
    round.fixes.push(fix);
  }
  const failures = [];
  for (const [i, round] of rounds.entries()) {
    const t0 = Date.now();
    const together = check(round.fixes);
    let suspects = 0;
    for (const [j, fix] of round.fixes.entries()) {
      if (!together[j].length) continue;
      suspects++;
      const alone = round.fixes.length === 1 ? together[j] : check([fix])[0];
      if (alone.length) failures.push({ where: fix.where, title: fix.title, diagnostics: alone });
    }
    if (process.env.QL_COMPILE_PROGRESS) console.error(`round ${i + 1}/${rounds.length}: ${round.fixes.length} fixes, ${suspects} with new diagnostics, ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  }
  return {
    project: path.basename(tree), offered, checked: fixes.size, failing: failures.length, realTypes,
    configs, filesChecked: before.size, errorsBefore, unresolvedImports: [...unresolved.keys()], failures, cliSeconds: cliMs / 1000, seconds: (Date.now() - started) / 1000,
  };
}

const args = parseArgs(process.argv.slice(2));
if (!args.trees.length) {
  console.error('usage: node bench/compileFixes.mjs [--json OUT] [--fresh] [--findings CLI.json] CHECKOUT...');
  process.exit(2);
}
const reports = [];
for (const tree of args.trees) {
  if (!statSync(tree, { throwIfNoEntry: false })?.isDirectory()) {
    console.log(`${tree}: no such checkout`);
    continue;
  }
  const r = checkProject(tree, args.fresh);
  reports.push(r);
  console.log(`${r.project}: ${r.checked} fixes checked (${r.offered} offered), failing ${r.failing}, real types: ${r.realTypes ? 'yes' : 'no (no node_modules; unresolved modules ignored)'}, ` +
    `${r.filesChecked} files changed (${r.errorsBefore} diagnostics in them before any fix, unresolved modules aside), ` +
    `${r.seconds.toFixed(1)}s (CLI ${r.cliSeconds.toFixed(1)}s); tsconfigs: ${r.configs.join(', ')}`);
  if (r.unresolvedImports.length) console.log(`  unresolved in the changed files (ignored): ${r.unresolvedImports.slice(0, 8).map((m) => m.slice(0, 110)).join(' | ')}${r.unresolvedImports.length > 8 ? ` (+${r.unresolvedImports.length - 8})` : ''}`);
  for (const f of r.failures) {
    console.log(`  ${f.where}: ${f.title}`);
    for (const d of f.diagnostics) console.log(`    ${d}`);
  }
}
if (args.json) writeFileSync(args.json, JSON.stringify(reports, null, 1));
process.exit(reports.some((r) => r.failing) ? 1 : 0);
