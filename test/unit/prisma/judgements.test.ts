/**
 * Judgements that put findings on Prisma Client code at info, with their
 * reason (rules/rare-run.ts, the own collection of one row in the TypeScript
 * extractor, index-judgement.ts): an index need in a seed script or in a staff
 * tool; a row write per item of one row's relation; the rows of one e-mail
 * address; a table whose calls another logs. The same queries elsewhere stay
 * warnings.
 */
import assert from 'node:assert/strict';
import type { Finding } from '../../../shared/types';
import { defaultConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { adminFolder } from '../../../server/src/core/rules/host-helpers';
import { initParsers } from '../../../server/src/core/sql/parse';

const ROOT = '/project';

const SCHEMA = `datasource db {
  provider = "postgresql"
}

model User {
  id       Int     @id @default(autoincrement())
  email    String  @unique
  disabled Boolean @default(false)
  tokens   Token[]
  items    Item[]
}

model Token {
  id      Int      @id @default(autoincrement())
  value   String   @unique
  expires DateTime
  userId  Int
  user    User     @relation(fields: [userId], references: [id])
}

model Item {
  id     Int    @id @default(autoincrement())
  title  String
  userId Int
  user   User   @relation(fields: [userId], references: [id])

  @@index([userId])
}

model Webhook {
  id        Int           @id @default(autoincrement())
  url       String
  teamId    Int
  createdAt DateTime      @default(now())
  calls     WebhookCall[]
}

model WebhookCall {
  id        Int     @id @default(autoincrement())
  status    Int
  webhookId Int
  webhook   Webhook @relation(fields: [webhookId], references: [id])
}

model Invite {
  id     Int    @id @default(autoincrement())
  email  String
  note   String
}
`;

const HEADER = "import { PrismaClient } from '@prisma/client';\n\nconst prisma = new PrismaClient();\n\n";

/** The findings of `rule` in `file` (its path under the project) holding `code`: severity and message. */
function findings(file: string, code: string, rule: string): [Finding['severity'], string][] {
  const ws = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, { 'prisma/schema.prisma': SCHEMA, [file]: code });
  return ws
    .analyze(`${ROOT}/${file}`)
    .filter((f) => f.ruleId === rule)
    .map((f) => [f.severity, f.message]);
}

const SCAN = 'Query filters Token on userId, but no index leads with it: every call scans the table. Add an index on Token(userId).';

