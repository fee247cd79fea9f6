import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initHostParsers } from '../../../../server/src/core/host/treesitter';
import { extractTypeScript, type BuilderQuery } from '../../../../server/src/core/host/typescript/extract';
import type { HostModel } from '../../../../server/src/core/host/types';
import { builderQuery } from '../../../../server/src/core/host/typescript/builders';
import { ormQueryReaders, resolveOrmModels } from '../../../../server/src/core/host/typescript/orms';
import { typeorm } from '../../../../server/src/core/orm/typeorm';
import { prismaQuery } from '../../../../server/src/core/prisma/client';
import { mayAccessDatabase, mayHoldSql } from '../../../../server/src/core/host/typescript/data-access';
import { typescript } from '../../../../server/src/core/host/typescript/language';

const repo = path.resolve(__dirname, '../../../..');

/** The extraction as language.ts makes it, without its data-access test. */
function fullExtraction(file: string, text: string) {
  const readers = ormQueryReaders(text, []);
  return extractTypeScript(text, file, { builderQuery: (node, source, context) => builderQuery(node, source) ?? readers.map((read) => read(node, source, context)).find(Boolean) });
}

function codeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : codeFiles(full);
    return /\.(ts|tsx|js|mjs|cjs)$/.test(entry.name) ? [full] : [];
  });
}

/**
 * Each text, and whether it holds a query: the data-access test lets it through, with the workspace's `models`,
 * exactly when the ORM's reader (`read`, without the test) finds one in it.
 */
function gatesAsRead(models: readonly HostModel[], read: BuilderQuery, cases: [string, boolean][]): void {
  for (const [text, holds] of cases) {
    assert.equal(mayAccessDatabase('src/a.ts', text, models), holds, text);
    assert.equal(extractTypeScript(text, 'src/a.ts', { models, builderQuery: read }).queries.length, holds ? 1 : 0, text);
  }
}

const COMPONENT = `import { useQuery } from '@tanstack/react-query'
export function Plan({ plan, t }) {
  const { data } = useQuery({ queryKey: ['plan', plan.id], queryFn: () => api.get(plan.id) })
  const label = /^(\\w+)-/.exec(plan.slug)?.[1]
  if (t.hasOwnProperty('account_incurred_transactions')) return null
  return <Button onClick={() => update(plan)} variant="update">{'Update'} {label} {data?.total.toLocaleString('en', { style: 'currency' })}</Button>
}
`;

