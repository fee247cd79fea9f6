/**
 * The built language server under input that used to stall it (issue 9): a
 * burst of edits, a file too large to analyse as you type, config files that
 * are no config. Every test waits for events; none measures time.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver/node';
import { CONFIG_RULE_ID } from '../../shared/types';
import { serverPerTest, TestClient } from './client';

const QUERY = "SELECT * FROM projects WHERE name = 'x';\n";
/** Where `%` goes in and out during the burst: inside the literal, after `'`. */
const PERCENT_AT = { line: 0, character: QUERY.indexOf("'x'") + 1 };
/** Enough statements after the edited one that analysing every version of the burst would take long. */
const BODY = Array.from({ length: 2000 }, (_, i) => `SELECT id, name FROM projects WHERE id = ${i} LIMIT 1;\n`).join('');

function workspace(files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'querylens-input-safety-'));
  writeFileSync(join(root, '.querylens.json'), '{ "dialect": "postgres" }');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  return root;
}

const summary = (diagnostics: Diagnostic[]) => diagnostics.map((d) => ({ code: d.code, range: d.range, message: d.message }));

describe('language server under hostile input (built, over stdio)', function () {
  const server = serverPerTest();
  /** Folders no server is started on (the server's dispose removes its own). */
  const foldersOutside: string[] = [];
  after(() => foldersOutside.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('answers a hover right after a burst of 1,000 edits, and publishes the last version as a fresh copy of its text gets it', async function () {
    const root = workspace();
    const client = (server.client = await TestClient.start(root));
    const uri = await client.open(join(root, 'typed.sql'), QUERY + BODY);
    await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'select-star'));
    // 999 edits type and delete `%` in turn; the last turns `=` into LIKE with the `%` in place.
    let text = QUERY + BODY;
    for (let i = 0; i < 999; i++) {
      const typing = i % 2 === 0;
      const end = typing ? PERCENT_AT : { line: 0, character: PERCENT_AT.character + 1 };
      await client.change(uri, typing ? '%' : '', { start: PERCENT_AT, end });
      text = typing ? text.slice(0, PERCENT_AT.character) + '%' + text.slice(PERCENT_AT.character) : text.slice(0, PERCENT_AT.character) + text.slice(PERCENT_AT.character + 1);
    }
    const equals = text.indexOf('=');
    await client.change(uri, 'LIKE', { start: { line: 0, character: equals }, end: { line: 0, character: equals + 1 } });
    text = text.slice(0, equals) + 'LIKE' + text.slice(equals + 1);
    assert.equal(text, "SELECT * FROM projects WHERE name LIKE '%x';\n" + BODY);

    const hover = await client.hover(uri, { line: 0, character: 7 });
    assert.match(JSON.stringify(hover?.contents), /QueryLens: select-star/);

    const lastVersion = client.versionOf(uri);
    assert.equal(lastVersion, 1001);
    const final = await client.waitForDiagnostics(uri, () => client.diagnosticsVersions.get(uri) === lastVersion);
    const freshUri = await client.open(join(root, 'fresh.sql'), text);
    const fresh = await client.waitForDiagnostics(freshUri, (d) => d.length > 0);
    assert.deepEqual(summary(final), summary(fresh));
    assert.deepEqual(final.slice(0, 2).map((d) => d.code), ['select-star', 'leading-wildcard-like']);
  });

  it('stops analysing a large document once a newer version comes: the stale version is never published, and a hover answers on the newest', async function () {
    this.timeout(120_000);
    // 800 KB of distinct statements: seconds of analysis, well under querylens.maxFileSizeKb.
    const body = Array.from({ length: 15_000 }, (_, i) => `SELECT id, name FROM projects WHERE id = ${i} LIMIT 1;\n`).join('');
    assert.ok(body.length > 800_000 && body.length < 1024 * 1024);
    const root = workspace();
    const client = (server.client = await TestClient.start(root, { debounceMs: 0 }));
    const uri = await client.open(join(root, 'large.sql'), QUERY + body);
    // Read after the open: the analysis of version 1 is under way (or about to start) once this is answered.
    const smallUri = await client.open(join(root, 'small.sql'), QUERY);
    assert.match(JSON.stringify((await client.hover(smallUri, { line: 0, character: 7 }))?.contents), /QueryLens: select-star/);

    // Version 2 turns `= 'x'` into `LIKE '%x'`; the hover asks about the LIKE right after.
    const equals = QUERY.indexOf('=');
    await client.change(uri, "LIKE '%x'", { start: { line: 0, character: equals }, end: { line: 0, character: QUERY.indexOf(';') } });
    const hover = await client.hover(uri, { line: 0, character: equals });
    assert.match(JSON.stringify(hover?.contents), /QueryLens: leading-wildcard-like/);
    assert.deepEqual(client.published.filter((p) => p.uri === uri && p.version === 1), [], 'version 1 was not published before the hover answered');

    const final = await client.waitForDiagnostics(uri, () => client.diagnosticsVersions.get(uri) === 2);
    assert.deepEqual(client.published.filter((p) => p.uri === uri).map((p) => p.version), [2], 'only the newest version is published');
    const line0 = (start: number, end: number) => ({ start: { line: 0, character: start }, end: { line: 0, character: end } });
    assert.deepEqual(summary(final), [
      {
        code: 'select-star',
        range: line0(7, 8),
        message: 'SELECT * reads and sends every column, including ones added later, and rules out index-only scans. List the columns you need.',
      },
      {
        code: 'leading-wildcard-like',
        range: line0(29, 43),
        message:
          "projects.name LIKE '%x' starts with a wildcard, so no B-tree index can serve it: every call scans projects. Add a trigram index: CREATE INDEX ... USING gin (name gin_trgm_ops) (needs the pg_trgm extension).",
      },
    ]);
  });

  it('shows one notice on a 20 MB file, computes no CodeLenses for it, and still answers a hover on another file', async function () {
    this.timeout(60_000);
    const line = "SELECT * FROM projects WHERE name LIKE '%x';\n";
    const big = line.repeat(Math.ceil((20 * 1024 * 1024) / line.length));
    const root = workspace();
    const client = (server.client = await TestClient.start(root));
    const bigUri = await client.open(join(root, 'dump.sql'), big);
    const smallUri = await client.open(join(root, 'small.sql'), QUERY);
    const hover = await client.hover(smallUri, { line: 0, character: 7 });
    assert.match(JSON.stringify(hover?.contents), /QueryLens: select-star/);

    const notice = await client.waitForDiagnostics(bigUri, (d) => d.length > 0);
    assert.deepEqual(notice, [
      {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: line.length - 1 } },
        severity: 3,
        source: 'QueryLens',
        code: 'file-too-large',
        message:
          'This file is too large to analyse as you type (20 MB; querylens.maxFileSizeKb is 1024 KB): QueryLens shows no problems or CodeLenses for it. Raise the setting, or run `querylens check` on it.',
      },
    ]);
    assert.deepEqual(await client.codeLenses(bigUri), []);
    assert.equal((await client.codeLenses(smallUri))?.length, 3);
  });

  it('analyses a file up to querylens.maxFileSizeKb, and shows the notice once an edit takes it over', async function () {
    const root = workspace();
    const client = (server.client = await TestClient.start(root, { maxFileSizeKb: 1 }));
    const text = QUERY + '-- padding\n'.repeat(Math.floor((1024 - QUERY.length) / 11));
    assert.ok(text.length <= 1024);
    const uri = await client.open(join(root, 'edge.sql'), text);
    await client.waitForDiagnostics(uri, (d) => d.length === 1 && d[0]!.code === 'select-star');
    await client.change(uri, '-- one line more\n', { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } });
    const after = await client.waitForDiagnostics(uri, (d) => d.length === 1 && d[0]!.code === 'file-too-large');
    assert.match(after[0]!.message, /^This file is too large to analyse as you type \(1 KB; querylens.maxFileSizeKb is 1 KB\)/);
  });

  it('reports a config nested 5,000 levels deep on that file, and still checks the folder', async function () {
    const root = workspace({ 'q.sql': QUERY });
    writeFileSync(join(root, '.querylens.json'), '{"a":'.repeat(5000) + '1' + '}'.repeat(5000));
    const client = (server.client = await TestClient.start(root));
    const configUri = new URL(`file://${join(root, '.querylens.json')}`).href;
    const problems = await client.waitForDiagnostics(configUri, (d) => d.length > 0);
    assert.deepEqual(problems.map((d) => [d.code, d.message]), [[CONFIG_RULE_ID, 'The config nests objects and arrays more than 64 levels deep; QueryLens reads none of it.']]);
    const uri = await client.open(join(root, 'q.sql'), QUERY);
    await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'select-star'));
  });

  it('refuses a .querylens.json linked to /dev/zero, and a configFile setting outside the folder, and keeps serving', async function () {
    const root = workspace({ 'q.sql': QUERY });
    const outside = workspace();
    foldersOutside.push(outside);
    writeFileSync(join(outside, 'shared.json'), '{ "rules": { "select-star": "off" } }');
    symlinkSync('/dev/zero', join(root, 'zero.json'));
    const client = (server.client = await TestClient.start([root], { configFile: 'zero.json' }));
    const zeroUri = new URL(`file://${join(root, 'zero.json')}`).href;
    const problems = await client.waitForDiagnostics(zeroUri, (d) => d.length > 0);
    assert.match(problems[0]!.message, /^Cannot read config file .*zero\.json: it is outside the folder .* \(it leads to \/dev\/zero\); QueryLens reads only files inside the folder\.$/);
    const uri = await client.open(join(root, 'q.sql'), QUERY);
    await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'select-star'));

    await client.configure({ configFile: join('..', outside.split('/').pop()!, 'shared.json') });
    const sharedUri = new URL(`file://${join(outside, 'shared.json')}`).href;
    const refused = await client.waitForDiagnostics(sharedUri, (d) => d.length > 0);
    assert.match(refused[0]!.message, /: it is outside the folder .*; QueryLens reads only files inside the folder\.$/);
    // The rule the outside file turns off is still on: nothing of it was read.
    await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'select-star'));
  });

  it('shows an include glob that matches no file, and one that does not parse, on .querylens.json', async function () {
    const root = workspace({ 'q.sql': QUERY });
    writeFileSync(join(root, '.querylens.json'), '{ "include": ["querys/**", "q.sql", "[x"] }');
    const client = (server.client = await TestClient.start(root));
    const configUri = new URL(`file://${join(root, '.querylens.json')}`).href;
    const problems = await client.waitForDiagnostics(configUri, (d) => d.length > 0);
    assert.deepEqual(
      problems.map((d) => [d.severity, d.range, d.message]),
      [
        [1, { start: { line: 0, character: 36 }, end: { line: 0, character: 40 } }, 'Invalid glob "[x" in "include": its "[" is never closed (a backslash before a bracket matches the character itself).'],
        [2, { start: { line: 0, character: 14 }, end: { line: 0, character: 25 } }, 'The "include" glob "querys/**" matches no file QueryLens analyses (after "exclude" and .gitignore): nothing is checked for it.'],
      ],
    );
  });
});
