// Saved benchmark runs: the JSON's shape and stability (same input, same bytes but for the
// timings), no absolute path, git commit and branch, newest first, comparisons with ratios,
// targets from .querylens.json judged pass/fail, and the config key's validation.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { BenchmarkRun, LatencyStats } from '../../../shared/dashboard';
import { parseConfigText } from '../../../server/src/core/config/load';
import { compareRuns, evaluateTargets, findRun, listRuns, recordRun, runBenchmark, runId, stableStringify } from '../../../server/src/db/bench';
import { sqliteFixture, type SqliteFixture } from './fixtures';

const stats = (p95Ms: number, extra: Partial<LatencyStats> = {}): LatencyStats => ({ minMs: 1, meanMs: 2, p50Ms: 2, p95Ms, p99Ms: p95Ms, maxMs: p95Ms, opsPerSec: 100, errors: 0, ...extra });

/** The run's text with every measured value blanked: what must not change between two runs of the same query. */
function withoutTimings(text: string): string {
  const run = JSON.parse(text) as Record<string, unknown>;
  for (const key of ['id', 'createdAt', 'stats', 'histogram', 'timeline', 'wallMs']) run[key] = '*';
  return stableStringify(run);
}

describe('saved benchmark runs', function () {
  this.timeout(60_000);
  let f: SqliteFixture;
  let root: string;
  before(async () => {
    f = await sqliteFixture(2_000);
    root = mkdtempSync(path.join(tmpdir(), 'querylens-bench-store-'));
    const git = (...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { stdio: 'ignore' });
    git('init', '-q', '-b', 'feature/faster');
    git('commit', '-q', '--allow-empty', '-m', 'start');
  });
  after(async () => {
    await f.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('writes small, stable JSON: fixed key order, relative source, git commit and branch', async () => {
    const options = { sql: 'SELECT id FROM workers WHERE planner_id = ?', params: [4], iterations: 20, warmup: 2, concurrency: 1, timeoutMs: 10_000 };
    const source = { file: path.join(root, 'queries', 'workers.sql'), line: 3 };
    const config = { targets: { p95Ms: { max: 50 } } };
    const a = recordRun(root, await runBenchmark(f.driver, options), { source, config });
    const b = recordRun(root, await runBenchmark(f.driver, options), { source, config });
    assert.notEqual(a.id, b.id, 'a second run in the same second gets its own file');
    assert.match(a.id, /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ_workers_sql_3(-\d+)?$/);
    const dir = path.join(root, '.querylens', 'benchmarks');
    const textA = readFileSync(path.join(dir, `${a.id}.json`), 'utf8');
    const textB = readFileSync(path.join(dir, `${b.id}.json`), 'utf8');
    assert.equal(withoutTimings(textA), withoutTimings(textB));
    assert.ok(!textA.includes(root), 'no absolute path in the file');
    const saved = JSON.parse(textA) as BenchmarkRun;
    assert.deepEqual(Object.keys(saved).slice(0, 8), ['id', 'name', 'createdAt', 'connection', 'source', 'git', 'sql', 'params']);
    assert.deepEqual(saved.source, { file: 'queries/workers.sql', line: 3 });
    assert.equal(saved.name, 'workers.sql:3');
    assert.equal(saved.git?.branch, 'feature/faster');
    assert.match(saved.git?.commit ?? '', /^[0-9a-f]{7,}$/);
    assert.deepEqual(saved.targets, [{ metric: 'p95Ms', max: 50, pass: true }]);
    // Measurements are rounded to the microsecond; the numbers arrays sit on few lines.
    assert.ok(Object.values(saved.stats).every((v) => Math.round(v * 1000) / 1000 === v));
    assert.ok(textA.split('\n').length < 60, `${textA.split('\n').length} lines`);
    assert.ok(textA.endsWith('}\n'));
  });

  it('lists runs newest first and finds the latest of a query', () => {
    const runs = listRuns(root);
    assert.equal(runs.length, 2);
    assert.ok(runs[0]!.createdAt >= runs[1]!.createdAt);
    assert.equal(findRun(runs, 'latest', { sql: 'SELECT id FROM workers WHERE planner_id = ?' })?.id, runs[0]!.id);
    assert.equal(findRun(runs, runs[1]!.id)?.id, runs[1]!.id);
    assert.equal(findRun(runs, 'latest', { sql: 'SELECT 2' }), undefined);
    writeFileSync(path.join(root, '.querylens', 'benchmarks', 'notes.json'), '{"hello": 1}');
    const skipped: string[] = [];
    assert.equal(listRuns(root, (file) => skipped.push(path.basename(file))).length, 2);
    assert.deepEqual(skipped, ['notes.json']);
    assert.equal(readdirSync(path.join(root, '.querylens', 'benchmarks')).length, 3);
  });

  it('skips, with the reason, a FIFO or a /dev/zero link among the runs instead of hanging', () => {
    const dir = path.join(root, '.querylens', 'benchmarks');
    execFileSync('mkfifo', [path.join(dir, 'pipe.json')]);
    symlinkSync('/dev/zero', path.join(dir, 'zero.json'));
    try {
      const skipped: string[] = [];
      assert.equal(listRuns(root, (file, why) => skipped.push(`${path.basename(file)}: ${why}`)).length, 2);
      assert.deepEqual(skipped.filter((s) => !s.startsWith('notes.json')).sort(), [
        'pipe.json: it is not a regular file (it is a named pipe (FIFO))',
        'zero.json: it is not a regular file (it is a character device)',
      ]);
    } finally {
      rmSync(path.join(dir, 'pipe.json'));
      rmSync(path.join(dir, 'zero.json'));
    }
  });

  it('compares two runs: head / base per statistic, and the difference', () => {
    const base = { id: 'before', stats: stats(40, { opsPerSec: 200 }) } as BenchmarkRun;
    const head = { id: 'after', stats: stats(10, { opsPerSec: 500, errors: 2 }) } as BenchmarkRun;
    const c = compareRuns(base, head);
    assert.equal(c.base, 'before');
    assert.equal(c.head, 'after');
    assert.equal(c.ratios.p95Ms, 0.25);
    assert.equal(c.ratios.opsPerSec, 2.5);
    assert.equal(c.ratios.minMs, 1);
    assert.equal(c.ratios.errors, Infinity);
    assert.equal(c.deltas.errors, 2);
    assert.equal(c.deltas.p95Ms, -30);
  });

  it('judges targets: ceilings, floors, and a run with no successful iteration fails', () => {
    const targets = { p95Ms: { max: 50 }, opsPerSec: { min: 150 }, errors: { max: 0 } };
    assert.deepEqual(evaluateTargets(stats(49), targets, 10), [
      { metric: 'p95Ms', max: 50, pass: true },
      { metric: 'opsPerSec', min: 150, pass: false },
      { metric: 'errors', max: 0, pass: true },
    ]);
    const allFailed = evaluateTargets(stats(0, { minMs: 0, opsPerSec: 0, errors: 10 }), { p95Ms: { max: 50 } }, 10);
    assert.deepEqual(allFailed, [{ metric: 'p95Ms', max: 50, pass: false }]);
    assert.deepEqual(evaluateTargets(stats(60), undefined, 10), []);
  });

  it('reads "benchmarks" from .querylens.json, with problems at the bad values', () => {
    const ok = parseConfigText('{ "benchmarks": { "targets": { "p95Ms": 50, "opsPerSec": 1000, "p99Ms": { "max": 200 } }, "iterations": 200, "warmup": 0, "concurrency": 4 } }');
    assert.deepEqual(ok.problems, []);
    assert.deepEqual(ok.config.benchmarks, { targets: { p95Ms: { max: 50 }, opsPerSec: { min: 1000 }, p99Ms: { max: 200 } }, iterations: 200, warmup: 0, concurrency: 4 });
    const text = '{ "benchmarks": { "targets": { "p42Ms": 5, "p95Ms": "fast", "maxMs": { "under": 3 } }, "iterations": 0, "warmup": 1e12, "runs": 3 } }';
    const bad = parseConfigText(text);
    const at = (p: (typeof bad.problems)[number]) => text.slice(p.range!.start.character, p.range!.end.character);
    assert.deepEqual(
      bad.problems.map((p) => [at(p), p.message]),
      [
        ['"p42Ms"', 'Unknown benchmark statistic "p42Ms"; known: "minMs", "meanMs", "p50Ms", "p95Ms", "p99Ms", "maxMs", "opsPerSec", "errors".'],
        ['"fast"', 'The target for "p95Ms" must be a number (a ceiling) or { "max": n } / { "min": n }, not negative.'],
        ['{ "under": 3 }', 'The target for "maxMs" must be a number (a ceiling) or { "max": n } / { "min": n }, not negative.'],
        ['0', '"benchmarks.iterations" must be a whole number from 1 to 1,000,000.'],
        ['1e12', '"benchmarks.warmup" must be a whole number from 0 to 1,000,000.'],
        ['"runs"', 'Unknown benchmarks setting "runs"; known: "targets", "iterations", "warmup", "concurrency".'],
      ],
    );
    assert.deepEqual(bad.config.benchmarks, { targets: {} });
  });

  it('makes ids safe file names', () => {
    assert.equal(runId('2026-11-30T17:42:00.123Z', 'task_manager.sql:5'), '2026-11-30T17-42-00Z_task_manager_sql_5');
    assert.equal(runId('2026-11-30T17:42:00Z', '../../etc/passwd'), '2026-11-30T17-42-00Z_etc_passwd');
    assert.equal(runId('2026-11-30T17:42:00Z', '<>'), '2026-11-30T17-42-00Z_query');
  });
});
