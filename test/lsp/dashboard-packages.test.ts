/**
 * The dashboard's migration action on a workspace of two packages of two
 * engines (issue 10, scope): a PostgreSQL crate and a SQLite crate. Applying
 * the SQLite crate's migrations on the embedded connection runs them on a
 * SQLite shadow of that crate's schema, not on a PostgreSQL one of the whole
 * workspace (where `AUTOINCREMENT` is a syntax error).
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ResolvedConnection } from '../../shared/connections';
import type { MigrationActionResult } from '../../shared/dashboard';
import { MigrationActionRequest } from '../../shared/protocol';
import { buildServerOnce, reportFailure, TestClient } from './client';

const EMBEDDED: ResolvedConnection = { name: 'embedded', driver: 'embedded', rowsPerTable: 10 };

const FILES: Record<string, string> = {
  'Cargo.toml': '[workspace]\nmembers = ["api", "desktop"]\n',
  'api/Cargo.toml': '[package]\nname = "api"\nversion = "0.1.0"\n\n[dependencies]\nsqlx = { version = "0.8", features = ["postgres"] }\n',
  'api/migrations/20240101000000_accounts.sql': 'CREATE TABLE accounts (id BIGSERIAL PRIMARY KEY, profile JSONB NOT NULL);\n',
  'api/migrations/20240102000000_sessions.sql': 'CREATE TABLE sessions (id BIGSERIAL PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts (id), data JSONB);\n',
  'desktop/Cargo.toml': '[package]\nname = "desktop"\nversion = "0.1.0"\n\n[dependencies]\nsqlx = { version = "0.8", features = ["sqlite"] }\n',
  'desktop/migrations/20240101000000_drafts.sql': 'CREATE TABLE IF NOT EXISTS drafts (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL);\n',
};

describe('language server: dashboard migration action per package', function () {
  this.timeout(120_000);
  let client: TestClient;
  let root: string;

  before(async function () {
    buildServerOnce();
    root = mkdtempSync(join(tmpdir(), 'querylens-two-engines-'));
    for (const [file, text] of Object.entries(FILES)) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    }
    client = await TestClient.start(root);
  });

  after(async function () {
    if (this.currentTest) reportFailure(this.currentTest.ctx!, client);
    await client?.dispose();
  });

  it("applies the SQLite crate's migrations on a SQLite shadow of that crate", async function () {
    const result = await client.sendRequest<MigrationActionResult>(MigrationActionRequest.method, { connection: EMBEDDED, dir: join(root, 'desktop/migrations'), action: 'apply' });
    assert.equal(result.action, 'apply');
    assert.deepEqual(result.versions, ['20240101000000']);
  });
});
