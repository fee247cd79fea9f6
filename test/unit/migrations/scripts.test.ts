/**
 * knex and Kysely migrations in a workspace: found on disk in a migrations
 * folder, read with the TypeScript/JavaScript grammars, ordered by file name,
 * read into the catalog; the migration rules apply with the same "shipped"
 * semantics as SQL and Alembic migrations, and the index fix writes a new
 * migration in the tool's own format. Also the reader's module forms, and the
 * modules that are not migrations.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { readScriptMigration } from '../../../server/src/core/host/typescript/migrations';
import type { MigrationHistory } from '../../../server/src/core/migrations/history';
import { detectScriptMigrations } from '../../../server/src/core/migrations/scripts';
import { initParsers } from '../../../server/src/core/sql/parse';
import type { Finding } from '../../../shared/types';
import { hostDocument } from '../../../server/src/core/engine/hostDocument';
import type { HostExtraction } from '../../../server/src/core/host/types';
import { useWorkspaces } from './workspace';

const KNEX_INIT = `exports.up = function (knex) {
  return knex.schema.createTable('agents', (table) => {
    table.increments('id');
    table.integer('planner_id').notNullable();
    table.string('status', 16).notNullable();
    table.index(['status']);
  });
};

exports.down = function (knex) {
  return knex.schema.dropTable('agents');
};
`;
const KNEX_INDEX = `exports.up = async function (knex) {
  await knex.schema.alterTable('agents', (table) => {
    table.index(['planner_id'], 'agents_planner_idx');
  });
};

exports.down = async function (knex) {
  await knex.schema.alterTable('agents', (table) => table.dropIndex([], 'agents_planner_idx'));
};
`;
const KYSELY_INIT = `import { type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('agents')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('planner_id', 'integer', (col) => col.notNull())
    .addColumn('status', 'varchar(16)', (col) => col.notNull())
    .execute();
}
`;
const KYSELY_INDEX = `import { type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('agents_planner_idx').on('agents').column('planner_id').execute();
}
`;
const QUERY = "SELECT id FROM agents WHERE planner_id = $1 AND status = 'busy' LIMIT 10;\n";

describe('knex and Kysely migrations in a workspace', () => {
  const makeWorkspace = useWorkspaces();
  before(async () => Promise.all([initParsers(), initHostParsers()]));

  async function open(files: Record<string, string>, history?: MigrationHistory, dialect: 'postgres' | 'unset' = 'postgres'): Promise<{ ws: Workspace; at: (rel: string) => string }> {
    const { root } = makeWorkspace(files);
    const ws = await Workspace.create({ root, config: { ...defaultConfig(), ...(dialect === 'postgres' ? { dialect } : {}) }, ...(history ? { history } : {}) });
    return { ws, at: (rel) => path.join(root, rel) };
  }
  const rule = (findings: Finding[], id: string) => findings.filter((f) => f.ruleId === id);

  it('knex: the set in name order, its tables in the catalog, a table.index on an existing table flagged with knex advice', async () => {
    const { ws, at } = await open({
      'migrations/20240201000000_planner_index.js': KNEX_INDEX,
      'migrations/20240101000000_init.js': KNEX_INIT,
      'knexfile.js': "module.exports = { client: 'pg' };\n",
      'dist/migrations/20240101000000_init.js': KNEX_INIT,
      'seeds/agents.js': "exports.seed = async function (knex) { await knex('agents').insert({ planner_id: 1, status: 'idle' }); };\n",
      'queries.sql': QUERY,
    });
    const [set, ...others] = ws.migrationSets();
    assert.deepEqual(others, []);
    assert.equal(set!.tool, 'knex');
    assert.deepEqual(set!.migrations.map((m) => [m.version, m.description]), [
      ['20240101000000_init.js', 'init'],
      ['20240201000000_planner_index.js', 'planner_index'],
    ]);
    const agents = ws.catalog().getTable('agents')!;
    assert.deepEqual([...agents.columns.values()].map((c) => `${c.name} ${c.type}${c.notNull ? ' not null' : ''}`), ['id serial not null', 'planner_id integer not null', 'status varchar(16) not null']);
    assert.deepEqual(agents.indexes.map((i) => i.name), ['agents_pkey', 'agents_status_index', 'agents_planner_idx']);

    // The table's own migration creates its index on an empty table: nothing to say.
    assert.deepEqual(rule(ws.analyze(at('migrations/20240101000000_init.js')), 'non-concurrent-index-creation'), []);
    const [finding, ...more] = rule(ws.analyze(at('migrations/20240201000000_planner_index.js')), 'non-concurrent-index-creation');
    assert.deepEqual(more, []);
    assert.deepEqual(finding!.range, { start: { line: 2, character: 10 }, end: { line: 2, character: 15 } });
    assert.equal(
      finding!.message,
      'CREATE INDEX agents_planner_idx on existing table agents without CONCURRENTLY blocks every write to agents until the index is built. ' +
        "Build it with knex.raw('CREATE INDEX CONCURRENTLY ...') in a migration that exports config = { transaction: false } (knex runs that file outside its migration transaction).",
    );
  });

  it('knex: a shipped migration gets no migration-rule finding', async () => {
    const shipped = (file: string) => file.endsWith('20240201000000_planner_index.js');
    const { ws, at } = await open({ 'migrations/20240101000000_init.js': KNEX_INIT, 'migrations/20240201000000_planner_index.js': KNEX_INDEX }, { isShipped: shipped });
    assert.deepEqual(rule(ws.analyze(at('migrations/20240201000000_planner_index.js')), 'non-concurrent-index-creation'), []);
  });

  it('knex: the missing-index fix is a new knex migration, which joins the catalog once written', async () => {
    const { ws, at } = await open({ 'migrations/20240101000000_init.js': KNEX_INIT, 'queries.sql': QUERY });
    const [finding] = rule(ws.analyze(at('queries.sql')), 'missing-composite-index');
    const fix = finding!.fixes[0]!;
    assert.equal(fix.title, 'Add index on agents(planner_id, status) in a new migration');
    const [created] = fix.changes;
    assert.ok(created?.kind === 'create');
    assert.match(path.basename(created.file), /^\d{14}_add_index_agents_planner_id_status\.js$/);
    assert.match(created.content, /^exports\.config = \{ transaction: false \};$/m);
    assert.match(created.content, /^ {2}await knex\.raw\('CREATE INDEX CONCURRENTLY idx_agents_planner_id_status ON agents \(planner_id, status\)'\);$/m);
    fs.writeFileSync(created.file, created.content);
    ws.setFile(created.file, created.content);
    assert.deepEqual(rule(ws.analyze(at('queries.sql')), 'missing-composite-index'), []);
    assert.deepEqual(ws.analyze(created.file), []);
    assert.deepEqual(ws.migrationSets()[0]!.migrations.map((m) => m.upFile), [at('migrations/20240101000000_init.js'), created.file]);
  });

  it("knex: the knexfile's client is the set's database (SQLite: no CONCURRENTLY, a plain index in knex's transaction)", async () => {
    const { ws, at } = await open({
      'knexfile.js': "module.exports = {\n  development: { client: 'better-sqlite3', connection: { filename: './dev.sqlite3' } },\n  production: { client: 'sqlite3', connection: { filename: '/data/app.sqlite3' } },\n};\n",
      'migrations/20240101000000_init.js': KNEX_INIT,
      'migrations/20240201000000_planner_index.js': KNEX_INDEX,
      'queries.sql': QUERY,
    }, undefined, 'unset');
    assert.equal(ws.migrationSets()[0]!.provider, 'better-sqlite3');
    assert.equal(ws.dialectOf(at('migrations/20240201000000_planner_index.js')), 'sqlite');
    assert.deepEqual(rule(ws.analyze(at('migrations/20240201000000_planner_index.js')), 'non-concurrent-index-creation'), []);
    const [missing] = rule(ws.analyze(at('queries.sql')), 'missing-composite-index');
    const [created] = missing!.fixes[0]!.changes;
    assert.ok(created?.kind === 'create');
    assert.doesNotMatch(created.content, /CONCURRENTLY|config/);
    assert.match(created.content, /^ {2}await knex\.raw\('CREATE INDEX idx_agents_planner_id_status ON agents \(planner_id, status\)'\);$/m);
  });

  it('Kysely: TypeScript migrations, a createIndex on an existing table flagged with Kysely advice, the fix a Kysely migration', async () => {
    const { ws, at } = await open({
      'src/migrations/1704067200000_init.ts': KYSELY_INIT,
      'src/migrations/1706745600000_planner_index.ts': KYSELY_INDEX,
      'src/queries.sql': QUERY,
    });
    const [set] = ws.migrationSets();
    assert.equal(set!.tool, 'kysely');
    assert.deepEqual(set!.migrations.map((m) => m.version), ['1704067200000_init', '1706745600000_planner_index']);
    const [finding] = rule(ws.analyze(at('src/migrations/1706745600000_planner_index.ts')), 'non-concurrent-index-creation');
    assert.deepEqual(finding!.range, { start: { line: 3, character: 18 }, end: { line: 3, character: 29 } });
    assert.match(finding!.message, /^CREATE INDEX agents_planner_idx on existing table agents without CONCURRENTLY .* Kysely's Migrator runs migrations in a transaction/);
    const [missing] = rule(ws.analyze(at('src/queries.sql')), 'missing-composite-index');
    const [created] = missing!.fixes[0]!.changes;
    assert.ok(created?.kind === 'create');
    assert.match(path.relative(at('src/migrations'), created.file), /^\d{13}_add_index_agents_planner_id_status\.ts$/);
    assert.match(created.content, /^ {2}await sql`CREATE INDEX idx_agents_planner_id_status ON agents \(planner_id, status\)`\.execute\(db\);$/m);
  });

  it('Kysely: a Migrator created with disableTransactions gets CONCURRENTLY', async () => {
    const migrate = `import { Kysely } from 'kysely';\nimport { FileMigrationProvider, Migrator } from 'kysely/migration';\n\nexport const migrator = (db: Kysely<any>) => new Migrator({ db, provider, disableTransactions: true });\n`;
    const { ws, at } = await open({
      'src/migrate.ts': migrate,
      'src/migrations/1704067200000_init.ts': KYSELY_INIT,
      'src/migrations/1706745600000_planner_index.ts': KYSELY_INDEX,
      'src/queries.sql': QUERY,
    });
    assert.equal(ws.migrationSets()[0]!.noTransaction, true);
    const [finding] = rule(ws.analyze(at('src/migrations/1706745600000_planner_index.ts')), 'non-concurrent-index-creation');
    assert.match(finding!.message, / Your Migrator runs without transactions \(disableTransactions: true\): build it with sql`CREATE INDEX CONCURRENTLY \.\.\.`\.execute\(db\)\.$/);
    const [missing] = rule(ws.analyze(at('src/queries.sql')), 'missing-composite-index');
    const [created] = missing!.fixes[0]!.changes;
    assert.ok(created?.kind === 'create');
    assert.match(created.content, /^ {2}await sql`CREATE INDEX CONCURRENTLY idx_agents_planner_id_status ON agents \(planner_id, status\)`\.execute\(db\);$/m);
  });
});

describe('readScriptMigration: module forms', () => {
  before(async () => Promise.all([initParsers(), initHostParsers()]));
  const tables = (file: string, text: string) => readScriptMigration(file, text)?.changes.map((c) => (c.kind === 'createTable' ? c.table : c.kind));

  it('reads every way a module exports up', () => {
    const body = "knex.schema.createTable('t', (table) => { table.increments(); })";
    for (const [file, text] of [
      ['a.js', `exports.up = (knex) => ${body};`],
      ['a.js', `module.exports.up = async function (knex) { await ${body}; };`],
      ['a.js', `async function up(knex) { await ${body}; }\nmodule.exports = { up };`],
      ['a.js', `module.exports = { up: async (knex) => { await ${body}; } };`],
      ['a.mjs', `export const up = async (knex) => { await ${body}; };`],
      ['a.ts', `import type { Knex } from 'knex';\nconst up = async (knex: Knex) => ${body};\nexport { up };`],
      ['a.ts', `export default { async up(knex) { await ${body}; } };`],
    ]) {
      assert.deepEqual(tables(file!, text!), ['t'], text);
    }
  });

  it('knows the module style and knex config', () => {
    const m = readScriptMigration('m.ts', "import { Knex } from 'knex';\nexport const config = { transaction: false };\nexport async function up(knex: Knex) { await knex.raw('CREATE INDEX CONCURRENTLY i ON t (a)'); }\n")!;
    assert.deepEqual({ tool: m.tool, module: m.module, extension: m.extension, transaction: m.transaction }, { tool: 'knex', module: 'esm', extension: '.ts', transaction: false });
    const [index] = m.changes;
    assert.equal(index?.kind === 'createIndex' && index.concurrently, true);
    const cjs = readScriptMigration('m.cjs', "exports.config = { transaction: false };\nexports.up = function (knex) { return knex.schema.dropTable('t'); };\n")!;
    assert.deepEqual([cjs.tool, cjs.module, cjs.transaction], ['knex', 'cjs', false]);
  });

  it('is not fooled by modules that are no migrations', () => {
    assert.equal(readScriptMigration('knexfile.js', "module.exports = { client: 'pg', migrations: { directory: './migrations' } };"), undefined);
    assert.equal(readScriptMigration('seed.js', "exports.seed = async function (knex) { await knex('t').insert({ a: 1 }); };"), undefined);
    // A module exporting `up` with no sign of either tool only joins a folder that has knex or Kysely migrations.
    const anim = path.resolve('/ws/migrations/anim.ts');
    const info = readScriptMigration(anim, 'export function up(el: HTMLElement) { el.style.top = "0"; }');
    assert.deepEqual([info?.tool, info?.changes], [undefined, []]);
    assert.deepEqual(detectScriptMigrations([anim], () => info), []);
    assert.equal(readScriptMigration('x.sql', 'exports.up = 1'), undefined);
  });

  it('knex: withSchema, alter(), raw SQL with escapes and the spans of what it reads', () => {
    const text = "exports.up = async function (knex) {\n  await knex.schema.withSchema('app').createTable('jobs', (t) => { t.uuid('id').primary(); t.string('kind').notNullable(); });\n  await knex.schema.alterTable('jobs', (t) => { t.text('kind').alter(); });\n  await knex.raw('CREATE INDEX \\\"jobs_Kind\\\" ON app.jobs (kind)');\n};\n";
    const m = readScriptMigration('m.js', text)!;
    const [create, retype, index] = m.changes;
    assert.ok(create?.kind === 'createTable' && retype?.kind === 'addColumn' && index?.kind === 'createIndex');
    assert.deepEqual([create.table, create.schema, create.primaryKey, create.columns.map((c) => `${c.name} ${c.type}`)], ['app.jobs', 'app', ['id'], ['id uuid', 'kind varchar(255)']]);
    assert.deepEqual([retype.table, retype.column.type, retype.column.notNull], ['jobs', 'text', false]);
    assert.equal(index.name, 'jobs_Kind');
    // The raw SQL's spans are in the file: CREATE INDEX's keywords where the literal's text starts.
    assert.equal(text.slice(index.keywordSpan.start, index.keywordSpan.end), 'CREATE INDEX');
  });

  it('knex: a template hole the file spells out is its text (a const, a choice between literals); one it does not stays a parameter', () => {
    const text = `const isMySQL = process.env.DB_CLIENT === 'mysql';
exports.up = async function (knex) {
  const ifNotExists = isMySQL ? "" : "IF NOT EXISTS";
  const table = 'links';
  await knex.raw(\`CREATE INDEX \${ifNotExists} links_user_id_index ON \${table} (user_id);\`);
  await knex.raw(\`CREATE INDEX \${isMySQL ? '' : 'IF NOT EXISTS'} links_domain_id_index ON links (domain_id)\`);
  await knex.raw(\`CREATE INDEX \${process.env.IDX} ON links (address)\`);
};`;
    const changes = readScriptMigration('m.js', text)!.changes.map((c) => (c.kind === 'createIndex' ? [c.name, c.table, c.ifNotExists, c.keys.map((k) => k.column)] : c.kind));
    assert.deepEqual(changes, [
      ['links_user_id_index', 'links', true, ['user_id']],
      ['links_domain_id_index', 'links', true, ['domain_id']],
    ]);
  });

  it('knex: partial indexes from the predicate option, index types', () => {
    const text = `exports.up = (knex) => knex.schema.alterTable('users', (t) => {
  t.index(['email'], 'users_email_live', { predicate: knex.whereNotNull('email') });
  t.index(['org_id', 'time'], 'users_important', { indexType: 'BRIN', predicate: knex.whereRaw('important = 1') });
});`;
    const changes = readScriptMigration('m.js', text)!.changes.map((c) => (c.kind === 'createIndex' ? [c.name, c.method, c.partial, c.where] : c.kind));
    assert.deepEqual(changes, [
      ['users_email_live', 'btree', true, 'email IS NOT NULL'],
      ['users_important', 'brin', true, 'important = 1'],
    ]);
  });

  it('skips what a migration does only on another database', () => {
    const text = `exports.up = async function (knex) {
  const isSQLite = knex.client.dialect === 'sqlite3';
  if (isSQLite) {
    await knex.raw('CREATE INDEX sqlite_only ON t (a) WHERE important = 1');
  } else {
    await knex.raw('CREATE INDEX elsewhere ON t (a)');
  }
  if (knex.client.config.client !== 'pg') return;
  await knex.raw('CREATE INDEX pg_only ON t (b)');
  if (knex.client.config.client === 'postgresql' || knex.client.config.client === 'pg') {
    await knex.raw('CREATE INDEX pg_too ON t (c)');
  }
};`;
    const names = (dialect: 'postgres' | 'sqlite') => readScriptMigration('m.js', text, dialect)!.changes.map((c) => (c.kind === 'createIndex' ? c.name : c.kind));
    assert.deepEqual(names('postgres'), ['elsewhere', 'pg_only', 'pg_too']);
    // An early return is not followed: what comes after it is read on every database.
    assert.deepEqual(names('sqlite'), ['sqlite_only', 'pg_only']);
  });

  it('hostDocument: a migration read by this reader keeps its schema changes once beside the extractor\'s queries', () => {
    const text = "exports.up = (knex) => knex.raw('CREATE INDEX i ON t (a)');\n";
    const migration = readScriptMigration('m.js', text)!.changes;
    const literal = text.indexOf("'CREATE");
    const sql = 'CREATE INDEX i ON t (a)';
    // What a JavaScript extractor reports for knex.raw: the SQL string as a query.
    const extraction: HostExtraction = {
      language: 'python', writes: [], accesses: [], models: [], errors: [],
      queries: [{ kind: 'sql', span: { start: literal - 9, end: literal + sql.length + 3 }, statementKind: 'create_index', terminal: 'execute', loops: [], parameterRoots: [], eagerLoads: [],
        sql: { text: sql, offsets: [...Array.from({ length: sql.length }, (_, i) => literal + 1 + i), literal + 1 + sql.length], literal: { start: literal, end: literal + sql.length + 2 } } }],
    };
    const document = hostDocument(text, extraction, 'postgres', migration);
    assert.deepEqual(document.statements.map((st) => [st.hostQuery, st.changes.map((c) => c.kind)]), [[0, []], [undefined, ['createIndex']]]);
  });
});
