// The pgvector rules shown with Explain on the embedded database (PGlite with pgvector, the shadow
// filled with 384-dimension vectors), the built CLI on a copy of examples/vector-search: before the
// suggested HNSW index the nearest-memories query is a Seq Scan under a Sort; prove-index builds the
// index vector-search-without-index suggests and the plan becomes an Index Scan.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExplainResult, IndexProof } from '../../../shared/explain';

const repo = path.resolve(__dirname, '..', '..', '..');
const cli = process.env.QUERYLENS_CLI ?? path.join(repo, 'bin', 'querylens.js');

function run(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A query vector of the column's dimension, as a pgvector literal. */
const QUERY_VECTOR = `[${Array.from({ length: 384 }, (_, i) => (i % 2 ? '-0.5' : '0.25')).join(',')}]`;

describe('CLI: pgvector on the embedded database (examples/vector-search)', function () {
  this.timeout(180_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'querylens-vector-'));
    cpSync(path.join(repo, 'examples', 'vector-search'), dir, { recursive: true });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('check: the search without a vector index, and its fix', () => {
    const r = run(dir, 'check', 'queries/memories.sql', '--format', 'json');
    const report = JSON.parse(r.stdout) as { findings: { ruleId: string; range: { start: { line: number } }; fixes: { title: string }[] }[] };
    const finding = report.findings.find((f) => f.ruleId === 'vector-search-without-index');
    assert.equal(finding?.range.start.line, 4);
    assert.deepEqual(finding?.fixes.map((f) => f.title), ['Add index on memories(embedding) using hnsw in a new migration']);
  });

  it('explain before the index: a Seq Scan on memories under a Sort, on PGlite with pgvector', () => {
    const r = run(dir, 'explain', 'queries/memories.sql:5', '--analyze', '--param', QUERY_VECTOR, '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as ExplainResult & { pgPlan: { Plan: { 'Node Type': string; Plans: { 'Node Type': string; Plans: { 'Node Type': string; 'Relation Name': string }[] }[] } }[] };
    assert.equal(result.connection, 'embedded');
    const limit = result.pgPlan[0].Plan;
    assert.equal(limit['Node Type'], 'Limit');
    assert.equal(limit.Plans[0]['Node Type'], 'Sort');
    assert.equal(limit.Plans[0].Plans[0]['Node Type'], 'Seq Scan');
    assert.equal(limit.Plans[0].Plans[0]['Relation Name'], 'memories');
    // No statement of the shadow rejected (the vector columns and the HNSW index of document_chunks built).
    assert.match(r.stderr, /shadow database \(postgres\) built in \d+ ms: 2 table\(s\)\n/);
  });

  it('prove-index: the suggested HNSW index turns it into an Index Scan', () => {
    const r = run(dir, 'prove-index', 'queries/memories.sql:5', '--param', QUERY_VECTOR, '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const proof = JSON.parse(r.stdout) as IndexProof;
    assert.equal(proof.index.ddl, 'CREATE INDEX idx_memories_embedding ON memories USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);');
    assert.equal(proof.indexUsed, true);
    assert.deepEqual(proof.before.summary.scans, ['Seq Scan on memories']);
    assert.match(proof.after.summary.scans[0], /^Index Scan using querylens_proof_\d+_\d+ on memories$/);
    // Whether it is also faster depends on the machine's load at that moment (a few milliseconds either way): the plan is what is proven.
    assert.match(proof.headline, /^(proven|used but not faster) on embedded: [\d.]+ ms → [\d.]+ ms \(Seq Scan on memories → Index Scan using /);
  });
});
