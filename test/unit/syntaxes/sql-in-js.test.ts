import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LANGUAGES } from '../../../shared/languages';

const root = join(__dirname, '..', '..', '..');

interface Host { language: string; scope: string; suffix: string }
interface Generator {
  SQL_IN_JS_HOSTS: Host[];
  sqlInJsGrammarPath(host: Host): string;
  sqlInJsScopeName(host: Host): string;
  sqlInJsGrammarText(host: Host): string;
}
interface GrammarContribution { scopeName: string; path: string; injectTo?: string[]; embeddedLanguages?: Record<string, string> }

describe('SQL-in-TypeScript/JavaScript injection grammars', () => {
  let gen: Generator;
  const contributed = (): GrammarContribution[] =>
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).contributes.grammars;

  before(async () => {
    gen = await import(join(root, 'scripts', 'sql-in-js-grammars.mjs')) as Generator;
  });

  it("has one grammar per VS Code language and TextMate scope of the registry's TypeScript/JavaScript", () => {
    const typescript = LANGUAGES.find((l) => l.id === 'typescript')!;
    assert.deepEqual(gen.SQL_IN_JS_HOSTS.map((h) => h.scope).sort(), [...typescript.textMateScopes].sort());
    assert.deepEqual(gen.SQL_IN_JS_HOSTS.map((h) => h.language).sort(), [...typescript.vscodeLanguages].sort());
    assert.deepEqual(gen.SQL_IN_JS_HOSTS.map((h) => h.scope), ['source.ts', 'source.tsx', 'source.js', 'source.js.jsx']);
  });

  it('commits each grammar exactly as scripts/sql-in-js-grammars.mjs writes it', () => {
    for (const host of gen.SQL_IN_JS_HOSTS) {
      const committed = readFileSync(join(root, gen.sqlInJsGrammarPath(host)), 'utf8');
      assert.equal(committed, gen.sqlInJsGrammarText(host),
        `${gen.sqlInJsGrammarPath(host)} is stale: run node scripts/sql-in-js-grammars.mjs`);
    }
  });

  it('contributes each grammar to its host, with SQL and the host language embedded', () => {
    const grammars = contributed();
    for (const host of gen.SQL_IN_JS_HOSTS) {
      const entry = grammars.find((g) => g.scopeName === gen.sqlInJsScopeName(host));
      assert.deepEqual(entry, {
        scopeName: gen.sqlInJsScopeName(host),
        path: `./${gen.sqlInJsGrammarPath(host)}`,
        injectTo: [host.scope],
        embeddedLanguages: { 'meta.embedded.block.sql': 'sql', [`meta.embedded.line.${host.suffix}`]: host.language },
      });
    }
  });

  it('highlights querylens-ignore comments in every host', () => {
    const ignore = contributed().find((g) => g.scopeName === 'querylens.ignore.injection')!;
    for (const host of gen.SQL_IN_JS_HOSTS) assert.ok(ignore.injectTo!.includes(host.scope), host.scope);
  });
});
