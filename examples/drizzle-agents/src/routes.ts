/** The service's HTTP endpoints. */
import { eq, gt } from 'drizzle-orm';
import { db } from './db';
import { Router } from './http';
import { agents } from './schema';
import { TaskManager } from './taskManager';

export const router = new Router();

// BAD: every agent of the tenant, however many there are: unpaginated-query.
router.get('/tenants/:tenantId/agents', async (req, res) => {
  const rows = await db.select({ id: agents.id, name: agents.name, status: agents.status }).from(agents).where(eq(agents.tenantId, Number(req.params.tenantId)));
  res.json(rows);
});

// GOOD: keyset pagination on the primary key.
router.get('/agents', async (req, res) => {
  const after = Number(req.query.get('after') ?? 0);
  res.json(await db.select().from(agents).where(gt(agents.id, after)).orderBy(agents.id).limit(100));
});

// GOOD: one agent by primary key.
router.get('/agents/:id', async (req, res) => {
  const agent = await db.query.agents.findFirst({ where: eq(agents.id, Number(req.params.id)) });
  res.json(agent ?? null, agent ? 200 : 404);
});

router.get('/planners/:plannerId/current-task', async (req, res) => {
  res.json({ workerId: (await new TaskManager(Number(req.params.plannerId)).getCurrentTask()) ?? null });
});

if (require.main === module) router.listen(Number(process.env.PORT ?? 3000));
