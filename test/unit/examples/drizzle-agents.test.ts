// examples/drizzle-agents: the agent platform with Drizzle ORM and drizzle-kit migrations. It
// type-checks against drizzle-orm's real types, its migrations are what drizzle-kit generates
// from its schema (nothing left to generate), and QueryLens finds the seed cases in it.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { loadConfig } from '../../../server/src/core/config/load';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { LineIndex } from '../../../server/src/core/engine/lineIndex';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';
import { typecheck } from '../host/typescript/typecheck';
import { readFileSync } from 'node:fs';

const ROOT = path.join(__dirname, '..', '..', '..');
const example = path.join(ROOT, 'examples', 'drizzle-agents');

describe('examples/drizzle-agents', function () {
  this.timeout(180_000);

  it('type-checks with its own tsconfig.json (strict)', () => {
    const parsed = ts.getParsedCommandLineOfConfigFile(path.join(example, 'tsconfig.json'), { noEmit: true }, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    })!;
    const program = ts.createProgram(parsed.fileNames, parsed.options);
    const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    assert.deepEqual(errors, []);
  });

  it('has the migrations drizzle-kit generates from its schema', () => {
    const copy = mkdtempSync(path.join(tmpdir(), 'ql-drizzle-example-'));
    try {
      cpSync(example, copy, { recursive: true });
      symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
      const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'drizzle-kit', 'bin.cjs'), 'generate'], { cwd: copy, encoding: 'utf8', timeout: 120_000 });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout + run.stderr, /No schema changes, nothing to migrate/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('reports the seed cases, with the fixes in Drizzle terms', async () => {
    const { config } = await loadConfig(example);
    const workspace = await Workspace.create({ root: example, config });
    assert.deepEqual(workspace.migrationSets().map((s) => [s.tool, path.relative(example, s.dir), s.migrations.length]), [['drizzle', 'drizzle', 1]]);
    const found = ['src/reports.ts', 'src/routes.ts', 'src/taskManager.ts'].flatMap((file) =>
      workspace.analyze(path.join(example, file)).map((f) => `${file}:${f.range.start.line + 1} ${f.ruleId} ${f.severity}${f.fixes[0] ? ` [${f.fixes[0].title}]` : ''}`),
    );
    assert.deepEqual(found, [
      'src/reports.ts:8 unpaginated-query info [Add .limit(100)]',
      'src/reports.ts:11 unpaginated-query info [Add .limit(100)]',
      'src/reports.ts:11 n-plus-one warning [Insert one query for all agent rows above the loop (review, then use its rows)]',
      'src/reports.ts:30 commit-in-loop warning [Insert all of items with one INSERT]',
      'src/reports.ts:41 leading-wildcard-like info [Add index on agents(name) using gin to its Drizzle table and a new drizzle-kit migration]',
      "src/routes.ts:12 unpaginated-query info [Add .limit(100)]",
      'src/taskManager.ts:15 missing-composite-index info [Add index on workers(planner_id, task_status) to its Drizzle table and a new drizzle-kit migration]',
      'src/taskManager.ts:23 missing-composite-index info [Add index on workers(planner_id, task_status) to its Drizzle table and a new drizzle-kit migration]',
    ]);
  });

  it("loads a relation of a relational query's rows with with: { tasks: true } where the loop queries it per row, and the result compiles", async () => {
    const loops =
      "import { desc, eq } from 'drizzle-orm';\n" +
      "import { db } from './db';\n" +
      "import { agents, tasks } from './schema';\n" +
      '\n' +
      'export async function tasksPerAgent(tenantId: number): Promise<Map<number, number>> {\n' +
      '  const list = await db.query.agents.findMany({ where: eq(agents.tenantId, tenantId) });\n' +
      '  const counts = new Map<number, number>();\n' +
      '  for (const agent of list) {\n' +
      '    const agentTasks = await db.select().from(tasks).where(eq(tasks.agentId, agent.id));\n' +
      '    counts.set(agent.id, agentTasks.length);\n' +
      '  }\n' +
      '  return counts;\n' +
      '}\n' +
      '\n' +
      'export async function latestTasks(tenantId: number) {\n' +
      '  const list = await db.query.agents.findMany({ where: eq(agents.tenantId, tenantId), limit: 20 });\n' +
      '  const latest = [];\n' +
      '  for (const agent of list) latest.push(await db.query.tasks.findMany({ where: eq(tasks.agentId, agent.id), orderBy: desc(tasks.createdAt), limit: 5 }));\n' +
      '  return latest;\n' +
      '}\n' +
      '\n' +
      'export async function loadedTwice(tenantId: number) {\n' +
      '  const list = await db.query.agents.findMany({ where: eq(agents.tenantId, tenantId), with: { tasks: true } });\n' +
      '  for (const agent of list) console.log((await db.select().from(tasks).where(eq(tasks.agentId, agent.id))).length);\n' +
      '}\n';
    await Promise.all([initParsers(), initHostParsers()]);
    const own = (file: string) => readFileSync(path.join(example, 'src', file), 'utf8');
    const workspace = Workspace.fromFiles({ root: example, config: (await loadConfig(example)).config }, { 'src/schema.ts': own('schema.ts'), 'src/db.ts': own('db.ts'), 'src/loops.ts': loops });
    const found = workspace.analyze(path.join(example, 'src/loops.ts')).filter((f) => f.ruleId === 'n-plus-one');
    assert.deepEqual(found.map((f) => [f.range.start.line + 1, f.message.slice(f.message.search(/Drizzle can|Its db\.query/)), f.fixes.map((x) => x.title)]), [
      [
        9,
        'Drizzle can also load them with the list: add with: { tasks: true } to its db.query.agents.findMany: each row then holds its tasks, read in the same statement.',
        ['Insert one query for all agent rows above the loop (review, then use its rows)', 'Load tasks with the agents rows (with: { tasks: true }) and read agent.tasks in the loop'],
      ],
      // Each agent's latest five: over all agents the limit would cut the whole list, so neither rewrite (with takes them inside).
      [
        18,
        "Drizzle can also load them with the list: add with: { tasks: { where, orderBy, limit } } to its db.query.agents.findMany, with this query's other conditions, order and limit inside: each row then holds its tasks, read in the same statement.",
        [],
      ],
      // The list loads them already: the rows are there.
      [
        24,
        "Its db.query.agents.findMany already loads them (with: { tasks: ... }): read each row's tasks instead of this query.",
        ['Insert one query for all agent rows above the loop (review, then use its rows)'],
      ],
    ]);
    const fix = found[0]!.fixes[1]!;
    const lines = new LineIndex(loops);
    const change = fix.changes[0]!;
    assert.equal(change.kind, 'edit');
    if (change.kind !== 'edit') return;
    let fixed = loops;
    for (const e of [...change.edits].sort((a, b) => lines.offsetAt(b.range.start) - lines.offsetAt(a.range.start))) {
      fixed = fixed.slice(0, lines.offsetAt(e.range.start)) + e.newText + fixed.slice(lines.offsetAt(e.range.end));
    }
    assert.equal(fixed.slice(0, fixed.indexOf('export async function latestTasks')),
      "import { desc, eq } from 'drizzle-orm';\n" +
      "import { db } from './db';\n" +
      "import { agents, tasks } from './schema';\n" +
      '\n' +
      'export async function tasksPerAgent(tenantId: number): Promise<Map<number, number>> {\n' +
      '  const list = await db.query.agents.findMany({ where: eq(agents.tenantId, tenantId), with: { tasks: true } });\n' +
      '  const counts = new Map<number, number>();\n' +
      '  for (const agent of list) {\n' +
      '    const agentTasks = agent.tasks;\n' +
      '    counts.set(agent.id, agentTasks.length);\n' +
      '  }\n' +
      '  return counts;\n' +
      '}\n' +
      '\n',
    );
    const esm = (code: string) => code.replace(/from '\.\/(\w+)'/g, "from './$1.js'");
    assert.deepEqual(typecheck({ 'schema.ts': esm(own('schema.ts')), 'db.ts': esm(own('db.ts')), 'loops.ts': esm(fixed) }), { 'schema.ts': [], 'db.ts': [], 'loops.ts': [] });
  });

  /** src/reports.ts with the first fix of its finding of `rule` applied, its text before, and whether the fixed file compiles beside the schema. */
  async function fixedReports(rule: string): Promise<{ text: string; fixed: string; errors: Record<string, string[]> }> {
    const { config } = await loadConfig(example);
    const workspace = await Workspace.create({ root: example, config });
    const reports = path.join(example, 'src/reports.ts');
    const fix = workspace.analyze(reports).find((f) => f.ruleId === rule)!.fixes[0]!;
    const text = readFileSync(reports, 'utf8');
    const lines = new LineIndex(text);
    let fixed = text;
    assert.equal(fix.changes.length, 1);
    const change = fix.changes[0]!;
    if (change.kind !== 'edit') assert.fail(`a ${change.kind} change`);
    for (const e of [...change.edits].reverse()) fixed = fixed.slice(0, lines.offsetAt(e.range.start)) + e.newText + fixed.slice(lines.offsetAt(e.range.end));
    // The type-check helper compiles ES modules: relative imports spell their extension there.
    const esm = (code: string) => code.replace(/from '\.\/(\w+)'/g, "from './$1.js'");
    const source = (file: string) => esm(readFileSync(path.join(example, 'src', file), 'utf8'));
    return { text, fixed, errors: typecheck({ 'schema.ts': source('schema.ts'), 'db.ts': source('db.ts'), 'reports.ts': esm(fixed) }) };
  }
  const compiled = { 'schema.ts': [], 'db.ts': [], 'reports.ts': [] };

  it('batches the per-agent query with inArray before the loop, and the result compiles', async () => {
    const { fixed, errors } = await fixedReports('n-plus-one');
    assert.ok(fixed.includes(
      '  // QueryLens n-plus-one: one query for every agent; use these rows in the loop instead of its query.\n' +
        '  const agent_ids = list.map((agent) => agent.id);\n' +
        '  const all_tasks = await db.select().from(tasks).where(inArray(tasks.agentId, agent_ids));\n' +
        '  for (const agent of list) {\n',
    ));
    assert.deepEqual(errors, compiled);
  });

  it('inserts the documents with one insert().values() over the items, under a guard for none, and the result compiles', async () => {
    const { text, fixed, errors } = await fixedReports('commit-in-loop');
    assert.equal(fixed, text.replace(
      '  for (const item of items) {\n    await db.insert(documents).values({ agentId, title: item.title, body: item.body });\n  }',
      '  // QueryLens commit-in-loop: one INSERT for all of items (values() takes no empty list).\n' +
        '  if (items.length > 0) await db.insert(documents).values(items.map((item) => ({ agentId, title: item.title, body: item.body })));',
    ));
    assert.deepEqual(errors, compiled);
  });
});
