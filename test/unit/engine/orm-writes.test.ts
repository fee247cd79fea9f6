/**
 * ORM writes rendered to the SQL the Explain lenses run (core/engine/explainable.ts, QueryModel.write):
 * Prisma Client and Drizzle, each form as the ORM sends it, its values bound before its filter, and the
 * writes QueryLens does not read whole left without a lens (TypeORM's: test/unit/orm/typeorm/qb-writes.test.ts).
 */
import assert from 'node:assert/strict';
import { defaultConfig } from '../../../server/src/core/config/types';
import { explainableQueries } from '../../../server/src/core/engine/explainable';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';

const ROOT = '/project';

const PRISMA = `datasource db {
  provider = "postgresql"
}

model Post {
  id        String   @id @default(cuid())
  title     String
  views     Int      @default(0)
  authorId  Int      @map("author_id")
  author    User     @relation(fields: [authorId], references: [id])
  createdAt DateTime @default(now()) @map("created_at")
  updatedAt DateTime @updatedAt @map("updated_at")

  @@map("posts")
}

model User {
  id    Int    @id @default(autoincrement())
  email String @unique
  name  String
  posts Post[]

  @@map("user")
}
`;

const PRISMA_CALLS = [
  'prisma.user.create({ data: { email, name: "x" } })',
  'prisma.post.create({ data: { title, author: { connect: { id: userId } } } })',
  'prisma.post.createMany({ data: [{ title: "a", authorId: 1 }, { title: "b", authorId: 2 }], skipDuplicates: true })',
  'prisma.post.update({ where: { id }, data: { title } })',
  'prisma.post.updateMany({ where: { authorId, views: { lt: 10 } }, data: { views: 0 } })',
  'prisma.post.delete({ where: { id } })',
  'prisma.post.deleteMany({ where: { authorId } })',
  'prisma.post.deleteMany()',
  'prisma.user.upsert({ where: { email }, create: { email, name }, update: { name } })',
  // Not read whole: no lens.
  'prisma.post.update({ where: { id }, data: { views: { increment: 1 } } })',
  'prisma.post.create({ data })',
  'prisma.post.create({ data: { ...fields, title } })',
  'prisma.post.deleteMany({ where: { OR: [{ authorId }, { views: 0 }] } })',
  'prisma.post.create({ data: { title, author: { create: { email, name } } } })',
];

const DRIZZLE_SCHEMA = `import { pgTable, serial, integer, text, timestamp } from 'drizzle-orm/pg-core';
export const posts = pgTable('posts', {
  id: serial('id').primaryKey(),
  authorId: integer('author_id').notNull(),
  title: text('title').notNull(),
  createdAt: timestamp('created_at').notNull().defaultNow(),
  slug: text('slug').notNull().$defaultFn(() => crypto.randomUUID()),
  updatedAt: timestamp('updated_at').notNull().defaultNow().$onUpdate(() => new Date()),
});
`;

const DRIZZLE_CALLS = [
  'db.insert(posts).values({ authorId, title })',
  'db.insert(posts).values([{ authorId: 1, title: "a" }, { authorId: 2, title: "b" }]).onConflictDoNothing()',
  'db.update(posts).set({ title }).where(and(eq(posts.authorId, authorId), isNotNull(posts.title)))',
  'db.delete(posts).where(eq(posts.id, id)).returning()',
  'db.delete(posts)',
  // Not read whole: no lens.
  'db.update(posts).set({ title }).where(and(eq(posts.authorId, authorId), sql`true`))',
  'db.insert(posts).values({ ...row, title })',
  'db.update(posts).set({ createdAt: sql`now()` }).where(eq(posts.id, id))',
];

function lensesOf(files: Record<string, string>, file: string, calls: string[]): [string, string, string][] {
  const ws = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, files);
  const text = files[file]!;
  return explainableQueries(ws, `${ROOT}/${file}`)
    .map((q): [string, string, string] => [text.slice(q.span.start, q.span.end).replace(/^await /, ''), q.sql, q.params.map((p) => `${p.name} ${p.column}${p.type ? ` ${p.type}` : ''}`).join(', ')])
    .filter(([code]) => calls.includes(code));
}

