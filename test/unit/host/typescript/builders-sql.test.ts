/**
 * The meaning check of builders.ts: for representative chains, what QueryLens
 * renders from the code is compared with what the real library sends. Each
 * chain is run through knex (`toSQL().toNative()`, client pg) and Kysely
 * (`compile()`, PostgresDialect): compile only, no database. The SQL is read
 * by QueryLens's own SQL core, and both models must name the same tables,
 * joins, columns, predicates (column, operator, under an OR or not), order,
 * LIMIT/OFFSET, aggregate and DISTINCT.
 */
import { strict as assert } from 'node:assert';
import { knex as createKnex } from 'knex';
import { Kysely, PostgresDialect } from 'kysely';
import { hostParser, initHostParsers, type SyntaxNode } from '../../../../server/src/core/host/treesitter';
import { builderQuery } from '../../../../server/src/core/host/typescript/builders';
import type { ColumnRef, QueryModel } from '../../../../server/src/core/sql/model';
import { initParsers, parseDocument } from '../../../../server/src/core/sql/parse';

/** The values the chains read. */
const VALUES: Record<string, unknown> = { orgId: 7, q: 'ab', statuses: ['new', 'paid'], now: new Date(0), id: 3, name: 'x', email: 'a@b', kind: 'k', ids: [1, 2], min: 18 };

function col(c: ColumnRef): string {
  return `${c.table ?? '?'}.${c.column}`;
}

/** What both renderings must agree on (not spans, not whether a value is a literal: knex and Kysely bind every value). */
function meaning(m: QueryModel): Record<string, unknown> {
  return {
    kind: m.kind,
    tables: m.tables.map((t) => `${t.name}${t.alias ? ` as ${t.alias}` : ''}`),
    joins: m.joins.map((j) => `${j.kind} ${j.table.name}${j.table.alias ? ` as ${j.table.alias}` : ''} on ${j.conditions.map((c) => `${col(c.left)}=${col(c.right)}`).join(',')}`),
    columns: m.columns.map(col),
    star: m.selectStar !== undefined,
    predicates: m.predicates.map((p) => `${col(p.column)} ${p.op}${p.disjunctive ? ' (or)' : ''}`),
    orderBy: m.orderBy.map((o) => `${col(o.column)}${o.desc ? ' desc' : ''}`),
    groupBy: m.groupBy.map(col),
    limit: m.limit !== undefined,
    offset: m.offset !== undefined,
    isAggregate: m.isAggregate,
    distinct: m.distinct,
    equalities: m.equalities.map((e) => `${col(e.left)}=${col(e.right)}`),
    subqueries: m.subqueries.map(meaning),
  };
}

function rendered(code: string): QueryModel {
  const root = hostParser('typescript').parse(code)!.rootNode as unknown as SyntaxNode;
  const top = root.descendantsOfType('await_expression')[0]!;
  const built = builderQuery(top, code);
  assert.ok(built, `not rendered: ${code}`);
  return built.model;
}

function sent(sql: string): QueryModel {
  const document = parseDocument(sql, 'postgres');
  assert.deepEqual(document.errors, [], sql);
  assert.equal(document.statements.length, 1, sql);
  return document.statements[0]!.query!;
}

/** Runs `chain` (an expression over `knex`/`db` and VALUES) with the real library. */
function run(chain: string, lib: unknown, libName: string): { sql: string } {
  const names = Object.keys(VALUES);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the chains are this file's own constants
  return new Function(libName, ...names, `return ${chain};`)(lib, ...names.map((n) => VALUES[n]));
}

