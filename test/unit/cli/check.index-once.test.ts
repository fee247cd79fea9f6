/**
 * querylens check counts a missing index once in the run (issue 10): the same
 * index wanted by queries of several files is one warning, in the first file;
 * the others are info naming the file and line of the one kept. An index
 * wanted in one file only, or another index, stays a warning, and so does
 * the same index in another package (its own schema: another table); two
 * packages that see one schema package (and others) share its tables.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCheck } from '../../../server/src/cli/check';

const FILES: Record<string, string> = {
  '.querylens.json': '{ "dialect": "postgres" }\n',
  'db/schema.sql': 'CREATE TABLE tickets (id bigint PRIMARY KEY, desk_id bigint NOT NULL, kind text NOT NULL, opened_at timestamptz NOT NULL);\n',
  'queries/desk.sql': 'SELECT id FROM tickets WHERE desk_id = $1 LIMIT 20;\n',
  'queries/reports.sql': '-- per desk\nSELECT id, kind FROM tickets WHERE desk_id = $1 LIMIT 50;\nSELECT id FROM tickets WHERE opened_at > $1 LIMIT 50;\n',
};

function writeTree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'querylens-index-once-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const missingIndexes = async (dir: string) =>
  (await runCheck({ paths: ['.'], cwd: dir, fix: false, warn: () => undefined })).findings
    .filter((f) => f.ruleId === 'missing-index')
    .map((f) => `${path.relative(dir, f.file)}:${f.range.start.line + 1} ${f.severity} ${f.message.replace(/^.*?(Add an index)/, '$1')}`);

describe('check: one warning per missing index across files', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it('the same index in two files: a warning in the first, info pointing at it in the second', async () => {
    const dir = writeTree(FILES);
    dirs.push(dir);
    assert.deepEqual(
      await missingIndexes(dir),
      [
        'queries/desk.sql:1 warning Add an index on tickets(desk_id).',
        'queries/reports.sql:2 info Add an index on tickets(desk_id). Info, not warning: the same index is suggested in queries/desk.sql on line 1 and serves this query too.',
        'queries/reports.sql:3 warning Add an index on tickets(opened_at).',
      ],
    );
  });

  it('the same index in two packages (two schemas): a warning in each', async () => {
    const pkg = (name: string) => ({
      [`${name}/package.json`]: `{ "name": "${name}" }\n`,
      [`${name}/db/schema.sql`]: FILES['db/schema.sql']!,
      [`${name}/queries/desk.sql`]: FILES['queries/desk.sql']!,
    });
    const dir = writeTree({ '.querylens.json': FILES['.querylens.json']!, ...pkg('north'), ...pkg('south') });
    dirs.push(dir);
    assert.deepEqual(await missingIndexes(dir), [
      'north/queries/desk.sql:1 warning Add an index on tickets(desk_id).',
      'south/queries/desk.sql:1 warning Add an index on tickets(desk_id).',
    ]);
  });

  // documenso: packages/auth and packages/lib both depend on @documenso/prisma (the schema) but on other packages
  // besides (lib on @documenso/email): they see other packages, one schema, so Passkey(credentialId) wanted in
  // packages/auth/server/routes/passkey.ts:73 is served by Passkey(credentialId, userId) wanted in
  // packages/lib/server-only/document/is-recipient-authorized.ts:212, and EmailDomain(organisationId) is wanted twice.
  it('two packages over one schema package, each seeing other packages besides: one schema, one warning', async () => {
    const dir = writeTree({
      '.querylens.json': FILES['.querylens.json']!,
      'package.json': '{ "name": "desk", "workspaces": ["packages/*"] }\n',
      'packages/db/package.json': '{ "name": "@desk/db" }\n',
      'packages/db/schema.sql': FILES['db/schema.sql']!,
      'packages/mail/package.json': '{ "name": "@desk/mail" }\n',
      'packages/auth/package.json': '{ "name": "@desk/auth", "dependencies": { "@desk/db": "*" } }\n',
      'packages/auth/queries/desk.sql': FILES['queries/desk.sql']!,
      'packages/lib/package.json': '{ "name": "@desk/lib", "dependencies": { "@desk/db": "*", "@desk/mail": "*" } }\n',
      'packages/lib/queries/reports.sql': 'SELECT id FROM tickets WHERE desk_id = $1 AND opened_at > $2 LIMIT 50;\n',
    });
    dirs.push(dir);
    const found = (await runCheck({ paths: ['.'], cwd: dir, fix: false, warn: () => undefined })).findings
      .filter((f) => f.ruleId.startsWith('missing-'))
      .map((f) => `${path.relative(dir, f.file)}:${f.range.start.line + 1} ${f.severity} ${f.message.replace(/^.*?(Add an index)/, '$1')}`);
    assert.deepEqual(found, [
      'packages/auth/queries/desk.sql:1 info Add an index on tickets(desk_id). Info, not warning: the index on tickets(desk_id, opened_at) is suggested in packages/lib/queries/reports.sql on line 1 and serves this query too.',
      'packages/lib/queries/reports.sql:1 warning Add an index on tickets(desk_id, opened_at).',
    ]);
  });

  // dokploy: packages/server declares the Drizzle tables and apps/dokploy migrates them (drizzle/) and depends on
  // packages/server; with the migrations of other packages besides, each sees its own catalog, but the same table
  // (made by one migration): deployment(backupId) wanted in apps/dokploy/server/api/routers/user.ts:204 and in
  // packages/server/src/services/compose.ts:141 is one index.
  it('a library and the app that migrates its Drizzle tables: one table made in one place, one warning', async () => {
    const journal = JSON.stringify({ version: '7', dialect: 'postgresql', entries: [{ idx: 0, version: '7', when: 1700000000000, tag: '0000_init', breakpoints: true }] });
    const dir = writeTree({
      'package.json': JSON.stringify({ private: true, workspaces: ['apps/*', 'packages/*'] }),
      'packages/server/package.json': JSON.stringify({ name: '@desk/server', dependencies: { 'drizzle-orm': '0.45.4', pg: '8' } }),
      'packages/server/src/schema.ts':
        "import { pgTable, serial, integer } from 'drizzle-orm/pg-core';\n" +
        "export const tickets = pgTable('tickets', {\n  id: serial('id').primaryKey(),\n  deskId: integer('desk_id').notNull(),\n});\n",
      'packages/server/src/tickets.ts':
        "import { eq } from 'drizzle-orm';\nimport { drizzle } from 'drizzle-orm/node-postgres';\nimport { tickets } from './schema';\n" +
        "const db = drizzle(process.env.DATABASE_URL!);\n" +
        'export const byDesk = (deskId: number) => db.select().from(tickets).where(eq(tickets.deskId, deskId)).limit(10);\n',
      'apps/web/package.json': JSON.stringify({ name: 'web', dependencies: { '@desk/server': 'workspace:*', 'drizzle-orm': '0.45.4', pg: '8' } }),
      'apps/web/drizzle/0000_init.sql': 'CREATE TABLE "tickets" (\n\t"id" serial PRIMARY KEY NOT NULL,\n\t"desk_id" integer NOT NULL\n);\n',
      'apps/web/drizzle/meta/_journal.json': journal,
      'apps/web/queries/desk.sql': 'SELECT id FROM tickets WHERE desk_id = $1 LIMIT 20;\n',
      'apps/monitor/package.json': JSON.stringify({ name: 'monitor' }),
      'apps/monitor/schema.sql': 'CREATE TABLE probes (id bigint PRIMARY KEY, url text NOT NULL);\n',
    });
    dirs.push(dir);
    assert.deepEqual(await missingIndexes(dir), [
      'apps/web/queries/desk.sql:1 warning Add an index on tickets(desk_id).',
      'packages/server/src/tickets.ts:5 info Add an index on tickets(desk_id). Info, not warning: the same index is suggested in apps/web/queries/desk.sql on line 1 and serves this query too.',
    ]);
  });
});
