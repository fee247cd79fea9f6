/**
 * The SQL rules on knex and Kysely chains, as the engine will see them: each
 * chain's BuiltQuery becomes a HostQuery of kind 'orm' (what the TypeScript
 * extractor hands over), and the rule harness builds the document and catalog
 * the engine does.
 */
import { strict as assert } from 'node:assert';
import type { HostExtraction, HostLanguage } from '../../../../server/src/core/host/types';
import { hostParser, initHostParsers, type SyntaxNode } from '../../../../server/src/core/host/treesitter';
import { builderQuery } from '../../../../server/src/core/host/typescript/builders';
import { leadingWildcardLike } from '../../../../server/src/core/rules/leading-wildcard-like';
import { missingIndex } from '../../../../server/src/core/rules/missing-index';
import { selectStar } from '../../../../server/src/core/rules/select-star';
import { unpaginatedQuery } from '../../../../server/src/core/rules/unpaginated-query';
import type { Rule } from '../../../../server/src/core/rules/types';
import { initParsers } from '../../../../server/src/core/sql/parse';
import { runHostRule } from '../../rules/host-harness';

const SCHEMA = 'CREATE TABLE users (id serial PRIMARY KEY, org_id int NOT NULL, name text, email text);\n';

/** The extraction the TypeScript extractor makes of the builder chains (awaited ones) of `code`. */
function extraction(code: string): HostExtraction {
  const root = hostParser('typescript').parse(code)!.rootNode as unknown as SyntaxNode;
  const queries = root.descendantsOfType('await_expression').flatMap((n) => {
    const b = builderQuery(n, code);
    if (!b) return [];
    return [{
      kind: 'orm' as const, span: b.span, statementKind: b.statementKind, model: b.model, terminal: b.terminal, loops: [],
      parameterRoots: b.parameterRoots, eagerLoads: [], ...(b.beforeTerminal !== undefined ? { beforeTerminal: b.beforeTerminal } : {}),
    }];
  });
  // HostLanguage has no TypeScript yet (the registry branch adds it); the SQL rules do not read it.
  return { language: 'typescript' as HostLanguage, queries, writes: [], accesses: [], models: [], errors: [] };
}

function reports(rule: Rule, code: string): { text: string; message: string; fixed: string[] }[] {
  return runHostRule(rule, { code, schema: SCHEMA, path: 'src/users.ts', host: extraction }).reports.map((r) => ({
    text: code.slice(r.span.start, r.span.end),
    message: r.message,
    fixed: (r.fixes ?? []).flatMap((f) => f.changes.flatMap((c) => (c.kind === 'edit' ? c.edits.map((e) => code.slice(0, e.span.start) + e.newText + code.slice(e.span.end)) : []))),
  }));
}

describe('SQL rules on knex and Kysely chains', () => {
  before(async () => {
    await initHostParsers();
    await initParsers();
  });

  const knexCode =
    'export async function search(orgId: number, q: string) {\n' +
    "  return await knex('users').select('*').where({ org_id: orgId }).where('name', 'like', '%' + q + '%');\n" +
    '}\n';
  const kyselyCode =
    'export async function search(orgId: number, q: string) {\n' +
    "  return await db.selectFrom('users').selectAll().where('org_id', '=', orgId).where('name', 'ilike', `%${q}%`).execute();\n" +
    '}\n';

  it('missing-index: the filtered column of a knex and a Kysely chain', () => {
    for (const code of [knexCode, kyselyCode]) {
      assert.deepEqual(reports(missingIndex, code).map((r) => [r.text, r.message]), [
        [code.includes('knex') ? 'org_id: orgId' : "where('org_id', '=', orgId)", 'Query filters users on org_id, but no index leads with it: every call scans the table. Add an index on users(org_id).'],
      ]);
    }
  });

  it('leading-wildcard-like: the pattern as the code builds it, underlined on the call', () => {
    assert.deepEqual(reports(leadingWildcardLike, knexCode).map((r) => [r.text, r.message.slice(0, r.message.indexOf(' starts'))]), [
      ["where('name', 'like', '%' + q + '%')", "where('name', 'like', '%' + q + '%') sends users.name LIKE '%{q}%', which"],
    ]);
    assert.deepEqual(reports(leadingWildcardLike, kyselyCode).map((r) => r.text), ["where('name', 'ilike', `%${q}%`)"]);
  });

  it('unpaginated-query: the whole chain, fixed with .limit(100) where the builder takes it', () => {
    const knexFound = reports(unpaginatedQuery, knexCode);
    assert.deepEqual(knexFound.map((r) => r.text), [knexCode.slice(knexCode.indexOf('await'), knexCode.indexOf(';\n}'))]);
    assert.deepEqual(knexFound[0]!.fixed, [knexCode.replace("'%');", "'%').limit(100);")]);
    const kyselyFound = reports(unpaginatedQuery, kyselyCode);
    assert.deepEqual(kyselyFound[0]!.fixed, [kyselyCode.replace('.execute()', '.limit(100).execute()')]);
  });

  it("select-star: the builder's own star, without an SQL column list written into it", () => {
    assert.deepEqual(reports(selectStar, knexCode).map((r) => [r.text, r.fixed]), [['*', []]]);
    assert.deepEqual(reports(selectStar, kyselyCode).map((r) => [r.text, r.fixed]), [['selectAll()', []]]);
  });
});
