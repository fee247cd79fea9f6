/**
 * The open file is not kept waiting for the workspace: while the server
 * indexes the folder in the background (held here by the test hook
 * ReleaseIndexingNotification), the open file gets what its own text says
 * (syntax errors); findings that read the catalog follow once it is complete.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver/node';
import { ReleaseIndexingNotification } from '../../shared/protocol';
import { SYNTAX_RULE_ID } from '../../shared/types';
import { copyFixture, serverPerTest, TestClient } from './client';

const TEXT = 'SELECT planner_id FROM planners WHERE name = $1;\nSELEC 1;\n';
const HOLD = { env: { [ReleaseIndexingNotification.HOLD_ENV]: '1' }, indexed: false };

const summary = (diagnostics: Diagnostic[]) => diagnostics.map((d) => ({ code: d.code, range: d.range }));

describe('language server: the open file before the workspace', function () {
  this.timeout(60_000);
  const state = serverPerTest();

  it('publishes the open file’s syntax errors while indexing, the catalog’s findings after', async function () {
    const root = copyFixture('lsp-workspace');
    const client = (state.client = await TestClient.start(root, {}, HOLD));
    const file = join(root, 'open.sql');
    writeFileSync(file, TEXT);
    const uri = await client.open(file, TEXT);

    const syntaxError = { code: SYNTAX_RULE_ID, range: { start: { line: 1, character: 0 }, end: { line: 1, character: 5 } } };
    const during = await client.waitForDiagnostics(uri, (d) => d.length > 0);
    assert.deepEqual(summary(during), [syntaxError]);
    assert.ok(!client.statuses.some((s) => s.state !== 'indexing'), 'published before the indexing ended');

    await client.releaseIndexing();
    await client.indexed();
    const after = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'missing-index'));
    assert.deepEqual(summary(after), [
      { code: 'unpaginated-query', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 31 } } },
      { code: 'missing-index', range: { start: { line: 0, character: 38 }, end: { line: 0, character: 47 } } },
      syntaxError,
    ]);
    assert.equal(client.progress[0], 'begin: Indexing SQL files');
    assert.match(client.progress.at(-2) ?? '', /^report: Indexing folder0: (\d+)\/\1 files$/);
    assert.equal(client.progress.at(-1), 'end');
  });

  it('reads a folder nested in another (multi-root) once: the outer folder leaves its files to it', async function () {
    const root = copyFixture('lsp-workspace');
    const inner = join(root, 'inner');
    mkdirSync(inner);
    writeFileSync(join(inner, 'report.sql'), 'SELECT planner_id FROM planners;\n');
    const client = (state.client = await TestClient.start([root, inner]));
    // queries.sql and the two migrations in the outer folder, report.sql in the inner one: four, not five.
    assert.equal(client.statuses.at(-1)?.state, 'ready');
    assert.equal(client.statuses.at(-1)?.fileCount, 4);
  });
});
