/**
 * The shadow database built from real workspace catalogs (the two example
 * projects, and crafted ones for keys, cycles and unknown types) on PGlite,
 * the PostgreSQL server (a schema per run) and SQLite in memory. The
 * databases themselves check the data: foreign keys are declared and
 * enforced, uniqueness is declared and enforced.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { defaultConfig } from '../../../server/src/core/config/types';
import type { Catalog } from '../../../server/src/core/catalog/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';
import { buildShadow, shadowScript, shadowSignature, type ShadowReport } from '../../../server/src/db/shadow';
import { pgliteSession, pgSchemaSession, sqliteSession, type ClosableSession } from './shadow-sessions';

const EXAMPLES = path.resolve(__dirname, '../../../examples');

async function exampleCatalog(name: string): Promise<Catalog> {
  const ws = await Workspace.create({ root: path.join(EXAMPLES, name), config: defaultConfig() });
  return ws.catalog();
}

function catalogOf(files: Record<string, string>): Catalog {
  return Workspace.fromFiles({ root: '/shadow', config: defaultConfig() }, files).catalog();
}

const engines: { name: string; open: () => Promise<ClosableSession | undefined> }[] = [
  { name: 'PGlite', open: () => pgliteSession() },
  { name: 'PostgreSQL server', open: pgSchemaSession },
  { name: 'SQLite', open: async () => sqliteSession() },
];

const SEED_QUERY = "SELECT worker_id FROM workers WHERE planner_id = 'planner_id_42' AND task_status = 'pending'";

/** `Seq Scan on workers`, `Index Scan using i on workers` (PostgreSQL), or SQLite's plan details joined. */
async function planOf(session: ClosableSession, sql: string): Promise<string> {
  if (session.dialect === 'sqlite') {
    const rows = (await session.query(`EXPLAIN QUERY PLAN ${sql}`)).rows;
    return rows.map((r) => String(r.detail)).join(' | ');
  }
  const plan = (await session.query(`EXPLAIN (FORMAT JSON) ${sql}`)).rows[0]['QUERY PLAN'] as { Plan: Record<string, unknown> }[];
  const root = plan[0].Plan;
  const index = root['Index Name'] ? ` using ${root['Index Name']}` : '';
  // A bitmap scan names its index on the Bitmap Index Scan under it.
  const bitmap = ((root.Plans ?? []) as Record<string, unknown>[]).filter((p) => p['Node Type'] === 'Bitmap Index Scan').map((p) => ` (Bitmap Index Scan on ${p['Index Name']})`);
  return `${root['Node Type']}${index} on ${root['Relation Name']}${bitmap.join('')}`;
}

async function count(session: ClosableSession, sql: string): Promise<number> {
  return Number(Object.values((await session.query(sql)).rows[0])[0]);
}

/** Foreign keys the database holds for the table. */
async function foreignKeyCount(session: ClosableSession, table: string): Promise<number> {
  if (session.dialect === 'sqlite') return count(session, `SELECT count(DISTINCT id) FROM pragma_foreign_key_list('${table}')`);
  return count(session, `SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = '${table}'::regclass`);
}

