/**
 * End-to-end tests of the built language server (dist/server.js over stdio) on
 * a temporary copy of test/fixtures/lsp-workspace: a golang-migrate project
 * whose query filters workers on two columns indexed one by one.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  CreateFile,
  FileChangeType,
  TextDocumentEdit,
  type CodeAction,
  type Diagnostic,
  type Range,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { FIX_ALL_KIND, OPEN_FILE_COMMAND } from '../../shared/protocol';
import { CONFIG_RULE_ID, docsUrl, SYNTAX_RULE_ID } from '../../shared/types';
import { buildServerOnce, copyFixture, reportFailure, TestClient, uriOf } from './client';

const RULE = 'missing-composite-index';
const SEED = "SELECT worker_id FROM workers WHERE planner_id = $1 AND task_status = 'pending';\n";

const withCode = (code: string) => (diagnostics: Diagnostic[]) => diagnostics.filter((d) => d.code === code);
const has = (code: string) => (diagnostics: Diagnostic[]) => withCode(code)(diagnostics).length > 0;
const lacks = (code: string) => (diagnostics: Diagnostic[]) => !has(code)(diagnostics);

/** The range of `from` … end of `to` on `line` of `text` (one-line statements). */
function rangeOf(text: string, from: string, to: string, line = 0): Range {
  const lineText = text.split('\n')[line]!;
  const start = lineText.indexOf(from);
  const end = lineText.indexOf(to, start) + to.length;
  assert.ok(start >= 0 && end > start, `${from}…${to} not in ${lineText}`);
  return { start: { line, character: start }, end: { line, character: end } };
}

/** Writes what a WorkspaceEdit creates or changes, as an editor applying it would; returns the files touched. */
function applyToDisk(edit: WorkspaceEdit): string[] {
  const touched: string[] = [];
  for (const change of edit.documentChanges ?? []) {
    if (CreateFile.is(change)) {
      const file = new URL(change.uri).pathname;
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, '');
      touched.push(file);
    } else if (TextDocumentEdit.is(change)) {
      const file = new URL(change.textDocument.uri).pathname;
      const text = readFileSync(file, 'utf8');
      assert.equal(text, '', 'tests only apply edits to files the edit creates');
      writeFileSync(file, change.edits.map((e) => ('newText' in e ? e.newText : '')).join(''));
    }
  }
  return touched;
}

