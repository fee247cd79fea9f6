/**
 * TypeORM through the real TypeScript extractor: entities as HostModels (names
 * checked against typeorm 1.1.1's own DefaultNamingStrategy), the workspace's
 * resolve step (base-class columns, join column types, SnakeNamingStrategy),
 * repository and query-builder calls as query models, migration classes.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DefaultNamingStrategy } from 'typeorm';
import { initHostParsers } from '../../../../server/src/core/host/treesitter';
import { extractTypeScript } from '../../../../server/src/core/host/typescript/extract';
import { typescript } from '../../../../server/src/core/host/typescript/language';
import { typescriptAdapter } from '../../../../server/src/core/host/typescript/adapter';
import { readScriptMigration } from '../../../../server/src/core/host/typescript/migrations';
import type { HostModel } from '../../../../server/src/core/host/types';
import { camelCase, defaultIndexName, snakeCase } from '../../../../server/src/core/orm/typeorm/naming';
import { initParsers } from '../../../../server/src/core/sql/parse';
import { detectScriptMigrations } from '../../../../server/src/core/migrations/scripts';
import { makeWorkspace } from '../../migrations/workspace';
import { codePath } from '../../../../server/src/core/rules/host-helpers';

const BASE = `import { PrimaryGeneratedColumn, CreateDateColumn } from 'typeorm';
export abstract class Base {
  @PrimaryGeneratedColumn() id!: number;
  @CreateDateColumn() createdAt!: Date;
}
`;

const TASK = `import { Entity, Column, ManyToOne, Index } from 'typeorm';
@Entity('tasks')
@Index(['plannerId', 'taskStatus'])
export class Task extends Base {
  @Column() plannerId!: number;
  @Column({ name: 'task_status', length: 32 }) taskStatus!: string;
  @Column({ type: 'text', nullable: true }) title!: string | null;
  @Index() @Column() done!: boolean;
  @ManyToOne(() => AgentProfile) agent!: AgentProfile;
}
`;

const AGENT = `import { Entity, Column, PrimaryGeneratedColumn } from 'typeorm';
@Entity()
export class AgentProfile {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ unique: true }) displayName!: string;
}
`;

function modelsOf(files: Record<string, string>): HostModel[] {
  const own = Object.entries(files).flatMap(([file, text]) => extractTypeScript(text, file).models);
  return typescript.models.resolve(own);
}

function tableOf(models: HostModel[], className: string) {
  const m = models.find((x) => x.className === className)!;
  const create = m.changes.find((c) => c.kind === 'createTable')!;
  assert.equal(create.kind, 'createTable');
  return { model: m, create, indexes: m.changes.filter((c) => c.kind === 'createIndex') };
}

/** The queries of a service class with these methods, its repositories injected as `constructor` declares them. */
function serviceQueries(models: HostModel[], imports: string, constructor: string, methods: string[]) {
  const service = [imports, 'export class Tasks {', `  constructor(${constructor}) {}`, ...methods.map((m) => `  ${m}`), '}'].join('\n');
  return { service, queries: typescript.extract('service.ts', service, { models }).queries };
}

