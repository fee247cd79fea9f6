import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { hostParser, initHostParsers, type SyntaxNode } from '../../../../server/src/core/host/treesitter';
import { limitInsertion } from '../../../../server/src/core/host/typescript/builder-fixes';
import { builderQuery } from '../../../../server/src/core/host/typescript/builders';

const ORIGINAL = `import type { Knex } from 'knex';
import type { Kysely } from 'kysely';

interface DB {
  users: { id: number; org_id: number; name: string };
}

export async function listKnex(knex: Knex, orgId: number) {
  const rows = await knex('users').where({ org_id: orgId }).orderBy('id');
  const count = await knex('users').select('id').where('org_id', orgId)
    .then((r) => r.length);
  const one = await knex('users').where({ id: orgId }).first();
  return [rows, count, one];
}

export async function listKysely(db: Kysely<DB>, orgId: number) {
  return db.selectFrom('users').select(['id', 'name']).where('org_id', '=', orgId).orderBy('id').execute();
}

export async function walk(db: Kysely<DB>) {
  for await (const row of db.selectFrom('users').selectAll().stream()) console.log(row.id);
}
`;

const FIXED = ORIGINAL
  .replace(".orderBy('id');", ".orderBy('id').limit(100);")
  .replace("where('org_id', orgId)\n", "where('org_id', orgId).limit(100)\n")
  .replace(".orderBy('id').execute()", ".orderBy('id').limit(100).execute()")
  .replace('.selectAll().stream()', '.selectAll().limit(100).stream()');

/** tsc's diagnostics for each file, against the real knex and Kysely typings (the worktree's node_modules). */
function typeErrors(files: Record<string, string>): Record<string, string[]> {
  const dir = fs.mkdtempSync(path.join(__dirname, '..', '..', '..', '..', '.tsc-check-'));
  try {
    const names = Object.keys(files).map((name) => {
      fs.writeFileSync(path.join(dir, name), files[name]!);
      return path.join(dir, name);
    });
    const program = ts.createProgram(names, {
      strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10, skipLibCheck: true, types: ['node'], lib: ['lib.es2022.d.ts'],
    });
    const out: Record<string, string[]> = {};
    for (const [i, name] of Object.keys(files).entries()) {
      out[name] = ts.getPreEmitDiagnostics(program, program.getSourceFile(names[i]!)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    }
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('builder fixes: .limit(n) in knex and Kysely chains', () => {
  before(() => initHostParsers());

  it('inserts .limit(n) before the terminal of every unbounded select chain, and nowhere else', () => {
    const root = hostParser('typescript').parse(ORIGINAL)!.rootNode as unknown as SyntaxNode;
    const chains = root.descendantsOfType(['await_expression', 'call_expression']).filter((n) =>
      n.type === 'await_expression' || !['await_expression', 'member_expression', 'call_expression'].includes(n.parent?.type ?? ''),
    );
    const insertions = chains.flatMap((n) => {
      const built = builderQuery(n, ORIGINAL);
      const insertion = built && limitInsertion(built, 100);
      return insertion ? [insertion] : [];
    });
    assert.equal(insertions.length, 4); // not the `.first()` one: it has LIMIT 1
    let fixed = ORIGINAL;
    for (const { at, text } of [...insertions].sort((a, b) => b.at - a.at)) fixed = fixed.slice(0, at) + text + fixed.slice(at);
    assert.equal(fixed, FIXED);
  });

  it('the fixed code type-checks against the real knex and Kysely typings, as the original does', function () {
    this.timeout(120_000);
    const errors = typeErrors({ 'original.ts': ORIGINAL, 'fixed.ts': FIXED, 'broken.ts': FIXED.replace('.limit(100).execute()', '.limit(100).executeTakeAll()') });
    assert.deepEqual(errors['original.ts'], []);
    assert.deepEqual(errors['fixed.ts'], []);
    // The check can fail: a method the typings do not have is an error.
    assert.equal(errors['broken.ts']!.length, 1);
  });

  it('offers nothing for a chain that is bounded, a write, or not sent', () => {
    const code = [
      "await knex('users').limit(5);",
      "await knex('users').insert({ id: 1 });",
      "const q = knex('users').where({ id: 1 });",
      "await db.selectFrom('users').selectAll().executeTakeFirst();",
    ].join('\n');
    const root = hostParser('typescript').parse(code)!.rootNode as unknown as SyntaxNode;
    const tops = [...root.descendantsOfType('await_expression'), root.descendantsOfType('variable_declarator')[0]!.childForFieldName('value')!];
    const offered = tops.map((n) => {
      const built = builderQuery(n, code);
      assert.ok(built, n.text);
      return limitInsertion(built, 100);
    });
    // executeTakeFirst fetches one row but sends no LIMIT: a limit there is harmless, and the rule does not ask for it.
    assert.deepEqual(offered, [undefined, undefined, { at: code.indexOf('.executeTakeFirst'), text: '.limit(100)' }, undefined]);
  });
});
