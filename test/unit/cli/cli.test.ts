// The built CLI (bin/querylens.js -> dist/cli.js), run as users and CI run it, on a
// temporary workspace. QUERYLENS_CLI points at another prebuilt bin to skip the build.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildCli, repo, run } from './built-cli';
import { assertValidSarif } from './sarif-shape';

const SCHEMA = `CREATE TABLE planners (
    planner_id VARCHAR(32) PRIMARY KEY,
    goal TEXT NOT NULL
);
CREATE TABLE workers (
    worker_id VARCHAR(32) PRIMARY KEY,
    planner_id VARCHAR(32) NOT NULL REFERENCES planners (planner_id),
    task_status VARCHAR(50) NOT NULL
);
-- Only the status is indexed: the TaskManager's lookup by planner and status is a sure missing-composite-index.
CREATE INDEX idx_workers_task_status ON workers (task_status);
`;

const QUERIES = `-- TaskManager
SELECT worker_id FROM workers WHERE planner_id = $1 AND task_status = 'pending' LIMIT 1;
SELECT worker_id, task_status FROM workers WHERE worker_id = $1;
`;

/** A fresh workspace: `.querylens.json`, one sqlx migration, one query file. */
function makeWorkspace(config: object = { dialect: 'postgres' }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'querylens-cli-'));
  writeFileSync(path.join(dir, '.querylens.json'), JSON.stringify(config, null, 2));
  mkdirSync(path.join(dir, 'migrations'));
  writeFileSync(path.join(dir, 'migrations', '20240101000000_init.sql'), SCHEMA);
  mkdirSync(path.join(dir, 'queries'));
  writeFileSync(path.join(dir, 'queries', 'tasks.sql'), QUERIES);
  return dir;
}

