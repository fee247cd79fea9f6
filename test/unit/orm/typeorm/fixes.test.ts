/**
 * TypeORM fixes that edit application code, applied and compiled with tsc
 * against typeorm 1.1.1's types: the n-plus-one fix's one query over the
 * collected keys (`In(agent_ids)`), and `@Index` on an entity in a project
 * without migrations.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultConfig } from '../../../../server/src/core/config/types';
import { Workspace } from '../../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../../server/src/core/host/treesitter';
import { initParsers } from '../../../../server/src/core/sql/parse';
import { useWorkspaces } from '../../migrations/workspace';
import { apply, compile } from './project';
import { LineIndex } from '../../../../server/src/core/engine/lineIndex';
import type { Finding } from '../../../../shared/types';

const ROOT = path.resolve(__dirname, '../../../..');

const AGENT = `import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity()
export class Agent {
  @PrimaryGeneratedColumn() id!: number;
  @Column() tenantId!: number;
}
`;

const TASK = `import { Column, Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Agent } from './agent';

@Entity('tasks')
export class Task {
  @PrimaryGeneratedColumn() id!: number;
  @Column() plannerId!: number;
  @Column({ name: 'task_status' }) taskStatus!: string;
  @ManyToOne(() => Agent) agent!: Agent;
}
`;

const SERVICE = `import { DataSource } from 'typeorm';
import { Agent } from './entities/agent';
import { Task } from './entities/task';

export async function tasksPerAgent(dataSource: DataSource, tenantId: number): Promise<number> {
  const agents = await dataSource.getRepository(Agent).find({ where: { tenantId }, take: 100 });
  const tasks = dataSource.getRepository(Task);
  let count = 0;
  for (const agent of agents) {
    const own = await tasks.findBy({ agent: { id: agent.id }, taskStatus: 'pending' });
    count += own.length;
  }
  return count;
}

export async function current(dataSource: DataSource, plannerId: number): Promise<Task | null> {
  return dataSource.getRepository(Task).findOneBy({ plannerId, taskStatus: 'in_progress' });
}
`;

const DOC = `import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('documents')
export class Doc {
  @PrimaryGeneratedColumn() id!: number;
  @Column() collection!: number;
  @Column() title!: string;
}
`;

// Writes per item and unpaginated reads in each form the fixes rewrite, and two they leave (the saved row used, an await in the values).
const IMPORTS = `import { DataSource, EntityManager } from 'typeorm';
import { Doc } from './entities/doc';

export async function importTitles(dataSource: DataSource, collection: number, titles: string[]): Promise<void> {
  const documents = dataSource.getRepository(Doc);
  for (const title of titles) {
    await documents.save(documents.create({
      collection,
      title,
    }));
  }
}

export async function importWithManager(manager: EntityManager, rows: { title: string }[]): Promise<void> {
  for (const { title } of rows) await manager.insert(Doc, { collection: 1, title });
}

export async function saveAll(dataSource: DataSource, docs: Doc[]): Promise<void> {
  for (const doc of docs) {
    await dataSource.getRepository(Doc).save(doc, { reload: false });
  }
}

export async function importAndLog(dataSource: DataSource, titles: string[]): Promise<void> {
  for (const title of titles) {
    const saved = await dataSource.getRepository(Doc).save({ collection: 2, title });
    console.log(saved.id);
  }
}

export async function importTranslated(dataSource: DataSource, titles: string[], translate: (s: string) => Promise<string>): Promise<void> {
  for (const title of titles) {
    await dataSource.getRepository(Doc).insert({ collection: 3, title: await translate(title) });
  }
}

export async function everyDoc(dataSource: DataSource): Promise<Doc[]> {
  return dataSource.getRepository(Doc).find();
}

export async function docsOf(manager: EntityManager, collection: number): Promise<Doc[]> {
  return manager.findBy(Doc, { collection });
}

export async function docsInOrder(dataSource: DataSource, collection: number): Promise<[Doc[], number]> {
  return dataSource.getRepository(Doc).findAndCount({
    where: { collection },
    order: { id: 'ASC' },
  });
}
`;

/** The first fix of each finding applied at once to the one file they edit (their edits do not overlap). */
function applyAll(findings: Finding[]): void {
  const edits = findings.flatMap((f) => f.fixes[0]!.changes.flatMap((c) => (c.kind === 'edit' ? c.edits.map((e) => ({ file: c.file, ...e })) : [])));
  const file = edits[0]!.file;
  assert.ok(edits.every((e) => e.file === file));
  const text = fs.readFileSync(file, 'utf8');
  const lines = new LineIndex(text);
  let out = text;
  for (const e of edits.map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), newText: e.newText })).sort((a, b) => b.start - a.start)) {
    out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  }
  fs.writeFileSync(file, out);
}

