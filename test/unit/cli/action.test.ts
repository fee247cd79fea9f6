// The GitHub Action's entry script (scripts/action.mjs) run as action.yml runs it: the inputs
// as INPUT_* variables, the checkout (a temporary git repository) as the current folder,
// GITHUB_OUTPUT a file; the real built CLI behind it.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildCli, cli, repo } from './built-cli';
import { makeServiceWorkspace, NEW_QUERY, SERVICE } from './service-workspace';

const script = path.join(repo, 'scripts', 'action.mjs');

interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** What the step wrote to GITHUB_OUTPUT. */
  output: string;
}

describe('GitHub Action entry script (scripts/action.mjs)', function () {
  this.timeout(60_000);
  let dir: string;

  function action(inputs: Record<string, string>, ...args: string[]): ActionRun {
    const outputFile = path.join(dir, '.github-output');
    writeFileSync(outputFile, '');
    const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_WORKSPACE: dir, GITHUB_OUTPUT: outputFile, QUERYLENS_CLI: cli };
    for (const key of Object.keys(env)) if (key.startsWith('INPUT_')) delete env[key];
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase().replace(/-/g, '_')}`] = value;
    const result = spawnSync(process.execPath, [script, ...args], { cwd: dir, env, encoding: 'utf8' });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr, output: readFileSync(outputFile, 'utf8') };
  }

  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd: dir, stdio: 'pipe' });

  before(function () {
    this.timeout(180_000);
    buildCli();
  });
  beforeEach(() => {
    dir = makeServiceWorkspace();
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-q', '-m', 'service');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('format sarif (the default): writes the SARIF file, names it in the step output, exits with the CLI code', () => {
    const result = action({ paths: '.', format: '', baseline: '', 'changed-since': '', 'max-warnings': '' });
    assert.equal(result.code, 0, result.stderr);
    // The committed migration has shipped: its unindexed foreign key is info, the three query findings warnings.
    assert.equal(result.stdout, 'querylens check . --format sarif > querylens.sarif\nQueryLens: 4 results in querylens.sarif\n');
    assert.equal(result.output, 'sarif-file=querylens.sarif\n');
    const results = JSON.parse(readFileSync(path.join(dir, 'querylens.sarif'), 'utf8')).runs[0].results;
    assert.deepEqual(
      results.map((r: any) => `${r.locations[0].physicalLocation.artifactLocation.uri} ${r.ruleId} ${r.level}`),
      [
        'app/service.py missing-composite-index warning',
        'migrations/20240101000000_init.sql unindexed-foreign-key note',
        'queries/workers.sql leading-wildcard-like warning',
        'queries/workers.sql missing-composite-index warning',
      ],
    );
    assert.ok(results.every((r: any) => /^[0-9a-f]{16}:\d+$/.test(r.partialFingerprints['queryLens/v1'])));
  });

  it('baseline: a new query in the service fails the step; the SARIF marks it new and the rest unchanged', () => {
    assert.equal(spawnSync(process.execPath, [cli, 'check', '--update-baseline', '--baseline', '.querylens-baseline.json'], { cwd: dir }).status, 0);
    assert.equal(action({ baseline: '.querylens-baseline.json' }).code, 0);
    writeFileSync(path.join(dir, 'app', 'service.py'), SERVICE + NEW_QUERY);
    const result = action({ baseline: '.querylens-baseline.json', 'sarif-file': 'reports/ql.sarif' });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, 'querylens check . --format sarif --baseline .querylens-baseline.json > reports/ql.sarif\nQueryLens: 5 results (1 new, 4 baselined) in reports/ql.sarif\n');
    assert.match(result.stderr, /^querylens: 1 new warning not in the baseline/);
    assert.equal(result.output, 'sarif-file=reports/ql.sarif\n');
    const results = JSON.parse(readFileSync(path.join(dir, 'reports', 'ql.sarif'), 'utf8')).runs[0].results;
    assert.deepEqual(
      results.filter((r: any) => r.baselineState === 'new').map((r: any) => `${r.ruleId} ${r.locations[0].physicalLocation.region.startLine}`),
      ['leading-wildcard-like 12'],
    );
  });

  it('format github with max-warnings and several paths: annotations in the log, no SARIF file, exit 1 above the limit', () => {
    const result = action({ paths: 'app\nqueries', format: 'github', 'max-warnings': '2' });
    assert.equal(result.code, 1);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'querylens check app queries --format github --max-warnings 2');
    assert.deepEqual(
      lines.filter((l) => l.startsWith('::group::')),
      ['::group::app/service.py (1 problem)', '::group::queries/workers.sql (2 problems)'],
    );
    assert.equal(lines.at(-1), 'QueryLens: 3 problems (3 warnings) in 2 files; 2 files checked.');
    assert.equal(result.stderr, 'querylens: 3 warnings, more than --max-warnings 2 allows\n');
    assert.equal(result.output, '');
    assert.ok(!existsSync(path.join(dir, 'querylens.sarif')));
  });

  it('changed-since passes --changed --since REF through; odd paths are quoted in the command shown', () => {
    const result = action({ paths: "app it's", 'changed-since': 'origin/main', 'max-warnings': '0' }, '--dry-run');
    assert.equal(result.code, 0);
    assert.equal(result.stdout, "querylens check app 'it'\\''s' --format sarif --changed --since origin/main --max-warnings 0 > querylens.sarif\n");
    assert.equal(result.output, '');
  });

  it('a wrong input is a clear error (exit 2), and a usage error of the CLI leaves no SARIF to upload', () => {
    const badFormat = action({ format: 'xml' });
    assert.equal(badFormat.code, 2);
    assert.equal(badFormat.stderr, "querylens action: input 'format' must be one of sarif, github, text, json, got 'xml'\n");
    const badNumber = action({ 'max-warnings': 'many' });
    assert.equal(badNumber.code, 2);
    assert.match(badNumber.stderr, /option --max-warnings needs a whole number from 0 up, got 'many'/);
    assert.equal(badNumber.output, '');
  });

  it('action.yml passes every input but upload to the script as INPUT_*', () => {
    const yml = readFileSync(path.join(repo, 'action.yml'), 'utf8');
    const inputs = [...yml.slice(yml.indexOf('\ninputs:'), yml.indexOf('\noutputs:')).matchAll(/^ {2}([a-z-]+):$/gm)].map((m) => m[1]!);
    assert.deepEqual(inputs, ['paths', 'format', 'baseline', 'changed-since', 'max-warnings', 'sarif-file', 'upload']);
    for (const name of inputs.filter((n) => n !== 'upload')) {
      const variable = `INPUT_${name.toUpperCase().replace(/-/g, '_')}`;
      assert.ok(yml.includes(`${variable}: \${{ inputs.${name} }}`), `${variable} in action.yml`);
      assert.ok(readFileSync(script, 'utf8').includes(`'${variable.slice('INPUT_'.length)}'`), `${variable} read by the script`);
    }
  });
});
