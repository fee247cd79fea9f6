/** Reports and batch jobs over agents, their tasks and documents. */
import { prisma } from './db';

// BAD: N+1, one tasks query per agent.
export async function tasksPerAgent(tenantId: number): Promise<Map<number, number>> {
  const agents = await prisma.agent.findMany({ where: { tenantId }, orderBy: { id: 'asc' }, take: 100 });
  const counts = new Map<number, number>();
  for (const agent of agents) {
    const tasks = await prisma.task.findMany({ where: { agentId: agent.id }, select: { id: true } });
    counts.set(agent.id, tasks.length);
  }
  return counts;
}

// GOOD: the tasks of every agent in one query over the collected keys.
export async function tasksPerAgentBatched(agentIds: number[]): Promise<Map<number, number>> {
  const groups = await prisma.task.groupBy({ by: ['agentId'], where: { agentId: { in: agentIds } }, _count: { _all: true } });
  return new Map(groups.map((g) => [g.agentId, g._count._all]));
}

// BAD: one INSERT (one transaction, one log flush) per document.
export async function importDocuments(collectionId: number, titles: string[]): Promise<void> {
  for (const title of titles) {
    await prisma.document.create({ data: { collectionId, title } });
  }
}

// GOOD: one statement for every document.
export async function importDocumentsBatched(collectionId: number, titles: string[]): Promise<void> {
  await prisma.document.createMany({ data: titles.map((title) => ({ collectionId, title })) });
}

// BAD: `contains` is LIKE '%…%': a leading wildcard no B-tree index can serve.
export async function findTestDocuments() {
  return prisma.document.findMany({ where: { title: { contains: 'test' } }, select: { id: true, title: true }, take: 100 });
}

// GOOD once documents(title) has an index: `startsWith` is a prefix LIKE, which a B-tree index can serve (QueryLens asks for that index).
export async function findDocumentsByPrefix(prefix: string) {
  return prisma.document.findMany({ where: { title: { startsWith: prefix } }, select: { id: true, title: true }, take: 100 });
}
