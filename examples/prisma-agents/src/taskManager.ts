/** The TaskManager's agent state: planners hand tasks to workers (the seeds' TaskManager, with Prisma Client). */
import { prisma } from './db';

// BAD: workers are filtered on planner_id and task_status, and each has an index of its own.
export async function getCurrentTask(plannerId: string) {
  return prisma.worker.findFirst({
    where: { plannerId, taskStatus: 'in_progress' },
    select: { workerId: true, taskContext: true },
  });
}

// BAD: the same two columns.
export async function getPendingWorkers(plannerId: string) {
  return prisma.worker.findMany({
    where: { plannerId, taskStatus: 'pending' },
    take: 50,
  });
}

// GOOD: a lookup by primary key.
export async function getWorker(workerId: string) {
  return prisma.worker.findUnique({ where: { workerId } });
}