describe('TypeORM', () => {
  before(() => Promise.all([initHostParsers(), initParsers()]));

  it('names tables, join columns and indexes as typeorm 1.1.1 does', () => {
    const naming = new DefaultNamingStrategy();
    for (const name of ['AgentProfile', 'APIKey', 'User', 'OAuth2Client', 'userRole']) assert.equal(snakeCase(name), naming.tableName(name, undefined), name);
    assert.equal(camelCase('agent_id'), naming.joinColumnName('agent', 'id'));
    assert.equal(defaultIndexName('tasks', ['plannerId', 'task_status']), naming.indexName('tasks', ['plannerId', 'task_status']));
    assert.equal(defaultIndexName('tasks', ['done'], '"done" = true'), naming.indexName('tasks', ['done'], '"done" = true'));
  });

  it('reads entities, with a base class of another file and the referenced key typed', () => {
    const models = modelsOf({ 'base.ts': BASE, 'task.ts': TASK, 'agent.ts': AGENT });
    assert.deepEqual(models.map((m) => m.className).sort(), ['AgentProfile', 'Task']);
    const task = tableOf(models, 'Task');
    assert.equal(task.model.table, 'tasks');
    assert.deepEqual(
      task.create.kind === 'createTable' && task.create.columns.map((c) => [c.name, c.type, c.notNull, c.primaryKey]),
      [
        ['id', 'integer', true, true],
        ['createdAt', 'timestamp without time zone', true, false],
        ['plannerId', 'integer', true, false],
        ['task_status', 'character varying(32)', true, false],
        ['title', 'text', false, false],
        ['done', 'boolean', true, false],
        ['agentId', 'uuid', false, false],
      ],
    );
    assert.deepEqual(task.create.kind === 'createTable' && task.create.foreignKeys.map((fk) => [fk.columns, fk.refTable, fk.refColumns]), [[['agentId'], 'agent_profile', ['id']]]);
    assert.deepEqual(
      task.indexes.map((i) => i.kind === 'createIndex' && [i.name, i.keys.map((k) => k.column)]),
      [
        [new DefaultNamingStrategy().indexName('tasks', ['plannerId', 'task_status']), ['plannerId', 'task_status']],
        [new DefaultNamingStrategy().indexName('tasks', ['done']), ['done']],
      ],
    );
    assert.deepEqual(task.model.fields?.map((f) => [f.name, f.column]), [
      ['id', 'id'], ['createdAt', 'createdAt'], ['plannerId', 'plannerId'], ['taskStatus', 'task_status'], ['title', 'title'], ['done', 'done'], ['agent', 'agentId'],
    ]);
    const agent = tableOf(models, 'AgentProfile');
    assert.deepEqual(agent.create.kind === 'createTable' && agent.create.columns.map((c) => [c.name, c.type, c.unique]), [['id', 'uuid', false], ['displayName', 'character varying', true]]);
  });

  it('reads a key column declared twice (`@Column() agentId` and the relation\'s `@JoinColumn({ name: \'agentId\' })`) as one column', () => {
    const text = "@Entity()\nexport class Note {\n  @ManyToOne(() => AgentProfile) @JoinColumn({ name: 'agentId' }) agent!: AgentProfile;\n  @PrimaryColumn('uuid') agentId!: string;\n  @Column('text') body!: string;\n}\n";
    const note = tableOf(modelsOf({ 'note.ts': text, 'agent.ts': AGENT }), 'Note');
    assert.deepEqual(note.create.kind === 'createTable' && [note.create.columns.map((c) => [c.name, c.type, c.notNull, c.primaryKey]), note.create.primaryKey, note.create.foreignKeys.map((fk) => fk.refTable)], [
      [['agentId', 'uuid', true, true], ['body', 'text', true, false]],
      ['agentId'],
      ['agent_profile'],
    ]);
  });

  it("builds a @ManyToMany's junction table (@JoinTable) as typeorm 1.1.1 names it: columns, keys, indexes; a self-reference's columns get _1 and _2", () => {
    const naming = new DefaultNamingStrategy();
    const category = "@Entity()\nexport class Category {\n  @PrimaryGeneratedColumn('uuid') id!: string;\n}\n";
    const post =
      '@Entity()\nexport class Post {\n  @PrimaryGeneratedColumn() id!: number;\n' +
      '  @ManyToMany(() => Category) @JoinTable() categories!: Category[];\n' +
      "  @ManyToMany(() => Post) @JoinTable({ name: 'post_links', inverseJoinColumn: { name: 'linkedId' } }) links!: Post[];\n" +
      '  @ManyToMany(() => Post) @JoinTable() related!: Post[];\n' +
      '  @ManyToMany(() => Category, (c) => c.id) tags!: Category[];\n}\n';
    const models = modelsOf({ 'category.ts': category, 'post.ts': post });
    const junctions = models.filter((m) => m.className === '');
    const shape = (m: HostModel) => {
      const create = m.changes.find((c) => c.kind === 'createTable')!;
      assert.equal(create.kind, 'createTable');
      return {
        table: m.table,
        columns: create.kind === 'createTable' ? create.columns.map((c) => [c.name, c.type, c.notNull, c.primaryKey]) : [],
        primaryKey: create.kind === 'createTable' ? create.primaryKey : [],
        foreignKeys: create.kind === 'createTable' ? create.foreignKeys.map((fk) => `${fk.columns.join(',')} -> ${fk.refTable}(${fk.refColumns.join(',')})`) : [],
        indexes: m.changes.filter((c) => c.kind === 'createIndex').map((c) => c.kind === 'createIndex' && `${c.name} (${c.keys.map((k) => k.column).join(', ')})`),
      };
    };
    const table = naming.joinTableName('post', 'category', 'categories', '');
    const postId = naming.joinTableColumnName('post', 'id', 'id');
    const categoryId = naming.joinTableInverseColumnName('category', 'id', 'id');
    const related = naming.joinTableName('post', 'post', 'related', '');
    const first = naming.joinTableColumnDuplicationPrefix(postId, 1);
    const second = naming.joinTableColumnDuplicationPrefix(postId, 2);
    assert.deepEqual(junctions.map(shape), [
      {
        table,
        columns: [[postId, 'integer', true, true], [categoryId, 'uuid', true, true]],
        primaryKey: [postId, categoryId],
        foreignKeys: [`${postId} -> post(id)`, `${categoryId} -> category(id)`],
        indexes: [`${naming.indexName(table, [postId])} (${postId})`, `${naming.indexName(table, [categoryId])} (${categoryId})`],
      },
      {
        table: 'post_links',
        columns: [[postId, 'integer', true, true], ['linkedId', 'integer', true, true]],
        primaryKey: [postId, 'linkedId'],
        foreignKeys: [`${postId} -> post(id)`, 'linkedId -> post(id)'],
        indexes: [`${naming.indexName('post_links', [postId])} (${postId})`, `${naming.indexName('post_links', ['linkedId'])} (linkedId)`],
      },
      {
        table: related,
        columns: [[first, 'integer', true, true], [second, 'integer', true, true]],
        primaryKey: [first, second],
        foreignKeys: [`${first} -> post(id)`, `${second} -> post(id)`],
        indexes: [`${naming.indexName(related, [first])} (${first})`, `${naming.indexName(related, [second])} (${second})`],
      },
    ]);
    assert.deepEqual([table, postId, categoryId, related, first], ['post_categories_category', 'postId', 'categoryId', 'post_related_post', 'postId_1']);
  });

  it('adds the columns of embedded entities (@Column(() => Address)) under their prefixes, named as typeorm 1.1.1 does', () => {
    const naming = new DefaultNamingStrategy();
    const geo = "export class Geo {\n  @Column('double precision') lat!: number;\n}\n";
    const address =
      "export class Address {\n  @Column() city!: string;\n  @Column({ name: 'zip_code' }) postCode!: string;\n  @Column(() => Geo) geo!: Geo;\n}\n";
    const shop =
      '@Entity()\nexport class Shop {\n  @PrimaryGeneratedColumn() id!: number;\n  @Column(() => Address) address!: Address;\n' +
      "  @Column(() => Address, { prefix: 'bill' }) billing!: Address;\n  @Column(() => Geo, { prefix: false }) position!: Geo;\n}\n";
    const models = modelsOf({ 'geo.ts': geo, 'address.ts': address, 'shop.ts': shop });
    const found = tableOf(models, 'Shop');
    const column = (property: string, given: string | undefined, prefixes: string[]) => naming.columnName(property, given as string, prefixes);
    assert.deepEqual(found.create.kind === 'createTable' && found.create.columns.map((c) => [c.name, c.type]), [
      ['id', 'integer'],
      [column('city', undefined, ['address']), 'character varying'],
      [column('postCode', 'zip_code', ['address']), 'character varying'],
      [column('lat', undefined, ['address', 'geo']), 'double precision'],
      [column('city', undefined, ['bill']), 'character varying'],
      [column('postCode', 'zip_code', ['bill']), 'character varying'],
      [column('lat', undefined, ['bill', 'geo']), 'double precision'],
      [column('lat', undefined, []), 'double precision'],
    ]);
    assert.deepEqual(
      found.model.fields?.map((f) => `${f.name}=${f.column}`),
      ['id=id', 'address.city=addressCity', 'address.postCode=addressZip_code', 'address.geo.lat=addressGeoLat', 'billing.city=billCity', 'billing.postCode=billZip_code', 'billing.geo.lat=billGeoLat', 'position.lat=lat'],
    );
    assert.equal(models.some((m) => m.className === 'Address' || m.className === 'Geo'), false);
    // typeorm-naming-strategies 4.1.0's SnakeNamingStrategy.columnName: snakeCase([...prefixes, ''].join('_')) + (given ?? snakeCase(property)).
    const config = `import { DataSource } from 'typeorm';\nimport { SnakeNamingStrategy } from 'typeorm-naming-strategies';\nexport default new DataSource({ type: 'postgres', namingStrategy: new SnakeNamingStrategy() });\n`;
    const snaked = tableOf(modelsOf({ 'geo.ts': geo, 'address.ts': address, 'shop.ts': shop, 'data-source.ts': config }), 'Shop');
    assert.deepEqual(snaked.create.kind === 'createTable' && snaked.create.columns.map((c) => c.name), [
      'id', 'address_city', 'address_zip_code', 'address_geo_lat', 'bill_city', 'bill_zip_code', 'bill_geo_lat', 'lat',
    ]);
  });

  it('follows a SnakeNamingStrategy set in the DataSource options', () => {
    const config = `import { DataSource } from 'typeorm';\nimport { SnakeNamingStrategy } from 'typeorm-naming-strategies';\nexport default new DataSource({ type: 'postgres', namingStrategy: new SnakeNamingStrategy() });\n`;
    const models = modelsOf({ 'base.ts': BASE, 'task.ts': TASK, 'agent.ts': AGENT, 'data-source.ts': config });
    const task = tableOf(models, 'Task');
    assert.deepEqual(task.create.kind === 'createTable' && task.create.columns.map((c) => c.name), ['id', 'created_at', 'planner_id', 'task_status', 'title', 'done', 'agent_id']);
    assert.deepEqual(task.indexes.map((i) => i.kind === 'createIndex' && i.keys.map((k) => k.column)), [['planner_id', 'task_status'], ['done']]);
    // awesome-nest-boilerplate's PostEntity: `@Column() userId` and `@JoinColumn({ name: 'user_id' }) user` are one column.
    const post = "@Entity({ name: 'posts' })\nexport class PostEntity {\n  @Column({ type: 'uuid' }) userId!: string;\n  @ManyToOne(() => AgentProfile) @JoinColumn({ name: 'user_id' }) user!: AgentProfile;\n}\n";
    const posts = tableOf(modelsOf({ 'post.ts': post, 'agent.ts': AGENT, 'data-source.ts': config }), 'PostEntity');
    assert.deepEqual(posts.create.kind === 'createTable' && posts.create.columns.map((c) => [c.name, c.type]), [['user_id', 'uuid']]);
  });

  it('reads repository and query-builder calls on known entities, with the columns TypeORM sends', () => {
    const models = modelsOf({ 'base.ts': BASE, 'task.ts': TASK, 'agent.ts': AGENT });
    const { service, queries: read } = serviceQueries(models, "import { Repository, In, Like } from 'typeorm';", '@InjectRepository(Task) private tasks: Repository<Task>', [
      'a(p: number) { return this.tasks.find({ where: { plannerId: p, taskStatus: In(["a", "b"]) }, order: { createdAt: "DESC" }, take: 20 }); }',
      'b(q: string) { return this.tasks.findOneBy({ title: Like(`%${q}`) }); }',
      "c(p: number) { return this.tasks.createQueryBuilder('t').where('t.plannerId = :p', { p }).andWhere('t.done IS NULL').getMany(); }",
      'd(id: string) { return this.tasks.delete({ agent: { id } }); }',
      'e(x: object) { return this.tasks.find({ where: [{ plannerId: 1 }, { done: true }] }); }',
    ]);
    const queries = read.map((q) => ({
      kind: q.statementKind,
      terminal: q.terminal,
      tables: q.model?.tables.map((t) => t.name),
      predicates: q.model?.predicates.map((p) => `${p.column.column} ${p.op} ${p.valueKind}${p.pattern ? ` ${p.pattern}` : ''} @${service.slice(p.column.span.start, p.column.span.end)}`),
      order: q.model?.orderBy.map((o) => `${o.column.column}${o.desc ? ' desc' : ''}`),
      limit: q.model?.limit?.value,
    }));
    assert.deepEqual(queries, [
      { kind: 'select', terminal: 'all', tables: ['tasks'], predicates: ['plannerId eq param @plannerId', 'task_status in literal @taskStatus'], order: ['createdAt desc'], limit: 20 },
      { kind: 'select', terminal: 'first', tables: ['tasks'], predicates: ['title like param %{q} @title'], order: [], limit: 1 },
      { kind: 'select', terminal: 'all', tables: ['tasks'], predicates: ['plannerId eq param @plannerId', 'done is_null null @done'], order: [], limit: undefined },
      { kind: 'delete', terminal: 'execute', tables: ['tasks'], predicates: ['agentId eq param @agent'], order: [], limit: undefined },
    ]);
  });

  it('reads query-builder joins: a relation by its keys (either side), an entity on its condition, with predicates on the joined alias', () => {
    const agents = AGENT.replace('@Column({ unique: true }) displayName!: string;', '@Column({ unique: true }) displayName!: string;\n  @OneToMany(() => Task, (t) => t.agent) tasks!: Task[];');
    const models = modelsOf({ 'base.ts': BASE, 'task.ts': TASK, 'agent.ts': agents });
    const { service, queries: read } = serviceQueries(models, "import { Repository } from 'typeorm';", '@InjectRepository(Task) private tasks: Repository<Task>, @InjectRepository(AgentProfile) private agents: Repository<AgentProfile>', [
      "a(n: string) { return this.tasks.createQueryBuilder('t').leftJoinAndSelect('t.agent', 'a').where('a.displayName = :n', { n }).orderBy('t.createdAt', 'DESC').getMany(); }",
      "b(p: number) { return this.agents.createQueryBuilder('a').innerJoin('a.tasks', 't', 't.done = :done', { done: false }).where('t.plannerId = :p', { p }).getMany(); }",
      "c(p: number) { return this.tasks.createQueryBuilder('t').innerJoin(AgentProfile, 'x', 'x.id = t.agent AND x.displayName IS NULL').where('t.plannerId = :p', { p }).getMany(); }",
      "d() { return this.tasks.createQueryBuilder('t').leftJoin('t.nothing', 'n').getMany(); }",
    ]);
    const queries = read.map((q) => ({
      tables: q.model?.tables.map((t) => `${t.name} ${t.alias}`),
      joins: q.model?.joins.map((j) => `${j.kind} ${j.table.name} ${j.table.alias} on ${j.conditions.map((c) => `${c.left.qualifier}.${c.left.column}=${c.right.qualifier}.${c.right.column} (${c.left.table}, ${c.right.table})`).join(' and ')}`),
      predicates: q.model?.predicates.map((p) => `${p.column.table}.${p.column.column} ${p.op} ${p.valueKind} @${service.slice(p.column.span.start, p.column.span.end)}`),
      order: q.model?.orderBy.map((o) => `${o.column.table}.${o.column.column}${o.desc ? ' desc' : ''}`),
    }));
    assert.deepEqual(queries, [
      { tables: ['tasks t'], joins: ['left agent_profile a on t.agentId=a.id (tasks, agent_profile)'], predicates: ['agent_profile.displayName eq param @displayName'], order: ['tasks.createdAt desc'] },
      {
        tables: ['agent_profile a'],
        joins: ['inner tasks t on a.id=t.agentId (agent_profile, tasks)'],
        predicates: ['tasks.done eq param @done', 'tasks.plannerId eq param @plannerId'],
        order: [],
      },
      {
        tables: ['tasks t'],
        joins: ['inner agent_profile x on x.id=t.agentId (agent_profile, tasks)'],
        predicates: ['agent_profile.displayName is_null null @displayName', 'tasks.plannerId eq param @plannerId'],
        order: [],
      },
    ]);
  });

  it('reads a migration class: its name, its raw SQL and createIndex', () => {
    const text = [
      "import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';",
      'export class AddTasks1700000000000 implements MigrationInterface {',
      '  public async up(queryRunner: QueryRunner): Promise<void> {',
      '    await queryRunner.query(`CREATE TABLE "tasks" ("id" SERIAL NOT NULL, "plannerId" integer NOT NULL, CONSTRAINT "PK_1" PRIMARY KEY ("id"))`);',
      "    await queryRunner.createIndex('tasks', new TableIndex({ name: 'IDX_planner', columnNames: ['plannerId'] }));",
      '  }',
      '  public async down(queryRunner: QueryRunner): Promise<void> {}',
      '}',
    ].join('\n');
    const read = readScriptMigration('src/migrations/1700000000000-AddTasks.ts', text)!;
    assert.equal(read.tool, 'typeorm');
    assert.equal(read.name, 'AddTasks1700000000000');
    assert.equal(read.transaction, true);
    assert.deepEqual(read.changes.map((c) => [c.kind, c.kind === 'createTable' ? c.columns.map((x) => x.name) : c.kind === 'createIndex' ? [c.name, ...c.keys.map((k) => k.column)] : []]), [
      ['createTable', ['id', 'plannerId']],
      ['createIndex', ['IDX_planner', 'plannerId']],
    ]);
  });
});

