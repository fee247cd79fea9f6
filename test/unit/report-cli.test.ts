// `querylens bench` and `querylens report` end to end on a copy of examples/agent-platform
// with the embedded shadow database: runs saved and compared, targets failing the exit code,
// writes rolled back, and the review report's sections. The commands run in-process through
// the same parser and command functions main.ts calls (main.ts runs itself on import).
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { BenchmarkComparison, BenchmarkRun } from '../../shared/dashboard';
import { parseArgs, UsageError } from '../../server/src/cli/args';
import { runBenchCommand } from '../../server/src/cli/bench';
import { runReportCommand } from '../../server/src/cli/review';

const example = path.resolve(__dirname, '..', '..', 'examples', 'agent-platform');

describe('CLI: bench and report on examples/agent-platform (embedded)', function () {
  this.timeout(180_000);
  let dir: string;
  const warnings: string[] = [];
  const context = () => ({ cwd: dir, env: { ...process.env, PGPASSWORD: '' }, warn: (m: string) => warnings.push(m) });

  async function bench(...args: string[]) {
    const command = parseArgs(['bench', ...args]);
    assert.equal(command.kind, 'bench');
    return runBenchCommand({ ...(command as Extract<typeof command, { kind: 'bench' }>), ...context() });
  }
  async function report(...args: string[]) {
    const command = parseArgs(['report', ...args]);
    assert.equal(command.kind, 'report');
    return runReportCommand({ ...(command as Extract<typeof command, { kind: 'report' }>), ...context() });
  }
  function setTargets(targets: Record<string, number>) {
    const file = path.join(dir, '.querylens.json');
    // The example's config is JSON with comments: keep it, add the key at the end.
    const text = readFileSync(path.join(example, '.querylens.json'), 'utf8').replace(/}\s*$/, `, "benchmarks": { "targets": ${JSON.stringify(targets)} }\n}\n`);
    writeFileSync(file, text.replace('"shadow": { "tables": { "planners": 20, "workers": 50000 } }', '"shadow": { "rowsPerTable": 500, "tables": { "planners": 20, "workers": 5000 } }'));
  }

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'querylens-bench-cli-'));
    cpSync(example, dir, { recursive: true });
    setTargets({ p95Ms: 60_000 }); // a target no run misses, whatever the machine's load: the test is about the output, not the speed
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('benchmarks the query on the line, saves the run and prints stats, histogram and targets', async () => {
    const outcome = await bench('queries/task_manager.sql:5', '--embedded', '--param', '3', '--iterations', '30', '--warmup', '3', '--concurrency', '2');
    assert.equal(outcome.failed, false);
    const out = outcome.output;
    assert.match(out, /^queries\/task_manager\.sql:5 {2}\(embedded · 30 iterations after 3 warm-up · 1 session\(s\) · read-only\)$/m);
    assert.match(out, /^note: concurrency 2 asked, 1 used: embedded has one connection/m);
    assert.match(out, /^p95 +[\d.]+ ms$/m);
    assert.match(out, /^ {2}<= +[\d.]+ ms {2}█+ +\d+$/m);
    assert.match(out, /^PASS {2}p95Ms <= 60000 ms \([\d.]+ ms\)$/m);
    const files = readdirSync(path.join(dir, '.querylens', 'benchmarks'));
    assert.deepEqual(files, [`${outcome.run.id}.json`]);
    assert.match(out, new RegExp(`^saved \\.querylens/benchmarks/${outcome.run.id}\\.json$`, 'm'));
    const saved = JSON.parse(readFileSync(path.join(dir, '.querylens', 'benchmarks', files[0]!), 'utf8')) as BenchmarkRun;
    assert.deepEqual(saved.source, { file: 'queries/task_manager.sql', line: 5 });
    assert.equal(saved.sql, "SELECT worker_id FROM workers WHERE planner_id = $1 AND task_status = 'pending'");
    assert.deepEqual(saved.params, [3]);
    assert.match(warnings.join('\n'), /shadow database \(postgres\) built in \d+ ms/);
  });

  it('compares with the latest earlier run of the query (JSON)', async () => {
    const first = readdirSync(path.join(dir, '.querylens', 'benchmarks'))[0]!.replace(/\.json$/, '');
    const outcome = await bench('queries/task_manager.sql:5', '--embedded', '--param', '3', '--iterations', '20', '--compare', 'latest', '--format', 'json');
    const json = JSON.parse(outcome.output) as { run: BenchmarkRun; comparison: BenchmarkComparison };
    assert.equal(json.comparison.base, first);
    assert.equal(json.comparison.head, json.run.id);
    assert.ok(Number.isFinite(json.comparison.ratios.p95Ms) && json.comparison.ratios.p95Ms > 0);
    await assert.rejects(bench('queries/task_manager.sql:18', '--embedded', '--param', '1', '--iterations', '5', '--compare', 'latest', '--no-save'), /no earlier run of queries\/task_manager\.sql:18/);
  });

  it('fails (exit 1) when a target is missed, and rolls a write back', async () => {
    setTargets({ p95Ms: 0.001, errors: 0 });
    const outcome = await bench('queries/task_manager.sql:21', '--embedded', '--param', '1', '--param', 'done', '--iterations', '10', '--no-save');
    assert.equal(outcome.run.rolledBack, true);
    assert.equal(outcome.run.stats.errors, 0);
    assert.equal(outcome.failed, true);
    assert.match(outcome.output, /\(embedded · 10 iterations after 10 warm-up · 1 session\(s\) · writes rolled back\)/);
    assert.match(outcome.output, /^FAIL {2}p95Ms <= 0\.001 ms \([\d.]+ ms\)$/m);
    assert.match(outcome.output, /^PASS {2}errors <= 0 \(0\)$/m);
    setTargets({ p95Ms: 60_000 }); // a target no run misses, whatever the machine's load: the test is about the output, not the speed
  });

  it('writes the review report: findings by rule, migrations on the shadow database, the benchmark comparison', async () => {
    const md = await report('--embedded');
    const headings = md.split('\n').filter((l) => /^##? /.test(l));
    assert.deepEqual(headings, [`# QueryLens review: ${path.basename(dir)}`, '## Findings by rule', '## Migrations', '## Connections', '## Benchmarks', '## Index health']);
    // The example's planner_id and agent_id indexes already narrow its three composite lookups: info, with the reason.
    assert.match(md, /^\| \[`missing-composite-index`\]\([^)]+\) \| info \| 3 \| 1 \|$/m);
    assert.match(md, /^### sqlx: `migrations`$/m);
    assert.match(md, /^\| `20240105090000` \| create\\_agents\\_and\\_conversations \| ⏳ pending \|/m);
    assert.match(md, /^### task\\_manager\.sql:5$/m);
    assert.match(md, /^\| p95 \| [\d.]+ ms \| [\d.]+ ms \| ×[\d.]+( ⚠️)? \|$/m);
    assert.match(md, /✅ p95Ms ≤ 60000/);
    // Index health on the shadow database, its items linked to the code that reads their tables.
    assert.match(md, /## Index health\n\nConnection `embedded`/);
    // The link text is escaped Markdown (`\_` renders as `_`); the target is the encoded path.
    assert.match(md, /In the code: \[queries\/task\\_manager\.sql:(\d+)\]\(queries\/task_manager\.sql#L\1\)/);
    assert.ok(!existsSync(path.join(example, '.querylens')), 'the example itself is untouched');
  });

  it('without a connection, says the database sections need one (JSON too)', async () => {
    const md = await report();
    assert.match(md, /## Migrations\n\n_Not available: no database given \(pass --connection postgres:\/\/\.\.\. or --embedded\)\._/);
    const json = JSON.parse(await report('--format', 'json')) as { findingsByRule: Record<string, { count: number }>; benchmarks: unknown[]; migrations: { unavailable?: string } };
    assert.equal(json.findingsByRule['missing-composite-index']!.count, 3);
    assert.equal(json.benchmarks.length, 1);
    assert.match(json.migrations.unavailable ?? '', /no database given/);
  });

  it('rejects bad arguments with usage errors', () => {
    assert.throws(() => parseArgs(['bench']), (e) => e instanceof UsageError && /'bench' takes one FILE:LINE/.test(e.message));
    const usage = (argv: string[], message: string) => assert.throws(() => parseArgs(argv), (e) => e instanceof UsageError && e.message === message);
    usage(['bench', 'q.sql:1', '--iterations', '0'], "option --iterations must be a whole number from 1 to 1,000,000, got '0'");
    usage(['bench', 'q.sql:1', '--iterations', '1e12'], "option --iterations must be a whole number from 1 to 1,000,000, got '1e12'");
    usage(['bench', 'q.sql:1', '--iterations=-5'], "option --iterations must be a whole number from 1 to 1,000,000, got '-5'");
    usage(['bench', 'q.sql:1', '--iterations', 'NaN'], "option --iterations must be a whole number from 1 to 1,000,000, got 'NaN'");
    usage(['bench', 'q.sql:1', '--warmup', '-1'], "option --warmup must be a whole number from 0 to 1,000,000, got '-1'");
    usage(['bench', 'q.sql:1', '--warmup=-1'], "option --warmup must be a whole number from 0 to 1,000,000, got '-1'");
    usage(['bench', 'q.sql:1', '--concurrency', '2.5'], "option --concurrency must be a whole number from 1 to 1,000, got '2.5'");
    usage(['bench', 'q.sql:1', '--timeout', '1e12'], "option --timeout needs a whole number from 1 to 2,000,000,000, got '1e12'");
    usage(['bench', 'q.sql:1', '--rows', '0'], "option --rows needs a whole number from 1 to 10,000,000, got '0'");
    usage(['explain', 'q.sql:1', '--embedded', '--rows', '1e12'], "option --rows needs a whole number from 1 to 10,000,000, got '1e12'");
    usage(['bench', 'q.sql:1', '--rows', '10000001'], "option --rows needs a whole number from 1 to 10,000,000, got '10000001'");
    assert.equal((parseArgs(['bench', 'q.sql:1', '--rows', '10000000']) as { db: { rows: number } }).db.rows, 10_000_000);
    assert.equal((parseArgs(['bench', 'q.sql:1', '--iterations', '1000000']) as { bench: { iterations: number } }).bench.iterations, 1_000_000);
    assert.throws(() => parseArgs(['bench', 'q.sql:1', '--embedded', '--connection', 'x.db']), /exclude each other/);
    assert.throws(() => parseArgs(['report', '--format', 'html']), /expected markdown or json/);
    assert.deepEqual(parseArgs(['bench', 'q.sql:2', '--warmup', '0', '--overhead']), {
      kind: 'bench',
      target: { file: 'q.sql', line: 2 },
      db: { analyze: false, params: [] },
      bench: { overhead: true, noSave: false, warmup: 0 },
      format: 'text',
    });
  });
});
