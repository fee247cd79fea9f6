/**
 * Prisma Client calls read as the queries Prisma sends (core/prisma/client.ts),
 * through the workspace as the editor and the CLI see them: schema.prisma's
 * models with their fields, a TypeScript file's calls on any client name, the
 * SQL rules and the host rules on them, and their fixes written as Prisma
 * Client code, compiled with `tsc --noEmit` against a client `prisma generate`
 * wrote for the same schema (Prisma 7, `provider = "prisma-client"`).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Finding, Range } from '../../../shared/types';
import { defaultConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import type { QueryModel } from '../../../server/src/core/sql/model';
import { initParsers } from '../../../server/src/core/sql/parse';
import { compileIn } from '../host/typescript/typecheck';

const ROOT = '/project';
const APP = `${ROOT}/src/app.ts`;

const MODELS = `model User {
  id    Int     @id @default(autoincrement())
  email String  @unique
  name  String? @map("full_name")
  orgId Int     @map("org_id")
  posts Post[]

  @@map("users")
}

model Post {
  id        Int      @id @default(autoincrement())
  title     String
  published Boolean  @default(false)
  score     Int      @default(0)
  authorId  Int      @map("author_id")
  author    User     @relation(fields: [authorId], references: [id])
  createdAt DateTime @default(now()) @map("created_at")
  meta      Json?

  @@index([authorId])
}
`;
const SCHEMA = `datasource db {\n  provider = "postgresql"\n}\n\n${MODELS}`;

function workspace(code: string, files: Record<string, string> = {}): Workspace {
  return Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, { 'prisma/schema.prisma': SCHEMA, 'src/app.ts': code, ...files });
}

/** A query model in one line: what the rules read. */
function render(q: QueryModel): string {
  const where = q.predicates.map((p) => `${p.column.table}.${p.column.column} ${p.op} ${p.valueKind}${p.pattern !== undefined ? ` '${p.pattern}'` : ''}${p.disjunctive ? ' (or)' : ''}`);
  return [
    `${q.kind} ${q.tables.map((t) => t.name).join(', ')}`,
    ...(q.columns.length ? [`columns ${q.columns.map((c) => c.column).join(', ')}`] : []),
    ...(where.length ? [`where ${where.join(', ')}`] : []),
    ...q.subqueries.map((s) => `[${render(s)}]`),
    ...(q.groupBy.length ? [`group by ${q.groupBy.map((c) => c.column).join(', ')}`] : []),
    ...(q.orderBy.length ? [`order by ${q.orderBy.map((o) => `${o.column.column}${o.desc ? ' desc' : ''}`).join(', ')}`] : []),
    ...(q.limit ? [`limit ${q.limit.value ?? '?'}`] : []),
    ...(q.offset ? [`offset ${q.offset.value ?? '?'}`] : []),
    ...(q.isAggregate ? ['aggregate'] : []),
    ...(q.distinct ? ['distinct'] : []),
  ].join(' | ');
}

/** Each call QueryLens reads in `code`, as `call text → model`. */
function queries(code: string): string[] {
  const document = workspace(code).document(APP)!;
  return document.statements.filter((s) => s.query).map((s) => `${code.slice(s.span.start, s.span.end)} → ${render(s.query!)}`);
}

function offsetOf(text: string, position: { line: number; character: number }): number {
  const lines = text.split('\n');
  return lines.slice(0, position.line).reduce((n, l) => n + l.length + 1, 0) + position.character;
}

function covered(text: string, range: Range): string {
  return text.slice(offsetOf(text, range.start), offsetOf(text, range.end));
}

