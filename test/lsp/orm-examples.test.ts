/**
 * The built language server on the ORM examples (examples/prisma-agents,
 * drizzle-agents, typeorm-agents), copied to a temporary folder: the
 * Explain / Explain Analyze / Benchmark CodeLenses over the ORM calls, each
 * rendered to the SQL the ORM sends and explained on the embedded shadow
 * database (read-only: SELECTs, ANALYZE rolled back), QueryLens's own message
 * when fewer values than parameters are given, and "Fix all" carrying every
 * file's edits (schema.prisma's @@index, the TypeORM entity's @Index) beside
 * the new migrations.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CreateFile, TextDocumentEdit, type CodeAction, type CodeLens, type Diagnostic, type TextEdit } from 'vscode-languageserver/node';
import type { ResolvedConnection } from '../../shared/connections';
import type { ExplainResult } from '../../shared/explain';
import { BENCHMARK_COMMAND, BenchmarkRequest, EXPLAIN_ANALYZE_COMMAND, EXPLAIN_COMMAND, ExplainRequest, FIX_ALL_KIND, type BenchmarkSummary } from '../../shared/protocol';
import { REPO, serverPerTest, TestClient, uriOf } from './client';

const EMBEDDED: ResolvedConnection = { name: 'embedded', driver: 'embedded', rowsPerTable: 1000 };

/** A temporary copy of `examples/<name>` (no git: nothing in it counts as shipped). */
function copyExample(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `querylens-${name}-`));
  cpSync(join(REPO, 'examples', name), dir, { recursive: true });
  return dir;
}

interface ExampleQuery {
  /** The lenses' range: the ORM call chain, [start line, character, end line, character] (0-based). */
  range: [number, number, number, number];
  /** The SQL the ORM sends, as QueryLens renders it. */
  sql: string;
}

/** The example's src/taskManager.ts: the TaskManager's lookups of workers (and, in TypeORM's, of agents). */
interface Example {
  name: string;
  queries: ExampleQuery[];
  /** Values of the first query's parameters (workers of a planner in a task status), for Explain Analyze and Benchmark. */
  values: (string | number)[];
}

const FILE = 'src/taskManager.ts';
/** QueryLens's message for the first query of each example given only its first value. */
const TOO_FEW = 'Connection "embedded": the query takes 2 values and 1 was given: no value for $2 (workers.task_status). Give one value per parameter, in order.';

const EXAMPLES: Example[] = [
  {
    name: 'prisma-agents',
    queries: [
      { range: [5, 9, 8, 4], sql: 'SELECT workers.worker_id, workers.task_context FROM workers WHERE workers.planner_id = $1 AND workers.task_status = $2 LIMIT 1' },
      { range: [13, 9, 16, 4], sql: 'SELECT workers.* FROM workers WHERE workers.planner_id = $1 AND workers.task_status = $2 LIMIT 50' },
      { range: [21, 9, 21, 58], sql: 'SELECT workers.* FROM workers WHERE workers.worker_id = $1 LIMIT 1' },
    ],
    values: ['planner-1', 'in_progress'],
  },
  {
    name: 'drizzle-agents',
    queries: [
      { range: [11, 18, 15, 15], sql: 'SELECT workers.worker_id FROM workers WHERE workers.planner_id = $1 AND workers.task_status = $2 LIMIT 1' },
      { range: [21, 11, 24, 6], sql: 'SELECT workers.* FROM workers WHERE workers.planner_id = $1 AND workers.task_status = ANY($2) LIMIT 100' },
      { range: [29, 11, 29, 80], sql: 'SELECT workers.* FROM workers WHERE workers.worker_id = $1 LIMIT 1' },
      // A write: drizzle binds the literal too.
      { range: [34, 4, 34, 128], sql: 'UPDATE workers SET task_status = $1, updated_at = $2 WHERE workers.worker_id = ANY($3)' },
    ],
    values: [1, 'pending'],
  },
  {
    name: 'typeorm-agents',
    queries: [
      { range: [16, 11, 16, 100], sql: 'SELECT workers.* FROM workers WHERE workers.planner_id = $1 AND workers.task_status = $2 LIMIT 1' },
      { range: [21, 11, 21, 135], sql: 'SELECT workers.* FROM workers WHERE workers.planner_id = $1 AND workers.task_status = $2 ORDER BY workers.created_at DESC LIMIT 50' },
      { range: [26, 19, 26, 77], sql: 'SELECT agent.* FROM agent WHERE agent."tenantId" = $1 LIMIT 100' },
      { range: [29, 24, 29, 78], sql: 'SELECT workers.* FROM workers WHERE workers.agent_id = $1' },
      { range: [36, 11, 36, 84], sql: 'SELECT workers.* FROM workers WHERE workers.agent_id = ANY($1) LIMIT 1000' },
      // Writes: TypeORM names every column but the generated key, DEFAULT for those not given.
      { range: [43, 6, 43, 53], sql: 'INSERT INTO documents (collection_id, title, content) VALUES ($1, $2, DEFAULT)' },
      { range: [49, 4, 49, 101], sql: 'INSERT INTO documents (collection_id, title, content) VALUES ($1, $2, DEFAULT)' },
    ],
    values: [1, 'in_progress'],
  },
];

