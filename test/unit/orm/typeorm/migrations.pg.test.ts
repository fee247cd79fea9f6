/**
 * TypeORM on the PostgreSQL server, end to end: a project of one entity and
 * one migration class; the workspace finds a query on a column pair no index
 * serves, and its fix writes a new TypeORM migration plus `@Index` on the
 * entity. The result is compiled by the real compiler against typeorm 1.1.1's
 * types (`tsc`, experimentalDecorators + emitDecoratorMetadata, which TypeORM's
 * column types need), and the compiled classes are run by TypeORM's own
 * `DataSource.runMigrations()`; TypeORM's schema builder then finds the entity
 * and the database agreeing on indexes (what `migration:generate` would diff).
 *
 * TypeORM's transaction modes: in the default ('all') it runs every pending
 * migration in one transaction and refuses a migration that sets
 * `transaction` (ForbiddenTransactionModeOverrideError), so the fix's
 * migration builds the index with a plain CREATE INDEX; in 'each' (the
 * DataSource's `migrationsTransactionMode`), `transaction = false` and
 * CONCURRENTLY.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import 'reflect-metadata';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { Finding } from '../../../../shared/types';
import { defaultConfig } from '../../../../server/src/core/config/types';
import { Workspace } from '../../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../../server/src/core/host/treesitter';
import { initParsers } from '../../../../server/src/core/sql/parse';
import { TOOLS } from '../../../../server/src/db/migrations/tools';
import { ownDatabase, type OwnDatabase } from '../../db/fixtures';
import { toolContext } from '../../migrations/scripts-pg';
import { makeWorkspace } from '../../migrations/workspace';
import { apply, compile } from './project';

const ROOT = path.resolve(__dirname, '../../../..');

const ENTITY = `import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('tasks')
export class Task {
  @PrimaryGeneratedColumn() id!: number;
  @Column() plannerId!: number;
  @Column({ name: 'task_status', length: 32 }) taskStatus!: string;
}
`;

const INIT = `import { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1700000000000 implements MigrationInterface {
  name = 'Init1700000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(\`CREATE TABLE "tasks" ("id" SERIAL NOT NULL, "plannerId" integer NOT NULL, "task_status" character varying(32) NOT NULL, CONSTRAINT "PK_8d12ff38fcc62aaba2cab748772" PRIMARY KEY ("id"))\`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(\`DROP TABLE "tasks"\`);
  }
}
`;

const SERVICE = `import { Repository } from 'typeorm';
import { Task } from './entities/task';

export class Tasks {
  constructor(private readonly tasks: Repository<Task>) {}

  pending(plannerId: number) {
    return this.tasks.find({ where: { plannerId, taskStatus: 'pending' }, take: 50 });
  }
}
`;

function project(mode?: 'each'): string {
  const source = mode ? `import { DataSource } from 'typeorm';\nexport default new DataSource({ type: 'postgres', migrations: ['src/migrations/*.ts'], migrationsTransactionMode: '${mode}' });\n` : `import { DataSource } from 'typeorm';\nexport default new DataSource({ type: 'postgres', migrations: ['src/migrations/*.ts'] });\n`;
  const { root } = makeWorkspace({
    'package.json': JSON.stringify({ name: 'tasks', dependencies: { typeorm: '1.1.1', pg: '8' } }),
    'src/entities/task.ts': ENTITY,
    'src/migrations/1700000000000-Init.ts': INIT,
    'src/tasks.ts': SERVICE,
    'src/data-source.ts': source,
  });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  return root;
}

/** The compiled migration classes and entities, for a DataSource. */
function classes(root: string, folder: string): (new () => unknown)[] {
  const dir = path.join(root, 'out', folder);
  return fs.readdirSync(dir).filter((n) => n.endsWith('.js')).flatMap((n) => Object.values(require(path.join(dir, n)) as Record<string, unknown>).filter((v): v is new () => unknown => typeof v === 'function'));
}

