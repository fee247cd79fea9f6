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
});
