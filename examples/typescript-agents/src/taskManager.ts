/** The planner's TaskManager: which task is pending, which ones are done. */
import type { Pool } from 'pg';
import { pool } from './db';

export interface Worker {
  worker_id: string;
  planner_id: string;
  task_status: string;
  task_context: string | null;
  updated_at: Date;
}

export interface PlannerMessage {
  id: number;
  role: string;
  content: string;
  created_at: Date;
}

export class TaskManager {
  constructor(
    private readonly plannerId: string,
    private readonly db: Pool = pool,
  ) {}

  // BAD: workers has one index on planner_id and one on task_status, none on
  // both: missing-composite-index workers(planner_id, task_status).
  async getCurrentTask(): Promise<string | undefined> {
    const { rows } = await this.db.query<Pick<Worker, 'worker_id'>>(
      "SELECT worker_id FROM workers WHERE planner_id = $1 AND task_status = 'pending' LIMIT 1",
      [this.plannerId],
    );
    return rows[0]?.worker_id;
  }

  // BAD: the same columns, IN on the second one.
  async getCompletedTasks(): Promise<Worker[]> {
    const { rows } = await this.db.query<Worker>(
      `SELECT worker_id, planner_id, task_status, task_context, updated_at
         FROM workers
        WHERE planner_id = $1 AND task_status IN ('completed', 'failed_validation')
        LIMIT 100`,
      [this.plannerId],
    );
    return rows;
  }

  // BAD: messages by agent in chronological order, no (agent_id, created_at) index.
  async plannerMessages(limit = 50): Promise<PlannerMessage[]> {
    const { rows } = await this.db.query<PlannerMessage>(
      'SELECT id, role, content, created_at FROM planner_messages WHERE agent_id = $1 ORDER BY created_at LIMIT $2',
      [this.plannerId, limit],
    );
    return rows;
  }

  // GOOD: one worker by primary key.
  async worker(workerId: string): Promise<Worker | undefined> {
    const { rows } = await this.db.query<Worker>(
      'SELECT worker_id, planner_id, task_status, task_context, updated_at FROM workers WHERE worker_id = $1',
      [workerId],
    );
    return rows[0];
  }

  // GOOD: a single indexed column, bounded.
  async recentWorkers(limit = 20): Promise<Worker[]> {
    const { rows } = await this.db.query<Worker>(
      'SELECT worker_id, planner_id, task_status, task_context, updated_at FROM workers WHERE planner_id = $1 LIMIT $2',
      [this.plannerId, limit],
    );
    return rows;
  }

  // GOOD: a task done, by primary key.
  async completeTask(workerId: string, result: string): Promise<void> {
    await this.db.query(
      "UPDATE workers SET task_status = 'completed', task_context = $2, updated_at = now() WHERE worker_id = $1",
      [workerId, result],
    );
  }
}
