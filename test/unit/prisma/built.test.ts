/**
 * The built CLI (dist/cli.js, Prisma's parser bundled and its .wasm copied
 * next to it) on a Prisma project without migrations (`prisma db push`): the
 * catalog comes from schema.prisma, its findings point into it, `--fix` adds
 * `@@index` to the model, and Prisma's parser accepts the result.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readPrismaSchema } from '../../../server/src/core/prisma/parser';
import { buildCli, run } from '../cli/built-cli';

const SCHEMA = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Planner {
  id      Int      @id @default(autoincrement())
  workers Worker[]
}

model Worker {
  id         Int     @id @default(autoincrement())
  plannerId  Int     @map("planner_id")
  taskStatus String  @map("task_status")
  planner    Planner @relation(fields: [plannerId], references: [id])

  @@map("workers")
}
`;
const QUERY = "SELECT id FROM workers WHERE planner_id = $1 AND task_status = 'pending' LIMIT 50;\n";

describe('Prisma schema in the built CLI', function () {
  this.timeout(180_000);
  let dir: string;

  before(() => buildCli());
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'querylens-prisma-'));
    fs.mkdirSync(path.join(dir, 'prisma'));
    fs.mkdirSync(path.join(dir, 'db'));
    fs.writeFileSync(path.join(dir, 'db', 'queries.sql'), QUERY);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('checks queries against the schema, reports into it, and fixes it with @@index', () => {
    fs.writeFileSync(path.join(dir, 'prisma', 'schema.prisma'), SCHEMA);
    const before = run(dir, 'check', '.');
    assert.equal(before.stderr, '');
    assert.deepEqual(
      before.stdout.split('\n').filter((l) => /^\S+:\d+:\d+: /.test(l)).map((l) => l.split(' ').slice(0, 3).join(' ')),
      ['db/queries.sql:1:30: warning missing-composite-index', 'prisma/schema.prisma:15:3: warning unindexed-foreign-key'],
    );
    const fixed = run(dir, 'check', '.', '--fix');
    assert.equal(fixed.stderr, '');
    const schema = fs.readFileSync(path.join(dir, 'prisma', 'schema.prisma'), 'utf8');
    assert.equal(schema, SCHEMA.replace('  @@map("workers")\n', '  @@map("workers")\n  @@index([plannerId, taskStatus])\n'));
    assert.deepEqual(readPrismaSchema([{ file: 'schema.prisma', text: schema }]).errors, []);
    assert.match(fixed.stdout, /No problems|0 problems/);
  });

  it("shows a broken schema as one error with Prisma's message", () => {
    fs.writeFileSync(path.join(dir, 'prisma', 'schema.prisma'), SCHEMA.replace('taskStatus String ', 'taskStatus Strin '));
    const result = run(dir, 'check', '.');
    assert.deepEqual(
      result.stdout.split('\n').filter((l) => l.includes('prisma/schema.prisma')),
      ['prisma/schema.prisma:14:14: error syntax-error Prisma schema: Type "Strin" is neither a built-in type, nor refers to another model, composite type, or enum.'],
    );
  });
});
