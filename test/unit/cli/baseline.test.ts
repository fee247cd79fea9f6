// `check --baseline` / `--update-baseline` / `--max-warnings` with the built CLI on a small
// workspace (service-workspace.ts): a migration, a SQL file and a Python service, as on polar.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildCli, run } from './built-cli';
import { makeServiceWorkspace, NEW_QUERY, QUERIES, SERVICE } from './service-workspace';

interface Entry {
  rule: string;
  file: string;
  fingerprint: string;
  message: string;
}

describe('querylens check --baseline (built)', function () {
  this.timeout(60_000);
  let dir: string;
  const write = (file: string, text: string) => writeFileSync(path.join(dir, file), text);
  const read = (file: string) => readFileSync(path.join(dir, file), 'utf8');
  const baseline = (): { version: number; findings: Entry[] } => JSON.parse(read('qb.json'));

  before(function () {
    this.timeout(180_000);
    buildCli();
  });
  beforeEach(() => {
    dir = makeServiceWorkspace();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('--update-baseline writes a sorted, versioned file with relative paths only, and exits 0', () => {
    const before = run(dir, 'check');
    assert.equal(before.code, 0); // warnings only: a plain check passes
    assert.match(before.stdout, /^4 problems \(4 warnings\) in 3 files; 3 files checked\.$/m);

    const update = run(dir, 'check', '--update-baseline', '--baseline', 'qb.json');
    assert.equal(update.code, 0, update.stderr);
    assert.equal(update.stdout, 'Baseline qb.json written: 4 findings (4 new, 0 gone since the last one); 3 files checked.\n');
    const text = read('qb.json');
    assert.ok(!text.includes(dir) && !text.includes(os.tmpdir()), 'no machine path in the baseline');
    const file = baseline();
    assert.deepEqual(Object.keys(file), ['version', 'findings']);
    assert.equal(file.version, 1);
    assert.deepEqual(
      file.findings.map((e) => [e.file, e.rule]),
      [
        ['app/service.py', 'missing-composite-index'],
        ['migrations/20240101000000_init.sql', 'unindexed-foreign-key'],
        ['queries/workers.sql', 'leading-wildcard-like'],
        ['queries/workers.sql', 'missing-composite-index'],
      ],
    );
    for (const entry of file.findings) {
      assert.deepEqual(Object.keys(entry), ['rule', 'file', 'fingerprint', 'message']);
      assert.match(entry.fingerprint, /^[0-9a-f]{16}:0$/);
    }
    assert.match(file.findings[2]!.message, /^workers\.name LIKE '%smith' starts with a wildcard/);
    assert.ok(text.endsWith('}\n') && text.includes('\n  "findings": [\n    {\n      "rule": '), 'pretty-printed');
    // The same code gives the same file, byte for byte.
    assert.equal(run(dir, 'check', '--update-baseline', '--baseline', 'qb.json').code, 0);
    assert.equal(read('qb.json'), text);
  });

  it('check --baseline: exit 0 with everything baselined; lines inserted above keep them baselined; a new query fails with exactly that finding', () => {
    assert.equal(run(dir, 'check', '--update-baseline', '--baseline', 'qb.json').code, 0);
    const clean = run(dir, 'check', '--baseline', 'qb.json');
    assert.equal(clean.code, 0, clean.stderr);
    assert.equal(clean.stdout, 'No new problems found (4 baselined; 3 files checked).\n');

    write('app/service.py', `# A comment and blank lines above: every finding moves down.\n\n\n${SERVICE}`);
    write('queries/workers.sql', `-- workers\n\n${QUERIES}`);
    const moved = run(dir, 'check', '--baseline', 'qb.json');
    assert.equal(moved.code, 0, moved.stdout);
    assert.equal(moved.stdout, 'No new problems found (4 baselined; 3 files checked).\n');

    write('app/service.py', `# A comment and blank lines above: every finding moves down.\n\n\n${SERVICE}${NEW_QUERY}`);
    const added = run(dir, 'check', '--baseline', 'qb.json');
    assert.equal(added.code, 1);
    const lines = added.stdout.split('\n');
    assert.match(lines[0]!, /^app\/service\.py:15:\d+: warning leading-wildcard-like workers\.name LIKE '%-jr' starts with a wildcard/);
    assert.deepEqual(lines.slice(1), ['', '  1  leading-wildcard-like (warning)', '', '1 new problem (1 warning) in 1 file; 4 baselined; 3 files checked.', '']);
    assert.equal(added.stderr, 'querylens: 1 new warning not in the baseline: with --baseline any new warning fails (--max-warnings N allows some)\n');
    // --max-warnings lifts the limit the baseline sets on new warnings.
    assert.equal(run(dir, 'check', '--baseline', 'qb.json', '--max-warnings', '1').code, 0);
    assert.equal(run(dir, 'check', '--baseline', 'qb.json', '--max-warnings', '0').code, 1);
  });

  it('editing a baselined statement makes its finding new; the next update drops the old entry', () => {
    assert.equal(run(dir, 'check', '--update-baseline', '--baseline', 'qb.json').code, 0);
    const old = baseline().findings.map((e) => e.fingerprint);
    write('queries/workers.sql', QUERIES.replace("'%smith'", "'%jones'"));
    const changed = run(dir, 'check', '--baseline', 'qb.json');
    assert.equal(changed.code, 1);
    assert.match(changed.stdout, /^queries\/workers\.sql:1:\d+: warning leading-wildcard-like workers\.name LIKE '%jones'/);
    assert.match(changed.stdout, /^1 new problem \(1 warning\) in 1 file; 3 baselined; 3 files checked\.$/m);

    const update = run(dir, 'check', '--update-baseline', '--baseline', 'qb.json');
    assert.equal(update.stdout, 'Baseline qb.json written: 4 findings (1 new, 1 gone since the last one); 3 files checked.\n');
    const now = baseline().findings.map((e) => e.fingerprint);
    assert.equal(now.filter((p) => !old.includes(p)).length, 1);

    // Fixed (the query is gone): the finding drops out on the next update.
    write('queries/workers.sql', QUERIES.split('\n').slice(1).join('\n'));
    const fixed = run(dir, 'check', '--update-baseline', '--baseline', 'qb.json');
    assert.equal(fixed.stdout, 'Baseline qb.json written: 3 findings (0 new, 1 gone since the last one); 3 files checked.\n');
    assert.ok(!baseline().findings.some((e) => e.rule === 'leading-wildcard-like'));
  });

  it('reformatting a statement (whitespace, line breaks) keeps its finding baselined', () => {
    assert.equal(run(dir, 'check', '--update-baseline', '--baseline', 'qb.json').code, 0);
    write('queries/workers.sql', QUERIES.replace('SELECT worker_id FROM workers WHERE name', 'SELECT worker_id\n  FROM   workers\n WHERE name'));
    const result = run(dir, 'check', '--baseline', 'qb.json');
    assert.equal(result.stdout, 'No new problems found (4 baselined; 3 files checked).\n');
    assert.equal(result.code, 0);
  });

  it('updating for some paths keeps the entries of the others; a deleted file under them drops out', () => {
    assert.equal(run(dir, 'check', '--update-baseline', '--baseline', 'qb.json').code, 0);
    rmSync(path.join(dir, 'queries', 'workers.sql'));
    const update = run(dir, 'check', 'app', 'queries', '--update-baseline', '--baseline', 'qb.json');
    assert.equal(update.stdout, 'Baseline qb.json written: 2 findings (0 new, 2 gone since the last one); 1 file checked.\n');
    assert.deepEqual(
      baseline().findings.map((e) => `${e.file} ${e.rule}`),
      ['app/service.py missing-composite-index', 'migrations/20240101000000_init.sql unindexed-foreign-key'],
    );
  });

  it('identical statements in one file get occurrence indices; removing the first keeps one baselined', () => {
    const twice = `${QUERIES}SELECT worker_id FROM workers WHERE name LIKE '%smith' LIMIT 5;\n`;
    write('queries/workers.sql', twice);
    assert.equal(run(dir, 'check', '--update-baseline', '--baseline', 'qb.json').code, 0);
    const likes = baseline().findings.filter((e) => e.rule === 'leading-wildcard-like').map((e) => e.fingerprint);
    assert.equal(likes.length, 2);
    assert.equal(likes[0]!.slice(0, 16), likes[1]!.slice(0, 16));
    assert.deepEqual(likes.map((p) => p.slice(17)).sort(), ['0', '1']);
    write('queries/workers.sql', twice.split('\n').slice(1).join('\n'));
    const after = run(dir, 'check', '--baseline', 'qb.json');
    assert.equal(after.code, 0);
    assert.equal(after.stdout, 'No new problems found (4 baselined; 3 files checked).\n');
  });

  it('json and sarif mark baselined findings; sarif results carry partialFingerprints', () => {
    assert.equal(run(dir, 'check', '--update-baseline', '--baseline', 'qb.json').code, 0);
    write('app/service.py', SERVICE + NEW_QUERY);
    const json = JSON.parse(run(dir, 'check', '--baseline', 'qb.json', '--format', 'json').stdout);
    assert.equal(json.baselined, 4);
    const prints = new Set(baseline().findings.map((e) => e.fingerprint));
    for (const f of json.findings) assert.equal(f.baselined, prints.has(f.fingerprint), f.ruleId);
    assert.deepEqual(
      json.findings.filter((f: { baselined: boolean }) => !f.baselined).map((f: { file: string; ruleId: string }) => `${f.file} ${f.ruleId}`),
      ['app/service.py leading-wildcard-like'],
    );

    const sarif = run(dir, 'check', '--baseline', 'qb.json', '--format', 'sarif');
    assert.equal(sarif.code, 1);
    const results = JSON.parse(sarif.stdout).runs[0].results;
    assert.deepEqual(
      results.map((r: any) => [r.ruleId, r.baselineState, prints.has(r.partialFingerprints['queryLens/v1'])]),
      json.findings.map((f: { ruleId: string; baselined: boolean }) => [f.ruleId, f.baselined ? 'unchanged' : 'new', f.baselined]),
    );
  });

  it('--max-warnings without a baseline: exit 1 above N, 0 at N; bad values and a missing baseline are usage errors', () => {
    const over = run(dir, 'check', '--max-warnings', '3');
    assert.equal(over.code, 1);
    assert.equal(over.stderr, 'querylens: 4 warnings, more than --max-warnings 3 allows\n');
    assert.equal(run(dir, 'check', '--max-warnings', '4').code, 0);
    for (const bad of ['-1', 'x', '1.5', '']) {
      const result = run(dir, 'check', `--max-warnings=${bad}`);
      assert.equal(result.code, 2, bad);
      assert.match(result.stderr, bad === '' ? /option --max-warnings needs a value/ : /option --max-warnings needs a whole number from 0 up, got '/);
    }
    const missing = run(dir, 'check', '--baseline', 'qb.json');
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, "querylens: no baseline file qb.json: create it with 'querylens check --update-baseline --baseline qb.json'\nRun 'querylens --help' for usage.\n");
    assert.equal(missing.stdout, '');
    const alone = run(dir, 'check', '--update-baseline');
    assert.equal(alone.code, 2);
    assert.match(alone.stderr, /--update-baseline needs --baseline <file>/);
    write('qb.json', '{"findings": 3}');
    const broken = run(dir, 'check', '--baseline', 'qb.json');
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /The baseline .*qb\.json is not usable: it has no "findings" list/);
  });

  it('a baseline outside the workspace is refused, for reading and writing', () => {
    const outside = mkdtempSync(path.join(os.tmpdir(), 'querylens-baseline-outside-'));
    try {
      const file = path.join(outside, 'qb.json');
      const written = run(dir, 'check', '--update-baseline', '--baseline', file);
      assert.equal(written.code, 2);
      assert.match(written.stderr, /must be inside the workspace/);
      writeFileSync(file, JSON.stringify({ version: 1, findings: [] }));
      const readOutside = run(dir, 'check', '--baseline', file);
      assert.equal(readOutside.code, 2);
      assert.match(readOutside.stderr, /it is outside the folder/);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
