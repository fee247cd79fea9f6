/** The TaskManager's lookups, through TypeORM repositories. */
import { In, Repository } from 'typeorm';
import { dataSource } from './data-source';
import { Agent } from './entities/agent';
import { Document } from './entities/document';
import { Worker } from './entities/worker';

export class TaskManager {
  private readonly workers: Repository<Worker> = dataSource.getRepository(Worker);
  private readonly agents = dataSource.getRepository(Agent);

  constructor(private readonly plannerId: number) {}

  // BAD: workers filtered on planner_id and task_status, one index each: missing-composite-index
  // (the fix writes a new TypeORM migration and adds @Index on the Worker entity).
  async getCurrentTask(): Promise<Worker | null> {
    return this.workers.findOne({ where: { plannerId: this.plannerId, taskStatus: 'in_progress' } });
  }

  // BAD: the same pair, ordered by creation: missing-composite-index.
  async getCompletedTasks(): Promise<Worker[]> {
    return this.workers.find({ where: { plannerId: this.plannerId, taskStatus: 'completed' }, order: { createdAt: 'DESC' }, take: 50 });
  }

  // BAD: a workers query per agent: n-plus-one (the fix writes one findBy over In(agent_ids) above the loop).
  async tasksPerAgent(tenantId: number): Promise<Map<number, Worker[]>> {
    const agents = await this.agents.find({ where: { tenantId }, take: 100 });
    const out = new Map<number, Worker[]>();
    for (const agent of agents) {
      out.set(agent.id, await this.workers.findBy({ agent: { id: agent.id } }));
    }
    return out;
  }

  // GOOD: one query over the collected keys.
  async tasksOfAgents(agentIds: number[]): Promise<Worker[]> {
    return this.workers.find({ where: { agent: { id: In(agentIds) } }, take: 1000 });
  }

  // BAD: one INSERT per document: commit-in-loop.
  async importDocuments(collectionId: number, titles: string[]): Promise<void> {
    const documents = dataSource.getRepository(Document);
    for (const title of titles) {
      await documents.insert({ collectionId, title });
    }
  }

  // GOOD: all documents in one INSERT.
  async importDocumentsAtOnce(collectionId: number, titles: string[]): Promise<void> {
    await dataSource.getRepository(Document).insert(titles.map((title) => ({ collectionId, title })));
  }
}
