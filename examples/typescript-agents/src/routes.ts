/** The service's HTTP endpoints. */
import { pool } from './db';
import { Router } from './http';
import { TaskManager } from './taskManager';

export const router = new Router();

// BAD: every agent of the tenant, however many there are: unpaginated-query.
router.get('/tenants/:tenantId/agents', async (req, res) => {
  const { rows } = await pool.query('SELECT id, name, status FROM agents WHERE tenant_id = $1', [Number(req.params.tenantId)]);
  res.json(rows);
});

// GOOD: keyset pagination on the primary key.
router.get('/agents', async (req, res) => {
  const after = Number(req.query.get('after') ?? 0);
  const { rows } = await pool.query('SELECT id, name, status FROM agents WHERE id > $1 ORDER BY id LIMIT 100', [after]);
  res.json(rows);
});

// GOOD: one agent by primary key.
router.get('/agents/:id', async (req, res) => {
  const { rows } = await pool.query('SELECT id, tenant_id, name, status FROM agents WHERE id = $1', [Number(req.params.id)]);
  res.json(rows[0] ?? null, rows[0] ? 200 : 404);
});

router.get('/planners/:plannerId/current-task', async (req, res) => {
  res.json({ workerId: (await new TaskManager(req.params.plannerId).getCurrentTask()) ?? null });
});

if (require.main === module) router.listen(Number(process.env.PORT ?? 3000));
