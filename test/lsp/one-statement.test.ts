/**
 * Issue 9, item 1 through the built language server: the Explain request on the
 * reproduction, against a database whose default (or whose URL) turns
 * standard_conforming_strings off, on a connection marked readOnly and production.
 * The plan comes back for the one SELECT the SQL core read, the table keeps every
 * row, and the server answers the next request.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { ResolvedConnection } from '../../shared/connections';
import type { ExplainResult } from '../../shared/explain';
import { ExplainRequest } from '../../shared/protocol';
import { ATTACK, legacyStringsDatabase, type LegacyStringsDatabase } from '../unit/db/fixtures';
import { buildServerOnce, copyFixture, reportFailure, TestClient } from './client';

describe('language server: the reproduction of issue 9 leaves the table whole', function () {
  this.timeout(120_000);
  let db: LegacyStringsDatabase | undefined;
  let client: TestClient;

  before(async function () {
    db = await legacyStringsDatabase(5);
    if (!db) this.skip();
    buildServerOnce();
    client = await TestClient.start(copyFixture('lsp-workspace'));
  });
  afterEach(function () {
    reportFailure(this, client);
  });
  after(async () => {
    await client?.dispose();
    await db?.drop();
  });

  for (const analyze of [false, true]) {
    for (const via of ['url', 'urlWithOptions'] as const) {
      it(`Explain${analyze ? ' Analyze' : ''} (setting off through ${via === 'url' ? 'the database' : 'the URL'})`, async () => {
        const uri = await client.open(join(client.roots[0]!, `attack-${analyze}-${via}.sql`), `-- looks like one SELECT\n${ATTACK}\n`);
        const connection: ResolvedConnection = { name: 'replica', driver: 'postgres', url: db![via], readOnly: true, production: true };
        const result = await client.sendRequest<ExplainResult>(ExplainRequest.method, { uri, position: { line: 1, character: 0 }, connection, analyze });
        assert.equal(result.sql, "SELECT 'x\\'';COMMIT;DELETE FROM victim;--' AS s");
        assert.equal(result.summary.topNode, 'Result');
        assert.equal(result.analyzed, analyze);
        assert.equal(await db!.victims(), 5);
      });
    }
  }
});
