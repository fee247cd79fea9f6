/**
 * What code counts (issue 10, cause 3): tests, fixtures and vendored code are
 * not the product and are left out unless `includeTests` asks for them.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Severity } from '../../../shared/types';
import { listWorkspaceFiles } from '../../../server/src/core/config/files';
import { analyzeFile } from '../../../server/src/core/engine/analysis';
import { LineIndex } from '../../../server/src/core/engine/lineIndex';
import { migrationPositionOf } from '../../../server/src/core/migrations/detect';
import { isTestPath } from '../../../server/src/core/config/scope';
import { defaultConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';
import { useWorkspaces } from '../migrations/workspace';

const SCHEMA = 'CREATE TABLE parcels (id bigint PRIMARY KEY, courier text NOT NULL, weight int);\n';
const BAD_QUERY = 'SELECT id FROM parcels WHERE courier = $1 LIMIT 50;\n';

const RUST = `use sqlx::PgPool;

pub async fn by_courier(pool: &PgPool, c: &str) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar("SELECT id FROM parcels WHERE weight = $1 LIMIT 50").bind(c).fetch_all(pool).await
}

#[cfg(test)]
mod tests {
    #[sqlx::test]
    async fn lists(pool: sqlx::PgPool) {
        sqlx::query("SELECT id FROM parcels WHERE courier = $1 LIMIT 50").bind("x").fetch_all(&pool).await.unwrap();
    }
}

#[tokio::test]
async fn loose_test() {
    let pool = sqlx::PgPool::connect("").await.unwrap();
    sqlx::query("SELECT id FROM parcels WHERE courier = $1 LIMIT 50").bind("y").fetch_all(&pool).await.unwrap();
}
`;

describe('scope: tests, fixtures and vendored code', () => {
  const makeWorkspace = useWorkspaces();
  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  it('recognises test, fixture and vendored paths, and leaves product paths alone', () => {
    const tests = ['tests/q.sql', 'server/test/a.py', 'pkg/test_orders.py', 'pkg/orders_test.py', 'src/db_test.rs', 'src/db/tests.rs', 'web/__tests__/q.sql',
      'web/orders.spec.ts', 'web/orders.test.ts', 'conftest.py', 'db/fixtures/seed.sql', 'go/testdata/x.sql', 'vendor/lib/q.sql', 'third_party/q.sql',
      'assets/Packages/SQL/syntax_test_sql.sql'];
    const product = ['src/contest_utils.rs', 'app/latest.py', 'db/migrations/001_init.sql', 'src/attestation.rs', 'protests/q.sql', 'app/tester.py', 'app/ab_test_service.py', 'sql/load-test-report.sql'];
    assert.deepEqual(tests.filter((p) => !isTestPath(p)), []);
    assert.deepEqual(product.filter(isTestPath), []);
  });

  it('the scan leaves out tests, fixtures and vendored files unless includeTests', async () => {
    const { root } = makeWorkspace({
      'app/orders.py': '',
      'app/test_orders.py': '',
      'tests/q.sql': '',
      'db/fixtures/seed.sql': '',
      'vendor/v.sql': '',
      'queries/report.sql': '',
    });
    const rel = (files: string[]) => files.map((f) => path.relative(root, f).split(path.sep).join('/'));
    assert.deepEqual(rel(await listWorkspaceFiles(root, { include: [], exclude: [] })), ['app/orders.py', 'queries/report.sql']);
    assert.deepEqual(rel(await listWorkspaceFiles(root, { include: [], exclude: [], includeTests: true })), [
      'app/orders.py',
      'app/test_orders.py',
      'db/fixtures/seed.sql',
      'queries/report.sql',
      'tests/q.sql',
      'vendor/v.sql',
    ]);
  });

  it('a bad query in a test file is not reported by default, and is with includeTests', async () => {
    const files = { 'schema.sql': SCHEMA, 'tests/report.sql': BAD_QUERY, 'queries/report.sql': BAD_QUERY };
    const { root } = makeWorkspace(files);
    const findings = async (includeTests?: boolean) => {
      const ws = await Workspace.create({ root, config: { ...defaultConfig(), includeTests } });
      return ws.files().flatMap((f) => ws.analyze(f).map((x) => `${path.relative(root, f)}:${x.range.start.line}:${x.ruleId}`));
    };
    assert.deepEqual(await findings(), ['queries/report.sql:0:missing-index']);
    assert.deepEqual(await findings(true), ['queries/report.sql:0:missing-index', 'tests/report.sql:0:missing-index']);
    const ws = await Workspace.create({ root, config: defaultConfig() });
    assert.equal(ws.includes(path.join(root, 'tests', 'new.sql')), false);
    assert.equal(ws.includes(path.join(root, 'queries', 'new.sql')), true);
  });

  it('a query in a shipped data migration gets no query rule; in one not shipped yet it does', () => {
    const files = {
      'db/migrations/001_parcels.sql': SCHEMA,
      'db/migrations/002_backfill.sql': "UPDATE parcels SET weight = 0 WHERE courier = 'retired';\n",
    };
    const ws = Workspace.fromFiles({ root: '/m', config: defaultConfig() }, files);
    const file = '/m/db/migrations/002_backfill.sql';
    const run = (shipped: boolean) => {
      const position = migrationPositionOf(ws.migrationSets(), file)!;
      const text = ws.textOf(file)!;
      const input = {
        file, text, dialect: ws.dialectOf(file), document: ws.document(file)!, lines: new LineIndex(text), catalog: ws.catalogFor(file),
        migration: { ...position, order: 1, shipped }, migrations: ws.migrationSets(), schemaVersion: 0, layoutVersion: 0,
      };
      const host = { severityFor: (_id: string, fallback: Severity) => fallback, textOf: (f: string) => ws.textOf(f), onError: (m: string) => assert.fail(m), migrationFixes: new Map(), isShipped: () => shipped };
      return analyzeFile(input, host).map((f) => `${f.ruleId}@${f.range.start.line}`);
    };
    assert.deepEqual(run(false), ['missing-index@0']);
    assert.deepEqual(run(true), []);
  });

  it('queries in #[cfg(test)] modules and #[test] functions are left out of a Rust file unless includeTests', () => {
    const findings = (includeTests?: boolean) => {
      const ws = Workspace.fromFiles({ root: '/crate', config: { ...defaultConfig(), includeTests } }, { 'schema.sql': SCHEMA, 'src/store.rs': RUST });
      const text = RUST;
      return ws.analyze('/crate/src/store.rs').map((f) => `${f.ruleId} ${text.split('\n')[f.range.start.line]!.trim().slice(0, 40)}`);
    };
    assert.deepEqual(findings(), ['missing-index sqlx::query_scalar("SELECT id FROM parce']);
    assert.deepEqual(findings(true), [
      'missing-index sqlx::query_scalar("SELECT id FROM parce',
      'missing-index sqlx::query("SELECT id FROM parcels WHER',
      'missing-index sqlx::query("SELECT id FROM parcels WHER',
    ]);
  });
});
