/**
 * TypeORM query-builder writes (`createQueryBuilder().update(E).set(..).where(..)`, `.delete().from(E)`,
 * `.insert().into(E).values(..)`, and a repository's `createQueryBuilder('a').update()`) read into the
 * query model: the rules over them (unfiltered-write, commit-in-loop, missing-index on the WHERE) and the
 * SQL the Explain lenses run, set beside what typeorm itself sends for the same chain (its
 * `getQueryAndParameters()`, on entities of the same shape).
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { DataSource, EntitySchema } from 'typeorm';
import { defaultConfig } from '../../../../server/src/core/config/types';
import { explainableQueries } from '../../../../server/src/core/engine/explainable';
import { Workspace } from '../../../../server/src/core/engine/workspace';
import { useWorkspaces } from '../../migrations/workspace';

const WORKER = `import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
@Entity('workers')
export class Worker {
  @PrimaryGeneratedColumn() id!: number;
  @Index() @Column({ name: 'planner_id' }) plannerId!: number;
  @Column({ name: 'task_status', length: 20 }) taskStatus!: string;
  @Column() position!: number;
  @UpdateDateColumn({ name: 'updated_at' }) updatedAt!: Date;
  @VersionColumn() version!: number;
}
`;

const SERVICE = `import { DataSource, Repository } from 'typeorm';
import { Worker } from './worker';
export class Workers {
  constructor(private readonly dataSource: DataSource, private readonly workers: Repository<Worker>) {}
  async finish(id: number) {
    await this.dataSource.createQueryBuilder().update(Worker).set({ taskStatus: 'done' }).where('id = :id', { id }).execute();
  }
  async moveDown(position: number) {
    await this.workers.createQueryBuilder('w').update().set({ position: () => 'position + 1' }).where('"position" = :position', { position }).execute();
  }
  async closeAll() {
    await this.dataSource.createQueryBuilder().delete().from(Worker).execute();
  }
  async dropPlanner(plannerIds: number[]) {
    for (const plannerId of plannerIds) {
      await this.dataSource.createQueryBuilder().delete().from(Worker).where('plannerId = :plannerId', { plannerId }).execute();
    }
  }
  async add(plannerId: number, titles: string[]) {
    await this.dataSource.createQueryBuilder().insert().into(Worker).values(titles.map((taskStatus) => ({ plannerId, taskStatus, position: 0 }))).orIgnore().execute();
  }
  async aliased(plannerId: number) {
    await this.workers.createQueryBuilder('w').delete().where('w.plannerId = :plannerId', { plannerId }).execute();
  }
}
`;

/** The same entity for typeorm itself (no decorators in the test's compiler). */
const WorkerSchema = new EntitySchema({
  name: 'Worker',
  tableName: 'workers',
  columns: {
    id: { type: Number, primary: true, generated: 'increment' },
    plannerId: { type: Number, name: 'planner_id' },
    taskStatus: { type: String, name: 'task_status', length: 20 },
    position: { type: Number },
    updatedAt: { type: Date, name: 'updated_at', updateDate: true },
    version: { type: Number, version: true },
  },
});