describe('rare runs and own collections on Prisma Client code', () => {
  before(async () => {
    await Promise.all([initParsers(), initHostParsers()]);
  });

  const lookup = HEADER + 'export async function tokensOf(userId: number) {\n  return prisma.token.findFirst({ where: { userId } });\n}\n';

  it('messages name a table as the schema does (the model, or its @@map table: AuthSession), not by the catalog key (authsession)', () => {
    const schema = 'datasource db {\n  provider = "postgresql"\n}\n\nmodel Session {\n  id        Int      @id @default(autoincrement())\n  userId    Int\n  createdAt DateTime @default(now())\n\n  @@map("AuthSession")\n}\n';
    const code =
      HEADER +
      'export async function recent(userId: number) {\n  return prisma.session.findMany({ where: { userId }, orderBy: { createdAt: "desc" }, take: 10 });\n}\n\n' +
      'export async function any(userId: number) {\n  return prisma.session.findFirst({ where: { userId } });\n}\n';
    const ws = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, { 'prisma/schema.prisma': schema, 'src/sessions.ts': code });
    const found = ws
      .analyze(`${ROOT}/src/sessions.ts`)
      .filter((f) => f.ruleId === 'missing-index' || f.ruleId === 'missing-composite-index')
      .map((f) => [f.ruleId, f.severity, f.message]);
    assert.deepEqual(found, [
      [
        'missing-composite-index',
        'warning',
        'Query filters AuthSession on userId and sorts by createdAt, but no index leads with any of these columns: every call scans the table and sorts the rows it keeps. Add an index on AuthSession(userId, createdAt).',
      ],
      [
        'missing-index',
        'info',
        'Query filters AuthSession on userId, but no index leads with it: every call scans the table. Add an index on AuthSession(userId). ' +
          'Info, not warning: the index on AuthSession(userId, createdAt) is suggested on line 6 and serves this query too.',
      ],
    ]);
  });

  it('a lookup on a request path stays a warning', () => {
    assert.deepEqual(findings('src/tokens.ts', lookup, 'missing-index'), [['warning', SCAN]]);
  });

  it('in a staff tool (an admin folder, tRPC’s admin-router/) it is info, saying so', () => {
    assert.deepEqual(findings('src/admin-router/tokens.ts', lookup, 'missing-index'), [
      [
        'info',
        `${SCAN} (But it runs in a staff tool (folder admin-router/): staff call it now and then, not users on every request, so an index pays off only if they call it often.)`,
      ],
    ]);
  });

  it('in a seed script it is info, saying so', () => {
    assert.deepEqual(findings('prisma/seed/users.ts', lookup, 'missing-index'), [
      ['info', `${SCAN} (But it runs in a seed script (seed/users.ts): development data written once, where a scan costs nothing that matters.)`],
    ]);
  });

  it('a write over one user’s tokens beside the change of that user stays a warning: deleting or disabling users is no rare path on a large service', () => {
    const disable =
      HEADER +
      'export async function disableUser(id: number) {\n' +
      '  await prisma.$transaction(async (tx) => {\n' +
      '    await tx.user.update({ where: { id }, data: { disabled: true } });\n' +
      '    await tx.token.updateMany({ where: { userId: id }, data: { expires: new Date() } });\n' +
      '  });\n' +
      '}\n';
    assert.deepEqual(findings('src/users.ts', disable, 'missing-index'), [['warning', SCAN]]);
  });

  it('a create per item of one row’s relation (a findFirst’s include) is info; per item of a list handed in, a warning', () => {
    const code =
      HEADER +
      'export async function copy(id: number, titles: string[]) {\n' +
      '  const user = await prisma.user.findFirst({ where: { id }, include: { items: true } });\n' +
      '  if (!user) return;\n' +
      '  await Promise.all(user.items.map(async (item) => prisma.item.create({ data: { title: item.title, userId: id } })));\n' +
      '  for (const title of titles) await prisma.item.create({ data: { title, userId: id } });\n' +
      '}\n';
    assert.deepEqual(
      findings('src/copy.ts', code, 'commit-in-loop').map(([severity, message]) => [severity, message.slice(message.indexOf(': one round trip'))]),
      [
        [
          'info',
          ': one round trip (and statement) per row. Insert all rows in one statement: prisma.item.createMany({ data: items.map(...) }) (nested relation writes become their key fields). ' +
            "(user.items is one object's own collection, likely a handful of items: worth it only if it grows.)",
        ],
        ['warning', ': one round trip (and statement) per row. Insert all rows in one statement: prisma.item.createMany({ data: items.map(...) }) (nested relation writes become their key fields).'],
      ],
    );
  });

  it('unpaginated: the invitations of one e-mail address are info (the rows of one person); by another column, a warning', () => {
    const code =
      HEADER +
      'export async function GET(request: Request) {\n' +
      '  const q = new URL(request.url).searchParams.get("q") ?? "";\n' +
      '  const mine = await prisma.invite.findMany({ where: { email: q } });\n' +
      '  const noted = await prisma.invite.findMany({ where: { note: q } });\n' +
      '  return Response.json([mine, noted]);\n' +
      '}\n';
    const page = "paginate (take plus a cursor: take: 100, skip: 1, cursor: { id: lastId }, orderBy: { id: 'asc' }) and return a cursor.";
    assert.deepEqual(findings('src/app.ts', code, 'unpaginated-query'), [
      [
        'info',
        `Query reads Invite without LIMIT in the request handler GET (a Request parameter), so it returns every matching row. Each request pays for the whole table as it grows: ${page} ` +
          '(It reads the rows of one email, often a bounded set: this matters only if one email can have many.)',
      ],
      ['warning', `Query reads Invite without LIMIT in the request handler GET (a Request parameter), so it returns every matching row. Each request pays for the whole table as it grows: ${page}`],
    ]);
  });

  it('unpaginated: the rows of the one organisation a team belongs to (nested relation filters) are info; of every organisation a user is in, a warning', () => {
    const schema =
      'datasource db {\n  provider = "postgresql"\n}\n\n' +
      'model Organisation {\n  id      String   @id\n  teams   Team[]\n  members Member[]\n  emails  OrganisationEmail[]\n}\n\n' +
      'model Team {\n  id             Int          @id\n  organisationId String\n  organisation   Organisation @relation(fields: [organisationId], references: [id])\n\n  @@index([organisationId])\n}\n\n' +
      'model Member {\n  id             Int          @id\n  userId         Int\n  organisationId String\n  organisation   Organisation @relation(fields: [organisationId], references: [id])\n\n  @@index([organisationId])\n}\n\n' +
      'model OrganisationEmail {\n  id             String       @id\n  email          String       @unique\n  organisationId String\n  organisation   Organisation @relation(fields: [organisationId], references: [id])\n\n  @@index([organisationId])\n}\n';
    const code =
      HEADER +
      'export async function GET(request: Request) {\n' +
      '  const userId = Number(new URL(request.url).searchParams.get("user"));\n' +
      '  const teamId = Number(new URL(request.url).searchParams.get("team"));\n' +
      '  const ofTeam = await prisma.organisationEmail.findMany({ where: { organisation: { members: { some: { userId } }, teams: { some: { id: teamId } } } } });\n' +
      '  const ofUser = await prisma.organisationEmail.findMany({ where: { organisation: { members: { some: { userId } } } } });\n' +
      '  return Response.json([ofTeam, ofUser]);\n' +
      '}\n';
    const ws = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, { 'prisma/schema.prisma': schema, 'src/app.ts': code });
    const found = ws
      .analyze(`${ROOT}/src/app.ts`)
      .filter((f) => f.ruleId === 'unpaginated-query')
      .map((f) => [f.severity, f.message.slice(f.message.indexOf('return a cursor.') + 'return a cursor.'.length)]);
    assert.deepEqual(found, [
      ['info', ' (It reads the rows of one organisationId, often a bounded set: this matters only if one organisationId can have many.)'],
      ['warning', ''],
    ]);
  });

  it('a table whose calls another logs (Webhook and its WebhookCall) holds definitions set up by hand: info', () => {
    const code = HEADER + "export async function hooksOf(teamId: number) {\n  return prisma.webhook.findFirst({ where: { teamId }, orderBy: { createdAt: 'desc' } });\n}\n";
    assert.deepEqual(findings('src/hooks.ts', code, 'missing-composite-index'), [
      [
        'info',
        'Query filters Webhook on teamId and sorts by createdAt, but no index leads with any of these columns: every call scans the table and sorts the rows it keeps. ' +
          'Add an index on Webhook(teamId, createdAt). (Webhook holds definitions whose runs are kept in WebhookCall: usually a few rows set up by hand, and a scan reads them at once: an index is worth it only if it grows.)',
      ],
    ]);
  });

  it('adminFolder: a folder whose first word is admin (admin-router, Remix’s admin+), not a word inside it', () => {
    assert.deepEqual(
      ['packages/trpc/server/admin-router/x.ts', 'app/routes/admin+/users.tsx', 'src/admin/x.py', 'app/routes/_admin/x.tsx', 'src/team-admin/x.ts', 'src/administrator.ts', 'src/x.ts'].map(adminFolder),
      ['admin-router', 'admin+', 'admin', '_admin', undefined, undefined, undefined],
    );
  });
});