describe('TypeORM migrations and the index fix, run by TypeORM itself on PostgreSQL', function () {
  this.timeout(180_000);
  let own: OwnDatabase | undefined;
  let db: Client;
  const roots: string[] = [];

  before(async function () {
    await Promise.all([initParsers(), initHostParsers()]);
    own = await ownDatabase('typeorm_pg');
    if (!own) return this.skip();
    db = new Client({ connectionString: own.url });
    await db.connect();
  });

  after(async () => {
    await db?.end();
    await own?.drop().catch(() => undefined);
    for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
  });

  async function finding(root: string): Promise<Finding> {
    const workspace = await Workspace.create({ root, config: { ...defaultConfig(), dialect: 'postgres' } });
    const found = workspace.analyze(path.join(root, 'src/tasks.ts')).filter((f) => f.ruleId === 'missing-composite-index');
    assert.equal(found.length, 1);
    return found[0]!;
  }

  async function dataSource(root: string, mode: 'all' | 'each'): Promise<DataSource> {
    const source = new DataSource({ type: 'postgres', url: own!.url, entities: classes(root, 'entities'), migrations: classes(root, 'migrations'), migrationsTransactionMode: mode, logging: false });
    return source.initialize();
  }

  it('default transaction mode: a migration with a plain CREATE INDEX and @Index on the entity, compiled and run by runMigrations()', async () => {
    const root = project();
    roots.push(root);
    const f = await finding(root);
    assert.equal(f.message.split(':')[0], 'Query filters tasks on plannerId and task_status, but no index leads with any of these columns');
    const fix = f.fixes[0]!;
    assert.equal(fix.title, 'Add index on tasks(plannerId, task_status) in a new migration and on the Task entity');
    const created = fix.changes[0]!;
    assert.ok(created.kind === 'create');
    const stamp = /(\d{13})-AddIndexTasksPlanneridTaskStatus\.ts$/.exec(created.file)?.[1];
    assert.ok(stamp, created.file);
    assert.equal(path.dirname(created.file), path.join(root, 'src/migrations'));
    assert.equal(
      created.content,
      [
        "import { MigrationInterface, QueryRunner } from 'typeorm';",
        '',
        `export class AddIndexTasksPlanneridTaskStatus${stamp} implements MigrationInterface {`,
        `  name = 'AddIndexTasksPlanneridTaskStatus${stamp}';`,
        '',
        '  public async up(queryRunner: QueryRunner): Promise<void> {',
        "    // TypeORM runs pending migrations in one transaction by default (migrationsTransactionMode 'all'),",
        '    // where CREATE INDEX CONCURRENTLY cannot run, and refuses a migration that sets `transaction`: this',
        '    // index is built with a plain CREATE INDEX, which makes writes to the table wait for the build.',
        '    // querylens-ignore non-concurrent-index-creation',
        '    await queryRunner.query(`CREATE INDEX idx_tasks_plannerid_task_status ON tasks ("plannerId", task_status)`);',
        '  }',
        '',
        '  public async down(queryRunner: QueryRunner): Promise<void> {',
        '    await queryRunner.query(`DROP INDEX IF EXISTS idx_tasks_plannerid_task_status`);',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    apply(f);
    assert.equal(
      fs.readFileSync(path.join(root, 'src/entities/task.ts'), 'utf8'),
      ENTITY.replace("import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';", "import { Column, Entity, PrimaryGeneratedColumn, Index } from 'typeorm';").replace(
        "@Entity('tasks')",
        "@Index('idx_tasks_plannerid_task_status', ['plannerId', 'taskStatus'])\n@Entity('tasks')",
      ),
    );
    assert.deepEqual(compile(root), []);

    const source = await dataSource(root, 'all');
    try {
      const ran = await source.runMigrations();
      assert.deepEqual(ran.map((m) => m.name), ['Init1700000000000', `AddIndexTasksPlanneridTaskStatus${stamp}`]);
      const indexes = (await db.query("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'tasks' ORDER BY indexname")).rows.map((r) => `${r.indexname}: ${r.indexdef}`);
      assert.deepEqual(indexes, [
        'PK_8d12ff38fcc62aaba2cab748772: CREATE UNIQUE INDEX "PK_8d12ff38fcc62aaba2cab748772" ON public.tasks USING btree (id)',
        'idx_tasks_plannerid_task_status: CREATE INDEX idx_tasks_plannerid_task_status ON public.tasks USING btree ("plannerId", task_status)',
      ]);
      // What `typeorm migration:generate` would write: nothing (entity and database agree, the index included).
      const pending = await source.driver.createSchemaBuilder().log();
      assert.deepEqual(pending.upQueries.map((q) => q.query), []);
      const status = await TOOLS.typeorm.status({ tool: 'typeorm', dir: path.join(root, 'src/migrations'), migrations: [
        { version: 'Init1700000000000', description: 'Init', upFile: path.join(root, 'src/migrations/1700000000000-Init.ts') },
        { version: `AddIndexTasksPlanneridTaskStatus${stamp}`, description: 'AddIndexTasksPlanneridTaskStatus', upFile: created.file },
        { version: 'Later1999999999999', description: 'Later', upFile: path.join(root, 'src/migrations/1999999999999-Later.ts') },
      ] }, toolContext(db, root));
      assert.equal(status.trackingTableFound, true);
      assert.deepEqual(status.rows.map((r) => `${r.version}:${r.status}`), ['Init1700000000000:applied', `AddIndexTasksPlanneridTaskStatus${stamp}:applied`, 'Later1999999999999:pending']);
    } finally {
      await source.query('DROP TABLE IF EXISTS tasks, migrations');
      await source.destroy();
    }
  });

  it("'each' transaction mode: transaction = false and CONCURRENTLY, which TypeORM runs outside a transaction (and refuses in 'all')", async () => {
    const root = project('each');
    roots.push(root);
    const f = await finding(root);
    const created = f.fixes[0]!.changes[0]!;
    assert.ok(created.kind === 'create');
    assert.match(created.content, /\n {2}\/\/ CREATE INDEX CONCURRENTLY cannot run in a transaction block: TypeORM runs this migration outside one\.\n {2}transaction = false;\n/);
    assert.match(created.content, /^ {4}await queryRunner\.query\(`CREATE INDEX CONCURRENTLY idx_tasks_plannerid_task_status ON tasks \("plannerId", task_status\)`\);$/m);
    assert.doesNotMatch(created.content, /querylens-ignore/);
    apply(f);
    assert.deepEqual(compile(root), []);
    const all = await dataSource(root, 'all');
    try {
      await assert.rejects(all.runMigrations(), (e: Error) => e.name === 'ForbiddenTransactionModeOverrideError');
    } finally {
      await all.destroy();
    }
    const each = await dataSource(root, 'each');
    try {
      const ran = await each.runMigrations();
      assert.equal(ran.length, 2);
      const valid = (await db.query("SELECT x.indisvalid FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE i.relname = 'idx_tasks_plannerid_task_status'")).rows.map((r) => r.indisvalid as boolean);
      assert.deepEqual(valid, [true]);
    } finally {
      await each.query('DROP TABLE IF EXISTS tasks, migrations');
      await each.destroy();
    }
  });
});