describe('querylens CLI (built)', function () {
  const dirs: string[] = [];
  const workspace = (config?: object) => {
    const dir = makeWorkspace(config);
    dirs.push(dir);
    return dir;
  };

  before(function () {
    this.timeout(180_000);
    buildCli();
  });
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('json: exact shape, paths relative to the root, 0-based ranges, exit 0 on warnings', () => {
    const dir = workspace();
    const { code, stdout } = run(dir, 'check', '--format', 'json');
    assert.equal(code, 0);
    const report = JSON.parse(stdout);
    assert.deepEqual(Object.keys(report), ['version', 'files', 'unreadableSql', 'findings']);
    assert.equal(report.version, 1);
    assert.equal(report.files, 2);
    assert.equal(report.unreadableSql, 0);
    for (const f of report.findings) {
      assert.deepEqual(Object.keys(f), ['ruleId', 'severity', 'message', 'file', 'range', 'fixes', 'fingerprint']);
      assert.ok(!path.isAbsolute(f.file) && !f.file.includes('\\'), f.file);
      for (const fix of f.fixes) {
        assert.deepEqual(Object.keys(fix), ['title', 'changes']);
        for (const change of fix.changes) assert.ok(!path.isAbsolute(change.file), change.file);
      }
    }
    const composite = report.findings.find((f: any) => f.ruleId === 'missing-composite-index');
    assert.ok(composite, 'missing-composite-index reported');
    assert.equal(composite.file, 'queries/tasks.sql');
    assert.equal(composite.severity, 'warning');
    assert.equal(composite.range.start.line, 1);
    assert.deepEqual(Object.keys(composite.range.start), ['line', 'character']);
    const created = composite.fixes[0].changes.find((c: any) => c.kind === 'create');
    assert.match(created.file, /^migrations\/\d+_[a-z0-9_]+\.sql$/);
    assert.match(created.content, /CREATE INDEX/i);
    assert.ok(!report.findings.some((f: any) => f.range.start.line === 2 && f.file === 'queries/tasks.sql'), 'the key lookup is not flagged');
  });

  it('sarif: valid 2.1.0 for GitHub code scanning, same findings as json', () => {
    const dir = workspace();
    const json = JSON.parse(run(dir, 'check', '--format', 'json').stdout);
    const { code, stdout } = run(dir, 'check', '--format', 'sarif');
    assert.equal(code, 0);
    const log = JSON.parse(stdout);
    assertValidSarif(log);
    const run0 = log.runs[0];
    assert.equal(run0.tool.driver.name, 'QueryLens');
    assert.equal(run0.results.length, json.findings.length);
    const ids = run0.tool.driver.rules.map((r: any) => r.id);
    for (const id of ['missing-composite-index', 'unpaginated-query', 'select-star']) assert.ok(ids.includes(id), id);
    const composite = run0.results.find((r: any) => r.ruleId === 'missing-composite-index');
    assert.equal(composite.level, 'warning');
    assert.equal(composite.locations[0].physicalLocation.artifactLocation.uri, 'queries/tasks.sql');
    assert.equal(composite.locations[0].physicalLocation.region.startLine, 2);
  });

  it('github: one workflow command per finding, in a group per file, then a summary', () => {
    const dir = workspace();
    const { code, stdout } = run(dir, 'check', '--format', 'github');
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split('\n');
    assert.match(lines.pop()!, /^QueryLens: \d+ problems \(.*\) in 2 files; 2 files checked\.$/);
    assert.equal(lines.filter((l) => l.startsWith('::group::')).length, 2);
    assert.equal(lines.filter((l) => l === '::endgroup::').length, 2);
    const annotations = lines.filter((l) => !l.startsWith('::group::') && l !== '::endgroup::');
    assert.ok(annotations.length >= 1);
    for (const line of annotations) assert.match(line, /^::(error|warning|notice) file=[^,]+,line=\d+(,col=\d+)?,endLine=\d+(,endColumn=\d+)?,title=[a-z-]+::\S/);
    assert.ok(lines.some((l) => l.startsWith('::warning file=queries/tasks.sql,line=2,col=') && l.includes('title=missing-composite-index::')));
  });

  it('text: file:line:col lines with 1-based positions and a summary', () => {
    const dir = workspace();
    const { code, stdout } = run(dir, 'check');
    assert.equal(code, 0);
    assert.match(stdout, /^queries\/tasks\.sql:2:\d+: warning missing-composite-index \S.*$/m);
    assert.match(stdout, /^\s+\d+\s+missing-composite-index \(warning\)$/m);
    assert.match(stdout, /^\d+ problems? \(.*\) in \d+ files?; 2 files checked\.$/m);
  });

  it('exit 1 when a rule is raised to error (via --config), and only the requested files', () => {
    const dir = workspace();
    writeFileSync(path.join(dir, 'strict.json'), JSON.stringify({ rules: { 'missing-composite-index': 'error' } }));
    const strict = run(dir, 'check', '--config', 'strict.json', '--format', 'json', 'queries/tasks.sql');
    assert.equal(strict.code, 1, strict.stderr);
    const report = JSON.parse(strict.stdout);
    assert.equal(report.files, 1);
    assert.ok(report.findings.every((f: any) => f.file === 'queries/tasks.sql'));
    assert.ok(report.findings.some((f: any) => f.ruleId === 'missing-composite-index' && f.severity === 'error'));
  });

  it('finds the root upward from a sub-folder and applies its .querylens.json', () => {
    const dir = workspace({ rules: { 'missing-composite-index': 'off' } });
    const { code, stdout } = run(path.join(dir, 'queries'), 'check', '--format', 'json', '.');
    assert.equal(code, 0);
    const report = JSON.parse(stdout);
    assert.equal(report.files, 1);
    assert.ok(report.findings.length === 0 || report.findings.every((f: any) => f.ruleId !== 'missing-composite-index'));
  });

  it('config problems are reported as invalid-config errors (exit 1)', () => {
    const dir = workspace({ dialect: 'oracle', rules: { 'select-star': 'loud' } });
    const { code, stdout } = run(dir, 'check', '--format', 'json');
    assert.equal(code, 1);
    const problems = JSON.parse(stdout).findings.filter((f: any) => f.ruleId === 'invalid-config');
    assert.equal(problems.length, 2);
    assert.ok(problems.every((p: any) => p.file === '.querylens.json' && p.severity === 'error'));
    assert.match(problems[0].message, /dialect/);
  });

  it('exit 2 with a message on usage errors', () => {
    const dir = workspace();
    for (const args of [['check', '--bogus'], ['check', '--format', 'xml'], ['check', 'no-such-dir'], ['lint'], ['check', '--config', 'missing.json']]) {
      const result = run(dir, ...args);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, /^querylens: /, args.join(' '));
      assert.equal(result.stdout, '');
    }
  });

  it('--fix applies preferred in-file fixes and reports what remains', () => {
    const dir = workspace();
    // A commit per item moves after the loop (preferred); a LIMIT would drop rows silently, so it is never applied.
    const file = path.join(dir, 'queries', 'save.py');
    writeFileSync(file, 'def save(session, docs):\n    for doc in docs:\n        session.merge(doc)\n        session.commit()\n');
    const sql = path.join(dir, 'queries', 'tasks.sql');
    writeFileSync(sql, 'SELECT worker_id FROM workers WHERE planner_id = $1;\n');
    const before = JSON.parse(run(dir, 'check', '--format', 'json').stdout);
    assert.ok(before.findings.some((f: any) => f.ruleId === 'commit-in-loop'));
    assert.ok(before.findings.some((f: any) => f.ruleId === 'unpaginated-query'));
    const { code, stdout } = run(dir, 'check', '--format', 'json', '--fix');
    assert.equal(code, 0);
    assert.equal(readFileSync(file, 'utf8'), 'def save(session, docs):\n    for doc in docs:\n        session.merge(doc)\n    session.commit()\n');
    assert.equal(readFileSync(sql, 'utf8'), 'SELECT worker_id FROM workers WHERE planner_id = $1;\n');
    const after = JSON.parse(stdout).findings.map((f: any) => f.ruleId);
    assert.ok(!after.includes('commit-in-loop'));
    assert.ok(after.includes('unpaginated-query'));
  });

  it('--fix never writes through a link to a file outside the workspace; a link inside it is fixed', () => {
    const dir = workspace();
    const outside = mkdtempSync(path.join(os.tmpdir(), 'querylens-outside-'));
    dirs.push(outside);
    // Two migrations still to ship, each one CREATE INDEX whose preferred fix adds CONCURRENTLY in place.
    const lockingIndex = (name: string) => `CREATE INDEX ${name} ON workers (planner_id);\n`;
    writeFileSync(path.join(outside, 'victim.sql'), lockingIndex('idx_outside'));
    symlinkSync(path.join(outside, 'victim.sql'), path.join(dir, 'migrations', '20240102000000_linked.sql'));
    writeFileSync(path.join(dir, 'queries', 'real.sql'), lockingIndex('idx_inside'));
    symlinkSync(path.join(dir, 'queries', 'real.sql'), path.join(dir, 'migrations', '20240103000000_alias.sql'));
    const { code, stdout, stderr } = run(dir, 'check', '--format', 'json', '--fix', 'migrations');
    assert.equal(code, 0);
    assert.equal(readFileSync(path.join(outside, 'victim.sql'), 'utf8'), lockingIndex('idx_outside'), 'the file outside is untouched');
    assert.equal(stderr, `querylens: not fixed: ${path.join(dir, 'migrations', '20240102000000_linked.sql')} is a link to ${realpathSync(path.join(outside, 'victim.sql'))}, outside the workspace ${dir} (--fix writes only inside it)\n`);
    assert.match(readFileSync(path.join(dir, 'queries', 'real.sql'), 'utf8'), /CREATE INDEX CONCURRENTLY idx_inside/, 'a link inside the workspace is fixed');
    const remaining = JSON.parse(stdout).findings.filter((f: any) => f.ruleId === 'non-concurrent-index-creation').map((f: any) => f.file);
    assert.deepEqual(remaining, ['migrations/20240102000000_linked.sql'], 'what was not fixed is still reported');
  });

  it('bench fails (exit 2, the first error, nothing saved) when every iteration fails', function () {
    this.timeout(60_000);
    const dir = workspace();
    writeFileSync(path.join(dir, 'queries', 'zero.sql'), 'SELECT 1 / 0;\n');
    const { code, stdout, stderr } = run(dir, 'bench', 'queries/zero.sql:1', '--embedded', '--rows', '10', '--iterations', '5', '--warmup', '0');
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /^querylens: Connection "embedded": the benchmark measured nothing: all 5 timed iterations failed \(division by zero\)\. Fix the statement/m);
    assert.ok(!existsSync(path.join(dir, '.querylens', 'benchmarks')), 'no run of zeros saved');
  });

  it('an invalid --connection URL or bench count is a usage error (exit 2), not a stack trace; the password is not echoed', () => {
    const dir = workspace();
    const url = run(dir, 'explain', 'queries/tasks.sql:2', '--connection', 'postgres://app:pw-51x@[::1/db');
    assert.equal(url.code, 2);
    assert.equal(url.stderr, "querylens: --connection is not a valid URL; write it as postgres://user@host:port/database (percent-encode @, :, / and % in a password)\nRun 'querylens --help' for usage.\n");
    const port = run(dir, 'explain', 'queries/tasks.sql:2', '--connection', 'postgres://app@localhost:99999999/db');
    assert.equal(port.stderr, url.stderr);
    const iterations = run(dir, 'bench', 'queries/tasks.sql:2', '--iterations', '1e12');
    assert.equal(iterations.code, 2);
    assert.equal(iterations.stderr, "querylens: option --iterations must be a whole number from 1 to 1,000,000, got '1e12'\nRun 'querylens --help' for usage.\n");
    const rows = run(dir, 'explain', 'queries/tasks.sql:2', '--embedded', '--rows', '1e12');
    assert.equal(rows.code, 2);
    assert.equal(rows.stderr, "querylens: option --rows needs a whole number from 1 to 10,000,000, got '1e12'\nRun 'querylens --help' for usage.\n");
  });

  it('rules, --version and --help', () => {
    const rules = run(repo, 'rules', '--format', 'json');
    assert.equal(rules.code, 0);
    const ids = JSON.parse(rules.stdout).map((r: any) => r.id);
    for (const id of [
      'missing-composite-index',
      'missing-index',
      'unpaginated-query',
      'leading-wildcard-like',
      'unindexed-foreign-key',
      'redundant-index',
      'non-concurrent-index-creation',
      'select-star',
    ]) {
      assert.ok(ids.includes(id), id);
    }
    const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8'));
    assert.equal(run(repo, '--version').stdout.trim(), pkg.version);
    const help = run(repo, '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: querylens/);
  });
});
