/**
 * unfiltered-write: an ORM or query-builder UPDATE/DELETE with no WHERE, read
 * through the real TypeScript extractor and Prisma's schema parser, as the
 * workspace runs it.
 */
import assert from 'node:assert/strict';
import { defaultConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';

const SCHEMA = `datasource db {
  provider = "postgresql"
}

model Session {
  id     Int    @id @default(autoincrement())
  userId Int    @map("user_id")
  token  String

  @@map("sessions")
}
`;

function findings(code: string, file = 'src/sessions.ts'): string[][] {
  const ws = Workspace.fromFiles({ root: '/project', config: defaultConfig() }, { 'prisma/schema.prisma': SCHEMA, [file]: code });
  return ws
    .analyze(`/project/${file}`)
    .filter((f) => f.ruleId === 'unfiltered-write')
    .map((f) => {
      const line = code.split('\n')[f.range.start.line]!;
      return [f.severity, line.slice(f.range.start.character, f.range.start.line === f.range.end.line ? f.range.end.character : undefined), f.message];
    });
}

const message = (verb: string, kind: string, table: string) =>
  `This ${kind} has no WHERE: it ${verb} every row of ${table}. If that is not the intent, add the filter (a where built elsewhere or left empty here sends none).`;

const ASKED = ' The call names no where at all, the way Prisma Client is asked for every row on purpose (a reset, a table of one row): info, not error.';

describe('unfiltered-write', () => {
  before(async () => {
    await Promise.all([initParsers(), initHostParsers()]);
  });

  it('reports Prisma deleteMany() / deleteMany({}) / updateMany without where, naming the table: info when the call names no where at all', () => {
    const code = [
      'export async function logout(prisma: any) {',
      '  await prisma.session.deleteMany();',
      '  await prisma.session.deleteMany({});',
      "  await prisma.session.updateMany({ data: { token: '' } });",
      '  await prisma.session.deleteMany({ where: {} });',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(findings(code), [
      ['info', 'await prisma.session.deleteMany()', message('deletes', 'DELETE', 'sessions') + ASKED],
      ['info', 'await prisma.session.deleteMany({})', message('deletes', 'DELETE', 'sessions') + ASKED],
      ['info', "await prisma.session.updateMany({ data: { token: '' } })", message('updates', 'UPDATE', 'sessions') + ASKED],
      // A where written empty is a filter someone meant to fill.
      ['error', 'await prisma.session.deleteMany({ where: {} })', message('deletes', 'DELETE', 'sessions')],
    ]);
  });

  it('reports knex and Kysely writes without where', () => {
    const code = [
      "import knex from 'knex';",
      'const db = knex({ client: "pg" });',
      'export async function clear(k: any) {',
      "  await db('sessions').del();",
      "  await k.deleteFrom('sessions').execute();",
      '}',
      '',
    ].join('\n');
    assert.deepEqual(findings(code).map((f) => f.slice(0, 2)), [
      ['error', "await db('sessions').del()"],
      ['error', "await k.deleteFrom('sessions').execute()"],
    ]);
  });

  it("says nothing of a knex migration, in a migrations folder of one database's too (wiki.js's migrations-sqlite/)", () => {
    const code = "exports.up = async knex => {\n  await knex('users').update({\n    email: knex.raw('LOWER(email)')\n  })\n}\nexports.down = knex => { }\n";
    assert.deepEqual(findings(code, 'server/db/migrations/2.5.128.js'), []);
    assert.deepEqual(findings(code, 'server/db/migrations-sqlite/2.5.128.js'), []);
    // The same code outside any migrations folder is no migration: reported.
    assert.deepEqual(findings(code, 'server/db/upgrades-sqlite/2.5.128.js').map((f) => f.slice(0, 2)), [['error', "await knex('users').update({"]]);
  });

  it('is info in a script or seed, where emptying a table is often the point', () => {
    const code = 'export async function clearSessions(prisma: any) {\n  await prisma.session.deleteMany();\n}\n';
    assert.deepEqual(findings(code, 'prisma/seed.ts'), [
      ['info', 'await prisma.session.deleteMany()', `${message('deletes', 'DELETE', 'sessions')} It runs in a seed script (seed.ts), where emptying or resetting a table is often the point (info, not error).`],
    ]);
  });

  it('does not report a filtered write, a filter it cannot read, or a chain handed on unexecuted', () => {
    const code = [
      'export async function f(prisma: any, knex: any, userId: number, where: any, filter: any) {',
      '  await prisma.session.deleteMany({ where: { userId } });',
      '  await prisma.session.delete({ where: { id: 1 } });',
      '  await prisma.session.deleteMany({ where });',
      '  await prisma.session.deleteMany({ where: { ...filter } });',
      '  await prisma.session.updateMany(filter);',
      "  await knex('sessions').where({ user_id: userId }).del();",
      "  const q = knex('sessions').del();",
      '  return q;',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(findings(code), []);
  });

  it('says nothing of a knex or Kysely write whose filter it cannot read: an object built elsewhere, a computed column, raw SQL, a $if', () => {
    const code = [
      "import knex from 'knex';",
      'const db = knex({ client: "pg" });',
      'export async function f(k: any, match: any, id: string, slug: boolean, keys: string[]) {',
      "  await db('sessions').where(match).update({ token: '' });",
      "  await db('sessions').whereRaw('token = ?', [id]).del();",
      "  await db('sessions').where(slug ? 'key' : 'id', id).del();",
      "  await k.updateTable('sessions').set({ token: '' }).where(slug ? 'key' : 'id', 'in', keys).executeTakeFirst();",
      "  await k.deleteFrom('sessions').where(sql`lower(key)`, '=', id).execute();",
      "  await k.deleteFrom('sessions').$if(slug, (qb) => qb.where('id', '=', id)).execute();",
      "  await db('sessions').where(match).andWhere('user_id', 1).del();",
      "  await db('sessions').where({}).del();",
      '}',
      '',
    ].join('\n');
    assert.deepEqual(findings(code).map((f) => f.slice(0, 2)), [['error', "await db('sessions').where({}).del()"]]);
  });

  it("says nothing of a SQLAlchemy update whose filter it reads only in part (a repository's self.model): the filter is there", () => {
    const code = [
      'from sqlalchemy import update',
      '',
      'class Repository:',
      '    async def soft_delete(self, session, id):',
      '        stmt = update(self.model).where(self.model.id == id).values(deleted=True)',
      '        await session.execute(stmt)',
      '',
    ].join('\n');
    assert.deepEqual(findings(code, 'app/repository.py'), []);
  });
});