describe('TypeORM query-builder writes', () => {
  const makeWorkspace = useWorkspaces();

  async function workspace() {
    const { root } = makeWorkspace({
      'package.json': JSON.stringify({ dependencies: { typeorm: '1.1.1', pg: '8' } }),
      'src/worker.ts': WORKER,
      'src/workers.ts': SERVICE,
    });
    const ws = await Workspace.create({ root, config: defaultConfig() });
    return { ws, file: path.join(root, 'src/workers.ts') };
  }

  it('renders each write to the SQL typeorm sends, its values bound before its filter', async () => {
    const { ws, file } = await workspace();
    const queries = explainableQueries(ws, file).map((q) => ({ code: SERVICE.slice(q.span.start, q.span.end).replace(/^await (\S+?)\.createQueryBuilder.*?\.(update|delete|insert)\(.*$/s, '$1 $2'), sql: q.sql, params: q.params.map((p) => `${p.name} ${p.column}`) }));
    assert.deepEqual(queries, [
      { code: 'this.dataSource update', sql: 'UPDATE workers SET task_status = $1, version = "version" + 1, updated_at = CURRENT_TIMESTAMP WHERE workers.id = $2', params: ['$1 workers.task_status', '$2 workers.id'] },
      { code: 'this.workers update', sql: 'UPDATE workers SET position = "position" + 1, version = "version" + 1, updated_at = CURRENT_TIMESTAMP WHERE workers.position = $1', params: ['$1 workers.position'] },
      { code: 'this.dataSource delete', sql: 'DELETE FROM workers', params: [] },
      { code: 'this.dataSource delete', sql: 'DELETE FROM workers WHERE workers.planner_id = $1', params: ['$1 workers.planner_id'] },
      {
        code: 'this.dataSource insert',
        sql: 'INSERT INTO workers (planner_id, task_status, position, updated_at, version) VALUES ($1, $2, $3, DEFAULT, 1) ON CONFLICT DO NOTHING',
        params: ['$1 workers.planner_id', '$2 workers.task_status', '$3 workers.position'],
      },
    ]);
  });

  it('says what typeorm sends for the same chains (the SQL above differs only in quoting, qualified filter columns and version 1 written out)', async () => {
    const ds = new DataSource({ type: 'postgres', entities: [WorkerSchema] });
    await (ds as unknown as { buildMetadatas(): Promise<void> }).buildMetadatas();
    const sent = (qb: { getQueryAndParameters(): [string, unknown[]] }) => qb.getQueryAndParameters()[0];
    assert.deepEqual(
      [
        sent(ds.createQueryBuilder().update(WorkerSchema).set({ taskStatus: 'done' }).where('id = :id', { id: 1 })),
        sent(ds.getRepository(WorkerSchema).createQueryBuilder('w').update().set({ position: () => 'position + 1' }).where('"position" = :position', { position: 1 })),
        sent(ds.createQueryBuilder().delete().from(WorkerSchema)),
        sent(ds.createQueryBuilder().delete().from(WorkerSchema).where('plannerId = :plannerId', { plannerId: 1 })),
        sent(ds.createQueryBuilder().insert().into(WorkerSchema).values([{ plannerId: 1, taskStatus: 'a', position: 0 }]).orIgnore()),
        // An alias in a write's filter is sent as written: PostgreSQL cannot resolve `w.plannerId` (QueryLens does not read the chain).
        sent(ds.getRepository(WorkerSchema).createQueryBuilder('w').delete().where('w.plannerId = :plannerId', { plannerId: 1 })),
      ],
      [
        'UPDATE "workers" SET "task_status" = $1, "version" = "version" + 1, "updated_at" = CURRENT_TIMESTAMP WHERE "id" = $2',
        'UPDATE "workers" SET "position" = "position" + 1, "version" = "version" + 1, "updated_at" = CURRENT_TIMESTAMP WHERE "position" = $1',
        'DELETE FROM "workers"',
        'DELETE FROM "workers" WHERE "planner_id" = $1',
        'INSERT INTO "workers"("planner_id", "task_status", "position", "updated_at", "version") VALUES ($1, $2, $3, DEFAULT, 1) ON CONFLICT DO NOTHING',
        'DELETE FROM "workers" WHERE w.plannerId = $1',
      ],
    );
  });

  it('applies the rules to them: unfiltered-write, commit-in-loop, missing-index on the filter', async () => {
    const { ws, file } = await workspace();
    const lines = SERVICE.split('\n');
    const findings = ws.analyze(file).map((f) => [f.ruleId, f.severity, `${f.range.start.line}:${f.range.start.character}-${f.range.end.line}:${f.range.end.character}`, lines[f.range.start.line]!.slice(f.range.start.character, f.range.start.line === f.range.end.line ? f.range.end.character : undefined), f.message]);
    assert.deepEqual(findings, [
      ['missing-index', 'warning', '8:103-8:125', '"position" = :position', 'Query filters workers on position, but no index leads with it: every call scans the table. Add an index on workers(position).'],
      [
        'unfiltered-write', 'error', '11:4-11:78', 'await this.dataSource.createQueryBuilder().delete().from(Worker).execute()',
        'This DELETE has no WHERE: it deletes every row of workers. If that is not the intent, add the filter (a where built elsewhere or left empty here sends none).',
      ],
      [
        'commit-in-loop', 'warning', '15:6-15:127', "await this.dataSource.createQueryBuilder().delete().from(Worker).where('plannerId = :plannerId', { plannerId }).execute()",
        'DELETE from workers runs once per plannerId of plannerIds: one round trip (and statement) per row. Bind the keys as one array and delete them at once: DELETE ... WHERE id = ANY($1).',
      ],
    ]);
  });
});