describe('host/typescript: which files may access a database (data-access.ts)', () => {
  before(() => initHostParsers());

  it('lets through every example and fixture file the extraction reads something in', () => {
    const files = [...codeFiles(path.join(repo, 'examples')), ...codeFiles(path.join(repo, 'test/fixtures'))];
    const read = files.filter((file) => {
      const x = fullExtraction(file, fs.readFileSync(file, 'utf8'));
      return x.queries.length > 0 || x.models.length > 0 || (x.pools?.length ?? 0) > 0;
    });
    assert.ok(read.length >= 15, `${read.length} files with queries, models or pools`);
    assert.deepEqual(read.filter((file) => !mayAccessDatabase(file, fs.readFileSync(file, 'utf8'))).map((file) => path.relative(repo, file)), []);
  });

  it('skips a component with no database access (its strings, regexes and prototype calls)', () => {
    assert.equal(mayAccessDatabase('app/Plan.tsx', COMPONENT), false);
    assert.deepEqual(typescript.extract('app/Plan.tsx', COMPONENT, {}), { language: 'typescript', queries: [], writes: [], accesses: [], models: [], errors: [] });
    assert.deepEqual(fullExtraction('app/Plan.tsx', COMPONENT).queries, [], "t.hasOwnProperty('...') and toLocaleString('en', ...) are no Kysely query starts");
  });

  it('finds SQL a raw method or a tagged template runs, whatever precedes its first word', () => {
    const run = (sql: string) => `const q = ${sql};\nexport const f = (db) => db.query(q);\n`;
    assert.equal(mayHoldSql(run("'\\n  SELECT * FROM users'")), true, 'an escape before the keyword');
    assert.equal(mayHoldSql(run('`-- the users\n/* all */ select * from users`')), true, 'comments before it');
    assert.equal(mayHoldSql(run("'(SELECT 1) UNION SELECT 2'")), false, 'its first top-level word is UNION: looksLikeSql says no');
    assert.equal(mayHoldSql(run("'end'")), true, 'END is a transaction statement');
    assert.equal(mayHoldSql("const label = 'select a plan';\n"), false, 'no raw method, no tag: a label');
    assert.equal(mayHoldSql('export const rows = (id) => sql`SELECT * FROM users WHERE id = ${id}`;\n'), true, 'a tag the file does not import');
    assert.equal(mayHoldSql('await prisma.$queryRaw<Row[]>`UPDATE users SET a = 1`;\n'), true);
    assert.equal(mayHoldSql('const s = `select ${x}`;\n'), false, 'an untagged template');
  });

  it('skips tagged templates that never run as SQL: in braces alone, an argument of a plain call, an operand, a value no name runs later, after a method, a keyword, a quote or a word', () => {
    const skipped = [
      'export const Pick = ({ t }) => <Select placeholder={t`Select a role`} />;\n',
      "export const label = (_, msg) => ({ title: _(msg`Delete ${team.name}`), other: t(msg`Update`, 'x') });\n",
      'export const f = (i18n) => i18n.t`Select all`;\n',
      'export const g = (start, end) => {\n  return `${start}.....${end}`;\n};\n',
      "export const role = (r) => match(r).with('ADMIN', () => t`Admin`)\n  .with('MEMBER', () => t`Member`).otherwise(() => null);\n",
      'export const h = () => { sql`DELETE FROM users` };\n',
      'export const Pick = ({ c }) => <Select placeholder={c ? t`Inherit` : t`Select a role`} />;\n',
      'export const logs = (user) => [msg`${user} added a field`]\n  .with(1);\n',
      'export const Dialog = () => {\n  const deleteMessage = t`delete ${name}`;\n  return deleteMessage;\n};\n',
      'export const labels = { [Status.DONE]: msg`Update`, title: msg`Select a team` };\n',
      'export const n = (a) => a - sql`DELETE FROM users`;\n',
    ];
    const kept = [
      'export const a = () => sql`DELETE FROM users`;\n',
      'export const b = async () => { await sql`DELETE FROM users`; };\n',
      'export const c = () => { return sql`DELETE FROM users`; };\n',
      'export const d = () => Promise.all([sql`DELETE FROM users`]);\n',
      'export const e = () => Promise.all(sql`DELETE FROM users`);\n',
      'export const f = () => { sql`DELETE FROM users`.then(done); };\n',
      'export const g = () => log(sql`DELETE FROM users`.then(done));\n',
      'export const h = async (prisma) => { await prisma.$executeRaw`DELETE FROM users`; };\n',
      'export const i = async () => { await sql<Row[]>`DELETE FROM users`; };\n',
      "export const j = () => ({ q: sql`DELETE FROM users` });\nexport const k = async (x) => { await x.q; };\n",
      'const q = sql`DELETE FROM users`;\nexport const l = async () => { await q; };\n',
      'export class M { q = sql`DELETE FROM users`; async run() { await this.q; } }\n',
      'const q: Sql = sql`DELETE FROM users`;\nexport const n = () => other;\n',
      'const q = sql`DELETE FROM users`;\nexport const o = () => q.values();\n',
      'export const p = async function* () { yield* sql`DELETE FROM users`; };\n',
      'export const r = (c) => { switch (c) { case 1: sql`DELETE FROM users`.then(done); } };\n',
      'export const s = (a) => a - sql`DELETE FROM users`.then(done);\n',
      'export const t = () => { const rows = sql`DELETE FROM users`.values(); return rows; };\n',
    ];
    // Skipped: the extraction reads no query there either. Kept: each may run (three are read here).
    for (const [text, may] of [...skipped.map((t) => [t, false] as const), ...kept.map((t) => [t, true] as const)]) {
      assert.equal(mayHoldSql(text), may, text);
      if (!may) assert.deepEqual(fullExtraction('src/a.tsx', text).queries, [], text);
    }
    assert.equal(fullExtraction('src/a.ts', kept[0]!).queries.length, 1);
    assert.equal(fullExtraction('src/a.ts', kept[4]!).queries.length, 1);
    assert.equal(fullExtraction('src/a.ts', kept[6]!).queries.length, 1);
    assert.equal(fullExtraction('src/a.ts', kept[10]!).queries.length, 1, 'a template held by a name that is awaited');
    assert.equal(fullExtraction('src/a.ts', kept[13]!).queries.length, 1, 'a template held by a name that is run');
    assert.equal(fullExtraction('src/a.ts', kept[15]!).queries.length, 1, 'run by its .then() after a case label');
    assert.equal(fullExtraction('src/a.ts', kept[17]!).queries.length, 1, 'run by .values() before the name takes it');
  });

  it('reads no quote of a comment line as a string (a generated API client\'s doc comments)', () => {
    const client = 'export interface paths {\n  /**\n   * Delete User\n   *     **Scopes**: `user:write`\n   */\n  delete: operations[\'users:delete\']\n  // `a:b`\n  update: never\n}\n';
    assert.equal(mayHoldSql(client), false, 'the backtick closing `user:write` is no tag before DELETE');
    assert.equal(mayAccessDatabase('src/v1.ts', client), false);
    assert.equal(mayHoldSql('/* rows */ export const rows = () => sql`SELECT * FROM users`;\n'), true, 'a block comment closed before the tag');
    assert.equal(mayHoldSql('export const rows = () =>\n  sql`SELECT * FROM users`; // `delete`\n'), true, 'code before a line comment');
  });

  it('lets through what an import, a builder, an ORM model or a knexfile may hold', () => {
    assert.equal(mayAccessDatabase('src/a.ts', "import { Pool } from 'pg/lib';\n"), true);
    assert.equal(mayAccessDatabase('src/a.ts', "import { sql } from '@vercel/postgres';\n"), true);
    assert.equal(mayAccessDatabase('src/a.js', "const { Pool } = require(/* the driver */ 'pg');\n"), true);
    assert.equal(mayAccessDatabase('src/a.ts', "import type { Knex } from\n  'knex';\n"), true);
    const named = "export type Engine = 'postgres' | 'mysql';\nexport const port = (e: Engine) => { switch (e) { case 'mariadb': return 3306; } };\n";
    assert.equal(mayAccessDatabase('src/a.ts', named), false, 'strings that name a database, imported nowhere');
    assert.equal(mayAccessDatabase('src/a.ts', 'export const list = () => this.db("users").where({ a: 1 });\n'), true);
    assert.equal(mayAccessDatabase('src/a.ts', 'export const list = (k) => k.selectFrom("users").selectAll().execute();\n'), true);
    assert.equal(mayAccessDatabase('src/a.ts', '@Entity()\nexport class User {}\n'), true);
    // The workspace asked `mayDeclareOrmModels` first (HostExtractOptions.definesNoSchema): only the other tests are left.
    assert.equal(mayAccessDatabase('src/a.ts', '@Entity()\nexport class User {}\n', undefined, true), false);
    assert.equal(mayAccessDatabase('src/a.ts', '@Entity()\nexport class User {}\nexport const f = (db) => db.query("SELECT 1");\n', undefined, true), true);
    assert.equal(mayAccessDatabase('knexfile.js', 'module.exports = { client: process.env.CLIENT };\n'), true);
    assert.equal(mayAccessDatabase('src/a.js', 'module.exports = { client: process.env.CLIENT };\n'), false);
    const prismaCall = 'export const users = () => prisma.user.findMany({ where: { a: 1 } });\n';
    assert.equal(mayAccessDatabase('src/a.ts', prismaCall), false, 'no ORM model in the workspace: no ORM query');
    const user = { className: 'User', table: 'users', orm: 'prisma' as const, span: { start: 0, end: 0 }, changes: [], relationships: [], fields: [] };
    assert.equal(mayAccessDatabase('src/a.ts', prismaCall, [user]), true);
  });

  it('takes `db` and `trx` for a knex instance only where a chain could start from them', () => {
    const reads = [
      "export const f = () => db('users').where({ id: 1 });\n",
      "export const f = () => trx<User>('users').where({ id: 1 });\n",
      "export const f = () => (db as any)('users').where({ id: 1 });\n",
      "export const f = () => db!('users').where({ id: 1 });\n",
      "export const f = () => db\n  // every user\n  .select('*').from('users');\n",
      "export class Repo { list() { return this.db.from('users').where({ id: 1 }); } }\n",
      "export const f = () => db.transaction(async (t) => { await t('users').insert({ id: 1 }); });\n",
    ];
    for (const text of reads) {
      assert.equal(mayAccessDatabase('src/a.ts', text), true, text);
      assert.equal(fullExtraction('src/a.ts', text).queries.length, 1, text);
    }
    const skipped = [
      "import { db } from '@acme/server/db';\nexport const f = (id: string) => db.user.findMany({ where: { id } });\n",
      "export async function up(db: Kysely<any>): Promise<void> {\n  await db.schema.alterTable('users').addColumn('a', 'text').execute();\n}\n",
      "export const open = (name: string) => connect(db, name);\nconst db = 'GeoLite2-City';\nif (db !== undefined) run(db);\n",
    ];
    for (const text of skipped) {
      assert.equal(mayAccessDatabase('src/a.ts', text), false, text);
      assert.deepEqual(fullExtraction('src/a.ts', text).queries, [], text);
    }
  });

  it("skips a file that imports only an ORM's types and enums, and an ORM's call shapes when the workspace has no model of that ORM", () => {
    const user = { className: 'User', table: 'users', orm: 'prisma' as const, span: { start: 0, end: 0 }, changes: [], relationships: [], fields: [] };
    const form = "import { DocumentStatus, type User } from '@prisma/client';\nexport const label = (u: User) => (u.status === DocumentStatus.DRAFT ? 'Draft' : 'Sent');\n";
    assert.equal(mayAccessDatabase('src/form.tsx', form, [user]), false, 'the Prisma import alone is no query, no pool, no model');
    assert.equal(mayAccessDatabase('src/schema.ts', "import type { InferSelectModel } from 'drizzle-orm';\nexport type Row = InferSelectModel<typeof t>;\n"), false);
    assert.equal(mayAccessDatabase('src/a.ts', "import { Pool } from 'pg';\nimport type { User } from '@prisma/client';\n", [user]), true, 'a driver import still counts (its pools)');
    const entity = { ...user, className: 'Post', table: 'posts', orm: 'typeorm' as const };
    const update = 'export const save = (map: Map<string, number>, key: string) => map.delete(key);\n';
    assert.equal(mayAccessDatabase('src/a.ts', update, [user]), false, "Prisma's `.delete(` with Prisma models, but no model's accessor after a dot: no Prisma call");
    assert.equal(mayAccessDatabase('src/a.ts', 'export const drop = (tx) => tx.user\n  .delete({ where: { id: 1 } });\n', [user]), true, 'the accessor and the method apart');
    assert.equal(mayAccessDatabase('src/a.ts', update, [entity]), false, "TypeORM's models only: Prisma's reader has no model to read it with");
  });

  it("takes a Prisma call only where a model's accessor is followed by a method, or by a wrapper the reader looks through", () => {
    const models = [{ className: 'User', table: 'users', orm: 'prisma' as const, span: { start: 0, end: 0 }, changes: [], relationships: [], fields: [{ name: 'id', column: 'id' }] }];
    gatesAsRead(models, prismaQuery, [
      ['export const one = (prisma, id: number) => prisma.user.findUnique({ where: { id } });\n', true],
      ['export const one = (tx, id: number) => tx.user!\n  // the one\n  .delete({ where: { id } });\n', true],
      ['export const all = (db) => (db.user as any).findMany();\n', true],
      ['export const all = (db) => (<any>db.user).count();\n', true],
      ['export const all = (db) => db /* the client */ . user.findMany();\n', true],
      // A model's accessor elsewhere than before a method (documenso's components: `session.user.id`, `.update(` of a form).
      ['export const drop = (map, ctx) => map.delete(ctx.user.id);\n', false],
      ['export const save = (form, session) => {\n  const user = session.user;\n  return form.update({ name: user.name });\n};\n', false],
      // A model's accessor and a method of Prisma's, not called: a tRPC client's procedures mirror the models.
      ['export const useSave = (trpc, form) => {\n  const save = trpc.user.update.useMutation();\n  return () => save.mutate(form.update({}));\n};\n', false],
      // Comments that would run to a method if read as shorter ones are read whole: no call there.
      ['export const f = (session, m) => [session.user //// .findMany\n, m.create()];\n', false],
    ]);
  });

  it('takes a TypeORM query only where a step of one follows a dot in a file naming an entity', () => {
    const entityFile = "import { Column, Entity, PrimaryColumn } from 'typeorm';\n@Entity()\nexport class Post {\n  @PrimaryColumn() id: string;\n  @Column() authorId: string;\n}\n";
    const models = resolveOrmModels(extractTypeScript(entityFile, 'src/entity/Post.ts').models);
    assert.deepEqual(models.map((m) => m.table), ['post']);
    gatesAsRead(models, (node, source, context) => typeorm.query!(node, source, context), [
      ["import { DataSource } from 'typeorm';\nexport const posts = (con: DataSource, id: string) => con.getRepository(Post).findBy({ authorId: id });\n", true],
      ["import { DataSource } from 'typeorm';\nexport const posts = (con: DataSource, id: string) =>\n  con.getRepository(Post)\n    // the author's\n    . find({ where: { authorId: id } });\n", true],
      // Its operators and types only, an entity named.
      ["import { In, type DataSource } from 'typeorm';\nexport const byIds = (ids: string[]) => ({ where: { id: In(ids) } });\nexport type Posts = Post[];\n", false],
      // Steps, on no entity of the workspace's.
      ["import { DataSource } from 'typeorm';\nexport const users = (con: DataSource) => con.getRepository('User').find();\n", false],
    ]);
  });
});
