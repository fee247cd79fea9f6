// A before/after check for changes to the engine's incremental path: replays the bench's typing
// workloads (SQL with and without migrations, Python, TypeScript; EDITS edits each, 60 by default)
// on an incremental workspace in one process and writes every version's findings, their fixes
// built, as JSON lines to OUT; every 10th version is also compared with a fresh workspace's
// findings (it prints how many differ). Run it in two checkouts and compare the files:
//
//   node -r ./test/register.js -r ./bench/fixedClock.cjs bench/replayFindings.ts OUT
//
// (`REPO=/other/checkout` reads that checkout's engine and workloads instead of this one's; the
// fixed clock gives new migrations the same names in both runs.) For the CLI, run
// `NODE_OPTIONS=-r $PWD/bench/fixedClock.cjs node bin/querylens.js check --format json DIR` in both.
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as os from 'node:os';
const repo = process.env.REPO ?? path.resolve(__dirname, '..');
const out = process.argv[2]!;
const { defaultConfig } = require(path.join(repo, 'server/src/core/config/types'));
const { Workspace } = require(path.join(repo, 'server/src/core/engine/workspace'));
const { initParsers } = require(path.join(repo, 'server/src/core/sql/parse'));
const { initHostParsers } = require(path.join(repo, 'server/src/core/host/treesitter'));
const lines: string[] = [];
async function session(name: string, dir: string, rel: string, text: string, next: (t: string, r: () => number, n: number) => { text: string }, seed: number, edits: number, config: object) {
  const wl = await import(path.join(repo, 'bench/workload.mjs'));
  const file = path.join(dir, rel);
  fs.writeFileSync(file, text);
  const ws = await Workspace.create({ root: dir, config: { ...defaultConfig(), ...config }, incremental: true });
  lines.push(`${name} 0 ${JSON.stringify(ws.analyze(file))}`);
  const random = wl.prng(seed);
  let mismatches = 0;
  for (let i = 1; i <= edits; i++) {
    text = next(text, random, i - 1).text;
    ws.setFile(file, text);
    const found = JSON.stringify(ws.analyze(file));
    lines.push(`${name} ${i} ${found}`);
    if (i % 10 === 0) {
      fs.writeFileSync(file, text);
      const fresh = await Workspace.create({ root: dir, config: { ...defaultConfig(), ...config } });
      if (JSON.stringify(fresh.analyze(file)) !== found) mismatches++;
    }
  }
  console.log(`${name}: ${edits} edits, ${mismatches} versions differ from a fresh analysis`);
}
async function main() {
  await initParsers();
  await initHostParsers();
  const wl = await import(path.join(repo, 'bench/workload.mjs'));
  const host = await import(path.join(repo, 'bench/hostWorkload.mjs'));
  const ts = await import(path.join(repo, 'bench/tsWorkload.mjs'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-'));
  const edits = Number(process.env.EDITS ?? 60);
  {
    const dir = path.join(tmp, 'sql');
    fs.mkdirSync(path.join(dir, 'migrations'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'migrations', '20240101000000_schema.sql'), wl.SCHEMA);
    await session('sql', dir, 'app.sql', wl.generateFile(5000), wl.nextEdit, 7, edits, { dialect: 'postgres' });
    // Without migrations: index fixes are statements in the file itself (after its CREATE TABLE, or above the query).
    const bare = path.join(tmp, 'sql-bare');
    fs.mkdirSync(bare, { recursive: true });
    await session('sql-bare', bare, 'app.sql', wl.generateFile(5000), wl.nextEdit, 8, edits, { dialect: 'postgres' });
  }
  {
    const dir = path.join(tmp, 'host');
    fs.mkdirSync(dir, { recursive: true });
    host.writeHostWorkspace(dir, { contexts: 4, pythonServices: 20, rustModules: 10 });
    await session('python', dir, 'app/services/context_0/big_service.py', host.generatePythonFile(3000), host.nextPythonEdit, 11, edits, {});
  }
  {
    const dir = path.join(tmp, 'ts');
    fs.mkdirSync(path.join(dir, 'migrations'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'migrations', '001_schema.sql'), wl.SCHEMA);
    await session('ts', dir, 'src/service.ts', ts.generateTypeScriptFile(3000), ts.nextTypeScriptEdit, 13, edits, {});
  }
  // A real project's file (PROJECT=checkout FILE=relative path, e.g. polar's server/polar/subscription/service.py):
  // spaces typed into its non-blank lines, as bench/lspProject.mjs types them. The checkout is read, not written.
  if (process.env.PROJECT && process.env.FILE) {
    const project = path.resolve(process.env.PROJECT);
    const file = path.join(project, process.env.FILE);
    const original = fs.readFileSync(file, 'utf8');
    const ws = await Workspace.create({ root: project, config: defaultConfig(), incremental: true });
    const fresh = await Workspace.create({ root: project, config: defaultConfig() });
    const random = wl.prng(13);
    let text = original;
    let mismatches = 0;
    lines.push(`project 0 ${JSON.stringify(ws.analyze(file))}`);
    for (let i = 1; i <= edits; i++) {
      const split = text.split('\n');
      let lineNo;
      do lineNo = Math.floor(random() * split.length);
      while (split[lineNo]!.trim() === '');
      const line = split[lineNo]!;
      text = wl.applyChange(split, lineNo, wl.spaceEdit(line, lineNo, random, line.length - line.trimStart().length));
      ws.setFile(file, text);
      const found = JSON.stringify(ws.analyze(file));
      lines.push(`project ${i} ${found}`);
      if (i % 10 === 0) {
        fresh.setFile(file, text);
        if (JSON.stringify(fresh.analyze(file)) !== found) mismatches++;
      }
    }
    console.log(`project: ${edits} edits, ${mismatches} versions differ from a fresh analysis`);
  }
  fs.writeFileSync(out, lines.join("\n").split(tmp).join("/R") + "\n");
  fs.rmSync(tmp, { recursive: true, force: true });
}
main();