/** `file` after the edits of `fix` in it. */
function applied(text: string, fix: Finding['fixes'][number], file: string): string {
  const edits = fix.changes.flatMap((c) => (c.kind === 'edit' && c.file === file ? c.edits : []));
  return edits
    .map((e) => ({ start: offsetOf(text, e.range.start), end: offsetOf(text, e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start)
    .reduce((t, e) => t.slice(0, e.start) + e.newText + t.slice(e.end), text);
}

function findings(code: string, files: Record<string, string> = {}): Finding[] {
  return workspace(code, files).analyze(APP);
}

/** Type errors of each file, checked against the Prisma Client `prisma generate` writes for SCHEMA. */
function typecheckWithClient(files: Record<string, string>): Record<string, string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ql-prisma-client-'));
  try {
    const modules = path.resolve(__dirname, '..', '..', '..', 'node_modules');
    symlinkSync(modules, path.join(dir, 'node_modules'), 'dir');
    writeFileSync(path.join(dir, 'schema.prisma'), `generator client {\n  provider = "prisma-client"\n  output   = "./generated"\n}\n\n${SCHEMA}`);
    // The schema engine is not needed to generate (and cannot be downloaded here).
    const generated = spawnSync(process.execPath, [path.join(modules, 'prisma', 'build', 'index.js'), 'generate', '--schema', 'schema.prisma'], {
      cwd: dir, encoding: 'utf8', env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    });
    assert.equal(generated.status, 0, generated.stderr + generated.stdout);
    return compileIn(dir, files, { module: 'esnext', moduleResolution: 'bundler', allowImportingTsExtensions: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const HEADER = "import { PrismaClient } from './generated/client.ts';\n\nconst prisma = new PrismaClient({} as never);\n\n";

describe('Prisma Client queries (core/prisma/client.ts)', () => {
  before(async () => {
    await Promise.all([initParsers(), initHostParsers()]);
  });

  describe('reading the calls', () => {
    it('reads where, orderBy, take and skip on the mapped table and columns', () => {
      const code =
        HEADER +
        'export async function list(orgId: number, q: string, ids: number[]) {\n' +
        "  await prisma.user.findMany({ where: { orgId, name: { contains: q, mode: 'insensitive' } }, orderBy: [{ email: 'asc' }, { id: 'desc' }], take: 20, skip: 40 });\n" +
        "  await prisma.post.findMany({ where: { title: { startsWith: 'A' }, published: true, score: { gte: 3, lt: 10 }, id: { in: ids, not: 4 } } });\n" +
        "  await prisma.post.findMany({ where: { OR: [{ title: { endsWith: q } }, { authorId: null }], NOT: { published: false } }, orderBy: { createdAt: 'desc' } });\n" +
        '}\n';
      assert.deepEqual(queries(code).map((q) => q.slice(q.indexOf(' → ') + 3)), [
        'select users | where users.org_id eq param, users.full_name ilike param \'%{}%\' | order by email, id desc | limit 20 | offset 40',
        "select post | where post.title like literal 'A%', post.published eq literal, post.score range literal, post.score range literal, post.id in param, post.id not_eq literal",
        "select post | where post.title like param '%{}' (or), post.author_id is_null null (or), post.published eq literal (or) | order by created_at desc",
      ]);
    });

    it('reads relation filters as subqueries on the related table, by the relation keys', () => {
      const code =
        HEADER +
        'export async function f(q: string) {\n' +
        '  await prisma.user.findMany({ where: { posts: { some: { title: q } } } });\n' +
        '  await prisma.post.findMany({ where: { author: { is: { email: q } } } });\n' +
        '  await prisma.post.findMany({ where: { author: { orgId: 3 } } });\n' +
        '  await prisma.user.findMany({ where: { posts: { none: { published: true } } } });\n' +
        '}\n';
      assert.deepEqual(queries(code).map((q) => q.slice(q.indexOf(' → ') + 3)), [
        'select users | where users.id in subquery | [select post | columns author_id | where post.title eq param]',
        'select post | where post.author_id in subquery | [select users | columns id | where users.email eq param]',
        'select post | where post.author_id in subquery | [select users | columns id | where users.org_id eq literal]',
        'select users | where users.id not_eq subquery | [select post | columns author_id | where post.published eq literal]',
      ]);
    });

    it('reads each method as the statement it sends, with its selected columns and groups', () => {
      const code =
        HEADER +
        'export async function f(id: number, email: string) {\n' +
        '  await prisma.user.findUnique({ where: { email }, select: { id: true, name: true, posts: true } });\n' +
        '  await prisma.user.findFirstOrThrow({ where: { orgId: id } });\n' +
        '  await prisma.post.count({ where: { authorId: id } });\n' +
        "  await prisma.post.groupBy({ by: ['authorId'], _count: true });\n" +
        "  await prisma.post.create({ data: { title: 't', authorId: id } });\n" +
        '  await prisma.post.updateMany({ where: { authorId: id }, data: { published: true } });\n' +
        '  await prisma.post.deleteMany();\n' +
        '}\n';
      assert.deepEqual(queries(code).map((q) => q.slice(q.indexOf(' → ') + 3)), [
        'select users | columns id, full_name | where users.email eq param | limit 1',
        // `posts: true` in the select: the posts of that user, with a query of their own (see the include tests below).
        'select post | where post.author_id eq param',
        'select users | where users.org_id eq param | limit 1',
        'select post | where post.author_id eq param | aggregate',
        'select post | group by author_id',
        'insert post',
        'update post | where post.author_id eq param',
        'delete post',
      ]);
    });

    it('reads a Json path filter as a condition it does not model: it compares the value at the path, not the column', () => {
      const code =
        HEADER +
        'export async function f(id: string) {\n' +
        "  await prisma.post.findMany({ where: { authorId: 1, meta: { path: ['documentId'], equals: id } }, take: 10 });\n" +
        '}\n';
      assert.deepEqual(queries(code).map((q) => q.slice(q.indexOf(' → ') + 3)), ['select post | where post.author_id eq literal | limit 10']);
    });

    it('knows the client by any name: db, this.prisma, a transaction, prisma.client; not Drizzle’s db.query', () => {
      const code =
        HEADER +
        'declare const db: PrismaClient;\n' +
        'export class Users {\n' +
        '  constructor(private readonly prisma: PrismaClient) {}\n' +
        "  list() { return this.prisma.user.findMany({ where: { orgId: 1 } }); }\n" +
        '}\n' +
        'export async function f(client: { client: PrismaClient }, query: any) {\n' +
        '  await db.user.findMany({ where: { orgId: 2 } });\n' +
        '  await prisma.$transaction(async (tx) => { await tx.post.deleteMany({ where: { authorId: 3 } }); });\n' +
        '  await client.client.user.findMany({ where: { orgId: 4 } });\n' +
        '  await query.db.query.user.findMany({ where: { orgId: 5 } });\n' +
        '  await prisma.comment.findMany();\n' +
        '}\n';
      assert.deepEqual(queries(code).map((q) => q.slice(0, q.indexOf('('))), ['this.prisma.user.findMany', 'await db.user.findMany', 'await tx.post.deleteMany', 'await client.client.user.findMany']);
    });

    it('leaves out what it cannot see, and does not read a call whose meaning it could change', () => {
      const code =
        HEADER +
        'export async function f(args: any, filter: any, where: any) {\n' +
        '  await prisma.user.findMany(args);\n' +
        '  await prisma.user.findMany({ ...args, where: { orgId: 1 } });\n' +
        '  await prisma.user.findMany({ where: { ...filter, orgId: 2 } });\n' +
        '  await prisma.post.deleteMany({ where: { ...filter } });\n' +
        '  await prisma.post.deleteMany({ where });\n' +
        '  await prisma.post.updateMany({ where: { title: { search: "x" } }, data: {} });\n' +
        '}\n';
      assert.deepEqual(queries(code), [
        // Its unseen conditions may pin a key or use an index: only the table is certain.
        'await prisma.user.findMany({ where: { ...filter, orgId: 2 } }) → select users',
      ]);
      // Whether it returns every row is unknown too (the unseen part may be `id: { in: ids }`): no unpaginated-query.
      assert.deepEqual(findings(code).map((f) => f.ruleId), []);
    });
  });
});

/**
 * `include` and a `select` of relations, read as the SELECT Prisma Client sends per relation. What Prisma 7.10
 * sends was read from its query log (`log: [{ emit: 'event', level: 'query' }]`) over examples/prisma-agents's
 * schema on PostgreSQL 15 (`"public".` left out):
 *
 *   agent.findMany({ where: { tenantId: 1 }, include: { tasks: true } })
 *     SELECT "agents"."id", ... FROM "agents" WHERE "agents"."tenant_id" = $1 OFFSET $2
 *     SELECT "tasks"."id", ... FROM "tasks" WHERE "tasks"."agent_id" IN ($1,$2) OFFSET $3
 *   agent.findUnique({ where: { id: 1 }, include: { tasks: { where: { status: 'todo' }, orderBy: { createdAt: 'desc' }, take: 5 } } })
 *     SELECT ... FROM "tasks" WHERE ("tasks"."status" = $1 AND "tasks"."agent_id" = $2) ORDER BY "tasks"."created_at" DESC LIMIT $3 OFFSET $4
 *   agent.findMany({ where: { tenantId: 1 }, include: { tasks: { where: { status: 'todo' }, orderBy: { createdAt: 'desc' }, take: 3 } } })
 *     SELECT ... FROM "tasks" WHERE ("tasks"."status" = $1 AND "tasks"."agent_id" IN ($2,$3)) ORDER BY "tasks"."created_at" DESC OFFSET $4   (take: in memory)
 *   task.findMany({ where: { status: 'todo' }, include: { agent: true } })
 *     SELECT ... FROM "agents" WHERE "agents"."id" IN ($1,$2,$3) OFFSET $4
 *   agent.findFirst({ where: { tenantId: 1 }, include: { planners: { include: { workers: true } } } })
 *     SELECT ... FROM "planners" WHERE "planners"."agent_id" IN ($1) OFFSET $2
 *     SELECT ... FROM "workers" WHERE "workers"."planner_id" IN ($1) OFFSET $2
 *   agent.findMany({ select: { id: true, tasks: { select: { id: true } } } })
 *     SELECT "agents"."id" FROM "agents" WHERE 1=1 OFFSET $1
 *     SELECT "tasks"."id", "tasks"."agent_id" FROM "tasks" WHERE "tasks"."agent_id" IN ($1,$2) OFFSET $3
 *   agent.findMany({ include: { _count: { select: { tasks: true } } } })
 *     one statement: ... LEFT JOIN (SELECT "agent_id", COUNT(*) ... GROUP BY "agent_id") ... (no query of its own)
 */
describe('include and select of relations: the queries Prisma Client sends for them', () => {
  before(async () => {
    await Promise.all([initParsers(), initHostParsers()]);
  });

  it('reads each relation loaded as its own SELECT over the parents’ keys, at the relation’s key, with its own where, orderBy and take', () => {
    const code =
      HEADER +
      'export async function f(orgId: number, id: number, title: string, withPosts: boolean) {\n' +
      '  await prisma.user.findMany({ where: { orgId }, include: { posts: true } });\n' +
      "  await prisma.user.findUnique({ where: { id }, include: { posts: { where: { published: true }, orderBy: { createdAt: 'desc' }, take: 5, skip: 1 } } });\n" +
      "  await prisma.user.findMany({ where: { orgId }, include: { posts: { where: { published: true }, orderBy: { createdAt: 'desc' }, take: 5 } } });\n" +
      '  await prisma.post.findMany({ where: { title }, include: { author: true } });\n' +
      '  await prisma.post.findFirst({ where: { title }, select: { id: true, author: { select: { email: true } } } });\n' +
      '  await prisma.user.findFirst({ where: { orgId }, include: { posts: { include: { author: true } } } });\n' +
      '  await prisma.user.findMany({ where: { orgId }, include: { posts: false, _count: true } });\n' +
      '  await prisma.user.findMany({ where: { orgId }, include: { posts: withPosts } });\n' +
      '}\n';
    assert.deepEqual(queries(code).map((q) => (q.startsWith('await') ? q.slice(q.indexOf(' → ') + 3) : `  ${q}`)), [
      'select users | where users.org_id eq param',
      '  posts → select post | where post.author_id in param',
      // One user: `author_id = $1`, and the take and skip are its LIMIT and OFFSET.
      'select users | where users.id eq param | limit 1',
      '  posts → select post | where post.author_id eq param, post.published eq literal | order by created_at desc | limit 5 | offset 1',
      // Many users: `author_id IN (...)`, and take keeps each user's first 5 in memory: no LIMIT is sent.
      'select users | where users.org_id eq param',
      '  posts → select post | where post.author_id in param, post.published eq literal | order by created_at desc',
      'select post | where post.title eq param',
      '  author → select users | where users.id in param',
      'select post | columns id | where post.title eq param | limit 1',
      '  author → select users | columns email | where users.id eq param',
      'select users | where users.org_id eq param | limit 1',
      '  posts → select post | where post.author_id eq param',
      // The posts' authors: the keys of every post of that user.
      '  author → select users | where users.id in param',
      'select users | where users.org_id eq param',
      'select users | where users.org_id eq param',
    ]);
  });

  it('reads a relation whose options it cannot see as the load of the relation, with its keys only; one with options it does not know is not read', () => {
    const code =
      HEADER +
      'export async function f(orgId: number, postWhere: any, options: any) {\n' +
      '  await prisma.user.findMany({ where: { orgId }, include: { posts: { where: postWhere } } });\n' +
      '  await prisma.user.findMany({ where: { orgId }, include: { posts: { ...options } } });\n' +
      '}\n';
    assert.deepEqual(queries(code).map((q) => q.slice(q.indexOf(' → ') + 3)), [
      'select users | where users.org_id eq param',
      'select post | where post.author_id in param',
      'select users | where users.org_id eq param',
    ]);
    const host = workspace(code).document(APP)!.statements.filter((s) => s.orm);
    assert.equal(host.length, 3);
  });

  it('reports a missing index on the relation’s key where the relation is included, with the mapped table and column; not unpaginated-query (the rows of the call’s own)', () => {
    const schema =
      'datasource db {\n  provider = "postgresql"\n}\n\n' +
      'model Team {\n  id      Int      @id @default(autoincrement())\n  name    String\n  members Member[]\n\n  @@map("teams")\n}\n\n' +
      'model Member {\n  id     Int    @id @default(autoincrement())\n  teamId Int    @map("team_id")\n  email  String\n  team   Team   @relation(fields: [teamId], references: [id])\n\n  @@map("team_members")\n}\n';
    const code =
      "import { PrismaClient } from './generated/client.ts';\n\nconst prisma = new PrismaClient({} as never);\n\n" +
      'export async function team(id: number) {\n' +
      '  return prisma.team.findUnique({ where: { id }, include: { members: true } });\n' +
      '}\n';
    const found = findings(code, { 'prisma/schema.prisma': schema });
    assert.deepEqual(
      found.map((f) => [f.ruleId, f.severity, f.range.start.line, f.range.start.character, f.range.end.character, covered(code, f.range), f.message, f.fixes.map((x) => x.title)]),
      [
        [
          'missing-index', 'warning', 5, 60, 67, 'members',
          'Query filters team_members on team_id, but no index leads with it: every call scans the table. Add an index on team_members(team_id).',
          ['Add @@index on team_members(team_id) to the Member model'],
        ],
      ],
    );
  });

  it('relationJoins: the relations are loaded in the rows’ own statement (lateral subqueries), unless relationLoadStrategy says query', () => {
    const schema = `generator client {\n  provider        = "prisma-client-js"\n  previewFeatures = ["relationJoins"]\n}\n\n${SCHEMA}`;
    const code =
      HEADER +
      'export async function f(orgId: number) {\n' +
      '  await prisma.user.findMany({ where: { orgId }, include: { posts: { take: 3 } } });\n' +
      "  await prisma.user.findMany({ where: { orgId }, relationLoadStrategy: 'query', include: { posts: true } });\n" +
      '}\n';
    const document = workspace(code, { 'prisma/schema.prisma': schema }).document(APP)!;
    assert.deepEqual(document.statements.filter((s) => s.query).map((s) => `${code.slice(s.span.start, s.span.end).slice(0, 30)} → ${render(s.query!)}`), [
      'await prisma.user.findMany({ w → select users | where users.org_id eq param | [select post | where post.author_id in param | limit 3]',
      "await prisma.user.findMany({ w → select users | where users.org_id eq param",
      'posts → select post | where post.author_id in param',
    ]);
  });
});

describe('rules and fixes on Prisma Client calls', () => {
  before(async () => {
    await Promise.all([initParsers(), initHostParsers()]);
  });

  const CODE =
    HEADER +
    'export async function GET(request: Request) {\n' +
    '  const orgId = Number(new URL(request.url).searchParams.get("org"));\n' +
    '  const users = await prisma.user.findMany({ where: { orgId: orgId } });\n' +
    '  for (const user of users) {\n' +
    '    const posts = await prisma.post.findMany({ where: { authorId: user.id, published: true } });\n' +
    '    console.log(posts.length);\n' +
    '  }\n' +
    '  return Response.json(users);\n' +
    '}\n' +
    '\n' +
    'export async function importPosts(authorId: number, titles: string[]) {\n' +
    '  for (const title of titles) {\n' +
    '    await prisma.post.create({ data: { title, authorId } });\n' +
    '  }\n' +
    "  const hits = await prisma.post.findMany({ where: { title: { contains: 'xyz' } }, select: { id: true } });\n" +
    '  await prisma.post.deleteMany({});\n' +
    '  return hits;\n' +
    '}\n';

  it('reports them as on any query, with advice in Prisma’s terms', () => {
    assert.deepEqual(
      findings(CODE).map((f) => [f.ruleId, f.severity, covered(CODE, f.range), f.fixes.map((x) => x.title)]),
      [
        ['unpaginated-query', 'info', 'await prisma.user.findMany({ where: { orgId: orgId } })', ['Add take: 100 to the findMany arguments']],
        ['missing-index', 'warning', 'orgId: orgId', ['Add @@index on users(org_id) to the User model']],
        ['unpaginated-query', 'info', 'await prisma.post.findMany({ where: { authorId: user.id, published: true } })', ['Add take: 100 to the findMany arguments']],
        ['n-plus-one', 'warning', 'await prisma.post.findMany({ where: { authorId: user.id, published: true } })', ['Insert one query for all user rows above the loop (review, then use its rows)']],
        ['missing-composite-index', 'info', 'authorId: user.id, published: true', ['Add @@index on Post(author_id, published) to the Post model']],
        ['commit-in-loop', 'warning', 'await prisma.post.create({ data: { title, authorId } })', ['Create all of titles with one createMany']],
        ['unpaginated-query', 'info', "await prisma.post.findMany({ where: { title: { contains: 'xyz' } }, select: { id: true } })", []],
        ['leading-wildcard-like', 'info', "title: { contains: 'xyz' }", ['Add @@index on Post(title) using gin to the Post model']],
        ['unfiltered-write', 'info', 'await prisma.post.deleteMany({})', []],
      ],
    );
    const messages = findings(CODE).map((f) => f.message);
    assert.ok(messages[2]!.includes("paginate (take plus a cursor: take: 100, skip: 1, cursor: { id: lastId }, orderBy: { id: 'asc' }) and return a cursor."));
    assert.equal(
      messages[3],
      'Query on Post runs once per user of the query on line 7: N+1 round trips (one for the list, one per row), so the time grows with the rows. ' +
        'Fetch them in one query over the collected keys (where: { authorId: { in: keys } }) before the loop and match rows by author_id inside it. ' +
        "Prisma Client can also load them with the list: add include: { posts: { where, orderBy, take } } to its query, with this query's other conditions, order and take inside: " +
        'one more query for all the rows, each row given its own.',
    );
    assert.equal(
      messages[5],
      'INSERT into Post runs once per title of titles: one round trip (and statement) per row. Insert all rows in one statement: ' +
        'prisma.post.createMany({ data: items.map(...) }) (nested relation writes become their key fields).',
    );
    assert.ok(messages[6]!.includes("walk them in chunks, as Prisma Client does not stream (take: 1000 with cursor: { id: lastId }, skip: 1, orderBy: { id: 'asc' })"));
    assert.equal(
      messages[8],
      'This DELETE has no WHERE: it deletes every row of Post. If that is not the intent, add the filter (a where built elsewhere or left empty here sends none). ' +
        'It runs in importPosts, which by its name works over every row, where emptying or resetting a table is often the point (info, not error).',
    );
  });

  it("n-plus-one through a relation filter with a take per row (linkwarden's fair batch per user): no made-up key column, each row's take kept apart", () => {
    const code =
      HEADER +
      'export async function batch(orgId: number) {\n' +
      '  const users = await prisma.user.findMany({ where: { orgId }, take: 50 });\n' +
      '  for (const user of users) {\n' +
      "    await prisma.post.findMany({ where: { author: { id: user.id } }, orderBy: { id: 'asc' }, take: 5 });\n" +
      '  }\n' +
      '}\n';
    assert.deepEqual(
      findings(code).filter((f) => f.ruleId === 'n-plus-one').map((f) => [f.severity, f.message, f.fixes.map((x) => x.title)]),
      [
        [
          'warning',
          'Query on Post runs once per user of the query on line 6: N+1 round trips (one for the list, one per row), so the time grows with the rows. ' +
            "Fetch them in one query over the collected keys before the loop, keeping each key's first 5 rows apart (a limit over all keys would cut the whole result, not each key's rows) and match the rows inside it.",
          [],
        ],
      ],
    );
  });

  it('n-plus-one: Prisma’s own load of the rows with the list (include, _count, or in a select), by the relation that holds them', () => {
    const code =
      HEADER +
      'export async function f(orgId: number) {\n' +
      '  const users = await prisma.user.findMany({ where: { orgId } });\n' +
      '  for (const user of users) {\n' +
      '    await prisma.post.findMany({ where: { authorId: user.id } });\n' +
      '    await prisma.post.count({ where: { authorId: user.id, published: true } });\n' +
      '  }\n' +
      '  const named = await prisma.user.findMany({ where: { orgId }, select: { id: true, name: true } });\n' +
      '  await Promise.all(named.map((u) => prisma.post.count({ where: { authorId: u.id } })));\n' +
      '  const posts = await prisma.post.findMany({ where: { published: true } });\n' +
      '  for (const post of posts) await prisma.user.findUnique({ where: { id: post.authorId } });\n' +
      '  for (const post of posts) await prisma.user.findFirst({ where: { id: post.authorId, orgId } });\n' +
      '}\n';
    assert.deepEqual(
      findings(code).filter((f) => f.ruleId === 'n-plus-one').map((f) => f.message.slice(f.message.indexOf('inside it.') + 'inside it.'.length)),
      [
        ' Prisma Client can also load them with the list: add include: { posts: true } to its query: one more query for all the rows, each row given its own.',
        " Prisma Client can also count them with the list: add include: { _count: { select: { posts: { where: { ... } } } } } to its query, with this count's other conditions in that where.",
        ' Prisma Client can also count them with the list: add _count: { select: { posts: true } } to its select.',
        // A lookup of each post's author by its key: the to-one relation author of Post.
        ' Prisma Client can also load them with the list: add include: { author: true } to its query: one more query for all the rows, each row given its own.',
        // The author only if of this org: include would drop that condition.
        '',
      ],
    );
  });

  it('commit-in-loop: info for updates that set values of their own per item, and in seed scripts', () => {
    const code =
      HEADER +
      'export async function retitle(changes: { id: number; title: string }[], ids: number[]) {\n' +
      '  await prisma.$transaction(async (tx) => {\n' +
      '    for (const { id, title } of changes) {\n' +
      '      await tx.post.update({ where: { id }, data: { title } });\n' +
      '    }\n' +
      '  });\n' +
      '  for (const id of ids) {\n' +
      '    await prisma.post.update({ where: { id }, data: { published: true } });\n' +
      '  }\n' +
      '}\n';
    assert.deepEqual(
      findings(code).filter((f) => f.ruleId === 'commit-in-loop').map((f) => [f.severity, covered(code, f.range), f.message]),
      [
        [
          'info',
          'await tx.post.update({ where: { id }, data: { title } })',
          'UPDATE of Post runs once per item of changes: one round trip (and statement) per row. Update all rows at once: prisma.post.updateMany({ where: { id: { in: keys } }, data }) when the values are the same, else run the updates in one $transaction([...]). ' +
            '(Each item sets values of its own: Prisma Client has no UPDATE of many rows with different values, so one statement for all means raw SQL ($executeRaw with UPDATE ... FROM UNNEST): worth it only when there are many items.)',
        ],
        [
          'warning',
          'await prisma.post.update({ where: { id }, data: { published: true } })',
          'UPDATE of Post runs once per id of ids: one round trip (and statement) per row. Update all rows at once: prisma.post.updateMany({ where: { id: { in: ids } }, data }) when the values are the same, else run the updates in one $transaction([...]).',
        ],
      ],
    );
    // A transaction per item: the loop around $transaction repeats the statements of its callback or its list, and
    // the transaction is part of each item's cost, not another round trip that batching would leave.
    const perItem =
      HEADER +
      'export async function archive(ids: number[]) {\n' +
      '  for (const id of ids) {\n' +
      '    await prisma.$transaction(async (tx) => {\n' +
      '      await tx.post.update({ where: { id }, data: { published: false } });\n' +
      '    });\n' +
      '    await prisma.$transaction([prisma.post.deleteMany({ where: { authorId: id } })]);\n' +
      '  }\n' +
      '}\n';
    assert.deepEqual(
      findings(perItem).filter((f) => f.ruleId === 'commit-in-loop').map((f) => [f.severity, covered(perItem, f.range), f.message]),
      [
        [
          'warning',
          'await tx.post.update({ where: { id }, data: { published: false } })',
          'UPDATE of Post runs once per id of ids: one round trip (and statement) per row. Update all rows at once: prisma.post.updateMany({ where: { id: { in: ids } }, data }) when the values are the same, else run the updates in one $transaction([...]).',
        ],
        [
          // The same loop's second write: one warning per loop.
          'info',
          'prisma.post.deleteMany({ where: { authorId: id } })',
          'DELETE from Post runs once per id of ids: one round trip (and statement) per row. Delete them at once: prisma.post.deleteMany({ where: { authorId: { in: ids } } }). Info, not warning: the loop is reported once, at its UPDATE of Post on line 8.',
        ],
      ],
    );
    const nested =
      HEADER +
      'export async function invite(emails: string[]) {\n' +
      '  for (const email of emails) {\n' +
      "    await prisma.user.create({ data: { email, orgId: 1, posts: { create: [{ title: 'Welcome' }] } } });\n" +
      '  }\n' +
      '}\n';
    assert.deepEqual(
      findings(nested).filter((f) => f.ruleId === 'commit-in-loop').map((f) => [f.severity, f.message.slice(f.message.indexOf(' (Each')), f.fixes.length]),
      [
        [
          'info',
          ' (Each create also creates related rows (a nested create in its data): createMany writes no relations, so Prisma Client cannot write these in one statement; ' +
            'batching means createMany per table with keys made up front: worth it only when there are many items.)',
          0,
        ],
      ],
    );
    const more =
      HEADER +
      'export async function sync(posts: { id: number; title: string }[], authors: number[]) {\n' +
      '  for (const post of posts) {\n' +
      "    await prisma.post.upsert({ where: { id: post.id }, create: { title: post.title, authorId: 1 }, update: { title: post.title } });\n" +
      '  }\n' +
      '  for (const author of authors) {\n' +
      '    const score = author * 2;\n' +
      '    await prisma.post.updateMany({ where: { authorId: author }, data: { score } });\n' +
      "    await prisma.post.createMany({ data: [{ title: 'a', authorId: author }] });\n" +
      '  }\n' +
      '}\n';
    assert.deepEqual(
      findings(more).filter((f) => f.ruleId === 'commit-in-loop').map((f) => [f.severity, covered(more, f.range), f.message.slice(f.message.search(/ \((It is|Each item)/))]),
      [
        [
          'info',
          "await prisma.post.upsert({ where: { id: post.id }, create: { title: post.title, authorId: 1 }, update: { title: post.title } })",
          ' (It is an upsert: createMany cannot update the rows that exist and Prisma Client has no bulk upsert, so one statement for all means raw SQL (INSERT ... ON CONFLICT DO UPDATE via $executeRaw): worth it only when there are many items.)',
        ],
        [
          'info',
          'await prisma.post.updateMany({ where: { authorId: author }, data: { score } })',
          ' (Each item sets values of its own: Prisma Client has no UPDATE of many rows with different values, so one statement for all means raw SQL ($executeRaw with UPDATE ... FROM UNNEST): worth it only when there are many items.)',
        ],
        // createMany in the loop is one INSERT of many rows per item: the batching asked for.
      ],
    );
    const returned =
      HEADER +
      'export async function add(titles: string[]) {\n' +
      '  const ids: number[] = [];\n' +
      '  for (const title of titles) {\n' +
      '    const post = await prisma.post.create({ data: { title, authorId: 1 } });\n' +
      '    ids.push(post.id);\n' +
      '  }\n' +
      '  return ids;\n' +
      '}\n';
    assert.deepEqual(
      findings(returned).filter((f) => f.ruleId === 'commit-in-loop').map((f) => [f.severity, f.message.slice(f.message.indexOf('Insert all'))]),
      [['warning', 'Insert all rows in one statement: prisma.post.createManyAndReturn({ data: items.map(...) }) (nested relation writes become their key fields).']],
    );
    const seed = HEADER + 'async function main(titles: string[]) {\n  for (const title of titles) {\n    await prisma.post.create({ data: { title, authorId: 1 } });\n  }\n}\nvoid main([]);\n';
    const seeded = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, { 'prisma/schema.prisma': SCHEMA, 'prisma/seed.ts': seed }).analyze(`${ROOT}/prisma/seed.ts`);
    assert.deepEqual(seeded.filter((f) => f.ruleId === 'commit-in-loop').map((f) => [f.severity, f.message.slice(f.message.indexOf(' (It runs'))]), [
      ['info', ' (It runs in a seed script (seed.ts): development data written once, usually a handful of rows.)'],
    ]);
    // A data migration (formbricks' packages/database/migration/<stamp>_<name>/migration.ts): once per upgrade.
    const migrationFile = 'packages/database/migration/20260401000002_backfill_titles/migration.ts';
    const migrated = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, { 'prisma/schema.prisma': SCHEMA, [migrationFile]: seed }).analyze(`${ROOT}/${migrationFile}`);
    assert.deepEqual(migrated.filter((f) => f.ruleId === 'commit-in-loop').map((f) => [f.severity, f.message.slice(f.message.indexOf(' (It runs'))]), [
      ['info', ' (It runs in migration code (migration/20260401000002_backfill_titles/migration.ts): once per upgrade of the schema, so batching pays off only when it runs over many rows.)'],
    ]);
  });

  it('writes fixes that compile against the generated client', function () {
    this.timeout(60_000);
    const found = findings(CODE);
    const fixOf = (rule: string, nth = 0) => found.filter((f) => f.ruleId === rule)[nth]!.fixes[0]!;
    const take = applied(CODE, fixOf('unpaginated-query'), APP);
    const batched = applied(CODE, fixOf('n-plus-one'), APP);
    const createMany = applied(CODE, fixOf('commit-in-loop'), APP);
    assert.ok(take.includes('await prisma.user.findMany({ where: { orgId: orgId }, take: 100 });'));
    assert.ok(
      batched.includes(
        '  // QueryLens n-plus-one: one query for every user; use these rows in the loop instead of its query.\n' +
          '  const user_ids = users.map((user) => user.id);\n' +
          '  const all_post = await prisma.post.findMany({ where: { authorId: { in: user_ids }, published: true } });\n' +
          '  for (const user of users) {\n',
      ),
    );
    assert.ok(
      createMany.includes(
        '  // QueryLens commit-in-loop: one INSERT for all of titles (createMany writes no relations: their keys go in data).\n' +
          '  await prisma.post.createMany({ data: titles.map((title) => ({ title, authorId })) });\n' +
          '  const hits',
      ),
    );
    // A findMany() with no arguments and a multi-line arguments object take `take` too.
    const more =
      HEADER +
      'export async function GET() {\n' +
      '  const a = await prisma.user.findMany();\n' +
      '  const b = await prisma.post.findMany({\n' +
      '    where: { published: true },\n' +
      '  });\n' +
      '  return Response.json([a, b]);\n' +
      '}\n';
    const fixes = workspace(more).analyze(APP).filter((f) => f.ruleId === 'unpaginated-query').map((f) => applied(more, f.fixes[0]!, APP));
    assert.ok(fixes[0]!.includes('await prisma.user.findMany({ take: 100 });'));
    assert.ok(fixes[1]!.includes('  const b = await prisma.post.findMany({\n    where: { published: true },\n    take: 100,\n  });\n'));
    assert.deepEqual(typecheckWithClient({ 'original.ts': CODE, 'take.ts': take, 'batched.ts': batched, 'createMany.ts': createMany, 'bare.ts': fixes[0]!, 'multiline.ts': fixes[1]! }), {
      'original.ts': [], 'take.ts': [], 'batched.ts': [], 'createMany.ts': [], 'bare.ts': [], 'multiline.ts': [],
    });
  });
});

describe('the index fix of a Prisma project with migrations', () => {
  before(async () => {
    await Promise.all([initParsers(), initHostParsers()]);
  });

  const INIT = [
    'CREATE TABLE "users" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, "full_name" TEXT, "org_id" INTEGER NOT NULL, CONSTRAINT "users_pkey" PRIMARY KEY ("id"));',
    'CREATE TABLE "Post" ("id" SERIAL NOT NULL, "title" TEXT NOT NULL, "published" BOOLEAN NOT NULL DEFAULT false, "score" INTEGER NOT NULL DEFAULT 0, "author_id" INTEGER NOT NULL, "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));',
    'CREATE UNIQUE INDEX "users_email_key" ON "users"("email");',
    'CREATE INDEX "Post_author_id_idx" ON "Post"("author_id");',
    'ALTER TABLE "Post" ADD CONSTRAINT "Post_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;',
    '',
  ].join('\n');
  const FILES = {
    'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
    'prisma/migrations/20240101000000_init/migration.sql': INIT,
  };

  it('writes a new migration under Prisma’s index name and adds the same @@index to the model', () => {
    const code = HEADER + 'export async function GET() {\n  return Response.json(await prisma.user.findMany({ where: { orgId: 3 }, take: 10 }));\n}\n';
    const missing = findings(code, FILES).filter((f) => f.ruleId === 'missing-index');
    assert.deepEqual(missing.map((f) => [covered(code, f.range), f.fixes.map((x) => x.title)]), [
      ['orgId: 3', ['Add index on users(org_id) in a new migration and @@index to the User model']],
    ]);
    const changes = missing[0]!.fixes[0]!.changes;
    const created = changes.filter((c) => c.kind === 'create') as { file: string; content: string }[];
    assert.equal(created.length, 1);
    assert.match(created[0]!.file, /^\/project\/prisma\/migrations\/\d{14}_add_index_users_org_id\/migration\.sql$/);
    assert.match(created[0]!.content, /^CREATE INDEX CONCURRENTLY users_org_id_idx ON users \(org_id\);$/m);
    const schema = applied(SCHEMA, missing[0]!.fixes[0]!, `${ROOT}/prisma/schema.prisma`);
    assert.equal(schema, SCHEMA.replace('  @@map("users")\n', '  @@map("users")\n  @@index([orgId])\n'));
  });

  it('offers it to code in another package of an npm workspace that depends on the Prisma package by name', () => {
    const code = HEADER + 'export async function GET() {\n  return Response.json(await prisma.user.findMany({ where: { orgId: 3 }, take: 10 }));\n}\n';
    const ws = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, {
      'package.json': JSON.stringify({ name: 'root', private: true, workspaces: ['packages/*'] }),
      'packages/db/package.json': JSON.stringify({ name: '@acme/db', dependencies: { '@prisma/client': '7.0.0' } }),
      'packages/db/prisma/schema.prisma': SCHEMA,
      'packages/db/prisma/migrations/migration_lock.toml': FILES['prisma/migrations/migration_lock.toml'],
      'packages/db/prisma/migrations/20240101000000_init/migration.sql': FILES['prisma/migrations/20240101000000_init/migration.sql'],
      'packages/api/package.json': JSON.stringify({ name: '@acme/api', dependencies: { '@acme/db': 'workspace:*' } }),
      'packages/api/src/app.ts': code,
    });
    const missing = ws.analyze(`${ROOT}/packages/api/src/app.ts`).filter((f) => f.ruleId === 'missing-index');
    assert.deepEqual(missing.map((f) => [f.fixes.map((x) => x.title), f.fixes.flatMap((x) => x.changes.map((c) => `${c.kind} ${c.file.replace(/\d{14}/, 'TIMESTAMP')}`))]), [
      [
        ['Add index on users(org_id) in a new migration and @@index to the User model'],
        ['create /project/packages/db/prisma/migrations/TIMESTAMP_add_index_users_org_id/migration.sql', 'edit /project/packages/db/prisma/schema.prisma'],
      ],
    ]);
  });
});
