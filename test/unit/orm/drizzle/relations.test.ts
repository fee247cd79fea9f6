/**
 * Drizzle's relations() (another file than the tables) feeding the relational
 * query API's `with`: each relation loaded is a subquery on its table keyed by
 * the relation's columns (a `many` by the target's foreign key, known from the
 * target's `one` back or from its foreign key), so an unindexed key is found
 * where the `with` names it; a `one` by the key it references.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { defaultConfig } from '../../../../server/src/core/config/types';
import { Workspace } from '../../../../server/src/core/engine/workspace';
import { useWorkspaces } from '../../migrations/workspace';

const SCHEMA = `import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';
export const user = pgTable('user', { id: text('id').primaryKey() });
export const organization = pgTable('organization', { id: text('id').primaryKey(), ownerId: text('owner_id').notNull().references(() => user.id) });
export const server = pgTable('server', {
  serverId: text('serverId').primaryKey(),
  orgKey: text('organizationId').notNull().references(() => organization.id),
  createdAt: timestamp('createdAt').notNull(),
});
export const mount = pgTable('mount', { mountId: text('mountId').primaryKey(), serverId: text('serverId').references(() => server.serverId) });
`;

const RELATIONS = `import { relations } from 'drizzle-orm';
import { mount, organization, server, user } from './schema';
export const organizationRelations = relations(organization, ({ one, many }) => ({
  owner: one(user, { fields: [organization.ownerId], references: [user.id] }),
  servers: many(server),
}));
export const serverRelations = relations(server, ({ one, many: hasMany }) => ({
  organization: one(organization, { fields: [server.orgKey], references: [organization.id] }),
  mounts: hasMany(mount),
}));
`;

const QUERY = `import { desc, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import * as schema from './schema';
import { organization, server } from './schema';
const db = drizzle(process.env.DATABASE_URL!, { schema });
export async function withServers(id: string) {
  return db.query.organization.findFirst({
    where: eq(organization.id, id),
    with: { owner: true, servers: { orderBy: desc(server.createdAt), with: { mounts: true } } },
  });
}
`;

describe("Drizzle's relations() and the relational API's with", () => {
  const makeWorkspace = useWorkspaces();

  it('keys each relation by its columns: a one by its fields, a many by the one back or by the foreign key', async () => {
    const { root } = makeWorkspace({
      'package.json': JSON.stringify({ dependencies: { 'drizzle-orm': '0.45.4', pg: '8' } }),
      'src/schema.ts': SCHEMA,
      'src/relations.ts': RELATIONS,
      'src/queries.ts': QUERY,
    });
    const workspace = await Workspace.create({ root, config: defaultConfig() });
    const findings = workspace.analyze(path.join(root, 'src/queries.ts')).filter((f) => f.ruleId.startsWith('missing-'));
    const text = QUERY.split('\n');
    assert.deepEqual(
      findings.map((f) => [f.ruleId, f.severity, f.message.split(':')[0], text[f.range.start.line]!.slice(f.range.start.character, f.range.end.character)]),
      [
        ['missing-composite-index', 'warning', 'Query filters server on organizationId and sorts by createdAt, but no index leads with any of these columns', 'servers: { orderBy: desc(server.createdAt), with: { mounts: true } }'],
        ['missing-index', 'warning', 'Query filters mount on serverId, but no index leads with it', 'mounts: true'],
      ],
    );
  });

  it('leaves a relation it cannot key alone, and a with of an unknown relation is only noted', async () => {
    const { root } = makeWorkspace({
      'package.json': JSON.stringify({ dependencies: { 'drizzle-orm': '0.45.4', pg: '8' } }),
      'src/schema.ts': SCHEMA,
      'src/queries.ts': QUERY.replace('with: { mounts: true }', 'with: { unknown: true }'),
    });
    const workspace = await Workspace.create({ root, config: defaultConfig() });
    assert.deepEqual(workspace.analyze(path.join(root, 'src/queries.ts')).filter((f) => f.ruleId.startsWith('missing-')).map((f) => f.ruleId), []);
  });
});
