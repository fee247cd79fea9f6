// The built CLI on workspaces holding files that are no text (a FIFO, a link to
// /dev/zero, a config nested 5,000 levels) or include globs that select nothing.
// `check` must finish (the spawn's timeout only keeps a regression from hanging
// the suite), say what it skipped or could not use, and analyse everything else.
import * as assert from 'node:assert/strict';
import { execFileSync, execSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '..', '..', '..');
const cli = process.env.QUERYLENS_CLI ?? path.join(repo, 'bin', 'querylens.js');

function check(cwd: string, format = 'json', paths: string[] = []): { code: number | null; findings: { ruleId: string; file: string; message: string; severity: string; range: unknown }[]; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, 'check', '--format', format, ...paths], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, GITHUB_WORKSPACE: '' } });
  assert.equal(result.signal, null, `check was killed (it hung): ${result.stderr}`);
  const report = format === 'json' ? JSON.parse(result.stdout) : { findings: [] };
  return { code: result.status, findings: report.findings, stdout: result.stdout, stderr: result.stderr };
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
    // Named on the command line, each is skipped with the reason.
    const named = check(dir, 'json', ['pipe.sql', 'zero.sql', 'queries.sql']);
    assert.equal(named.code, 0);
    assert.deepEqual(named.findings.map((f) => f.file), ['queries.sql']);
    assert.deepEqual(named.stderr.trim().split('\n'), [
      `querylens: skipped ${path.join(dir, 'pipe.sql')}: not a regular file (a named pipe, a device or a socket is never read)`,
      `querylens: skipped ${path.join(dir, 'zero.sql')}: not a regular file (a named pipe, a device or a socket is never read)`,
    ]);
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

  it('reports an include glob that does not parse at its place, and one that matches no file, in the findings and on stderr', () => {
    writeFileSync(path.join(dir, '.querylens.json'), '{\n  "include": ["querys/**", "*.{sql"]\n}\n');
    const { code, findings, stderr } = check(dir);
    assert.equal(code, 1);
    assert.deepEqual(
      findings.map((f) => [f.file, f.severity, f.message, f.range]),
      [
        ['.querylens.json', 'warning', 'The "include" glob "querys/**" matches no file QueryLens analyses (after "exclude" and .gitignore): nothing is checked for it.', { start: { line: 1, character: 14 }, end: { line: 1, character: 25 } }],
        ['.querylens.json', 'error', 'Invalid glob "*.{sql" in "include": its "{" is never closed (a backslash before a bracket matches the character itself).', { start: { line: 1, character: 27 }, end: { line: 1, character: 35 } }],
      ],
    );
    assert.match(stderr, /The "include" glob "querys\/\*\*" matches no file/);
    assert.match(check(dir, 'text').stdout, /0 files checked\.\n$/);
  });

  it('says nothing about an include glob that matches a file', () => {
    writeFileSync(path.join(dir, '.querylens.json'), '{ "include": ["*.sql"] }');
    const { code, findings, stderr } = check(dir);
    assert.equal(code, 0);
    assert.deepEqual(ruleIds(findings), ['select-star']);
    assert.equal(stderr, '');
  });
});
