/**
 * Built-server tests of how diagnostics are scoped: workspace mode, several
 * folders, closing a document, and the ignore comment the quick fix writes.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextDocumentEdit, type Diagnostic } from 'vscode-languageserver/node';
import { buildServerOnce, copyFixture, reportFailure, TestClient, uriOf } from './client';

const RULE = 'missing-composite-index';
const SEED = "SELECT worker_id FROM workers WHERE planner_id = $1 AND task_status = 'pending';\n";
const has = (diagnostics: Diagnostic[]) => diagnostics.some((d) => d.code === RULE);

describe('language server diagnostics scope (built, over stdio)', function () {
  let client: TestClient | undefined;

  before(function () {
    this.timeout(120_000);
    buildServerOnce();
  });

  afterEach(async function () {
    reportFailure(this, client);
    await client?.dispose();
    client = undefined;
  });

  it('publishes unopened files when querylens.diagnostics.workspace is on', async function () {
    const root = copyFixture('lsp-workspace');
    client = await TestClient.start(root, { diagnostics: { workspace: true } });
    await client.waitForDiagnostics(uriOf(join(root, 'queries.sql')), has);
  });

  it('keeps one workspace per folder: a migration in one folder does not fix the other', async function () {
    const first = copyFixture('lsp-workspace');
    const second = copyFixture('lsp-workspace');
    writeFileSync(
      join(second, 'migrations/000002_composite.up.sql'),
      'CREATE INDEX CONCURRENTLY workers_planner_status_idx ON workers (planner_id, task_status);\n',
    );
    client = await TestClient.start([first, second]);
    const inFirst = await client.open(join(first, 'queries.sql'), SEED);
    const inSecond = await client.open(join(second, 'queries.sql'), SEED);
    await client.waitForDiagnostics(inFirst, has);
    await client.waitForDiagnostics(inSecond, (d) => !has(d));
    assert.equal(client.statuses.at(-1)?.state, 'ready');
    assert.equal(client.statuses.at(-1)?.fileCount, 7);
  });

  it('pulls settings again when they change: disabling clears, enabling re-reports', async function () {
    const root = copyFixture('lsp-workspace');
    client = await TestClient.start(root);
    const uri = await client.open(join(root, 'queries.sql'), SEED);
    await client.waitForDiagnostics(uri, has);
    await client.configure({ enable: false });
    await client.waitForDiagnostics(uri, (d) => d.length === 0);
    await client.configure({ enable: true });
    await client.waitForDiagnostics(uri, has);
  });

  it('clears a closed document outside workspace mode', async function () {
    const root = copyFixture('lsp-workspace');
    client = await TestClient.start(root);
    const uri = await client.open(join(root, 'queries.sql'), SEED);
    await client.waitForDiagnostics(uri, has);
    await client.close(uri);
    await client.waitForDiagnostics(uri, (d) => d.length === 0);
  });

  it('honours the ignore comment its quick fix inserts', async function () {
    const root = copyFixture('lsp-workspace');
    client = await TestClient.start(root);
    const uri = await client.open(join(root, 'queries.sql'), SEED);
    const diagnostic = (await client.waitForDiagnostics(uri, has)).find((d) => d.code === RULE)!;
    const actions = await client.codeActions(uri, diagnostic.range, [diagnostic]);
    const ignore = actions.find((a) => a.title === `Ignore ${RULE} for this line`);
    assert.ok(ignore, `no ignore action among ${actions.map((a) => a.title).join(', ')}`);
    const [edit] = ignore.edit!.documentChanges as TextDocumentEdit[];
    assert.deepEqual(edit!.edits, [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: `-- querylens-ignore ${RULE}\n` },
    ]);
    await client.change(uri, edit!.edits[0]!.newText, edit!.edits[0]!.range);
    await client.waitForDiagnostics(uri, (d) => !has(d));
  });

  it('reports a suppression that silences nothing, at the severity .querylens.json overrides give it, with a quick fix that removes it', async function () {
    const root = copyFixture('lsp-workspace');
    writeFileSync(
      join(root, '.querylens.json'),
      JSON.stringify({ dialect: 'postgres', overrides: [{ files: ['*.sql'], rules: { 'unused-suppression': 'warning' } }] }),
    );
    client = await TestClient.start(root);
    const uri = await client.open(join(root, 'queries.sql'), `-- querylens-ignore select-star\n${SEED}`);
    const unused = (d: Diagnostic[]) => d.find((x) => x.code === 'unused-suppression');
    const diagnostic = unused(await client.waitForDiagnostics(uri, (d) => unused(d) !== undefined && has(d)))!;
    assert.deepEqual(diagnostic.range, { start: { line: 0, character: 20 }, end: { line: 0, character: 31 } });
    assert.equal(diagnostic.severity, 2, 'warning, from the override');
    assert.equal(diagnostic.message, 'Unused suppression: select-star reports nothing on this line or the next any more. Remove "select-star" from the comment.');
    const actions = await client.codeActions(uri, diagnostic.range, [diagnostic]);
    assert.deepEqual(actions.map((a) => a.title), ['Remove the unused suppression comment']);
    const [edit] = actions[0]!.edit!.documentChanges as TextDocumentEdit[];
    assert.deepEqual(edit!.edits, [{ range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, newText: '' }]);
    await client.change(uri, '', edit!.edits[0]!.range);
    await client.waitForDiagnostics(uri, (d) => unused(d) === undefined && has(d));
  });
});
