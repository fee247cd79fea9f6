/**
 * The built language server leaves out a publish of the diagnostics the editor shows already: the
 * same ones, after edits that moved none of them (ShownDiagnostics). Every test waits for events.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver/node';
import { serverPerTest, TestClient } from './client';

const TEXT = 'CREATE TABLE projects (id BIGINT PRIMARY KEY, name TEXT NOT NULL);\nSELECT * FROM projects;\n-- note\n';
const at = (line: number, character: number) => ({ line, character });
const summary = (diagnostics: Diagnostic[]) => diagnostics.map((d) => `${d.code} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`);

describe('language server: publishes left out (built, over stdio)', function () {
  const server = serverPerTest();

  it('publishes an edit that moved no diagnostic only when they change, and one at a diagnostic’s edge or before it again', async function () {
    const root = mkdtempSync(join(tmpdir(), 'querylens-shown-'));
    writeFileSync(join(root, '.querylens.json'), '{ "dialect": "postgres" }');
    const client = (server.client = await TestClient.start(root, { debounceMs: 0 }));
    const uri = await client.open(join(root, 'typed.sql'), TEXT);
    const first = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'select-star'));
    assert.deepEqual(summary(first), ['unpaginated-query 1:0-1:22', 'select-star 1:7-1:8']);
    const versionsOf = () => client.published.filter((p) => p.uri === uri).map((p) => p.version);
    /** Two hovers answered one after the other: a publish of the version analysed before the first answer is written before the second. */
    const analysed = async () => {
      await client.hover(uri, at(1, 7));
      await client.hover(uri, at(1, 7));
    };

    // A space typed in the comment after the query: nothing moved, the same diagnostics, no publish.
    await client.change(uri, ' ', { start: at(2, 7), end: at(2, 7) });
    await analysed();
    assert.deepEqual(versionsOf(), [1]);

    // A space typed where the query's diagnostic ends: the editor may grow it or not, so the same diagnostics go again.
    await client.change(uri, ' ', { start: at(1, 22), end: at(1, 22) });
    const edge = await client.waitForDiagnostics(uri, () => client.diagnosticsVersions.get(uri) === 3);
    assert.deepEqual(summary(edge), summary(first));

    // A space before the query: its diagnostics move, and are published where they are now.
    await client.change(uri, ' ', { start: at(1, 0), end: at(1, 0) });
    const moved = await client.waitForDiagnostics(uri, () => client.diagnosticsVersions.get(uri) === 4);
    assert.deepEqual(summary(moved), ['unpaginated-query 1:1-1:23', 'select-star 1:8-1:9']);

    // A line break before the query: a later line moves too.
    await client.change(uri, '\n', { start: at(0, 0), end: at(0, 0) });
    const down = await client.waitForDiagnostics(uri, () => client.diagnosticsVersions.get(uri) === 5);
    assert.deepEqual(summary(down), ['unpaginated-query 2:1-2:23', 'select-star 2:8-2:9']);

    // The query's LIMIT: the diagnostics change, and are published.
    await client.change(uri, ' LIMIT 10', { start: at(2, 23), end: at(2, 23) });
    const limited = await client.waitForDiagnostics(uri, () => client.diagnosticsVersions.get(uri) === 6);
    assert.deepEqual(summary(limited), ['select-star 2:8-2:9']);
    assert.deepEqual(versionsOf(), [1, 3, 4, 5, 6]);
  });
});