describe('shadow database', function () {
  this.timeout(120_000);
  let platform: Catalog;
  let python: Catalog;

  before(async () => {
    await Promise.all([initParsers(), initHostParsers()]);
    platform = await exampleCatalog('agent-platform');
    python = await exampleCatalog('python-agents');
  });

  describe('script', () => {
    it("gives a column declared only by its foreign key (Column(ForeignKey('agents.id'))) the referenced column's type", () => {
      const models = [
        'from sqlalchemy import Column, ForeignKey, Integer, Text',
        'from sqlalchemy.orm import declarative_base',
        'Base = declarative_base()',
        'class Agent(Base):',
        "    __tablename__ = 'agents'",
        '    id = Column(Integer, primary_key=True)',
        'class Message(Base):',
        "    __tablename__ = 'messages'",
        '    id = Column(Integer, primary_key=True)',
        "    agent_id = Column(ForeignKey('agents.id'), index=True)",
        '    body = Column(Text, nullable=False)',
        '',
      ].join('\n');
      const script = shadowScript(catalogOf({ 'app/models.py': models }), { dialect: 'postgres', rowsPerTable: 10 });
      const create = script.statements.find((st) => st.table === 'messages' && /^CREATE TABLE/i.test(st.sql))?.sql ?? '';
      assert.match(create, /agent_id integer\b/i, create);
    });

    it('creates tables parents first, fills them set-based, then foreign keys, indexes and ANALYZE', () => {
      const script = shadowScript(platform, { dialect: 'postgres', rowsPerTable: 500 });
      const purposes = script.statements.map((s) => s.purpose);
      const last = (p: string) => purposes.lastIndexOf(p as never);
      const first = (p: string) => purposes.indexOf(p as never);
      assert.ok(last('table') < first('fill') && last('fill') < first('foreign-key') && last('foreign-key') < first('index') && last('index') < first('analyze'));
      const tables = script.statements.filter((s) => s.purpose === 'table').map((s) => s.table!);
      for (const [parent, child] of [['agents', 'conversations'], ['conversations', 'routers'], ['planners', 'workers'], ['routers', 'router_planner_links']]) {
        assert.ok(tables.indexOf(parent) < tables.indexOf(child), `${parent} before ${child}`);
      }
      const fills = script.statements.filter((s) => s.purpose === 'fill' && !s.sql.startsWith('SELECT setval'));
      assert.equal(fills.length, 9);
      assert.ok(fills.every((f) => f.sql.includes('generate_series(1::bigint, 500)')));
      // Each serial key's sequence past the keys the fill wrote, so an INSERT explained there takes a free one.
      assert.deepEqual(
        script.statements.filter((s) => s.sql.startsWith('SELECT setval')).map((s) => s.sql),
        [['router_planner_links', 'link_id'], ['planner_messages', 'id'], ['worker_messages', 'id'], ['documents', 'id']].map(
          ([t, c]) => `SELECT setval(pg_get_serial_sequence('${t}', '${c}'), (SELECT COALESCE(max(${c}), 0) + 1 FROM ${t}), false)`,
        ),
      );
      assert.deepEqual(script.skipped, []);
      const sqlite = shadowScript(platform, { dialect: 'sqlite', rowsPerTable: 500 });
      assert.ok(sqlite.statements.filter((s) => s.purpose === 'fill').every((f) => f.sql.includes('WITH RECURSIVE g(ord)')));
    });

    it('is the same for the same seed and options; the signature follows the schema, the rows and the seed', () => {
      const options = { dialect: 'postgres' as const, rowsPerTable: 1000 };
      assert.deepEqual(shadowScript(platform, options), shadowScript(platform, options));
      const signature = shadowSignature(platform, options);
      assert.equal(signature, shadowSignature(platform, { ...options }));
      assert.notEqual(signature, shadowSignature(platform, { ...options, seed: 2 }));
      assert.notEqual(signature, shadowSignature(platform, { ...options, rowsPerTable: 2000 }));
      const files = { 'migrations/001_init.sql': 'CREATE TABLE t (id int PRIMARY KEY, a text);' };
      const before = shadowSignature(catalogOf(files), options);
      assert.equal(before, shadowSignature(catalogOf({ 'migrations/001_init.sql': 'CREATE TABLE t (id int PRIMARY KEY,\n  a text);' }), options));
      assert.notEqual(before, shadowSignature(catalogOf({ ...files, 'migrations/002_ix.sql': 'CREATE INDEX t_a ON t (a);' }), options));
    });
  });

  for (const engine of engines) {
    describe(`on ${engine.name}`, () => {
      let session: ClosableSession | undefined;
      beforeEach(async function () {
        session = await engine.open();
        if (!session) this.skip();
      });
      afterEach(async () => session?.close());

      for (const example of ['agent-platform', 'python-agents']) {
        it(`builds ${example} with 10,000 rows a table: counts, keys and foreign keys hold`, async () => {
          const catalog = example === 'agent-platform' ? platform : python;
          const report = await buildShadow(session!, catalog, { dialect: session!.dialect });
          assert.deepEqual(report.failed, []);
          assert.deepEqual(report.fallbacks, []);
          console.log(`      ${engine.name}: ${example}, ${report.tables.length} tables × 10,000 rows in ${Math.round(report.ms)} ms`);
          for (const table of catalog.tables.values()) {
            assert.equal(await count(session!, `SELECT count(*) FROM ${table.name}`), 10_000, table.name);
            const pk = table.primaryKey!.columns.join(', ');
            assert.equal(await count(session!, `SELECT count(*) FROM (SELECT DISTINCT ${pk} FROM ${table.name}) d`), 10_000, `${table.name} keys distinct`);
            assert.equal(await foreignKeyCount(session!, table.name), table.foreignKeys.length, `${table.name} foreign keys declared`);
          }
          if (session!.dialect === 'sqlite') assert.equal(await count(session!, 'SELECT count(*) FROM pragma_foreign_key_check'), 0);
          // A child has several rows per parent, not one each: an index on the foreign key is selective, not unique.
          const planners = await count(session!, 'SELECT count(DISTINCT planner_id) FROM workers');
          assert.ok(planners > 5_000 && planners < 7_500, `${planners} planners have workers`);
          const pending = await count(session!, "SELECT count(*) FROM workers WHERE task_status = 'pending'");
          assert.ok(pending > 1_300 && pending < 2_000, `${pending} pending workers`);
        });
      }

      it("plans the seed's task-manager query like production: one index before, the composite after", async () => {
        await buildShadow(session!, platform, { dialect: session!.dialect });
        const postgres = session!.dialect === 'postgres';
        // The seed's single-column index on planner_id already narrows to ~2 rows in random heap places: a bitmap scan
        // of it (the status a filter), as a production table of this size would plan it.
        assert.equal(await planOf(session!, SEED_QUERY), postgres ? 'Bitmap Heap Scan on workers (Bitmap Index Scan on idx_workers_planner_id)' : 'SEARCH workers USING INDEX idx_workers_planner_id (planner_id=?)');
        await session!.query('CREATE INDEX workers_planner_status ON workers (planner_id, task_status)');
        await session!.query('ANALYZE workers');
        assert.equal(await planOf(session!, SEED_QUERY), postgres ? 'Index Scan using workers_planner_status on workers' : 'SEARCH workers USING INDEX workers_planner_status (planner_id=? AND task_status=?)');
      });

      it('plans a sequential scan without an index on planner_id, an index scan once the composite index exists', async () => {
        const catalog = catalogOf({
          'migrations/001_workers.sql':
            'CREATE TABLE planners (planner_id VARCHAR(32) PRIMARY KEY, status VARCHAR(20) NOT NULL);\n' +
            "CREATE TABLE workers (worker_id VARCHAR(32) PRIMARY KEY, planner_id VARCHAR(32) NOT NULL REFERENCES planners (planner_id), task_status VARCHAR(50) NOT NULL DEFAULT 'pending', updated_at TIMESTAMP);",
        });
        await buildShadow(session!, catalog, { dialect: session!.dialect });
        const postgres = session!.dialect === 'postgres';
        assert.equal(await planOf(session!, SEED_QUERY), postgres ? 'Seq Scan on workers' : 'SCAN workers');
        await session!.query('CREATE INDEX workers_planner_status ON workers (planner_id, task_status)');
        await session!.query('ANALYZE' + (postgres ? ' workers' : ''));
        assert.equal(await planOf(session!, SEED_QUERY), postgres ? 'Index Scan using workers_planner_status on workers' : 'SEARCH workers USING INDEX workers_planner_status (planner_id=? AND task_status=?)');
      });

      it('keeps link tables, composite and self references, cycles and unique keys consistent', async () => {
        const catalog = catalogOf({
          'migrations/001_graph.sql': [
            'CREATE TABLE tenants (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, parent_id BIGINT REFERENCES tenants (id));',
            'CREATE TABLE users (tenant_id BIGINT NOT NULL REFERENCES tenants (id), email VARCHAR(120) NOT NULL, manager_email VARCHAR(120), team_id INT, PRIMARY KEY (tenant_id, email));',
            'CREATE TABLE teams (id INT PRIMARY KEY, lead_tenant BIGINT, lead_email VARCHAR(120), FOREIGN KEY (lead_tenant, lead_email) REFERENCES users (tenant_id, email));',
            'ALTER TABLE users ADD CONSTRAINT users_team_fk FOREIGN KEY (team_id) REFERENCES teams (id);',
            'ALTER TABLE users ADD CONSTRAINT users_manager_fk FOREIGN KEY (tenant_id, manager_email) REFERENCES users (tenant_id, email);',
            'CREATE TABLE memberships (team_id INT NOT NULL REFERENCES teams (id), tenant_id BIGINT NOT NULL REFERENCES tenants (id), PRIMARY KEY (team_id, tenant_id));',
            'CREATE TABLE handles (handle VARCHAR(40) NOT NULL, kind VARCHAR(10) NOT NULL, active BOOLEAN NOT NULL);',
            'CREATE UNIQUE INDEX handles_handle ON handles (lower(handle));',
            'CREATE UNIQUE INDEX handles_kind_handle ON handles (kind, handle);',
          ].join('\n'),
        });
        const report = await buildShadow(session!, catalog, { dialect: session!.dialect, rowsPerTable: 2_000, tableRows: { tenants: 20, teams: 30 } });
        // The users → teams → users cycle: PostgreSQL declares foreign keys after the fill; SQLite cannot declare the one
        // pointing forward, and says so. A foreign key sharing a column with another is left out, and said so.
        assert.deepEqual(report.failed, []);
        const skips = report.skipped.map((s) => `${s.table}: ${s.what}: ${s.reason}`);
        assert.deepEqual(skips, [
          'users: foreign key users_manager_fk: another foreign key already fills its column',
          'memberships: rows: key (team_id, tenant_id) has only 600 distinct combinations of parent rows: 600 rows instead of 2000',
          ...(session!.dialect === 'sqlite' ? ['users: foreign key users_team_fk: a foreign-key cycle: SQLite cannot declare it before teams exists (its values still point at existing rows)'] : []),
        ]);
        assert.deepEqual(report.tables, [
          { name: 'tenants', rows: 20 },
          { name: 'handles', rows: 2000 },
          { name: 'users', rows: 2000 },
          { name: 'teams', rows: 30 },
          { name: 'memberships', rows: 600 },
        ]);
        assert.equal(await count(session!, 'SELECT count(*) FROM memberships'), 600);
        assert.equal(await count(session!, 'SELECT count(*) FROM users u JOIN teams t ON t.id = u.team_id'), await count(session!, 'SELECT count(team_id) FROM users'));
        assert.equal(await count(session!, 'SELECT count(*) FROM teams t JOIN users u ON u.tenant_id = t.lead_tenant AND u.email = t.lead_email'), await count(session!, 'SELECT count(lead_email) FROM teams'));
        assert.equal(await count(session!, 'SELECT count(*) FROM tenants c JOIN tenants p ON p.id = c.parent_id'), await count(session!, 'SELECT count(parent_id) FROM tenants'));
        // Several users per tenant (only the email is distinct).
        assert.equal(await count(session!, 'SELECT count(DISTINCT tenant_id) FROM users'), 20);
        const noTeam = await count(session!, 'SELECT count(*) FROM users WHERE team_id IS NULL');
        assert.ok(noTeam > 100 && noTeam < 300, `${noTeam} users without a team (nullable columns mostly filled)`);
        assert.equal(await count(session!, "SELECT count(DISTINCT kind) FROM handles"), 5);
      });

      it('rebuilds in the same database with replace, after a schema change', async () => {
        const first = catalogOf({ 'migrations/001_init.sql': 'CREATE TABLE parents (id INT PRIMARY KEY);\nCREATE TABLE children (id INT PRIMARY KEY, parent_id INT NOT NULL REFERENCES parents (id));' });
        await buildShadow(session!, first, { dialect: session!.dialect, rowsPerTable: 100 });
        const second = catalogOf({
          'migrations/001_init.sql': 'CREATE TABLE parents (id INT PRIMARY KEY);\nCREATE TABLE children (id INT PRIMARY KEY, parent_id INT NOT NULL REFERENCES parents (id));',
          'migrations/002_name.sql': 'ALTER TABLE children ADD COLUMN name TEXT;',
        });
        assert.notEqual(shadowSignature(first, { dialect: session!.dialect }), shadowSignature(second, { dialect: session!.dialect }));
        const report = await buildShadow(session!, second, { dialect: session!.dialect, rowsPerTable: 200, replace: true });
        assert.deepEqual(report.failed, []);
        assert.equal(report.signature, shadowSignature(second, { dialect: session!.dialect, rowsPerTable: 200 }));
        const named = await count(session!, 'SELECT count(name) FROM children');
        assert.ok(named > 150 && named < 200, `${named} of 200 children named (the new column, mostly filled)`);
        assert.equal(await count(session!, 'SELECT count(*) FROM children'), 200);
      });

      it('creates columns of types the database lacks as text, reports them, and goes on past a failing index', async function () {
        if (session!.dialect === 'sqlite') this.skip(); // SQLite takes any type name
        const catalog = catalogOf({
          'migrations/001_docs.sql': [
            "CREATE TYPE mood AS ENUM ('happy', 'sad');",
            'CREATE TABLE chunks (id BIGSERIAL PRIMARY KEY, document_id BIGINT NOT NULL, feeling mood NOT NULL, embedding vector(1536), body TEXT NOT NULL);',
            'CREATE INDEX chunks_embedding ON chunks USING hnsw (embedding vector_cosine_ops);',
            'CREATE INDEX chunks_document ON chunks (document_id);',
          ].join('\n'),
        });
        const report: ShadowReport = await buildShadow(session!, catalog, { dialect: 'postgres', rowsPerTable: 1_000 });
        assert.deepEqual(report.fallbacks, [
          { table: 'chunks', column: 'feeling', declared: 'mood', used: 'text' },
          { table: 'chunks', column: 'embedding', declared: 'vector(1536)', used: 'text' },
        ]);
        assert.deepEqual(report.failed.map((f) => [f.purpose, f.name]), [['index', 'chunks_embedding']]);
        assert.match(report.failed[0].error, /hnsw/);
        assert.equal(await count(session!, 'SELECT count(*) FROM chunks'), 1_000);
        assert.equal(await planOf(session!, 'SELECT id FROM chunks WHERE document_id = 7'), 'Bitmap Heap Scan on chunks (Bitmap Index Scan on chunks_document)');
      });
    });
  }

  describe('on PGlite with pgvector (the embedded database)', () => {
    it('fills vector(n) columns with distinct vectors of their dimension and builds the HNSW index with its parameters', async () => {
      const session = await pgliteSession({ vector: true });
      try {
        const catalog = catalogOf({
          'migrations/001_memories.sql': [
            'CREATE EXTENSION IF NOT EXISTS vector;',
            "CREATE TABLE memories (id BIGSERIAL PRIMARY KEY, tier TEXT NOT NULL, embedding vector(384) NOT NULL, summary halfvec(4));",
            'CREATE INDEX memories_hnsw ON memories USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 100);',
          ].join('\n'),
        });
        const report = await buildShadow(session, catalog, { dialect: 'postgres', rowsPerTable: 2_000 });
        assert.deepEqual(report.failed, []);
        assert.deepEqual(report.fallbacks, []);
        assert.equal(await count(session, 'SELECT count(*) FROM memories WHERE vector_dims(embedding) = 384'), 2_000);
        assert.equal(await count(session, 'SELECT count(DISTINCT embedding::text) FROM memories'), 2_000);
        assert.equal(await count(session, 'SELECT count(*) FROM memories WHERE summary IS NOT NULL AND vector_dims(summary::vector) = 4'), await count(session, 'SELECT count(summary) FROM memories'));
        const def = (await session.query("SELECT indexdef FROM pg_indexes WHERE indexname = 'memories_hnsw'")).rows[0]?.indexdef;
        assert.match(String(def), /USING hnsw \(embedding vector_cosine_ops\) WITH \(m='16', ef_construction='100'\)/);
        const plan = (await session.query(`EXPLAIN (FORMAT JSON) SELECT id FROM memories ORDER BY embedding <=> '[${Array(384).fill(0.5).join(',')}]' LIMIT 5`)).rows[0]['QUERY PLAN'] as { Plan: { Plans: Record<string, unknown>[] } }[];
        assert.deepEqual([plan[0].Plan.Plans[0]['Node Type'], plan[0].Plan.Plans[0]['Index Name']], ['Index Scan', 'memories_hnsw']);
      } finally {
        await session.close();
      }
    });
  });
});
