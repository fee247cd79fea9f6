/** The service's HTTP endpoints, on node:http. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { ILike, MoreThan } from 'typeorm';
import { dataSource } from './data-source';
import { Agent } from './entities/agent';
import { Document } from './entities/document';

const agents = dataSource.getRepository(Agent);
const documents = dataSource.getRepository(Document);

function reply(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function query(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', 'http://localhost');
}

// BAD: every agent of the tenant, however many there are: unpaginated-query.
export async function listTenantAgents(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const tenantId = Number(query(req).searchParams.get('tenant'));
  reply(res, await agents.find({ where: { tenantId } }));
}

// GOOD: keyset pagination on the primary key.
export async function listAgents(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const after = Number(query(req).searchParams.get('after') ?? 0);
  reply(res, await agents.find({ where: { id: MoreThan(after) }, order: { id: 'ASC' }, take: 100 }));
}

// BAD: a title search that starts with a wildcard: leading-wildcard-like.
export async function searchDocuments(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const q = query(req).searchParams.get('q') ?? '';
  reply(res, await documents.find({ where: { title: ILike(`%${q}%`) }, take: 20 }));
}

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>> = {
  '/tenant-agents': listTenantAgents,
  '/agents': listAgents,
  '/documents': searchDocuments,
};

createServer((req, res) => void (routes[query(req).pathname] ?? listAgents)(req, res)).listen(3000);