const LENSES: [string, string][] = [
  ['Explain', EXPLAIN_COMMAND],
  ['Explain Analyze', EXPLAIN_ANALYZE_COMMAND],
  ['Benchmark', BENCHMARK_COMMAND],
];

/** A write of an example, its lenses' range, the SQL it sends, and values for it. */
interface ExampleWrite extends ExampleQuery {
  values: (string | number)[];
}

/** The writes of each example (all of them but Drizzle's rows built with a spread, whose columns QueryLens cannot see). */
const WRITES: { name: string; file: string; writes: ExampleWrite[] }[] = [
  {
    name: 'prisma-agents',
    file: 'src/reports.ts',
    writes: [
      { range: [23, 4, 23, 67], sql: 'INSERT INTO documents (collection_id, title) VALUES ($1, $2) RETURNING *', values: [7, 'a title'] },
      { range: [29, 2, 29, 94], sql: 'INSERT INTO documents (collection_id, title) VALUES ($1, $2)', values: [7, 'a title'] },
    ],
  },
  {
    name: 'drizzle-agents',
    file: 'src/reports.ts',
    writes: [{ range: [29, 4, 29, 86], sql: 'INSERT INTO documents (id, agent_id, title, body) VALUES (DEFAULT, $1, $2, $3)', values: [1, 'a title', 'a body'] }],
  },
  {
    name: 'drizzle-agents',
    file: FILE,
    writes: [{ range: [34, 4, 34, 128], sql: 'UPDATE workers SET task_status = $1, updated_at = $2 WHERE workers.worker_id = ANY($3)', values: ['completed', '2026-01-01T00:00:00Z', '{1,2,3}'] }],
  },
  {
    name: 'typeorm-agents',
    file: FILE,
    writes: [
      { range: [43, 6, 43, 53], sql: 'INSERT INTO documents (collection_id, title, content) VALUES ($1, $2, DEFAULT)', values: [7, 'a title'] },
      { range: [49, 4, 49, 101], sql: 'INSERT INTO documents (collection_id, title, content) VALUES ($1, $2, DEFAULT)', values: [7, 'a title'] },
    ],
  },
];

const codes = (diagnostics: Diagnostic[]) => diagnostics.map((d) => d.code);

/** Writes a Fix all's changes to the disk, as the editor would: files created, then each file's edits. */
function applyWorkspaceEdit(changes: NonNullable<NonNullable<CodeAction['edit']>['documentChanges']>): void {
  for (const change of changes) {
    if (CreateFile.is(change)) writeFileSync(fileURLToPath(change.uri), '');
    else if (TextDocumentEdit.is(change)) {
      const file = fileURLToPath(change.textDocument.uri);
      writeFileSync(file, TextDocument.applyEdits(TextDocument.create(change.textDocument.uri, 'plaintext', 0, readFileSync(file, 'utf8')), change.edits));
    }
  }
}

async function openExample(state: { client?: TestClient }, example: string, file: string) {
  const root = copyExample(example);
  const client = (state.client = await TestClient.start(root));
  const path = join(root, file);
  const text = readFileSync(path, 'utf8');
  const uri = await client.open(path, text, 'typescript');
  return { root, client, path, text, uri };
}

