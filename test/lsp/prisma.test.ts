/**
 * The built language server on a Prisma project without migrations
 * (test/fixtures/lsp-prisma): the bundled Prisma schema parser finds its
 * .wasm next to dist/server.js, queries are checked against schema.prisma,
 * an edit of the schema shows Prisma's error there and changes the queries'
 * findings.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver/node';
import { copyFixture, serverPerTest, TestClient } from './client';

const codes = (diagnostics: Diagnostic[]) => diagnostics.map((d) => d.code).sort();

describe('language server on a Prisma schema (built, over stdio)', function () {
  const state = serverPerTest();

  it("checks queries against the schema's models, and follows edits of the schema", async function () {
    const root = copyFixture('lsp-prisma');
    const client = (state.client = await TestClient.start(root));
    const query = join(root, 'db/queries.sql');
    const queryUri = await client.open(query, readFileSync(query, 'utf8'));
    await client.waitForDiagnostics(queryUri, (d) => codes(d).includes('missing-composite-index'));

    const schemaFile = join(root, 'prisma/schema.prisma');
    const schema = readFileSync(schemaFile, 'utf8');
    const schemaUri = await client.open(schemaFile, schema, 'prisma');
    const found = await client.waitForDiagnostics(schemaUri, (d) => codes(d).includes('unindexed-foreign-key'));
    assert.deepEqual(codes(found), ['unindexed-foreign-key']);

    // A typo: Prisma's error where Prisma points; the schema gives no table, so the query names an unknown table.
    const broken = schema.replace('taskStatus String ', 'taskStatus Strin ');
    await client.change(schemaUri, broken);
    const errors = await client.waitForDiagnostics(schemaUri, (d) => codes(d).includes('syntax-error'));
    assert.deepEqual(
      errors.map((d) => [d.code, d.message, d.range.start.line, d.range.start.character, d.range.end.character]),
      [['syntax-error', 'Prisma schema: Type "Strin" is neither a built-in type, nor refers to another model, composite type, or enum.', 13, 13, 18]],
    );
    await client.waitForDiagnostics(queryUri, (d) => !codes(d).includes('missing-composite-index'));

    // The index the query wants, in the model: the schema is whole again and the query is served.
    await client.change(schemaUri, schema.replace('  @@map("workers")\n', '  @@map("workers")\n  @@index([plannerId, taskStatus])\n'));
    await client.waitForDiagnostics(schemaUri, (d) => d.length === 0);
    const after = await client.waitForDiagnostics(queryUri, (d) => !codes(d).includes('missing-composite-index'));
    assert.deepEqual(codes(after), []);
  });
});
