import { strict as assert } from 'node:assert';
import { type HostGrammar, hostParser, initHostParsers, type SyntaxNode } from '../../../../server/src/core/host/treesitter';
import { type BuiltQuery, builderQuery } from '../../../../server/src/core/host/typescript/builders';
import type { Span } from '../../../../server/src/core/sql/model';

/** The outermost chains of the code (an awaited call, or a call no call or member is made on), in order. */
function chains(code: string, grammar: HostGrammar): SyntaxNode[] {
  // treesitter.ts types its copied tree as web-tree-sitter's Node today; what it is, is a SyntaxNode.
  const root = hostParser(grammar).parse(code)!.rootNode as unknown as SyntaxNode;
  return root.descendantsOfType(['await_expression', 'call_expression']).filter((n) => {
    const p = n.parent;
    if (n.type === 'call_expression') return p?.type !== 'await_expression' && p?.type !== 'member_expression' && p?.type !== 'call_expression';
    return true;
  });
}

function built(code: string, grammar: HostGrammar = 'typescript', index = 0): BuiltQuery | undefined {
  return builderQuery(chains(code, grammar)[index]!, code);
}

/** The span of the `nth` occurrence of `text` in `code`. */
function at(code: string, text: string, nth = 0): Span {
  let start = -1;
  for (let i = 0; i <= nth; i++) start = code.indexOf(text, start + 1);
  assert.ok(start >= 0, `${text} not in code`);
  return { start, end: start + text.length };
}