describe('TypeORM fixes in application code, compiled', function () {
  this.timeout(120_000);
  const make = useWorkspaces();
  before(() => Promise.all([initParsers(), initHostParsers()]));

  async function project() {
    const { root } = make({ 'src/entities/agent.ts': AGENT, 'src/entities/task.ts': TASK, 'src/service.ts': SERVICE });
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
    const ws = await Workspace.create({ root, config: { ...defaultConfig(), dialect: 'postgres' } });
    return { root, findings: ws.analyze(path.join(root, 'src/service.ts')) };
  }

  it('n-plus-one: one findBy over In(agent_ids) above the loop, In imported; it compiles', async () => {
    const { root, findings } = await project();
    const found = findings.filter((f) => f.ruleId === 'n-plus-one');
    assert.equal(found.length, 1);
    assert.equal(found[0]!.fixes[0]!.title, 'Insert one query for all agent rows above the loop (review, then use its rows)');
    apply(found[0]!);
    const text = fs.readFileSync(path.join(root, 'src/service.ts'), 'utf8');
    assert.equal(text.split('\n')[0], "import { DataSource, In } from 'typeorm';");
    assert.match(text, /\n {2}const agent_ids = agents\.map\(\(agent\) => agent\.id\);\n {2}const all_tasks = await tasks\.findBy\(\{ agent: \{ id: In\(agent_ids\) \}, taskStatus: 'pending' \}\);\n {2}for \(const agent of agents\) \{/);
    assert.deepEqual(compile(root), []);
  });

  it('missing-composite-index without migrations: @Index on the Task entity, Index imported; it compiles', async () => {
    const { root, findings } = await project();
    const found = findings.filter((f) => f.ruleId === 'missing-composite-index');
    assert.deepEqual(found.map((f) => f.fixes[0]?.title), ['Add Index on tasks(agentId, task_status) to the Task model', 'Add Index on tasks(plannerId, task_status) to the Task model']);
    apply(found[1]!);
    assert.equal(
      fs.readFileSync(path.join(root, 'src/entities/task.ts'), 'utf8'),
      TASK.replace('PrimaryGeneratedColumn }', 'PrimaryGeneratedColumn, Index }').replace("@Entity('tasks')", "@Index('idx_tasks_plannerid_task_status', ['plannerId', 'taskStatus'])\n@Entity('tasks')"),
    );
    assert.deepEqual(compile(root), []);
  });

  it('commit-in-loop and unpaginated-query: one insert/save over all items, take: 100 in the find options; it compiles', async () => {
    const { root } = make({ 'src/entities/doc.ts': DOC, 'src/imports.ts': IMPORTS });
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
    const ws = await Workspace.create({ root, config: { ...defaultConfig(), dialect: 'postgres' } });
    const found = ws.analyze(path.join(root, 'src/imports.ts')).filter((f) => f.ruleId === 'commit-in-loop' || f.ruleId === 'unpaginated-query');
    assert.deepEqual(found.map((f) => `${f.range.start.line + 1} ${f.ruleId} ${f.fixes[0]?.title ?? '-'}`), [
      '7 commit-in-loop Save all of titles with one save',
      '15 commit-in-loop Insert all of rows with one insert',
      '20 commit-in-loop Save all of docs with one save',
      '26 commit-in-loop -',
      '33 commit-in-loop -',
      '38 unpaginated-query Add take: 100 to the find options',
      '42 unpaginated-query Add take: 100 (findBy(where) → find({ where, take: 100 }))',
      '46 unpaginated-query Add take: 100 to the findAndCount options',
    ]);
    applyAll(found.filter((f) => f.fixes.length > 0));
    assert.equal(fs.readFileSync(path.join(root, 'src/imports.ts'), 'utf8'), IMPORTS
      .replace(
        '  for (const title of titles) {\n    await documents.save(documents.create({\n      collection,\n      title,\n    }));\n  }',
        '  // QueryLens commit-in-loop: one save for all of titles, in one transaction (all are saved or none).\n' +
          '  await documents.save(titles.map((title) => documents.create({\n    collection,\n    title,\n  })));',
      )
      .replace(
        '  for (const { title } of rows) await manager.insert(Doc, { collection: 1, title });',
        '  // QueryLens commit-in-loop: one INSERT for all of rows.\n  await manager.insert(Doc, rows.map(({ title }) => ({ collection: 1, title })));',
      )
      .replace(
        '  for (const doc of docs) {\n    await dataSource.getRepository(Doc).save(doc, { reload: false });\n  }',
        '  // QueryLens commit-in-loop: one save for all of docs, in one transaction (all are saved or none).\n  await dataSource.getRepository(Doc).save(docs, { reload: false });',
      )
      .replace('.find();', '.find({ take: 100 });')
      .replace('manager.findBy(Doc, { collection })', 'manager.find(Doc, { where: { collection }, take: 100 })')
      .replace("    order: { id: 'ASC' },\n", "    order: { id: 'ASC' },\n    take: 100,\n"));
    assert.deepEqual(compile(root), []);
  });
});