describe('language server on the ORM examples (built, over stdio)', function () {
  this.timeout(240_000);
  const state = serverPerTest();

  for (const example of EXAMPLES) {
    it(`${example.name}: Explain, Explain Analyze and Benchmark over each ORM call, explained as the SQL the ORM sends`, async function () {
      const { client, uri } = await openExample(state, example.name, FILE);
      const lenses = await client.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
      assert.deepEqual(
        lenses.map((l) => [l.range.start.line, l.range.start.character, l.range.end.line, l.range.end.character, l.command?.title, l.command?.command, l.command?.arguments]),
        example.queries.flatMap(({ range }) => LENSES.map(([title, command]) => [...range, title, command, [{ uri, position: { line: range[0], character: range[1] } }]])),
      );

      // Explain without values: the generic plan of the rendered SQL, in a transaction rolled back.
      for (const query of example.queries) {
        const position = { line: query.range[0], character: query.range[1] };
        const result = await client.sendRequest<ExplainResult>(ExplainRequest.method, { uri, position, connection: EMBEDDED, analyze: false });
        assert.deepEqual([result.sql, result.connection, result.analyzed, result.genericPlan, result.rolledBack], [query.sql, 'embedded', false, true, true]);
        assert.ok(Array.isArray(result.pgPlan), 'a PostgreSQL JSON plan');
      }

      // The first query with its values: analyzed (and rolled back), benchmarked; with one value too few, QueryLens says which is missing.
      const first = { line: example.queries[0]!.range[0], character: example.queries[0]!.range[1] };
      const analyzed = await client.sendRequest<ExplainResult>(ExplainRequest.method, { uri, position: first, connection: EMBEDDED, analyze: true, params: example.values });
      assert.deepEqual([analyzed.sql, analyzed.params, analyzed.analyzed, analyzed.genericPlan, analyzed.rolledBack], [example.queries[0]!.sql, example.values, true, false, true]);
      const bench = await client.sendRequest<BenchmarkSummary>(BenchmarkRequest.method, { uri, position: first, connection: EMBEDDED, params: example.values, iterations: 3, warmup: 0 });
      // A SELECT is benchmarked as it is (a write would run in a transaction rolled back).
      assert.deepEqual([bench.sql, bench.iterations, bench.errors, bench.rolledBack], [example.queries[0]!.sql, 3, 0, false]);
      for (const analyze of [false, true]) {
        await assert.rejects(
          client.sendRequest(ExplainRequest.method, { uri, position: first, connection: EMBEDDED, analyze, params: example.values.slice(0, 1) }),
          (error: Error) => {
            assert.equal(error.message, TOO_FEW);
            return true;
          },
        );
      }
      await assert.rejects(
        client.sendRequest(BenchmarkRequest.method, { uri, position: first, connection: EMBEDDED, params: example.values.slice(0, 1), iterations: 3 }),
        (error: Error) => {
          assert.equal(error.message, TOO_FEW);
          return true;
        },
      );
    });
  }

  for (const { name, file, writes } of WRITES) {
    it(`${name}: ${file}'s writes have the three lenses, rendered to the SQL the ORM sends; Explain Analyze and Benchmark run them in a transaction rolled back`, async function () {
      const { client, uri } = await openExample(state, name, file);
      const lenses = await client.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
      for (const write of writes) {
        const position = { line: write.range[0], character: write.range[1] };
        const over = lenses.filter((l) => l.range.start.line === write.range[0] && l.range.start.character === write.range[1]);
        assert.deepEqual(
          over.map((l) => [l.range.end.line, l.range.end.character, l.command?.title, l.command?.command, l.command?.arguments]),
          LENSES.map(([title, command]) => [write.range[2], write.range[3], title, command, [{ uri, position }]]),
        );
        const plain = await client.sendRequest<ExplainResult>(ExplainRequest.method, { uri, position, connection: EMBEDDED, analyze: false });
        assert.deepEqual([plain.sql, plain.analyzed, plain.genericPlan, plain.rolledBack], [write.sql, false, true, true]);
        const analyzed = await client.sendRequest<ExplainResult>(ExplainRequest.method, { uri, position, connection: EMBEDDED, analyze: true, params: write.values });
        assert.deepEqual([analyzed.sql, analyzed.params, analyzed.analyzed, analyzed.rolledBack], [write.sql, write.values, true, true]);
        const bench = await client.sendRequest<BenchmarkSummary>(BenchmarkRequest.method, { uri, position, connection: EMBEDDED, params: write.values, iterations: 3, warmup: 0 });
        assert.deepEqual([bench.sql, bench.iterations, bench.errors, bench.rolledBack], [write.sql, 3, 0, true]);
      }
    });
  }

  it("prisma-agents: Fix all adds the @@index to schema.prisma, as the finding's quick fix does, beside the one new migration", async function () {
    const { root, client, uri, text } = await openExample(state, 'prisma-agents', FILE);
    const diagnostics = await client.waitForDiagnostics(uri, (d) => codes(d).filter((c) => c === 'missing-composite-index').length === 2);
    assert.deepEqual(codes(diagnostics), ['missing-composite-index', 'missing-composite-index']);
    const whole = { start: { line: 0, character: 0 }, end: { line: text.split('\n').length, character: 0 } };
    const [fixAll, ...more] = await client.codeActions(uri, whole, diagnostics, ['source.fixAll']);
    assert.equal(more.length, 0);
    assert.equal(fixAll!.kind, FIX_ALL_KIND);
    const changes = fixAll!.edit!.documentChanges!;
    const created = changes.filter(CreateFile.is).map((c) => c.uri);
    assert.equal(created.length, 1, 'the two findings ask for one index: one migration');
    const migration = created[0]!;
    assert.match(migration, /\/prisma\/migrations\/\d{14}_add_index_workers_planner_id_task_status\/migration\.sql$/);
    const schemaEdit: TextEdit = { range: { start: { line: 71, character: 18 }, end: { line: 71, character: 18 } }, newText: '\n  @@index([plannerId, taskStatus])' };
    assert.deepEqual(changes, [
      { textDocument: { uri: uriOf(join(root, 'prisma/schema.prisma')), version: null }, edits: [schemaEdit] },
      { kind: 'create', uri: migration, options: { ignoreIfExists: false, overwrite: false } },
      {
        textDocument: { uri: migration, version: null },
        edits: [
          {
            range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
            newText: [
              "-- schema.prisma must declare this index on its model (@@index, with map: when the name below is not Prisma's own), or prisma migrate dev will want to drop it.",
              '-- CONCURRENTLY does not block writes to the table, but cannot run in a transaction block',
              '-- nor next to another statement: keep it the only statement of this file.',
              'CREATE INDEX CONCURRENTLY workers_planner_id_task_status_idx ON workers (planner_id, task_status);',
              '',
            ].join('\n'),
          },
        ],
      },
    ]);
    const schemaLine = readFileSync(join(root, 'prisma/schema.prisma'), 'utf8').split('\n')[71];
    assert.equal(schemaLine, '  @@map("workers")', 'the edit goes after the last attribute of Worker');

    // The quick fix of one finding makes the same schema edit.
    const quick = await client.codeActions(uri, diagnostics[0]!.range, [diagnostics[0]!]);
    const fix = quick.find((a) => a.title === 'Add index on workers(planner_id, task_status) in a new migration and @@index to the Worker model');
    assert.ok(fix, JSON.stringify(quick.map((a) => a.title)));
    assert.deepEqual(fix.edit!.documentChanges!.filter(TextDocumentEdit.is).filter((c) => c.textDocument.uri.endsWith('/schema.prisma')), [changes[0]]);
  });

  it('drizzle-agents: Fix all adds the index to the Drizzle table and writes the migration drizzle-kit would, journal and snapshot included', async function () {
    const { root, client, uri, text } = await openExample(state, 'drizzle-agents', FILE);
    const diagnostics = await client.waitForDiagnostics(uri, (d) => codes(d).filter((c) => c === 'missing-composite-index').length === 2);
    const whole = { start: { line: 0, character: 0 }, end: { line: text.split('\n').length, character: 0 } };
    const [fixAll, ...more] = await client.codeActions(uri, whole, diagnostics, ['source.fixAll']);
    assert.equal(more.length, 0);
    assert.equal(fixAll!.kind, FIX_ALL_KIND);
    const changes = fixAll!.edit!.documentChanges!;
    const edited = changes.filter(TextDocumentEdit.is);
    const created = changes.filter(CreateFile.is).map((c) => c.uri.slice(uriOf(root).length + 1));
    // The two findings ask for one index: one migration, its SQL and snapshot, one journal entry.
    assert.deepEqual(created, ['drizzle/0001_add_index_workers_planner_id_task_status.sql', 'drizzle/meta/0001_snapshot.json']);
    const journalEdit = edited.find((c) => c.textDocument.uri.endsWith('/drizzle/meta/_journal.json'))!;
    // The other files' edits by path, then the new files' contents.
    assert.deepEqual(edited.map((c) => c.textDocument.uri.slice(uriOf(root).length + 1)), ['drizzle/meta/_journal.json', 'src/schema.ts', ...created]);
    assert.deepEqual(edited[1]!.edits, [
      {
        range: { start: { line: 33, character: 0 }, end: { line: 34, character: 0 } },
        newText:
          "}, (t) => [index('workers_planner_id_idx').on(t.plannerId), index('workers_task_status_idx').on(t.taskStatus), " +
          "index('idx_workers_planner_id_task_status').on(t.plannerId, t.taskStatus)]);\n",
      },
    ]);
    assert.deepEqual(
      journalEdit.edits.map((e) => ({ ...e, newText: e.newText.replace(/"when": \d+/, '"when": 0') })),
      [
        {
          // Lines inserted after the last entry's `"breakpoints": true`: its closing brace then closes the new one.
          range: { start: { line: 10, character: 0 }, end: { line: 10, character: 0 } },
          newText: '    },\n    {\n      "idx": 1,\n      "version": "7",\n      "when": 0,\n      "tag": "0001_add_index_workers_planner_id_task_status",\n      "breakpoints": true\n',
        },
      ],
    );
    const sql = edited.find((c) => c.textDocument.uri.endsWith('.sql'))!.edits.map((e) => e.newText).join('');
    assert.equal(sql, 'CREATE INDEX idx_workers_planner_id_task_status ON workers (planner_id, task_status);\n');

    // Applied to the copy, drizzle-kit finds the schema and the migrations in agreement: nothing left to generate.
    applyWorkspaceEdit(changes);
    symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
    const run = spawnSync(process.execPath, [join(REPO, 'node_modules', 'drizzle-kit', 'bin.cjs'), 'generate'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout + run.stderr, /No schema changes, nothing to migrate/);
  });

  it("typeorm-agents: Fix all adds the longer @Index to the Worker entity beside its migration, and not the index it leads", async function () {
    const { root, client, uri, text } = await openExample(state, 'typeorm-agents', FILE);
    const diagnostics = await client.waitForDiagnostics(uri, (d) => codes(d).filter((c) => c === 'missing-composite-index').length === 2);
    const whole = { start: { line: 0, character: 0 }, end: { line: text.split('\n').length, character: 0 } };
    const [fixAll] = await client.codeActions(uri, whole, diagnostics, ['source.fixAll']);
    const changes = fixAll!.edit!.documentChanges!;
    const at = { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } };
    assert.deepEqual(changes[0], {
      textDocument: { uri: uriOf(join(root, 'src/entities/worker.ts')), version: null },
      edits: [
        { range: at, newText: "@Index('idx_workers_planner_id_task_status_created_at', ['plannerId', 'taskStatus', 'createdAt'])\n" },
      ],
    });
    assert.equal(readFileSync(join(root, 'src/entities/worker.ts'), 'utf8').split('\n')[4], "@Entity('workers')", 'the decorators go above @Entity');
    const created = changes.filter(CreateFile.is).map((c) => c.uri.slice(c.uri.lastIndexOf('/') + 1).replace(/^\d+-/, ''));
    // (planner_id, task_status) leads (planner_id, task_status, created_at), which serves both queries: one index, one migration.
    assert.deepEqual(created, ['AddIndexWorkersPlannerIdTaskStatusCreatedAt.ts']);
  });
});