describe('knex and Kysely builder chains mean what the libraries send', () => {
  const knex = createKnex({ client: 'pg' });
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: {} as never }) });
  before(async () => {
    await initHostParsers();
    await initParsers();
  });
  after(() => knex.destroy());

  const knexChains = [
    "knex('users as u').select('u.id', 'u.name').where({ 'u.org_id': orgId, 'u.deleted_at': null }).where('u.name', 'ilike', '%' + q + '%').orderBy('u.created_at', 'desc').limit(10).offset(20)",
    "knex.from('orders as o').join('customers as c', 'c.id', 'o.customer_id').leftJoin('notes', 'notes.order_id', '=', 'o.id').whereIn('o.status', statuses).whereNull('o.deleted_at').select('o.id').first()",
    "knex('jobs').select('id').where('state', 'queued').orWhere('retry_at', '<', now)",
    "knex('jobs').select('id').where((qb) => qb.where('a', 1).orWhere('b', 2)).where('c', 3).whereNotNull('d')",
    "knex('users').where({ id }).update({ name })",
    "knex('users').where('id', id).del()",
    "knex('users').where({ org_id: orgId }).count('* as n')",
    "knex('users').select('id').whereIn('org_id', function () { this.select('id').from('orgs').where('plan', 'pro'); })",
    "knex('users').select('users.id').whereIn('org_id', knex('orgs').select('id').where({ plan: 'pro' })).whereExists(function () { this.select('id').from('keys').where('keys.active', true).whereColumn('keys.user_id', 'users.id'); })",
    "knex('events').distinct('kind').whereNot({ kind: 'x' }).whereBetween('at', [1, 2]).orderBy([{ column: 'kind', order: 'desc' }, 'at'])",
  ];

  const kyselyChains = [
    "db.selectFrom('users as u').innerJoin('orgs', 'orgs.id', 'u.org_id').select(['u.id', 'u.name']).where('u.email', '=', email).where((eb) => eb.or([eb('u.a', '=', 1), eb('u.b', 'ilike', `%${q}`)])).orderBy('u.id', 'desc').limit(20)",
    "db.selectFrom('events').selectAll().where(({ eb, and, or }) => and([eb('kind', '=', kind), or([eb('a', 'is', null), eb('b', '>', 2)])])).offset(5)",
    "db.updateTable('events').set({ kind }).where('id', '=', id)",
    "db.deleteFrom('events').where('id', 'in', ids)",
    "db.selectFrom('t').leftJoin('t3 as x', (j) => j.onRef('x.c', '=', 't.c').on('x.d', '=', 1)).select('t.id').where('t.a', 'is not', null)",
    "db.selectFrom('people').select((eb) => eb.fn.count('id').as('n')).where('age', '>=', min).where('name', 'not like', 'a%')",
    "db.selectFrom('people').select('city').groupBy('city').orderBy('city')",
    "db.selectFrom('e').select('e.id').where((eb) => eb.exists(eb.selectFrom('r').select('r.id').whereRef('r.e_id', '=', 'e.id').where('r.email', '=', email)))",
    "db.selectFrom('e').select('e.id').where(({ eb, exists }) => eb('e.kind', '=', kind).or(exists(eb.selectFrom('r').select('r.id').whereRef('r.e_id', '=', 'e.id'))))",
    "db.selectFrom('e').select('e.id').where('e.id', 'in', (eb) => eb.selectFrom('r').select('r.e_id').where('r.email', '=', email))",
  ];
  /** Each library: how the code awaits the chain, and the SQL the real library sends for it. */
  const libraries = [
    { name: 'knex', chains: knexChains, awaited: (chain: string) => chain, sql: (chain: string) => (run(chain, knex, 'knex') as unknown as { toSQL(): { toNative(): { sql: string } } }).toSQL().toNative().sql },
    { name: 'Kysely', chains: kyselyChains, awaited: (chain: string) => `${chain}.execute()`, sql: (chain: string) => (run(chain, db, 'db') as unknown as { compile(): { sql: string } }).compile().sql },
  ];
  for (const library of libraries) {
    for (const chain of library.chains) {
      it(`${library.name}: ${chain.slice(0, 90)}`, () => {
        const sql = library.sql(chain);
        assert.deepEqual(meaning(rendered(`const r = await ${library.awaited(chain)};`)), meaning(sent(sql)), sql);
      });
    }
  }
});