describe('codePath: a function named handler', () => {
  const fn = (name: string) => ({ functions: [{ name, decorators: [], parameterTypes: [] }] });

  it("is a cron job's handler in a cron/ folder (daily-api's `const cron: Cron = { name, handler }`), a request handler elsewhere", () => {
    assert.deepEqual(codePath('src/cron/updateTagsStr.ts', fn('handler')), { kind: 'batch', why: 'in a script or job file (updateTagsStr.ts)', by: 'file' });
    assert.deepEqual(codePath('src/routes/webhooks.ts', fn('handler')), { kind: 'request', why: 'in the request handler handler', by: 'signature' });
  });
});

describe('TypeORM migration sets', () => {
  before(() => Promise.all([initHostParsers(), initParsers()]));
  const roots: string[] = [];
  after(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

  const migration = (cls: string) => `import { MigrationInterface, QueryRunner } from 'typeorm';\nexport class ${cls} implements MigrationInterface {\n  async up(queryRunner: QueryRunner): Promise<void> {\n    await queryRunner.query('SELECT 1');\n  }\n  async down(): Promise<void> {}\n}\n`;

  function setOf(files: Record<string, string>) {
    const { root, paths } = makeWorkspace(files);
    roots.push(root);
    const sets = detectScriptMigrations(paths, (file) => readScriptMigration(file, fs.readFileSync(file, 'utf8')), root);
    return { root, sets };
  }

  it("orders the classes by their names' timestamps (not their files'), records them by class name", () => {
    const { root, sets } = setOf({
      'src/migrations/a-first-file.ts': migration('Later1700000000002'),
      'src/migrations/b-second-file.ts': migration('Earlier1700000000001'),
      'src/migrations/helpers.ts': 'export const x = 1;\n',
    });
    assert.deepEqual(sets.map((s) => [s.tool, path.relative(root, s.dir), s.noTransaction ?? false]), [['typeorm', 'src/migrations', false]]);
    assert.deepEqual(sets[0]!.migrations.map((m) => [m.version, m.description, path.basename(m.upFile)]), [
      ['Earlier1700000000001', 'Earlier', 'b-second-file.ts'],
      ['Later1700000000002', 'Later', 'a-first-file.ts'],
    ]);
  });

  it("runs outside a transaction only where the DataSource says migrationsTransactionMode 'each' (or the CLI -t each)", () => {
    const each = setOf({ 'src/data-source.ts': "export default new DataSource({ migrations: ['src/migrations/*.ts'], migrationsTransactionMode: 'each' });\n", 'src/migrations/1-a.ts': migration('A1700000000001') });
    assert.equal(each.sets[0]!.noTransaction, true);
    const cli = setOf({ 'package.json': '{ "scripts": { "migrate": "typeorm migration:run -d dist/ds.js -t each" } }', 'src/migrations/1-a.ts': migration('A1700000000001') });
    assert.equal(cli.sets[0]!.noTransaction, true);
    const all = setOf({ 'src/data-source.ts': "export default new DataSource({ migrations: ['src/migrations/*.ts'], migrationsTransactionMode: 'all' });\n", 'src/migrations/1-a.ts': migration('A1700000000001') });
    assert.equal(all.sets[0]!.noTransaction, undefined);
  });
});

describe('TypeORM entity index edit', () => {
  before(() => Promise.all([initHostParsers(), initParsers()]));

  const ENTITY = [
    "import { Column, Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';",
    '',
    "@Entity('tasks')",
    'export class Task {',
    '  @PrimaryGeneratedColumn() id!: number;',
    '  @Column() plannerId!: number;',
    "  @Column({ name: 'task_status' }) taskStatus!: string;",
    '  @ManyToOne(() => Agent) agent!: Agent;',
    '}',
    '',
  ].join('\n');
  const origin = ENTITY.indexOf("@Entity('tasks')");

  function edited(columns: string[], extra: { method?: string; opclass?: string } = {}, text = ENTITY): string | undefined {
    const found = typescriptAdapter.modelIndexEdits!(text, text.indexOf('@Entity('), { table: 'tasks', columns, ...extra }, { name: 'idx_x', table: 'tasks', keys: columns.map((column) => ({ column })) }, 'postgres');
    if (!found) return undefined;
    let out = text;
    for (const e of [...found.edits].sort((a, b) => b.span.start - a.span.start)) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
    return `${found.className}\n${out}`;
  }

  it('adds @Index with the properties of the columns (a relation by its property) and imports Index', () => {
    assert.equal(origin > 0, true);
    assert.equal(
      edited(['plannerId', 'task_status', 'agentId']),
      `Task\n${ENTITY.replace('PrimaryGeneratedColumn }', 'PrimaryGeneratedColumn, Index }').replace("@Entity('tasks')", "@Index('idx_x', ['plannerId', 'taskStatus', 'agent'])\n@Entity('tasks')")}`,
    );
  });

  it("finds the properties of a SnakeNamingStrategy's columns, and a base class's one-word column", () => {
    assert.match(edited(['planner_id', 'agent_id', 'id'])!, /@Index\('idx_x', \['plannerId', 'agent', 'id'\]\)\n@Entity/);
    assert.equal(edited(['created_at']), undefined);
  });

  it('offers nothing for an index the entity declares already, or one @Index cannot write (a trigram index)', () => {
    const declared = ENTITY.replace("@Entity('tasks')", "@Entity('tasks')\n@Index(['plannerId'])").replace('PrimaryGeneratedColumn }', 'PrimaryGeneratedColumn, Index }');
    assert.equal(edited(['plannerId'], {}, declared), undefined);
    assert.equal(edited(['task_status'], { method: 'gin', opclass: 'gin_trgm_ops' }), undefined);
  });
});
