/**
 * Judgements found reading Dokploy's warnings (issue 15): a loop over the
 * organizations one user owns runs a few times (`userTenantsColumn`); the
 * rows of one person's email are a bounded set (`isPersonKey`); a file whose
 * top-level code exits when done is a command-line program (`topLevelExit`),
 * whose query findings are info. Each with the cases that must stay warnings.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { defaultConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { hostParser, initHostParsers, type SyntaxNode } from '../../../server/src/core/host/treesitter';
import { topLevelExit } from '../../../server/src/core/host/typescript/command-line';
import { isPersonKey } from '../../../server/src/core/rules/index-judgement';
import { useWorkspaces } from '../migrations/workspace';

const SCHEMA = `import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';
export const user = pgTable('user', { id: text('id').primaryKey(), email: text('email').notNull() });
export const organization = pgTable('organization', {
  id: text('id').primaryKey(),
  ownerId: text('owner_id').notNull().references(() => user.id),
  plan: text('plan'),
});
export const server = pgTable('server', {
  serverId: text('serverId').primaryKey(),
  organizationId: text('organizationId').notNull().references(() => organization.id),
  serverStatus: text('serverStatus'),
  createdAt: timestamp('createdAt').notNull(),
});
export const invitation = pgTable('invitation', { id: text('id').primaryKey(), email: text('email').notNull(), note: text('note') });
`;

const DB = `import { drizzle } from 'drizzle-orm/node-postgres';
import * as schema from './schema';
export const db = drizzle(process.env.DATABASE_URL!, { schema });
`;

const LOOPS = `import { eq } from 'drizzle-orm';
import { db } from './db';
import { invitation, organization, server } from './schema';

export const disableServers = async (userId: string) => {
  const organizations = await db.query.organization.findMany({ where: eq(organization.ownerId, userId) });
  for (const org of organizations) {
    await db.update(server).set({ serverStatus: 'inactive' }).where(eq(server.organizationId, org.id));
  }
};

export const serversOfPlan = async (plan: string) => {
  const organizations = await db.query.organization.findMany({ where: eq(organization.plan, plan) });
  for (const org of organizations) {
    const servers = await db.query.server.findMany({ where: eq(server.organizationId, org.id) });
    console.log(servers.length);
  }
};

export const serversOfOwner = async (userId: string) => {
  const organizations = await db.query.organization.findMany({ where: eq(organization.ownerId, userId) });
  for (const org of organizations) {
    const servers = await db.query.server.findMany({ where: eq(server.organizationId, org.id) });
    console.log(servers.length);
  }
};

export const invitationsOf = async (email: string) => db.query.invitation.findMany({ where: eq(invitation.email, email) });
export const invitationsNoted = async (note: string) => db.query.invitation.findMany({ where: eq(invitation.note, note) });
`;

const SCRIPT = `import { eq } from 'drizzle-orm';
import { db } from './db';
import { invitation } from './schema';

(async () => {
  try {
    await db.update(invitation).set({ note: 'x' }).where(eq(invitation.note, process.argv[2]!));
    process.exit(0);
  } catch (error) {
    console.log(error);
  }
})();
`;

const SERVER = `import { eq } from 'drizzle-orm';
import { db } from './db';
import { invitation } from './schema';

if (!process.env.DATABASE_URL) process.exit(1);
process.on('SIGTERM', () => process.exit(0));
export async function handler(note: string) {
  return db.update(invitation).set({ note: 'y' }).where(eq(invitation.note, note));
}
main().catch(() => process.exit(1));
async function main() {}
`;

describe('Judgements: the tenants of one user, a person\'s rows, command-line programs', () => {
  const makeWorkspace = useWorkspaces();
  before(() => initHostParsers());

  const analysed = async () => {
    const { root } = makeWorkspace({
      'package.json': JSON.stringify({ dependencies: { 'drizzle-orm': '0.45.4', pg: '8' } }),
      'src/schema.ts': SCHEMA,
      'src/db.ts': DB,
      'src/loops.ts': LOOPS,
      'src/reset-notes.ts': SCRIPT,
      'src/server.ts': SERVER,
    });
    const workspace = await Workspace.create({ root, config: defaultConfig() });
    const of = (file: string, rule: string) =>
      workspace.analyze(path.join(root, 'src', file)).filter((f) => f.ruleId === rule).map((f) => [f.range.start.line + 1, f.severity, f.message.slice(f.message.lastIndexOf('(') >= 0 && f.message.endsWith(')') ? f.message.lastIndexOf(' (') + 1 : f.message.length)]);
    return { workspace, root, of };
  };

  it("takes a loop over the organizations of one owner for a few round trips (info), not a loop over organizations of a plan", async () => {
    const { of } = await analysed();
    const note = '(The loop walks the organization rows of one owner_id: a user owns or belongs to a few, so it runs a few times, worth batching only if one can have many.)';
    assert.deepEqual(of('loops.ts', 'commit-in-loop'), [[8, 'info', note]]);
    assert.deepEqual(of('loops.ts', 'n-plus-one'), [[15, 'warning', ''], [23, 'info', note]]);
  });

  it("takes the rows of one email for a bounded set; another text column reads the table (both info here: no request path shows)", async () => {
    const { of } = await analysed();
    assert.deepEqual(of('loops.ts', 'unpaginated-query').filter(([line]) => (line as number) >= 28), [
      [28, 'info', '(It reads the rows of one email, often a bounded set: this matters only if one email can have many.)'],
      [29, 'info', ''],
    ]);
    assert.deepEqual(['email', 'emailAddress', 'username', 'login', 'email_domain', 'note'].map(isPersonKey), [true, true, true, true, false, false]);
  });

  it('makes the query findings of a command-line program info; a server that exits on a failure or a signal stays a server', async () => {
    const { of } = await analysed();
    const [script] = of('reset-notes.ts', 'missing-index');
    assert.deepEqual(script?.slice(0, 2), [7, 'info']);
    const { workspace, root } = await analysed();
    const message = workspace.analyze(path.join(root, 'src', 'reset-notes.ts')).find((f) => f.ruleId === 'missing-index')!.message;
    assert.ok(message.endsWith('Info, not warning: this file is a command-line program (its top-level code exits when its work is done), run by hand or once rather than on a request path.'), message);
    // The same index is wanted in server.ts: one warning per index, and it is that one.
    assert.deepEqual(of('server.ts', 'missing-index').map((f) => f.slice(0, 2)), [[8, 'warning']]);
  });

  it('finds the exit of the top-level flow: directly, in an IIFE, in a then/finally callback; not under an if, in a catch, in a handler or a function', () => {
    const exits = (code: string) => {
      const root = hostParser('typescript').parse(code)!.rootNode as unknown as SyntaxNode;
      return topLevelExit(root, code)?.startIndex;
    };
    assert.equal(exits('await run();\nprocess.exit(0);\n'), 13);
    assert.equal(exits('(async () => { await run(); process.exit(0); })();\n'), 28);
    assert.equal(exits('main().then(() => process.exit(0));\n'), 18);
    assert.equal(exits('main().finally(function () { process.exit(0); });\n'), 29);
    for (const code of [
      'if (!url) process.exit(1);\n',
      'main().catch(() => process.exit(1));\n',
      'try { run(); } catch { process.exit(1); }\n',
      "process.on('SIGTERM', () => process.exit(0));\n",
      'function stop() { process.exit(0); }\n',
      'const stop = () => process.exit(0);\n',
      'class A { stop() { process.exit(0); } }\n',
      'server.listen(3000, () => { process.exit(0); });\n',
    ]) {
      assert.equal(exits(code), undefined, code);
    }
  });
});