describe('language server (built, over stdio)', function () {
  let client: TestClient;
  let root: string;
  let queriesUri: string;

  before(function () {
    this.timeout(120_000);
    buildServerOnce();
  });

  beforeEach(async function () {
    root = copyFixture('lsp-workspace');
    client = await TestClient.start(root);
    queriesUri = await client.open(join(root, 'queries.sql'), SEED);
  });

  afterEach(async function () {
    reportFailure(this, client);
    await client?.dispose();
  });

  async function compositeIndexDiagnostic(): Promise<Diagnostic> {
    const diagnostics = await client.waitForDiagnostics(queriesUri, has(RULE));
    return withCode(RULE)(diagnostics)[0]!;
  }

  it('reports missing-composite-index on the predicates, with source, code and docs link', async function () {
    const diagnostic = await compositeIndexDiagnostic();
    assert.deepEqual(diagnostic.range, rangeOf(SEED, 'planner_id =', "'pending'"));
    assert.equal(diagnostic.source, 'QueryLens');
    assert.equal(diagnostic.code, RULE);
    assert.equal(diagnostic.codeDescription?.href, docsUrl(RULE));
    assert.match(diagnostic.message, /planner_id/);
  });

  it('after incremental edits publishes what a freshly opened copy of the text gets', async function () {
    // The server reuses statement results and diagnostics across edits: moved statements must move their diagnostics.
    await compositeIndexDiagnostic();
    const edits: [Range, string][] = [
      [{ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, 'SELECT * FROM workers;\n'],
      [{ start: { line: 0, character: 6 }, end: { line: 0, character: 6 } }, '  '],
      [{ start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, 'SELECT 1; '],
    ];
    for (const [range, text] of edits) await client.change(queriesUri, text, range);
    const finalText = "SELECT   * FROM workers;\nSELECT 1; " + SEED;
    const copyUri = await client.open(join(root, 'copy.sql'), finalText);
    const expected = await client.waitForDiagnostics(copyUri, has(RULE));
    assert.ok(expected.some((d) => d.code === 'select-star' && d.range.start.character === 9));
    await client.waitForDiagnostics(queriesUri, (diagnostics) => JSON.stringify(diagnostics) === JSON.stringify(expected));
  });

  it('offers a quick fix that creates the next migration and opens it', async function () {
    const diagnostic = await compositeIndexDiagnostic();
    const actions = await client.codeActions(queriesUri, diagnostic.range, [diagnostic]);
    const fix = actions.find((a) => a.title === 'Add index on workers(planner_id, task_status) in a new migration');
    assert.ok(fix, `no index fix among ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(fix.kind, 'quickfix');
    assert.equal(fix.isPreferred, true);
    assert.deepEqual(fix.diagnostics, [diagnostic]);

    const changes = fix.edit?.documentChanges ?? [];
    const up = join(root, 'migrations');
    const creates = changes.filter(CreateFile.is).map((c) => new URL(c.uri).pathname);
    assert.ok(creates.length >= 1, 'the fix creates files');
    assert.match(creates[0]!, /\/migrations\/000002_[a-z0-9_]+\.up\.sql$/);
    assert.ok(creates[0]!.startsWith(up));
    const upEdit = changes.filter(TextDocumentEdit.is).find((e) => e.textDocument.uri === uriOf(creates[0]!));
    assert.ok(upEdit, 'the new up migration gets its content');
    assert.equal(upEdit.textDocument.version, null);
    const content = upEdit.edits.map((e) => e.newText).join('');
    assert.match(content, /CREATE INDEX CONCURRENTLY[\s\S]*workers \(planner_id, task_status\)/);
    assert.deepEqual(fix.command, { title: 'Open file', command: OPEN_FILE_COMMAND, arguments: [creates[0]] });

    assert.ok(actions.some((a) => a.title === `Ignore ${RULE} for this line`));
  });

  it('clears the diagnostic once the new migration is on disk', async function () {
    const diagnostic = await compositeIndexDiagnostic();
    const [fix] = await client.codeActions(queriesUri, diagnostic.range, [diagnostic]);
    const created = applyToDisk(fix!.edit!);
    await client.watchedFilesChanged(created.map((file) => ({ uri: uriOf(file), type: FileChangeType.Created })));
    await client.waitForDiagnostics(queriesUri, lacks(RULE));
  });

  it('re-checks open queries when a migration is edited in the editor', async function () {
    await compositeIndexDiagnostic();
    const migration = join(root, 'migrations/000001_init.up.sql');
    const text = readFileSync(migration, 'utf8');
    const migrationUri = await client.open(migration, text);
    const end = { line: text.split('\n').length - 1, character: 0 };
    await client.change(
      migrationUri,
      'CREATE INDEX workers_planner_status_idx ON workers (planner_id, task_status);\n',
      { start: end, end },
    );
    await client.waitForDiagnostics(queriesUri, lacks(RULE));
  });

  it('reports one syntax error and still checks the next statement', async function () {
    const broken = `SELEC worker_id FROM workers;\n${SEED}`;
    await client.change(queriesUri, broken);
    const diagnostics = await client.waitForDiagnostics(queriesUri, (d) => has(SYNTAX_RULE_ID)(d) && has(RULE)(d));
    const syntax = withCode(SYNTAX_RULE_ID)(diagnostics);
    assert.equal(syntax.length, 1);
    assert.equal(syntax[0]!.range.start.line, 0);
    assert.deepEqual(withCode(RULE)(diagnostics)[0]!.range, rangeOf(broken, 'planner_id =', "'pending'", 1));
  });

  it('reports a malformed .querylens.json on that file and keeps serving', async function () {
    await compositeIndexDiagnostic();
    const config = join(root, '.querylens.json');
    writeFileSync(config, '{ "dialect": ');
    await client.watchedFilesChanged([{ uri: uriOf(config), type: FileChangeType.Changed }]);
    const [problem] = await client.waitForDiagnostics(uriOf(config), has(CONFIG_RULE_ID));
    assert.equal(problem!.source, 'QueryLens');
    await client.change(queriesUri, `\n${SEED}`);
    const [moved] = withCode(RULE)(
      await client.waitForDiagnostics(queriesUri, (d) => withCode(RULE)(d)[0]?.range.start.line === 1),
    );
    assert.ok(moved);
    assert.ok(await client.hover(queriesUri, moved.range.start));

    writeFileSync(config, '{ "dialect": "postgres" }\n');
    await client.watchedFilesChanged([{ uri: uriOf(config), type: FileChangeType.Changed }]);
    await client.waitForDiagnostics(uriOf(config), (d) => d.length === 0);
  });

  it('fixes all preferred in-file problems with source.fixAll.querylens', async function () {
    const migration = join(root, 'migrations/000002_status.up.sql');
    const text = 'CREATE INDEX workers_status_planner_idx ON workers (task_status, planner_id);\n';
    writeFileSync(migration, text);
    await client.watchedFilesChanged([{ uri: uriOf(migration), type: FileChangeType.Created }]);
    const uri = await client.open(migration, text);
    const diagnostics = await client.waitForDiagnostics(uri, has('non-concurrent-index-creation'));
    const whole = { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } };
    const actions: CodeAction[] = await client.codeActions(uri, whole, diagnostics, ['source.fixAll']);
    assert.deepEqual(
      actions.map((a) => a.kind),
      [FIX_ALL_KIND],
    );
    const [edit] = actions[0]!.edit!.documentChanges! as TextDocumentEdit[];
    assert.equal(edit!.textDocument.uri, uri);
    assert.equal(edit!.textDocument.version, 1);
    assert.ok(edit!.edits.some((e) => e.newText.includes('CONCURRENTLY')));
  });

  it('fix all writes the new migrations of several findings as one chain: distinct versions', async function () {
    const file = join(root, 'more.sql');
    const text = `${SEED}SELECT planner_id FROM planners WHERE name = $1;\n`;
    writeFileSync(file, text);
    const uri = await client.open(file, text);
    const diagnostics = await client.waitForDiagnostics(uri, (d) => has(RULE)(d) && has('missing-index')(d));
    const whole = { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } };
    const [action] = await client.codeActions(uri, whole, diagnostics, ['source.fixAll']);
    const created = (action!.edit!.documentChanges ?? []).filter(CreateFile.is).map((c) => basename(new URL(c.uri).pathname));
    assert.deepEqual(created.map((f) => f.slice(0, 7)).sort(), ['000002_', '000002_', '000003_', '000003_'], created.join(', '));
    assert.ok(created.some((f) => /^00000[23]_add_index_planners_name\.up\.sql$/.test(f)), created.join(', '));
  });

  it('explains a finding on hover, with a link to the rule', async function () {
    const diagnostic = await compositeIndexDiagnostic();
    const result = await client.hover(queriesUri, diagnostic.range.start);
    assert.ok(result && typeof result.contents === 'object' && 'kind' in result.contents);
    assert.equal(result.contents.kind, 'markdown');
    assert.match(result.contents.value, /planner_id/);
    assert.ok(result.contents.value.includes(`(${docsUrl(RULE)})`));
    assert.deepEqual(result.range, diagnostic.range);
    assert.equal(await client.hover(queriesUri, { line: 1, character: 0 }), null);
  });

  it('answers querylens/analyzeWorkspace with counts', async function () {
    const counts = await client.sendRequest<{ files: number; folders: number }>('querylens/analyzeWorkspace');
    assert.equal(counts.folders, 1);
    assert.equal(counts.files, 3);
  });
});
