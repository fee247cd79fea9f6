/** HTTP handlers of the agent service (a tiny router over node:http). */
import { createServer } from 'node:http';
import { prisma } from './db';

type Handler = (params: Record<string, string>) => Promise<unknown>;
const routes: [RegExp, Handler][] = [];

function get(pattern: RegExp, handler: Handler): void {
  routes.push([pattern, handler]);
}

// BAD: every agent of the tenant, no `take`, in a request handler.
get(/^\/tenants\/(?<tenantId>\d+)\/agents$/, async ({ tenantId }) => {
  return prisma.agent.findMany({ where: { tenantId: Number(tenantId) } });
});

// GOOD: keyset pagination.
get(/^\/tenants\/(?<tenantId>\d+)\/agents\/after\/(?<after>\d+)$/, async ({ tenantId, after }) => {
  return prisma.agent.findMany({ where: { tenantId: Number(tenantId), id: { gt: Number(after) } }, orderBy: { id: 'asc' }, take: 50 });
});

export const server = createServer(async (req, res) => {
  for (const [pattern, handler] of routes) {
    const match = pattern.exec(req.url ?? '');
    if (!match) continue;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(await handler(match.groups ?? {})));
    return;
  }
  res.statusCode = 404;
  res.end();
});
