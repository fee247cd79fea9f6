/** The planner's TaskManager: which task is pending, which ones are done. */
import { and, eq, inArray } from 'drizzle-orm';
import { db } from './db';
import { workers } from './schema';

export class TaskManager {
  constructor(private readonly plannerId: number) {}

  // BAD: workers has one index on planner_id and one on task_status, none on
  // both: missing-composite-index workers(planner_id, task_status).
  async getCurrentTask(): Promise<number | undefined> {
    const [row] = await db
      .select({ workerId: workers.workerId })
      .from(workers)
      .where(and(eq(workers.plannerId, this.plannerId), eq(workers.taskStatus, 'pending')))
      .limit(1);
    return row?.workerId;
  }

  // BAD: the same columns, IN on the second one (the relational API).
  async getCompletedTasks() {
    return db.query.workers.findMany({
      where: (w, { and, eq, inArray }) => and(eq(w.plannerId, this.plannerId), inArray(w.taskStatus, ['completed', 'failed_validation'])),
      limit: 100,
    });
  }

  // GOOD: one worker by primary key.
  async worker(workerId: number) {
    return db.query.workers.findFirst({ where: eq(workers.workerId, workerId) });
  }

  // GOOD: an update by primary key.
  async finish(workerIds: number[]): Promise<void> {
    await db.update(workers).set({ taskStatus: 'completed', updatedAt: new Date() }).where(inArray(workers.workerId, workerIds));
  }
}
