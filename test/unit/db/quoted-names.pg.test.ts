/**
 * Prisma's quoted CamelCase tables (documenso: `CREATE TABLE "CscSession"`, `"userId"`): the SQL the
 * Explain lenses render over Prisma Client calls names them as the migration created them, and runs
 * on the real PostgreSQL server (a `camel_` schema of its own, dropped after) and on the embedded
 * shadow database, which creates the same names; so does the index a finding suggests, when proved.
 */
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { defaultConfig } from '../../../server/src/core/config/types';
import { explainableQueries, type ExplainableQuery } from '../../../server/src/core/engine/explainable';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { createIndexSql } from '../../../server/src/core/migrations/writer';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';
import { DatabaseService } from '../../../server/src/db/service';
import type { ResolvedConnection } from '../../../shared/connections';
import { PG_URL } from './fixtures';

const ROOT = '/documenso';

const SCHEMA = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model CscSession {
  id        Int      @id @default(autoincrement())
  userId    Int
  createdAt DateTime @default(now())
}
`;

// As \`prisma migrate dev\` writes it.
const MIGRATION = `-- CreateTable
CREATE TABLE "CscSession" (
    "id" SERIAL NOT NULL,
    "userId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CscSession_pkey" PRIMARY KEY ("id")
);

`;

const CODE = `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function sessions(userId: number) {
  await prisma.cscSession.findMany({ where: { userId }, orderBy: { createdAt: 'desc' } });
  await prisma.cscSession.create({ data: { userId } });
}
`;

const FILE = `${ROOT}/src/sessions.ts`;

describe('quoted CamelCase tables: ORM queries rendered and explained as the database names them', function () {
  this.timeout(120_000);
  let ws: Workspace;
  let queries: ExplainableQuery[];
  const service = new DatabaseService({ log: () => undefined });

  before(async () => {
    await Promise.all([initParsers(), initHostParsers()]);
    ws = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, {
      'package.json': '{"dependencies":{"@prisma/client":"6"}}',
      'prisma/schema.prisma': SCHEMA,
      'prisma/migrations/20240101000000_init/migration.sql': MIGRATION,
      'src/sessions.ts': CODE,
    });
    queries = explainableQueries(ws, FILE);
  });

  after(() => service.close());

  it('renders the Prisma calls with the table and columns quoted as created', () => {
    assert.deepEqual(
      queries.map((q) => [q.sql, q.params.map((p) => `${p.name} ${p.column} ${p.type}`)]),
      [
        ['SELECT "CscSession".* FROM "CscSession" WHERE "CscSession"."userId" = $1 ORDER BY "CscSession"."createdAt" DESC', ['$1 CscSession.userId integer']],
        ['INSERT INTO "CscSession" ("userId", "createdAt") VALUES ($1, $2) RETURNING *', ['$1 CscSession.userId integer', '$2 CscSession.createdAt timestamp(3)']],
      ],
    );
  });

  const EXPECTED = [
    'Sort',
    'Insert on CscSession',
    'true true',
    'missing-composite-index {"table":"cscsession","columns":["userId","createdAt"],"ddl":"CREATE INDEX idx_cscsession_userid_createdat ON cscsession (\\"userId\\", \\"createdAt\\");"} used: true',
  ];

  async function runAll(connection: ResolvedConnection): Promise<string[]> {
    const out: string[] = [];
    for (const query of queries) {
      const plan = await service.explain({ workspace: ws, root: ROOT, query, file: FILE, connection, analyze: false });
      out.push(plan.summary.topNode);
    }
    // Explain Analyze with values: run, and rolled back.
    const analyzed = await service.explain({ workspace: ws, root: ROOT, query: queries[0]!, file: FILE, connection, params: [7], analyze: true });
    out.push(`${analyzed.analyzed} ${analyzed.rolledBack}`);
    // Prove index, as the quick fix sends it: the finding names the table by the catalog key (`cscsession`). HypoPG where the server has it, else a real index.
    const finding = ws.analyze(FILE).find((f) => f.index)!;
    const index = { table: finding.index!.table, columns: finding.index!.columns, ddl: createIndexSql(finding.index!, 'postgres', { concurrently: false }) };
    const proof = await service.proveIndex({ workspace: ws, root: ROOT, query: queries[0]!, file: FILE, connection, params: [7], index });
    out.push(`${finding.ruleId} ${JSON.stringify(proof.index)} used: ${proof.indexUsed}`);
    return out;
  }

  it('runs on the real PostgreSQL server after the migration', async function () {
    const admin = new Client({ connectionString: PG_URL });
    try {
      await admin.connect();
    } catch {
      this.skip();
    }
    const schema = `camel_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
    try {
      await admin.query(`CREATE SCHEMA ${schema}`);
      await admin.query(`SET search_path TO ${schema}`);
      await admin.query(MIGRATION);
      await admin.query('INSERT INTO "CscSession" ("userId") SELECT g % 50 FROM generate_series(1, 2000) g');
      await admin.query('ANALYZE "CscSession"');
      const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
      assert.deepEqual(await runAll({ name: 'camel-pg', driver: 'postgres', url }), EXPECTED);
      assert.equal(Number((await admin.query('SELECT count(*) AS n FROM "CscSession"')).rows[0].n), 2000, 'Explain changed no data');
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
  });

  it('runs on the embedded shadow database, which creates the same names', async () => {
    assert.deepEqual(await runAll({ name: 'embedded', driver: 'embedded' }), EXPECTED);
  });
});
