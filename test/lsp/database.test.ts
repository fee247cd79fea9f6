/**
 * Connected databases through the built language server (issue 4): CodeLenses
 * over the queries, the query lookup the client prompts parameters from,
 * Explain / Explain Analyze on the embedded shadow database (PGlite, built
 * from the fixture's migrations) and on a real SQLite file, a quick
 * benchmark, an index proof that shows in the finding's hover, and failures
 * that come back as messages naming the connection while the server lives on.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { CodeLens, Diagnostic } from 'vscode-languageserver/node';
import type { ResolvedConnection } from '../../shared/connections';
import type { ExplainResult, IndexProof } from '../../shared/explain';
import {
  BENCHMARK_COMMAND,
  BenchmarkRequest,
  EXPLAIN_ANALYZE_COMMAND,
  EXPLAIN_COMMAND,
  ExplainRequest,
  PROVE_INDEX_COMMAND,
  ProveIndexRequest,
  QueryAtRequest,
  TestConnectionRequest,
  type BenchmarkSummary,
  type QueryInfo,
  type TestConnectionResult,
} from '../../shared/protocol';
import { buildServerOnce, copyFixture, reportFailure, TestClient, uriOf } from './client';

const QUERIES = `-- lookups the task manager runs
SELECT worker_id FROM workers WHERE planner_id = $1 AND task_status = 'pending';
CREATE INDEX IF NOT EXISTS workers_name ON planners (name);
DELETE FROM workers WHERE task_status = $1;
`;
const EMBEDDED: ResolvedConnection = { name: 'embedded', driver: 'embedded', rowsPerTable: 5000 };
const start = (line: number, character = 0) => ({ line, character });

describe('language server: connected databases', function () {
  this.timeout(180_000);
  let client: TestClient;
  let root: string;
  let uri: string;

  before(function () {
    buildServerOnce();
  });

  beforeEach(async function () {
    root = copyFixture('lsp-workspace');
    // The fixture indexes planner_id alone: drop it so the shadow's plan is the seed's sequential scan.
    writeFileSync(join(root, 'migrations/000001_init.up.sql'), `CREATE TABLE planners (planner_id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE workers (
    worker_id bigint PRIMARY KEY,
    planner_id bigint NOT NULL REFERENCES planners (planner_id),
    task_status text NOT NULL
);
`);
    client = await TestClient.start(root);
    uri = await client.open(join(root, 'queries.sql'), QUERIES);
  });

  afterEach(async function () {
    reportFailure(this, client);
    await client?.dispose();
  });

  it('puts Explain, Explain Analyze and Benchmark over each query, none over DDL', async function () {
    const lenses = await client.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.command]),
      [
        [1, 'Explain', EXPLAIN_COMMAND],
        [1, 'Explain Analyze', EXPLAIN_ANALYZE_COMMAND],
        [1, 'Benchmark', BENCHMARK_COMMAND],
        [3, 'Explain', EXPLAIN_COMMAND],
        [3, 'Explain Analyze', EXPLAIN_ANALYZE_COMMAND],
        [3, 'Benchmark', BENCHMARK_COMMAND],
      ],
    );
    assert.deepEqual(lenses[0]!.command!.arguments, [{ uri, position: start(1) }]);
  });

  it('answers which query is at a place, with its parameters typed from the schema', async function () {
    const info = await client.sendRequest<QueryInfo | null>(QueryAtRequest.method, { uri, position: start(1, 30) });
    assert.equal(info?.sql, "SELECT worker_id FROM workers WHERE planner_id = $1 AND task_status = 'pending'");
    assert.deepEqual(info?.params, [{ name: '$1', column: 'workers.planner_id', type: 'bigint' }]);
    assert.equal(info?.statementKind, 'select');
    assert.equal(await client.sendRequest(QueryAtRequest.method, { uri, position: start(2, 5) }), null, 'no query on the DDL line');
  });

  it('explains analyze on the embedded shadow database: the seed query scans workers, and the plan says which index serves it', async function () {
    const result = await client.sendRequest<ExplainResult>(ExplainRequest.method, { uri, position: start(1), connection: EMBEDDED, analyze: true, params: [42] });
    assert.equal(result.connection, 'embedded');
    assert.equal(result.driver, 'embedded');
    assert.match(result.serverVersion, /PGlite|PostgreSQL/);
    assert.equal(result.analyzed, true);
    assert.equal(result.rolledBack, true);
    assert.ok(Array.isArray(result.pgPlan), 'the JSON plan for PEV2');
    assert.equal(result.summary.topNode, 'Seq Scan on workers');
    assert.ok(result.summary.executionMs! > 0);
    const scan = result.problems.find((p) => p.kind === 'seq-scan-filter');
    assert.ok(scan, `problems: ${JSON.stringify(result.problems)}`);
    assert.deepEqual(scan.index?.columns, ['planner_id', 'task_status']);
    assert.equal(scan.index?.table, 'workers');
  });

  it('explains analyze a DELETE on the shadow database and rolls it back: a second run deletes the same rows again', async function () {
    const explainDelete = () => client.sendRequest<ExplainResult>(ExplainRequest.method, { uri, position: start(3), connection: EMBEDDED, analyze: true, params: ['pending'] });
    const deleted = (r: ExplainResult) => (r.pgPlan as { Plan: { Plans: { 'Actual Rows': number }[] } }[])[0]!.Plan.Plans[0]!['Actual Rows'];
    const first = await explainDelete();
    assert.equal(first.rolledBack, true);
    assert.equal(first.summary.topNode, 'Delete on workers');
    assert.ok(deleted(first) > 0, 'the DELETE ran and removed rows');
    const second = await explainDelete();
    assert.equal(deleted(second), deleted(first), 'the rows are back: the first DELETE was rolled back');
  });

  it('benchmarks a query: percentiles over the runs', async function () {
    const summary = await client.sendRequest<BenchmarkSummary>(BenchmarkRequest.method, { uri, position: start(1), connection: EMBEDDED, analyze: true, params: [7], iterations: 20, warmup: 2 });
    assert.equal(summary.iterations, 20);
    assert.equal(summary.errors, 0);
    assert.ok(summary.minMs <= summary.p50Ms && summary.p50Ms <= summary.p95Ms && summary.p95Ms <= summary.maxMs);
    assert.ok(summary.opsPerSec > 0);
  });

  it('offers "Prove index" on the finding and shows the measured proof in its hover', async function () {
    const diagnostics = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'missing-composite-index'));
    const finding = diagnostics.find((d) => d.code === 'missing-composite-index') as Diagnostic;
    const actions = await client.sendRequest<{ title: string; command?: { command: string; arguments: unknown[] } }[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: finding.range,
      context: { diagnostics: [finding] },
    });
    const prove = actions.find((a) => a.title === 'Prove index workers(planner_id, task_status) on embedded');
    assert.ok(prove, `actions: ${actions.map((a) => a.title).join(' | ')}`);
    assert.equal(prove.command?.command, PROVE_INDEX_COMMAND);
    const [location, index] = prove.command!.arguments as [{ uri: string; position: { line: number; character: number } }, { table: string; columns: string[]; ddl: string }];
    assert.match(index.ddl, /^CREATE INDEX \S+ ON workers \(planner_id, task_status\);$/);

    const proof = await client.sendRequest<IndexProof>(ProveIndexRequest.method, { ...location, connection: EMBEDDED, index, params: [42] });
    assert.equal(proof.method, 'transaction');
    assert.equal(proof.indexUsed, true);
    assert.equal(proof.before.summary.topNode, 'Seq Scan on workers');
    assert.match(proof.planChange, /Seq Scan on workers → .*Index.* on workers/);
    assert.ok(proof.after.executionMs! < proof.before.executionMs!, `${proof.before.executionMs} → ${proof.after.executionMs}`);
    const hover = await client.hover(uri, finding.range.start);
    const text = JSON.stringify(hover?.contents);
    assert.match(text, /Proven/);
    assert.ok(text.includes(proof.headline.replace(/"/g, '\\"')), text);
  });

  it('explains on a SQLite file: SCAN vs SEARCH, parameters bound', async function () {
    const file = join(root, 'app.db');
    const db = new Database(file);
    db.exec(`CREATE TABLE planners (planner_id INTEGER PRIMARY KEY, name TEXT NOT NULL);
      CREATE TABLE workers (worker_id INTEGER PRIMARY KEY, planner_id INTEGER NOT NULL, task_status TEXT NOT NULL);`);
    db.close();
    const sqlite: ResolvedConnection = { name: 'local-sqlite', driver: 'sqlite', file: 'app.db' };
    const result = await client.sendRequest<ExplainResult>(ExplainRequest.method, { uri, position: start(1), connection: sqlite, analyze: false, params: [3] });
    assert.equal(result.dialect, 'sqlite');
    assert.equal(result.sqlitePlan?.[0]?.kind, 'scan');
    assert.match(result.summary.topNode, /^SCAN workers/);
    assert.ok(result.problems.some((p) => p.kind === 'full-scan'), JSON.stringify(result.problems));
  });

  it('turns database failures into messages naming the connection, and keeps serving', async function () {
    const down: ResolvedConnection = { name: 'staging', driver: 'postgres', host: '127.0.0.1', port: 1, database: 'nope', user: 'app', password: 's3cret-pw' };
    await assert.rejects(
      client.sendRequest(ExplainRequest.method, { uri, position: start(1), connection: down, analyze: false, params: [1] }),
      (error: Error) => error.message.includes('"staging"') && !error.message.includes('s3cret-pw'),
    );
    const missing: ResolvedConnection = { name: 'gone', driver: 'sqlite', file: 'missing.db' };
    await assert.rejects(client.sendRequest(ExplainRequest.method, { uri, position: start(1), connection: missing, analyze: false }), /"gone".*does not exist/);
    const test = await client.sendRequest<TestConnectionResult>(TestConnectionRequest.method, { connection: down });
    assert.equal(test.ok, false);
    assert.match(test.message, /"staging"/);
    // Explain refuses to run DDL, and says so.
    await assert.rejects(client.sendRequest(ExplainRequest.method, { uri, position: start(2, 3), connection: EMBEDDED, analyze: true }), /no query to explain/);
    const lenses = await client.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uriOf(join(root, 'queries.sql')) } });
    assert.equal(lenses.length, 6, 'the server still answers');
  });

  it('answers a malformed request with what is wrong (InvalidParams), never a TypeError, and keeps serving', async function () {
    const at = { uri, position: start(1) };
    const invalid = (message: string) => (error: Error & { code?: number }) => {
      assert.equal(error.code, -32602, error.message);
      assert.equal(error.message, message);
      return true;
    };
    const cases: [string, unknown, string][] = [
      [ExplainRequest.method, { ...at, analyze: false }, 'QueryLens: the request names no connection (pick one with "QueryLens: Select Connection").'],
      [ExplainRequest.method, { ...at, analyze: false, connection: { name: 'bad url', driver: 'postgres', url: 'postgres://app:pw-9f3@[::1/db' } }, 'QueryLens: connection "bad url": "url" is not a valid postgres:// URL (write it as postgres://user@host:port/database).'],
      [ExplainRequest.method, { ...at, analyze: false, connection: { name: 'x', driver: 'mysql' } }, 'QueryLens: connection "x": "driver" must be one of postgres, sqlite, embedded.'],
      [ExplainRequest.method, { uri, analyze: false, connection: EMBEDDED }, 'QueryLens: "position" must be { line, character } with whole numbers from 0.'],
      [BenchmarkRequest.method, { ...at, connection: EMBEDDED, params: [1], iterations: 1e12 }, 'QueryLens: "iterations" must be a whole number from 1 to 1,000,000 (got 1000000000000).'],
      [BenchmarkRequest.method, { ...at, connection: EMBEDDED, params: [1], iterations: -5 }, 'QueryLens: "iterations" must be a whole number from 1 to 1,000,000 (got -5).'],
      [BenchmarkRequest.method, { ...at, connection: EMBEDDED, params: [1], iterations: 2.5 }, 'QueryLens: "iterations" must be a whole number from 1 to 1,000,000 (got 2.5).'],
      [BenchmarkRequest.method, { ...at, connection: EMBEDDED, params: [1], warmup: -1 }, 'QueryLens: "warmup" must be a whole number from 0 to 1,000,000 (got -1).'],
      [BenchmarkRequest.method, { ...at, connection: EMBEDDED, timeoutMs: 'soon' }, 'QueryLens: "timeoutMs" must be a whole number of ms from 1 to 2,000,000,000.'],
      [ExplainRequest.method, { ...at, analyze: false, connection: { ...EMBEDDED, rowsPerTable: 1e12 } }, 'QueryLens: connection "embedded": "rowsPerTable" must be a whole number from 0 to 10,000,000.'],
      [TestConnectionRequest.method, {}, 'QueryLens: the request names no connection (pick one with "QueryLens: Select Connection").'],
      ['querylens/migrations', { folderUri: uriOf(root) }, 'QueryLens: the request names no connection (pick one with "QueryLens: Select Connection").'],
      ['querylens/migrationAction', { connection: EMBEDDED, action: 'apply' }, 'QueryLens: the request names no migration folder ("dir").'],
    ];
    for (const [method, params, message] of cases) await assert.rejects(client.sendRequest(method, params), invalid(message), method);
    assert.ok(!client.logs.join('\n').includes('TypeError'), 'no TypeError logged');
    assert.ok(!client.logs.join('\n').includes('pw-9f3'), 'the URL, with its password, is not echoed');
    // A valid request with the limits' own values still runs.
    const summary = await client.sendRequest<BenchmarkSummary>(BenchmarkRequest.method, { ...at, connection: EMBEDDED, params: [1], iterations: 1, warmup: 0 });
    assert.equal(summary.iterations, 1);
  });
});
