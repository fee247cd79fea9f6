import { strict as assert } from 'node:assert';
import { hostGrammarOf, hostParser, initHostParsers } from '../../../../server/src/core/host/treesitter';

describe('TypeScript and JavaScript grammars', () => {
  before(() => initHostParsers());

  it('chooses the grammar by extension, tsx apart from ts', () => {
    const cases: [string, string | undefined][] = [
      ['src/db.ts', 'typescript'], ['src/db.mts', 'typescript'], ['src/db.cts', 'typescript'], ['src/Page.tsx', 'tsx'],
      ['src/db.js', 'javascript'], ['src/db.mjs', 'javascript'], ['src/db.cjs', 'javascript'], ['src/Page.jsx', 'javascript'],
      ['src/types.d.ts', 'typescript'], ['app.py', 'python'], ['main.rs', 'rust'], ['query.sql', undefined], ['tsconfig.json', undefined],
    ];
    for (const [file, grammar] of cases) assert.equal(hostGrammarOf(file), grammar, file);
  });

  it('parses TypeScript, TSX and JavaScript without errors', () => {
    const ts = 'const rows = await pool.query<{ id: number }>(`SELECT id FROM users WHERE org_id = $1`, [orgId]);\n';
    const tsx = 'export const List = ({ users }: { users: User[] }) => <ul>{users.map((u) => <li key={u.id}>{u.name}</li>)}</ul>;\n';
    const js = 'const rows = await knex("users").where({ org_id: orgId }).orderBy("id").limit(10);\n';
    for (const [grammar, text] of [['typescript', ts], ['tsx', tsx], ['javascript', js]] as const) {
      const root = hostParser(grammar).parse(text)!.rootNode;
      assert.equal(root.type, 'program', grammar);
      assert.equal(root.hasError, false, grammar);
    }
    // JSX is not TypeScript: the plain TypeScript grammar cannot read it.
    assert.equal(hostParser('typescript').parse(tsx)!.rootNode.hasError, true);
    const template = hostParser('typescript').parse(ts)!.rootNode.descendantsOfType('template_string');
    assert.deepEqual(template.map((t) => t.text), ['`SELECT id FROM users WHERE org_id = $1`']);
  });
});
