/**
 * The open file is not kept waiting for the workspace: while the server
 * indexes the folder in the background (held here by the test hook
 * ReleaseIndexingNotification), the open file gets what its own text says
 * (syntax errors); findings that read the catalog follow once it is complete.
 * On a later start, the schema the disk state holds (`.querylens/cache/`,
 * written once the folder is indexed) is the catalog while no file it was
 * read from changed: the open file then gets every finding without waiting
 * for the indexing, the same as after it; a stale one is not used. The
 * findings it recorded of the open file's text are shown before that file is
 * analysed again (and nothing before them).
 */
import { strict as assert } from 'node:assert';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FileChangeType } from 'vscode-languageserver/node';
import type { Diagnostic } from 'vscode-languageserver/node';
import { ReleaseIndexingNotification } from '../../shared/protocol';
import { SYNTAX_RULE_ID, type Finding } from '../../shared/types';
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

  const syntaxError = { code: SYNTAX_RULE_ID, range: { start: { line: 1, character: 0 }, end: { line: 1, character: 5 } } };
  const unpaginated = { code: 'unpaginated-query', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 31 } } };
  const missingIndex = { code: 'missing-index', range: { start: { line: 0, character: 38 }, end: { line: 0, character: 47 } } };

  /** A folder a first server indexed (and wrote its disk state for) with `open.sql` open, and that file; `more` files in it too. */
  async function indexedOnce(more: Record<string, string> = {}): Promise<{ root: string; file: string }> {
    const root = copyFixture('lsp-workspace');
    const file = join(root, 'open.sql');
    writeFileSync(file, TEXT);
    for (const [name, text] of Object.entries(more)) writeFileSync(join(root, name), text);
    const first = (state.client = await TestClient.start(root));
    const uri = await first.open(file, TEXT);
    assert.deepEqual(summary(await first.waitForDiagnostics(uri, (d) => d.length > 1)), [unpaginated, missingIndex, syntaxError]);
    // Shutdown answers once the write after indexing is done (the client ends the process then): nothing half-written is left.
    await first.dispose({ keepFolders: true });
    assert.deepEqual(readdirSync(join(root, '.querylens/cache')).sort(), ['.gitignore', 'check.json']);
    return { root, file };
  }

  it('answers shutdown once the disk state written after indexing is on disk (the client ends the process then)', async function () {
    const root = copyFixture('lsp-workspace');
    const file = join(root, 'open.sql');
    writeFileSync(file, TEXT);
    const env = { ...HOLD.env, [ReleaseIndexingNotification.DISK_WRITE_DELAY_ENV]: '2000' };
    const client = (state.client = await TestClient.start(root, {}, { env, indexed: false }));
    const uri = await client.open(file, TEXT);
    await client.releaseIndexing();
    await client.waitForDiagnostics(uri, (d) => d.length > 1); // indexed; its write waits 2 s
    // Left unsaved: shutdown's own write has nothing new to record (the next start reads the saved text), so only the first write holds the workspace.
    await client.change(uri, `${TEXT}-- unsaved\n`);
    await client.waitForDiagnostics(uri, () => client.diagnosticsVersions.get(uri) === 2);
    await client.dispose({ keepFolders: true });
    assert.deepEqual(readdirSync(join(root, '.querylens/cache')).sort(), ['.gitignore', 'check.json']);
    const written = JSON.parse(readFileSync(join(root, '.querylens/cache/check.json'), 'utf8'));
    assert.deepEqual(Object.keys(written.files).sort(), ['migrations/000001_init.down.sql', 'migrations/000001_init.up.sql', 'open.sql', 'queries.sql']);
  });

  it('on a later start, gives the open file every finding from the disk state while the indexing is held, the same after it', async function () {
    const { root, file } = await indexedOnce();
    const client = (state.client = await TestClient.start(root, {}, HOLD));
    const uri = await client.open(file, TEXT);
    // (Its syntax error may come first, from before the folder is read: the disk state is read with it.)
    const early = await client.waitForDiagnostics(uri, (d) => d.length > 1);
    assert.deepEqual(summary(early), [unpaginated, missingIndex, syntaxError]);

    await client.releaseIndexing();
    await client.indexed();
    await client.change(uri, TEXT); // the same text again: published once more, from the indexed workspace
    const after = await client.waitForDiagnostics(uri, () => client.diagnosticsVersions.get(uri) === 2);
    assert.deepEqual(summary(after), summary(early));
  });

  /** Marks the findings the disk state recorded of open.sql (`recorded: …`), to tell them from an analysis's; `edit` changes the rest of it. Returns them. */
  function markRecorded(root: string, edit?: (content: { catalog: string }) => void): Finding[] {
    const cacheFile = join(root, '.querylens/cache/check.json');
    const content = JSON.parse(readFileSync(cacheFile, 'utf8'));
    const recorded: Finding[] = content.files['open.sql'].findings;
    for (const finding of recorded) finding.message = `recorded: ${finding.message}`;
    edit?.(content);
    writeFileSync(cacheFile, JSON.stringify(content));
    return recorded;
  }

  /** Opens `file` on a new server and asserts that its first publication is the recorded findings, its last the same from its analysis. */
  async function recordedFirst(root: string, file: string): Promise<void> {
    const client = (state.client = await TestClient.start(root, {}, HOLD));
    const uri = await client.open(file, TEXT);
    await client.waitForDiagnostics(uri, (d) => d.length > 0 && !d[0].message.startsWith('recorded: '));
    const published = client.published.filter((p) => p.uri === uri).map((p) => p.diagnostics);
    assert.deepEqual(summary(published[0]), [unpaginated, missingIndex, syntaxError]);
    assert.ok(published[0].every((d) => d.message.startsWith('recorded: ')));
    assert.deepEqual(summary(published.at(-1)!), summary(published[0]));
    assert.ok(published.at(-1)!.every((d) => !d.message.startsWith('recorded: ')));
  }

  it('on a later start, shows the findings the disk state recorded of the open file’s text first (nothing before them), then its analysis’s', async function () {
    const { root, file } = await indexedOnce({ 'app.py': 'def hello():\n    return 1\n' });
    const recorded = markRecorded(root);
    assert.deepEqual(
      recorded.map((finding) => finding.ruleId),
      ['unpaginated-query', 'missing-index', SYNTAX_RULE_ID],
    );
    assert.ok(recorded.every((finding) => finding.fixes.length === 0), 'recorded without their fixes');
    // Code that tells the other files nothing changed since: not every file is as recorded, but the schema is, and the open file.
    appendFileSync(join(root, 'app.py'), 'print(hello())\n');
    await recordedFirst(root, file);
  });

  it('on a later start with every file as the disk state recorded it, shows the findings it recorded of the open file before the folder is read', async function () {
    const { root, file } = await indexedOnce();
    // A catalog signature no workspace has: the workspace built from the files does not take the recorded findings.
    markRecorded(root, (content) => (content.catalog = 'another'));
    await recordedFirst(root, file);
  });

  it('an open file left edited (unsaved) at shutdown: the next start still shows the findings recorded of its saved text first', async function () {
    const { root, file } = await indexedOnce();
    const second = (state.client = await TestClient.start(root));
    const opened = await second.open(file, TEXT);
    await second.change(opened, `${TEXT}SELEC 2;\n`);
    await second.waitForDiagnostics(opened, (d) => d.length === 4);
    await second.dispose({ keepFolders: true });

    const client = (state.client = await TestClient.start(root, {}, HOLD));
    const uri = await client.open(file, TEXT);
    await client.waitForDiagnostics(uri, (d) => d.length > 0);
    assert.deepEqual(summary(client.published.find((p) => p.uri === uri)!.diagnostics), [unpaginated, missingIndex, syntaxError]);
  });

  it('on a later start with the open file edited since, shows its syntax errors first, as on a first start', async function () {
    const { root, file } = await indexedOnce();
    const client = (state.client = await TestClient.start(root, {}, HOLD));
    const edited = `${TEXT}SELEC 2;\n`;
    const uri = await client.open(file, edited);
    const first = await client.waitForDiagnostics(uri, (d) => d.length > 0);
    assert.deepEqual(summary(first), [syntaxError, { code: SYNTAX_RULE_ID, range: { start: { line: 2, character: 0 }, end: { line: 2, character: 5 } } }]);
  });

  it('does not write again the findings a disk state recorded once a migration changed during the session: the next start does not show them', async function () {
    const { root, file } = await indexedOnce();
    const migration = join(root, 'migrations/000001_init.up.sql');
    const second = (state.client = await TestClient.start(root));
    appendFileSync(migration, '\nCREATE INDEX planners_name_idx ON planners (name);\n');
    await second.watchedFilesChanged([{ uri: pathToFileURL(migration).href, type: FileChangeType.Changed }]);
    // Opened and closed again: its findings against the new catalog are not the open documents' when the server shuts down.
    const opened = await second.open(file, TEXT);
    await second.waitForDiagnostics(opened, (d) => d.length === 2);
    await second.close(opened);
    // Another file open at shutdown, whose findings the disk state is written with then.
    const queries = await second.open(join(root, 'queries.sql'), readFileSync(join(root, 'queries.sql'), 'utf8'));
    await second.waitForDiagnostics(queries, () => true);
    await second.dispose({ keepFolders: true });

    const client = (state.client = await TestClient.start(root, {}, HOLD));
    const uri = await client.open(file, TEXT);
    await client.waitForDiagnostics(uri, (d) => d.length === 2);
    assert.deepEqual(summary(client.diagnostics.get(uri)!), [unpaginated, syntaxError]);
    assert.ok(!client.published.some((p) => p.uri === uri && p.diagnostics.some((d) => d.code === 'missing-index')), 'no missing index shown');
  });

  it('does not take a disk state a migration changed since: syntax errors only until the folder is indexed again', async function () {
    const { root, file } = await indexedOnce();
    appendFileSync(join(root, 'migrations/000001_init.up.sql'), '\nCREATE INDEX planners_name_idx ON planners (name);\n');
    const client = (state.client = await TestClient.start(root, {}, HOLD));
    const uri = await client.open(file, TEXT);
    assert.deepEqual(summary(await client.waitForDiagnostics(uri, (d) => d.length > 0)), [syntaxError]);

    await client.releaseIndexing();
    await client.indexed();
    // The index the migration now creates: no missing-index, as a first start would say.
    assert.deepEqual(summary(await client.waitForDiagnostics(uri, (d) => d.length > 1)), [unpaginated, syntaxError]);
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
