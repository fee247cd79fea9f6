import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { activationEvents, documentLanguages, GRAMMARS, LANGUAGES, watchedGlobs, type HostLanguage, type LanguageData } from '../../shared/languages';
import { isAnalysedFile, isWorkspaceFileKind } from '../../server/src/core/config/files';
import { lineCommentOf } from '../../server/src/core/engine/suppression';
import { extractHost } from '../../server/src/core/host/extract';
import { adapterOf, hasCrossFileModels, hostLanguageOf } from '../../server/src/core/host/languages';
import { hostGrammarOf, initHostParsers } from '../../server/src/core/host/treesitter';

// One registry of languages (shared/languages.ts, server/src/core/host/languages.ts): what
// package.json declares and what the server reads must follow from it.

const pkg = require(path.join(__dirname, '..', '..', 'package.json')) as {
  activationEvents: string[];
  contributes: { languages: { id: string }[]; grammars: { scopeName: string; injectTo?: string[] }[] };
};
const languages = LANGUAGES as readonly LanguageData[];

describe('language registry', () => {
  before(() => initHostParsers());

  it("package.json's activationEvents are the registry's, then the webview panels", () => {
    const events = pkg.activationEvents.filter((e) => !e.startsWith('onWebviewPanel:'));
    assert.deepEqual(events, activationEvents());
    assert.deepEqual(pkg.activationEvents.slice(events.length), ['onWebviewPanel:querylens.plan', 'onWebviewPanel:querylens.dashboard']);
    assert.deepEqual(activationEvents().slice(0, 4), ['onLanguage:sql', 'onLanguage:prisma', 'onLanguage:python', 'onLanguage:rust']);
  });

  it("package.json's languages and TextMate injections name the registry's languages", () => {
    const ids = documentLanguages();
    for (const { id } of pkg.contributes.languages) assert.ok(ids.includes(id), `contributes.languages ${id} is not in shared/languages.ts`);
    const scopes = languages.flatMap((l) => l.textMateScopes);
    for (const grammar of pkg.contributes.grammars) {
      for (const scope of grammar.injectTo ?? []) assert.ok(scopes.includes(scope), `${grammar.scopeName} injects into ${scope}, not a registry language`);
    }
    // `querylens-ignore` is highlighted wherever a suppression comment can be written.
    const ignore = pkg.contributes.grammars.find((g) => g.scopeName === 'querylens.ignore.injection')!;
    const commented = languages.filter((l) => l.comments).flatMap((l) => l.textMateScopes);
    assert.deepEqual([...ignore.injectTo!].sort(), [...commented].sort());
  });

  it('derives the watched globs, the analysed files and the client selector', () => {
    // migration_lock.toml was read but not watched: a provider switch went unnoticed until a reload.
    assert.deepEqual(watchedGlobs(), [
      '**/*.sql', '**/*.prisma', '**/*.py', '**/*.rs', '**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts', '**/*.js', '**/*.jsx', '**/*.mjs', '**/*.cjs',
      '**/.querylens.json', '**/migration_lock.toml', '**/alembic.ini', '**/_journal.json',
    ]);
    assert.deepEqual(documentLanguages(), ['sql', 'prisma', 'python', 'rust', 'typescript', 'javascript', 'typescriptreact', 'javascriptreact']);
    for (const [file, analysed] of [['q.sql', true], ['app.py', true], ['src/main.rs', true], ['Q.SQL', true], ['src/db.ts', true], ['app/page.TSX', true], ['lib/db.cjs', true], ['schema.prisma', true], ['prisma/schema/user.prisma', true], ['alembic.ini', false]] as const) {
      assert.equal(isAnalysedFile(file), analysed, file);
    }
    // The tools' files are read (not analysed) wherever they are, like the manifests.
    for (const file of ['prisma/schema.prisma', 'prisma/migrations/migration_lock.toml', 'svc/alembic.ini', 'drizzle/meta/_journal.json', 'Cargo.toml', 'q.sql']) assert.ok(isWorkspaceFileKind(file), file);
    assert.equal(isWorkspaceFileKind('README.md'), false);
  });

  it('every host language has its grammars, its extractor and its adapter', () => {
    for (const language of languages.filter((l) => l.grammars)) {
      for (const ext of language.extensions) {
        const file = `src/file${ext}`;
        assert.ok(language.grammars!.includes(hostGrammarOf(file)!), `${file}: grammar ${hostGrammarOf(file)} is not one of ${language.id}'s`);
        assert.equal(hostLanguageOf(file), language.id);
        assert.ok(extractHost(file, '') !== undefined, `${language.id} has no extractor`);
      }
      assert.ok(adapterOf(language.id as HostLanguage).streamAdvice.length > 0);
      for (const grammar of language.grammars!) assert.ok(grammar in GRAMMARS);
    }
    assert.equal(hasCrossFileModels('models.py'), true);
    assert.equal(hasCrossFileModels('src/db.rs'), false);
  });

  it('TypeScript and JavaScript are one host language: every extension, its grammar, its extractor, // comments', () => {
    for (const file of ['src/db.ts', 'src/Page.tsx', 'src/db.mts', 'src/db.cts', 'src/db.mjs', 'src/db.js', 'src/db.cjs', 'src/Page.jsx']) {
      assert.ok(hostGrammarOf(file), file);
      assert.equal(isAnalysedFile(file), true, file);
      assert.equal(hostLanguageOf(file), 'typescript', file);
      assert.deepEqual(extractHost(file, 'await pool.query("SELECT 1")')?.queries.map((q) => q.sql?.text), ['SELECT 1'], file);
      assert.equal(lineCommentOf(file), '//', file);
    }
  });

  it('writes suppressions in the comment syntax of the file', () => {
    assert.deepEqual(['q.sql', 'app.py', 'main.rs', 'file:///w/App.PY', 'schema.prisma'].map(lineCommentOf), ['--', '#', '//', '#', '//']);
  });
});
