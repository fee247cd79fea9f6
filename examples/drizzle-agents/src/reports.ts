/** Reports and imports over agents, tasks and documents. */
import { and, eq, ilike, inArray } from 'drizzle-orm';
import { db } from './db';
import { agents, documents, tasks } from './schema';

// BAD: one tasks query per agent: n-plus-one.
export async function tasksPerAgent(tenantId: number): Promise<Map<number, number>> {
  const list = await db.select().from(agents).where(eq(agents.tenantId, tenantId));
  const counts = new Map<number, number>();
  for (const agent of list) {
    const agentTasks = await db.select().from(tasks).where(eq(tasks.agentId, agent.id));
    counts.set(agent.id, agentTasks.length);
  }
  return counts;
}

// GOOD: one query over the collected ids.
export async function tasksOfAgents(agentIds: number[]) {
  return db.select().from(tasks).where(inArray(tasks.agentId, agentIds)).limit(1000);
}

// GOOD: the relational API loads the agents with their tasks in one statement.
export async function agentsWithTasks(tenantId: number) {
  return db.query.agents.findMany({ where: eq(agents.tenantId, tenantId), with: { tasks: true }, limit: 50 });
}

// BAD: an INSERT per document: commit-in-loop.
export async function importDocuments(agentId: number, items: { title: string; body: string }[]): Promise<void> {
  for (const item of items) {
    await db.insert(documents).values({ agentId, title: item.title, body: item.body });
  }
}

// GOOD: one multi-row INSERT.
export async function importDocumentsAtOnce(agentId: number, items: { title: string; body: string }[]): Promise<void> {
  if (items.length > 0) await db.insert(documents).values(items.map((item) => ({ agentId, ...item })));
}

// A leading wildcard: leading-wildcard-like, at info (the tenant's index finds the rows, the pattern sifts them).
export async function findTestAgents(tenantId: number) {
  return db.select({ id: agents.id }).from(agents).where(and(eq(agents.tenantId, tenantId), ilike(agents.name, '%test%'))).limit(50);
}
