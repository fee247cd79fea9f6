// `querylens explain` and `querylens prove-index`, the built CLI as CI runs it, on a temporary
// workspace: the embedded shadow database (PGlite built from the migrations), a SQLite file,
// and the errors a user gets (no query on the line, missing values, unreachable server).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import type { ExplainResult, IndexProof } from '../../../shared/explain';

const repo = path.resolve(__dirname, '..', '..', '..');
const cli = process.env.QUERYLENS_CLI ?? path.join(repo, 'bin', 'querylens.js');

const SCHEMA = `CREATE TABLE planners (planner_id BIGINT PRIMARY KEY, goal TEXT NOT NULL);
CREATE TABLE workers (
    worker_id BIGINT PRIMARY KEY,
    planner_id BIGINT NOT NULL REFERENCES planners (planner_id),
    task_status VARCHAR(50) NOT NULL
);
`;
const QUERIES = `SET statement_timeout = 0;
SELECT worker_id FROM workers WHERE planner_id = $1 AND task_status = 'pending';
`;

function run(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, PGPASSWORD: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('CLI: explain and prove-index', function () {
  this.timeout(120_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'querylens-explain-'));
    writeFileSync(path.join(dir, '.querylens.json'), JSON.stringify({ dialect: 'postgres', shadow: { rowsPerTable: 5000 } }));
    mkdirSync(path.join(dir, 'migrations'));
    writeFileSync(path.join(dir, 'migrations', '20240101000000_init.sql'), SCHEMA);
    writeFileSync(path.join(dir, 'queries.sql'), QUERIES);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('explains analyze the query on the line on the embedded shadow database (JSON)', () => {
    const r = run(dir, 'explain', 'queries.sql:2', '--analyze', '--param', '7', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as ExplainResult;
    assert.equal(result.connection, 'embedded');
    assert.equal(result.analyzed, true);
    assert.equal(result.rolledBack, true);
    assert.deepEqual(result.params, [7]);
    assert.equal(result.summary.topNode, 'Seq Scan on workers');
    assert.deepEqual(result.problems.find((p) => p.kind === 'seq-scan-filter')?.index?.columns, ['planner_id', 'task_status']);
    assert.match(r.stderr, /shadow database \(postgres\) built in \d+ ms: 2 table\(s\)/);
  });

  it('plans without values as a generic plan, printed as text', () => {
    const r = run(dir, 'explain', 'queries.sql:2');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^queries\.sql:2 {2}\(embedded · PGlite \(PostgreSQL [\d.]+\) · EXPLAIN \(generic plan\), rolled back\)$/m);
    assert.match(r.stdout, /^Seq Scan on workers {2}\(cost=[\d.]+ rows=\d+\)$/m);
    assert.match(r.stdout, /Filter: .*planner_id = \$1/);
  });

  it('proves the suggested index: before/after, rolled back', () => {
    const r = run(dir, 'prove-index', 'queries.sql:2', '--param', '7', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const proof = JSON.parse(r.stdout) as IndexProof;
    assert.equal(proof.method, 'transaction');
    assert.deepEqual(proof.index.columns, ['planner_id', 'task_status']);
    assert.equal(proof.indexUsed, true);
    assert.equal(proof.before.summary.topNode, 'Seq Scan on workers');
    assert.match(proof.after.summary.topNode, /Index.* on workers/);
    assert.ok(proof.after.executionMs! < proof.before.executionMs!);
    assert.match(proof.headline, /^proven on embedded: [\d.]+ ms → [\d.]+ ms \(Seq Scan on workers → /);
  });

  it('proves an index on a SQLite file: SCAN before, SEARCH after', () => {
    const file = path.join(dir, 'app.db');
    const db = new Database(file);
    db.exec(`CREATE TABLE workers (worker_id INTEGER PRIMARY KEY, planner_id INTEGER NOT NULL, task_status TEXT NOT NULL);
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
      INSERT INTO workers SELECT i, i % 50, CASE i % 4 WHEN 0 THEN 'pending' ELSE 'done' END FROM n;`);
    db.close();
    const r = run(dir, 'prove-index', 'queries.sql:2', '--connection', 'app.db', '--param', '3', '--index', 'workers(planner_id, task_status)');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /before: .*SCAN workers/);
    assert.match(r.stdout, /after : .*SEARCH workers USING (COVERING )?INDEX/);
    const check = new Database(file, { readonly: true });
    const indexes = check.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all();
    check.close();
    assert.deepEqual(indexes, [], 'the proof left no index behind');
  });

  it('says what is wrong, with exit code 2, and never a stack trace', () => {
    const ddl = run(dir, 'explain', 'queries.sql:1');
    assert.equal(ddl.code, 2);
    assert.match(ddl.stderr, /no query to explain at queries\.sql:1/);
    const noValues = run(dir, 'explain', 'queries.sql:2', '--analyze');
    assert.equal(noValues.code, 2);
    assert.match(noValues.stderr, /needs values for \$1/);
    const down = run(dir, 'explain', 'queries.sql:2', '--connection', 'postgres://app@127.0.0.1:1/app');
    assert.equal(down.code, 2);
    assert.match(down.stderr, /^querylens: Connection "127\.0\.0\.1:1\/app": /);
    assert.doesNotMatch(down.stderr, /\n\s+at /, 'no stack trace');
    const usage = run(dir, 'explain', 'queries.sql');
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /expected FILE:LINE/);
  });
});

describe('CLI: explain over an ORM call (examples/prisma-agents)', function () {
  this.timeout(120_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'querylens-explain-prisma-'));
    cpSync(path.join(repo, 'examples', 'prisma-agents'), dir, { recursive: true });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  // src/taskManager.ts:6 is `prisma.worker.findFirst({ where: { plannerId, taskStatus: 'in_progress' }, ... })`.
  const SQL = 'SELECT workers.worker_id, workers.task_context FROM workers WHERE workers.planner_id = $1 AND workers.task_status = $2 LIMIT 1';

  it('names the parameters left without a value, before asking the database', () => {
    for (const args of [[], ['--analyze']]) {
      const r = run(dir, 'explain', 'src/taskManager.ts:6', '--param', 'planner-1', ...args);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, 'querylens: Connection "embedded": the query takes 2 values and 1 was given: no value for $2 (workers.task_status). Give one value per parameter, in order.\n');
    }
  });

  it("explains analyze the SQL Prisma sends with every value, rolled back", () => {
    const r = run(dir, 'explain', 'src/taskManager.ts:6', '--param', 'planner-1', '--param', 'in_progress', '--analyze', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as ExplainResult;
    assert.deepEqual([result.sql, result.params, result.analyzed, result.rolledBack], [SQL, ['planner-1', 'in_progress'], true, true]);
  });

  it("proves the index the finding on the call's where suggests, from the call's first line", () => {
    const r = run(dir, 'prove-index', 'src/taskManager.ts:6', '--param', 'planner-1', '--param', 'in_progress', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const proof = JSON.parse(r.stdout) as IndexProof;
    assert.deepEqual([proof.method, proof.index.table, proof.index.columns], ['transaction', 'workers', ['planner_id', 'task_status']]);
  });
});