describe('ORM writes rendered for Explain', () => {
  before(() => Promise.all([initHostParsers(), initParsers()]));

  it('Prisma Client: each write as the engine sends it, with the values it fills in itself', () => {
    const code = `import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\nexport async function run(email: string, name: string, title: string, userId: number, id: string, authorId: number, data: never, fields: never) {\n${PRISMA_CALLS.map((c) => `  await ${c};`).join('\n')}\n}\n`;
    assert.deepEqual(lensesOf({ 'prisma/schema.prisma': PRISMA, 'src/app.ts': code, 'package.json': '{"dependencies":{"@prisma/client":"7"}}' }, 'src/app.ts', PRISMA_CALLS), [
      // \`user\` is a reserved word: quoted.
      [PRISMA_CALLS[0]!, 'INSERT INTO "user" (email, name) VALUES ($1, $2) RETURNING *', '$1 user.email text, $2 user.name text'],
      [PRISMA_CALLS[1]!, 'INSERT INTO posts (id, title, author_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5) RETURNING *', '$1 posts.id text, $2 posts.title text, $3 posts.author_id integer, $4 posts.created_at timestamp(3), $5 posts.updated_at timestamp(3)'],
      [
        PRISMA_CALLS[2]!,
        'INSERT INTO posts (id, title, author_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5), ($6, $7, $8, $9, $10) ON CONFLICT DO NOTHING',
        '$1 posts.id text, $2 posts.title text, $3 posts.author_id integer, $4 posts.created_at timestamp(3), $5 posts.updated_at timestamp(3), $6 posts.id text, $7 posts.title text, $8 posts.author_id integer, $9 posts.created_at timestamp(3), $10 posts.updated_at timestamp(3)',
      ],
      [PRISMA_CALLS[3]!, 'UPDATE posts SET title = $1, updated_at = $2 WHERE posts.id = $3 RETURNING *', '$1 posts.title text, $2 posts.updated_at timestamp(3), $3 posts.id text'],
      [PRISMA_CALLS[4]!, 'UPDATE posts SET views = $1, updated_at = $2 WHERE posts.author_id = $3 AND posts.views >= $4', '$1 posts.views integer, $2 posts.updated_at timestamp(3), $3 posts.author_id integer, $4 posts.views integer'],
      [PRISMA_CALLS[5]!, 'DELETE FROM posts WHERE posts.id = $1 RETURNING *', '$1 posts.id text'],
      [PRISMA_CALLS[6]!, 'DELETE FROM posts WHERE posts.author_id = $1', '$1 posts.author_id integer'],
      [PRISMA_CALLS[7]!, 'DELETE FROM posts', ''],
      [PRISMA_CALLS[8]!, 'INSERT INTO "user" (email, name) VALUES ($1, $2) ON CONFLICT (email) DO UPDATE SET name = $3 RETURNING *', '$1 user.email text, $2 user.name text, $3 user.name text'],
    ]);
  });

  it('Drizzle: every column of an INSERT, DEFAULT where none is given; the filter as read', () => {
    const code = `import { and, eq, isNotNull, sql } from 'drizzle-orm';\nimport { drizzle } from 'drizzle-orm/node-postgres';\nimport { posts } from './schema';\nconst db = drizzle(process.env.DATABASE_URL!);\nexport async function run(authorId: number, title: string, id: number, row: never) {\n${DRIZZLE_CALLS.map((c) => `  await ${c};`).join('\n')}\n}\n`;
    assert.deepEqual(lensesOf({ 'src/schema.ts': DRIZZLE_SCHEMA, 'src/app.ts': code, 'package.json': '{"dependencies":{"drizzle-orm":"0.45.4","pg":"8"}}' }, 'src/app.ts', DRIZZLE_CALLS), [
      // drizzle's $defaultFn value (slug) bound in an INSERT, its $onUpdate one (updated_at) in an UPDATE.
      [DRIZZLE_CALLS[0]!, 'INSERT INTO posts (id, author_id, title, created_at, slug, updated_at) VALUES (DEFAULT, $1, $2, DEFAULT, $3, DEFAULT)', '$1 posts.author_id integer, $2 posts.title text, $3 posts.slug text'],
      [
        DRIZZLE_CALLS[1]!,
        'INSERT INTO posts (id, author_id, title, created_at, slug, updated_at) VALUES (DEFAULT, $1, $2, DEFAULT, $3, DEFAULT), (DEFAULT, $4, $5, DEFAULT, $6, DEFAULT) ON CONFLICT DO NOTHING',
        '$1 posts.author_id integer, $2 posts.title text, $3 posts.slug text, $4 posts.author_id integer, $5 posts.title text, $6 posts.slug text',
      ],
      [DRIZZLE_CALLS[2]!, 'UPDATE posts SET title = $1, updated_at = $2 WHERE posts.author_id = $3 AND posts.title IS NOT NULL', '$1 posts.title text, $2 posts.updated_at timestamp, $3 posts.author_id integer'],
      [DRIZZLE_CALLS[3]!, 'DELETE FROM posts WHERE posts.id = $1 RETURNING *', '$1 posts.id serial'],
      [DRIZZLE_CALLS[4]!, 'DELETE FROM posts', ''],
    ]);
  });
});
