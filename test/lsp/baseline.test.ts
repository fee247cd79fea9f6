/**
 * Built-server tests of `querylens.baseline`: the baseline the CLI writes
 * lowers the findings it holds in the editor (the two agree on fingerprints),
 * lines typed above keep them lowered, new ones keep their severity, and the
 * severity setting and a rewritten baseline file are followed.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DiagnosticSeverity, FileChangeType, type Diagnostic } from 'vscode-languageserver/node';
import { copyFixture, REPO, serverPerTest, TestClient, uriOf } from './client';

const LIKE = "SELECT worker_id FROM workers WHERE task_status LIKE '%done' LIMIT 10;\n";
const NEW_LIKE = "SELECT worker_id FROM workers WHERE task_status LIKE '%failed' LIMIT 10;\n";
const LIKE_MESSAGE = /^workers\.task_status LIKE '%done' starts with a wildcard/;

/** The leading-wildcard-like diagnostics as `line severity pattern`, and ` (baselined)` when the message ends so. */
function likes(diagnostics: Diagnostic[]): string[] {
  return diagnostics
    .filter((d) => d.code === 'leading-wildcard-like')
    .map((d) => `${d.range.start.line} ${d.severity} ${/LIKE '([^']*)'/.exec(d.message)?.[1]}${d.message.endsWith(' (baselined)') ? ' (baselined)' : ''}`);
}

describe('language server baseline (built, over stdio)', function () {
  this.timeout(60_000);
  const state = serverPerTest();
  /** Folders no server was started on (the server removes its own). */
  const outside: string[] = [];
  after(() => outside.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  /** A copy of lsp-workspace whose queries.sql has one leading-wildcard LIKE, baselined by the CLI. */
  function baselinedWorkspace(): string {
    const root = copyFixture('lsp-workspace');
    writeFileSync(join(root, 'queries.sql'), LIKE);
    const cli = spawnSync(process.execPath, [join(REPO, 'bin', 'querylens.js'), 'check', '--update-baseline', '--baseline', 'qb.json'], { cwd: root, encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, /^Baseline qb\.json written: 1 finding /);
    return root;
  }

  it('shows a baselined finding as a hint, keeps it so when lines are typed above, and a new one as a warning', async function () {
    const root = baselinedWorkspace();
    const client = (state.client = await TestClient.start(root, { baseline: 'qb.json' }));
    const uri = await client.open(join(root, 'queries.sql'), LIKE);
    const first = await client.waitForDiagnostics(uri, (d) => likes(d).length === 1);
    const held = first.find((d) => d.code === 'leading-wildcard-like')!;
    assert.equal(held.severity, DiagnosticSeverity.Hint);
    assert.match(held.message, LIKE_MESSAGE);
    assert.ok(held.message.endsWith(' (baselined)'), held.message);

    await client.change(uri, `-- moved down\n\n${LIKE}${NEW_LIKE}`);
    const after = await client.waitForDiagnostics(uri, (d) => likes(d).length === 2);
    assert.deepEqual(likes(after), [
      `2 ${DiagnosticSeverity.Hint} %done (baselined)`,
      `3 ${DiagnosticSeverity.Warning} %failed`,
    ]);
  });

  it('follows querylens.baselineSeverity (info, off) and a rewritten baseline file; without the setting nothing is lowered', async function () {
    const root = baselinedWorkspace();
    const client = (state.client = await TestClient.start(root, { baseline: 'qb.json', baselineSeverity: 'info' }));
    const uri = await client.open(join(root, 'queries.sql'), LIKE);
    await client.waitForDiagnostics(uri, (d) => likes(d)[0] === `0 ${DiagnosticSeverity.Information} %done (baselined)`);
    await client.configure({ baseline: 'qb.json', baselineSeverity: 'off' });
    await client.waitForDiagnostics(uri, (d) => likes(d).length === 0);

    // The team fixes everything and empties the baseline: the file watcher brings the warning back.
    writeFileSync(join(root, 'qb.json'), JSON.stringify({ version: 1, findings: [] }));
    await client.watchedFilesChanged([{ uri: uriOf(join(root, 'qb.json')), type: FileChangeType.Changed }]);
    await client.waitForDiagnostics(uri, (d) => likes(d)[0] === `0 ${DiagnosticSeverity.Warning} %done`);

    await client.configure({ baseline: '', baselineSeverity: 'off' });
    await client.waitForDiagnostics(uri, (d) => likes(d)[0] === `0 ${DiagnosticSeverity.Warning} %done`);
  });

  it('a baseline outside the folder is not read: findings keep their severity and the log says why', async function () {
    const root = baselinedWorkspace();
    const elsewhere = copyFixture('lsp-workspace');
    outside.push(elsewhere);
    copyFileSync(join(root, 'qb.json'), join(elsewhere, 'qb.json'));
    const client = (state.client = await TestClient.start(root, { baseline: relative(root, join(elsewhere, 'qb.json')) }));
    const uri = await client.open(join(root, 'queries.sql'), LIKE);
    await client.waitForDiagnostics(uri, (d) => likes(d)[0] === `0 ${DiagnosticSeverity.Warning} %done`);
    assert.ok(client.logs.some((l) => /Cannot read the baseline .*qb\.json: it is outside the folder/.test(l)), client.logs.join('\n'));
  });
});
