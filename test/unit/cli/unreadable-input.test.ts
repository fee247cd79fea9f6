// The built CLI on workspaces holding files that are no text: a FIFO, a link to
// /dev/zero, a config nested 5,000 levels. `check` must finish (the spawn's
// timeout only keeps a regression from hanging the suite), say what it skipped,
// and analyse everything else.
import * as assert from 'node:assert/strict';
import { execFileSync, execSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '..', '..', '..');
const cli = process.env.QUERYLENS_CLI ?? path.join(repo, 'bin', 'querylens.js');

function check(cwd: string): { code: number | null; findings: { ruleId: string; file: string; message: string }[]; stderr: string } {
  const result = spawnSync(process.execPath, [cli, 'check', '--format', 'json'], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, GITHUB_WORKSPACE: '' } });
  assert.equal(result.signal, null, `check was killed (it hung): ${result.stderr}`);
  const report = JSON.parse(result.stdout);
  return { code: result.status, findings: report.findings, stderr: result.stderr };
}

describe('querylens check on files that are no text (built)', function () {
  let dir = '';
  before(function () {
    this.timeout(180_000);
    if (!process.env.QUERYLENS_CLI) execSync('npm run build --silent', { cwd: repo, stdio: 'inherit' });
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'querylens-unreadable-'));
    writeFileSync(path.join(dir, 'queries.sql'), 'SELECT * FROM accounts;\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const ruleIds = (findings: { ruleId: string }[]) => findings.map((f) => f.ruleId);

  it('analyses the SQL files next to a FIFO and a /dev/zero link named .sql', () => {
    execFileSync('mkfifo', [path.join(dir, 'pipe.sql')]);
    symlinkSync('/dev/zero', path.join(dir, 'zero.sql'));
    const { code, findings } = check(dir);
    assert.equal(code, 0);
    assert.deepEqual(findings.map((f) => [f.file, f.ruleId]), [['queries.sql', 'select-star']]);
  });

  it('reports a .querylens.json linked to /dev/zero as invalid-config and analyses the folder with defaults', () => {
    symlinkSync('/dev/zero', path.join(dir, '.querylens.json'));
    const { code, findings } = check(dir);
    assert.equal(code, 1);
    assert.deepEqual(ruleIds(findings), ['invalid-config', 'select-star']);
    assert.match(findings[0]!.message, /^Cannot read config file .*\.querylens\.json: it is outside the folder .* \(it leads to \/dev\/zero\)/);
  });

  it('reports a .querylens.json FIFO as invalid-config', () => {
    execFileSync('mkfifo', [path.join(dir, '.querylens.json')]);
    const { code, findings } = check(dir);
    assert.equal(code, 1);
    assert.deepEqual(ruleIds(findings), ['invalid-config', 'select-star']);
    assert.match(findings[0]!.message, /: it is not a regular file \(it is a named pipe \(FIFO\)\)\.$/);
  });

  it('reports a config nested 5,000 levels as invalid-config, not a RangeError', () => {
    writeFileSync(path.join(dir, '.querylens.json'), '['.repeat(5000) + ']'.repeat(5000));
    const { code, findings, stderr } = check(dir);
    assert.equal(code, 1);
    assert.doesNotMatch(stderr, /RangeError/);
    assert.deepEqual(ruleIds(findings), ['invalid-config', 'select-star']);
    assert.equal(findings[0]!.message, 'The config nests objects and arrays more than 64 levels deep; QueryLens reads none of it.');
  });
});