describe('knex and Kysely builder chains', () => {
  before(() => initHostParsers());

  describe('knex', () => {
    it('renders tables, aliases, columns, predicates, LIKE patterns, order and limit with file spans (TypeScript)', () => {
      const code =
        "const rows = await knex('users as u').select('u.id', 'name as n').where({ org_id: orgId, deleted_at: null, ...rest })\n" +
        "  .where('u.name', 'like', '%' + q + '%').andWhere('age', '>', min).orderBy('u.created_at', 'desc').limit(10).offset(20);\n";
      const b = built(code)!;
      assert.equal(b.library, 'knex');
      assert.equal(b.statementKind, 'select');
      assert.equal(b.terminal, 'all');
      assert.deepEqual(b.span, { start: code.indexOf('await'), end: code.indexOf(';\n') });
      assert.equal(b.beforeTerminal, code.indexOf(';\n'));
      assert.deepEqual(b.parameterRoots, ['orgId', 'rest', 'q', 'min']);
      const m = b.model;
      assert.deepEqual(m.tables, [{ name: 'users', alias: 'u', span: at(code, 'users') }]);
      assert.deepEqual(m.columns, [
        { qualifier: 'u', column: 'id', span: at(code, 'u.id'), table: 'users' },
        { column: 'name', span: at(code, 'name'), table: 'users' },
      ]);
      assert.equal(m.selectStar, undefined);
      assert.deepEqual(m.predicates, [
        { column: { column: 'org_id', span: at(code, 'org_id'), table: 'users' }, op: 'eq', valueKind: 'param', disjunctive: false, span: at(code, 'org_id: orgId') },
        { column: { column: 'deleted_at', span: at(code, 'deleted_at'), table: 'users' }, op: 'is_null', valueKind: 'null', disjunctive: false, span: at(code, 'deleted_at: null') },
        {
          column: { qualifier: 'u', column: 'name', span: at(code, 'u.name'), table: 'users' }, op: 'like', valueKind: 'param', disjunctive: false,
          span: at(code, "where('u.name', 'like', '%' + q + '%')"), pattern: '%{q}%',
        },
        { column: { column: 'age', span: at(code, 'age'), table: 'users' }, op: 'range', valueKind: 'param', disjunctive: false, span: at(code, "andWhere('age', '>', min)") },
      ]);
      assert.deepEqual(m.orderBy, [{ column: { qualifier: 'u', column: 'created_at', span: at(code, 'u.created_at'), table: 'users' }, desc: true }]);
      assert.deepEqual(m.limit, { span: at(code, 'limit(10)'), value: 10 });
      assert.deepEqual(m.offset, { span: at(code, 'offset(20)'), value: 20 });
      assert.equal(m.isAggregate, false);
    });

    it('reads JavaScript: db/trx instances, whereIn/whereNull/whereILike, joins, .first() as LIMIT 1, template LIKE patterns', () => {
      const code = [
        "const db = require('knex')({ client: 'pg' });",
        'async function find(orgId, q) {',
        "  return await db.from('orders as o').join('customers as c', 'c.id', 'o.customer_id').leftJoin('notes', 'notes.order_id', '=', 'o.id')",
        "    .whereIn('o.status', statuses).whereNull('o.deleted_at').whereILike('c.name', `%${q}`).first('o.id');",
        '}',
      ].join('\n');
      const b = built(code, 'javascript', 1)!;
      assert.equal(b.library, 'knex');
      assert.equal(b.terminal, 'first');
      assert.equal(b.beforeTerminal, code.indexOf('.first'));
      assert.deepEqual(b.parameterRoots, ['statuses', 'q']);
      const m = b.model;
      assert.deepEqual(m.tables, [{ name: 'orders', alias: 'o', span: at(code, 'orders') }]);
      assert.deepEqual(m.joins, [
        {
          table: { name: 'customers', alias: 'c', span: at(code, 'customers') }, kind: 'inner',
          conditions: [{ left: { qualifier: 'c', column: 'id', span: at(code, 'c.id'), table: 'customers' }, right: { qualifier: 'o', column: 'customer_id', span: at(code, 'o.customer_id'), table: 'orders' } }],
        },
        {
          table: { name: 'notes', span: at(code, 'notes') }, kind: 'left',
          conditions: [{ left: { qualifier: 'notes', column: 'order_id', span: at(code, 'notes.order_id'), table: 'notes' }, right: { qualifier: 'o', column: 'id', span: at(code, 'o.id'), table: 'orders' } }],
        },
      ]);
      assert.deepEqual(
        m.predicates.map((p) => [p.column.table, p.column.column, p.op, p.valueKind, p.disjunctive, code.slice(p.span.start, p.span.end), p.pattern]),
        [
          ['orders', 'status', 'in', 'param', false, "whereIn('o.status', statuses)", undefined],
          ['orders', 'deleted_at', 'is_null', 'null', false, "whereNull('o.deleted_at')", undefined],
          ['customers', 'name', 'ilike', 'param', false, "whereILike('c.name', `%${q}`)", '%{q}'],
        ],
      );
      assert.deepEqual(m.columns, [{ qualifier: 'o', column: 'id', span: at(code, 'o.id', 1), table: 'orders' }]);
      assert.deepEqual(m.limit, { span: at(code, "first('o.id')"), value: 1 });
    });

    it('marks predicates disjunctive under orWhere and whereNot, keeps a group apart, and reads an explicit *', () => {
      const code =
        "await knex('jobs').select('*').where('state', 'queued').orWhere('retry_at', '<', now);\n" +
        "await knex('jobs').where((qb) => qb.where('a', 1).orWhere('b', 2)).where('c', 3).whereNot({ d: 4 });\n";
      const first = built(code, 'typescript', 0)!.model;
      assert.deepEqual(first.selectStar, { start: code.indexOf('*'), end: code.indexOf('*') + 1 });
      assert.deepEqual(first.predicates.map((p) => [p.column.column, p.op, p.disjunctive]), [['state', 'eq', true], ['retry_at', 'range', true]]);
      const second = built(code, 'typescript', 1)!.model;
      assert.deepEqual(second.predicates.map((p) => [p.column.column, p.op, p.disjunctive]), [['a', 'eq', true], ['b', 'eq', true], ['c', 'eq', false], ['d', 'eq', true]]);
    });

    it('reads writes, counts, streams and chains that are not awaited', () => {
      const code = [
        "await knex('users').insert({ name, org_id: orgId });",
        "await knex('users').insert({ name }).returning('id');",
        "await trx('users').where({ id }).update({ name });",
        "await knex('users').where('id', id).del();",
        "const [{ n }] = await knex('users').where({ org_id: orgId }).count('* as n');",
        "knex('events').where({ kind }).stream();",
        "const q = knex('events').where({ kind });",
        "function recent() { return knex('events').orderBy('id', 'desc'); }", // the caller may add to it
        "async function latest() { return knex('events').orderBy('id', 'desc'); }", // an async function awaits what it returns
        "await Promise.all([knex('events').where({ kind }), other()]);",
      ].join('\n');
      const all = chains(code, 'typescript').map((n) => builderQuery(n, code));
      assert.deepEqual(
        all.map((b) => b && [b.statementKind, b.terminal, b.model.tables[0]!.name, b.beforeTerminal !== undefined, b.model.isAggregate]),
        [
          ['insert', 'execute', 'users', false, false],
          ['insert', 'all', 'users', false, false],
          ['update', 'execute', 'users', false, false],
          ['delete', 'execute', 'users', false, false],
          ['select', 'all', 'users', true, true],
          ['select', 'iterate', 'events', true, false],
          ['select', 'unknown', 'events', false, false],
          ['select', 'unknown', 'events', false, false],
          ['select', 'all', 'events', true, false],
          undefined, // Promise.all(...) itself
          ['select', 'all', 'events', true, false],
          undefined, // other()
        ],
      );
      assert.deepEqual(all[2]!.parameterRoots, ['id', 'name']);
      assert.deepEqual(all[2]!.model.predicates.map((p) => [p.column.column, p.op, code.slice(p.span.start, p.span.end)]), [['id', 'eq', 'id']]);
    });

    it('knows knex instances from the file: typed, bound to knex(...), a transaction; not an Express app or a Map', () => {
      const code = [
        "import type { Knex } from 'knex';",
        'class Repo {',
        '  constructor(private readonly pg: Knex) {}',
        "  find(id: number) { return this.pg('users').where({ id }); }",
        '}',
        "const conn = knex({ client: 'pg' });",
        "await conn('users').where('id', 1);",
        "await conn.transaction(async (tx) => tx('users').where('id', 1));",
        'const app = express();',
        "app('x');",
        "app.get('/x', handler);",
        'const map = new Map();',
        "map.select('a');",
        "arr.where('a', 1);",
        'function f(db: Database) { return db(\'users\'); }',
        "await cache('users').where('id', 1);",
        "await client.db('app');", // MongoDB's
      ].join('\n');
      const found = chains(code, 'typescript').map((n) => {
        const b = builderQuery(n, code);
        return [n.text.slice(0, 20), b?.model.tables[0]?.name];
      });
      assert.deepEqual(found, [
        ["this.pg('users').whe", 'users'],
        ["knex({ client: 'pg' ", undefined],
        ["await conn('users').", 'users'],
        ['await conn.transacti', undefined],
        ["tx('users').where('i", 'users'],
        ['express()', undefined],
        ["app('x')", undefined],
        ["app.get('/x', handle", undefined],
        ["map.select('a')", undefined],
        ["arr.where('a', 1)", undefined],
        ["db('users')", undefined],
        ["await cache('users')", undefined],
        ["await client.db('app", undefined],
      ]);
    });

    it('renders what is certain and leaves a chain it cannot read', () => {
      const code = [
        "await knex(tableName).where({ id });", // a table known at run time only
        "await knex('users').modify(applyFilters).where({ id });", // modify may add anything
        "knex('users').where({ id }).toSQL();", // not sent
        "await knex('users').where({ [key]: value, org_id: orgId });", // a computed key: left out, the rest kept
        "await knex('users').modify((qb) => { qb.where('a', 1); }).where({ id });", // an inline modify: applied every time
      ].join('\n');
      const all = chains(code, 'typescript').map((n) => builderQuery(n, code));
      assert.deepEqual(all.slice(0, 3), [undefined, undefined, undefined]);
      assert.deepEqual(all[3]!.model.predicates.map((p) => p.column.column), ['org_id']);
      assert.deepEqual(all[3]!.parameterRoots, ['value', 'orgId']);
      assert.deepEqual(all[4]!.model.predicates.map((p) => [p.column.column, p.disjunctive]), [['a', false], ['id', false]]);
    });
  });

  describe('Kysely', () => {
    it('renders selectFrom chains with joins, expression-builder conditions, order and terminals (TypeScript)', () => {
      const code =
        "const user = await db.selectFrom('users as u').innerJoin('orgs', 'orgs.id', 'u.org_id').select(['u.id', 'u.name as n'])\n" +
        "  .where('u.email', '=', email).where((eb) => eb.or([eb('u.a', '=', 1), eb('u.b', 'ilike', `%${q}`)]))\n" +
        "  .orderBy('u.id', 'desc').limit(20).executeTakeFirst();\n";
      const b = built(code)!;
      assert.equal(b.library, 'kysely');
      assert.equal(b.terminal, 'first');
      assert.equal(b.beforeTerminal, code.indexOf('.executeTakeFirst'));
      assert.deepEqual(b.parameterRoots, ['email', 'q']);
      const m = b.model;
      assert.deepEqual(m.tables, [{ name: 'users', alias: 'u', span: at(code, 'users') }]);
      assert.deepEqual(m.joins, [
        {
          table: { name: 'orgs', span: at(code, 'orgs') }, kind: 'inner',
          conditions: [{ left: { qualifier: 'orgs', column: 'id', span: at(code, 'orgs.id'), table: 'orgs' }, right: { qualifier: 'u', column: 'org_id', span: at(code, 'u.org_id'), table: 'users' } }],
        },
      ]);
      assert.deepEqual(m.columns.map((c) => [c.table, c.column, code.slice(c.span.start, c.span.end)]), [['users', 'id', 'u.id'], ['users', 'name', 'u.name']]);
      assert.deepEqual(m.predicates, [
        { column: { qualifier: 'u', column: 'email', span: at(code, 'u.email'), table: 'users' }, op: 'eq', valueKind: 'param', disjunctive: false, span: at(code, "where('u.email', '=', email)") },
        { column: { qualifier: 'u', column: 'a', span: at(code, 'u.a'), table: 'users' }, op: 'eq', valueKind: 'literal', disjunctive: true, span: at(code, "eb('u.a', '=', 1)") },
        {
          column: { qualifier: 'u', column: 'b', span: at(code, 'u.b'), table: 'users' }, op: 'ilike', valueKind: 'param', disjunctive: true,
          span: at(code, "eb('u.b', 'ilike', `%${q}`)"), pattern: '%{q}',
        },
      ]);
      assert.deepEqual(m.orderBy, [{ column: { qualifier: 'u', column: 'id', span: at(code, 'u.id', 1), table: 'users' }, desc: true }]);
      assert.deepEqual(m.limit, { span: at(code, 'limit(20)'), value: 20 });
    });

    it('reads JavaScript: selectAll as *, destructured and/or, the other terminals and writes', () => {
      const code = [
        "const rows = await db.selectFrom('events').selectAll().where(({ eb, and, or }) => and([eb('kind', '=', kind), or([eb('a', 'is', null), eb('b', '>', 2)])])).execute();",
        "const one = await db.selectFrom('events').select('id').where('id', '=', id).executeTakeFirstOrThrow();",
        "for await (const e of db.selectFrom('events').select('id').stream()) {}",
        "await db.insertInto('events').values({ kind }).execute();",
        "await db.updateTable('events').set({ kind }).where('id', '=', id).returning('id').execute();",
        "await db.deleteFrom('events').where('id', 'in', ids).execute();",
        "const q = db.selectFrom('events').select('id');",
      ].join('\n');
      const all = chains(code, 'javascript').map((n) => builderQuery(n, code)).filter((b) => b);
      assert.deepEqual(
        all.map((b) => [b!.statementKind, b!.terminal, b!.model.tables[0]!.name]),
        [['select', 'all', 'events'], ['select', 'one', 'events'], ['select', 'iterate', 'events'], ['insert', 'execute', 'events'], ['update', 'all', 'events'], ['delete', 'execute', 'events'], ['select', 'unknown', 'events']],
      );
      assert.deepEqual(all[0]!.model.selectStar, at(code, 'selectAll()'));
      assert.deepEqual(all[0]!.model.predicates.map((p) => [p.column.column, p.op, p.valueKind, p.disjunctive]), [['kind', 'eq', 'param', false], ['a', 'is_null', 'null', true], ['b', 'range', 'literal', true]]);
      assert.deepEqual(all[5]!.model.predicates.map((p) => [p.column.column, p.op]), [['id', 'in']]);
    });

    it('keeps the sure part of a condition it cannot read whole, and leaves chains that do not send a query', () => {
      const code = [
        "await db.selectFrom('t').select('id').where('org_id', '=', org).where((eb) => buildFilter(eb, input)).execute();",
        "const { sql } = db.selectFrom('t').select('id').compile();",
        "await db.selectFrom('t').select('id').$if(admin, (qb) => qb.where('x', '=', 1)).execute();",
        'await db.transaction().execute(async (trx) => {});',
        "await db.selectFrom('e').select('id').where((eb) => eb.exists(eb.selectFrom('r').whereRef('r.e_id', '=', 'e.id'))).execute();",
        "await db.transaction().execute(async (trx) => trx.selectFrom('t').select('id').execute());",
        "const sub = (b: ExpressionBuilder<DB, 'e'>) => b.selectFrom('r').select('id');",
      ].join('\n');
      const all = chains(code, 'typescript').map((n) => [n.text.slice(0, 24), builderQuery(n, code)] as const);
      assert.deepEqual(all[0]![1]!.model.predicates.map((p) => p.column.column), ['org_id']);
      assert.deepEqual(all[0]![1]!.parameterRoots, ['org', 'input']);
      assert.deepEqual(all[3]![1]!.model.predicates, []);
      assert.deepEqual(all[3]![1]!.parameterRoots, ['admin']);
      assert.deepEqual(all.slice(1).map(([text, b]) => [text, b?.model.tables[0]!.name]), [
        ['buildFilter(eb, input)', undefined],
        ["db.selectFrom('t').selec", undefined],
        ["await db.selectFrom('t')", 't'], // without the condition $if adds only sometimes
        ["qb.where('x', '=', 1)", undefined],
        ['await db.transaction().e', undefined],
        ["await db.selectFrom('e')", 'e'],
        ['eb.exists(eb.selectFrom(', undefined],
        ["eb.selectFrom('r').where", undefined], // the expression builder's: a subquery
        ['await db.transaction().e', undefined],
        ["trx.selectFrom('t').sele", 't'],
        ["b.selectFrom('r').select", undefined], // typed as the expression builder
      ]);
    });
  });
});
