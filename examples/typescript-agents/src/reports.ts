/** Reports and batch jobs over agents, their tasks and documents. */
import { db, pool } from './db';

export interface Task {
  id: number;
  agent_id: number;
  title: string;
  status: string;
}

// BAD: N+1, one tasks query per agent.
export async function tasksPerAgent(tenantId: number): Promise<Map<number, number>> {
  const { rows: agents } = await pool.query<{ id: number }>(
    'SELECT id FROM agents WHERE tenant_id = $1 ORDER BY id LIMIT 100',
    [tenantId],
  );
  const counts = new Map<number, number>();
  for (const agent of agents) {
    const { rows: tasks } = await pool.query<Task>(
      'SELECT id, agent_id, title, status FROM tasks WHERE agent_id = $1 LIMIT 100',
      [agent.id],
    );
    counts.set(agent.id, tasks.length);
  }
  return counts;
}

// GOOD: the tasks of every agent in one query over the collected keys.
export async function tasksPerAgentBatched(agentIds: number[]): Promise<Map<number, number>> {
  const { rows } = await pool.query<{ agent_id: number; n: string }>(
    'SELECT agent_id, count(*) AS n FROM tasks WHERE agent_id = ANY($1) GROUP BY agent_id',
    [agentIds],
  );
  return new Map(rows.map((r) => [r.agent_id, Number(r.n)]));
}

// BAD: one INSERT (one transaction, one log flush) per task.
export async function importTasks(agentId: number, titles: string[]): Promise<void> {
  for (const title of titles) {
    await pool.query("INSERT INTO tasks (agent_id, title, status) VALUES ($1, $2, 'todo')", [agentId, title]);
  }
}

// GOOD: one statement for every task.
export async function importTasksBatched(agentId: number, titles: string[]): Promise<void> {
  await pool.query(
    "INSERT INTO tasks (agent_id, title, status) SELECT $1, t, 'todo' FROM unnest($2::text[]) AS t",
    [agentId, titles],
  );
}

// BAD: a leading wildcard, no B-tree index can serve it.
export async function findTestDocuments(): Promise<{ id: number; title: string }[]> {
  const { rows } = await pool.query<{ id: number; title: string }>(
    "SELECT id, title FROM documents WHERE title LIKE '%test%' LIMIT 100",
  );
  return rows;
}

// BAD: the same with the query builder.
export async function findTestAgents(): Promise<{ id: number; name: string }[]> {
  return db('agents').where('name', 'like', '%test%').select('id', 'name').limit(100);
}

// GOOD: a prefix search can use an index.
export async function findAgentsByPrefix(prefix: string): Promise<{ id: number; name: string }[]> {
  return db('agents').where('name', 'like', `${prefix}%`).select('id', 'name').limit(100);
}
