/**
 * The bundled examples through `querylens check` (the CLI's own runCheck, each
 * example its own root with its .querylens.json): the exact findings, by file,
 * rule and line, so a new finding on a good example or a lost seed case fails.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCheck } from '../../../server/src/cli/check';

const REPO = path.resolve(__dirname, '..', '..', '..');

/**
 * Checks a copy of the example outside this repository: here its migrations
 * are committed, so they count as shipped (no migration-rule findings); the
 * seeds are written as a project whose migrations have not shipped yet.
 */
async function check(example: string): Promise<{ findings: string[]; severities: Set<string> }> {
  const warnings: string[] = [];
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'querylens-example-'));
  fs.cpSync(path.join(REPO, 'examples', example), copy, { recursive: true });
  try {
    const report = await runCheck({ paths: ['.'], cwd: copy, fix: false, warn: (m) => warnings.push(m) });
    assert.deepEqual(warnings, []);
    assert.equal(report.root, copy);
    return {
      findings: report.findings.map((f) => `${path.relative(report.root, f.file)}:${f.range.start.line + 1} ${f.ruleId}`).sort(),
      severities: new Set(report.findings.map((f) => f.severity)),
    };
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

describe('examples: querylens check reports exactly the seed cases', () => {
  it('agent-platform (sqlx migrations + SQL queries)', async () => {
    const { findings, severities } = await check('agent-platform');
    assert.deepEqual(findings, [
      'migrations/20240105090000_create_agents_and_conversations.sql:12 redundant-index',
      'migrations/20240105090000_create_agents_and_conversations.sql:26 redundant-index',
      'migrations/20240105091500_create_routers_planners_workers.sql:36 unindexed-foreign-key',
      'migrations/20240105091500_create_routers_planners_workers.sql:37 unindexed-foreign-key',
      'migrations/20240201100000_index_conversations_by_user_recent.sql:3 non-concurrent-index-creation',
      'queries/dashboard.sql:22 missing-index',
      'queries/dashboard.sql:5 unpaginated-query',
      'queries/documents.sql:8 leading-wildcard-like',
      'queries/task_manager.sql:11 missing-composite-index',
      'queries/task_manager.sql:11 select-star',
      'queries/task_manager.sql:11 unpaginated-query',
      'queries/task_manager.sql:14 select-star',
      'queries/task_manager.sql:5 missing-composite-index',
      'queries/task_manager.sql:5 unpaginated-query',
      'queries/task_manager.sql:8 missing-composite-index',
      'queries/task_manager.sql:8 select-star',
      'queries/task_manager.sql:8 unpaginated-query',
    ]);
    assert.ok(!severities.has('error'), 'the demo must exit 0');
  });

  it('python-agents (SQLAlchemy + Alembic): bad cases only, no good counterpart', async () => {
    const { findings, severities } = await check('python-agents');
    assert.deepEqual(findings, [
      'app/database.py:19 sqlite-without-pragmas', // seed 001's create_engine(f'sqlite:///{db_path}'); seed 002's pool is left alone
      'app/reports.py:13 n-plus-one', //            conversations query per agent
      'app/reports.py:43 n-plus-one', //            lazy planner.workers per planner
      'app/reports.py:63 commit-in-loop', //        await db.commit() per document
      'app/reports.py:74 leading-wildcard-like', // Agent.name.like("%test%")
      'app/reports.py:80 leading-wildcard-like', // text("... LIKE '%test%' ...")
      'app/reports.py:91 unpaginated-query', //     select(Agent) ... scalars().all()
      'app/task_manager.py:17 missing-composite-index', // pending task of the planner
      'app/task_manager.py:23 missing-composite-index', // completed tasks (IN)
      'app/task_manager.py:31 missing-composite-index', // messages by agent ORDER BY created_at
    ]);
    assert.ok(!severities.has('error'), 'the demo must exit 0');
  });

  it('rust-memory (sqlx): bad cases only, no good counterpart', async () => {
    const { findings, severities } = await check('rust-memory');
    assert.deepEqual(findings, [
      'migrations/20240122100000_memories_embedding_hnsw.sql:2 hnsw-parameters-below-guide', // seed 004's 16/64 on 1536 dimensions
      'src/memory_store.rs:14 n-plus-one', //        memories query per agent
      'src/memory_store.rs:32 commit-in-loop', //    INSERT per item
      'src/memory_store.rs:54 unpaginated-query', // fetch_all without LIMIT
      'src/search.rs:18 missing-composite-index', // agent_id AND memory_type
      'src/search.rs:9 leading-wildcard-like', //    LIKE '%deadline%'
    ]);
    assert.ok(!severities.has('error'), 'the demo must exit 0');
  });

  it('vector-search (pgvector migrations + SQL queries): the seed snippets', async () => {
    const { findings, severities } = await check('vector-search');
    assert.deepEqual(findings, [
      'migrations/20240302090000_create_document_chunks.sql:12 hnsw-parameters-below-guide', // seed 002's 16/64 on 768 dimensions
      'queries/chunks.sql:5 vector-index-operator-mismatch', //   <-> against vector_cosine_ops
      'queries/chunks.sql:9 filtered-vector-search', //           WHERE collection_id = $2 ... LIMIT 5 through HNSW
      'queries/memories.sql:5 vector-search-without-index', //    no HNSW index on memories.embedding
      'queries/memories.sql:9 vector-search-without-limit', //    ORDER BY distance without LIMIT
    ]);
    assert.ok(!severities.has('error'), 'the demo must exit 0');
  });
});
