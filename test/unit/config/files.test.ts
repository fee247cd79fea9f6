import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { globMatcher, isExcluded, listWorkspaceFiles } from '../../../server/src/core/config/files';
import { makeWorkspace } from '../migrations/workspace';

describe('listWorkspaceFiles', () => {
  let root = '';
  before(() => {
    root = makeWorkspace({
      '.gitignore': 'build/\n*.tmp.sql\n',
      'schema.sql': '',
      'notes.txt': '',
      'a.tmp.sql': '',
      'build/out.sql': '',
      'node_modules/pkg/x.sql': '',
      '.git/x.sql': '',
      'db/migrations/001_init.sql': '',
      'db/migrations/002_more.SQL': '',
      'prisma/schema.prisma': '',
      'prisma/migrations/migration_lock.toml': '',
      'prisma/migrations/20240101000000_init/migration.sql': '',
      'svc/.gitignore': 'generated.sql\n/local/\n',
      'svc/generated.sql': '',
      'svc/local/a.sql': '',
      'svc/q.sql': '',
      'legacy/old.sql': '',
      'vendor/v.sql': '',
      'app/models.py': '',
      'app/README.md': '',
      'svc/src/db.rs': '',
    }).root;
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const rel = (files: string[]) => files.map((f) => path.relative(root, f).split(path.sep).join('/'));

  it('lists SQL, Python, Rust and Prisma files, honouring root and nested .gitignore files', async () => {
    assert.deepEqual(rel(await listWorkspaceFiles(root, { include: [], exclude: [] })), [
      'app/models.py',
      'db/migrations/001_init.sql',
      'db/migrations/002_more.SQL',
      'legacy/old.sql',
      'prisma/migrations/20240101000000_init/migration.sql',
      'prisma/migrations/migration_lock.toml',
      'prisma/schema.prisma',
      'schema.sql',
      'svc/q.sql',
      'svc/src/db.rs',
    ]);
  });

  it('applies exclude, extra excludes and include globs', async () => {
    const files = await listWorkspaceFiles(root, { include: ['db/**', 'svc/*.sql', 'legacy/**'], exclude: ['legacy'], extraExcludes: ['**/002_*'] });
    assert.deepEqual(rel(files), ['db/migrations/001_init.sql', 'prisma/migrations/migration_lock.toml', 'prisma/schema.prisma', 'svc/q.sql']);
  });
});

describe('glob helpers', () => {
  it('match root-relative paths, folders meaning everything below', () => {
    const m = globMatcher(['legacy', './gen/**', '**/*.gen.sql']);
    assert.deepEqual(['legacy/a.sql', 'gen/x/y.sql', 'a/b.gen.sql', 'src/a.sql', '.hidden/c.gen.sql'].map(m), [true, true, true, false, true]);
    assert.equal(globMatcher([])('a.sql'), false);
    assert.equal(isExcluded('/w', '/w/legacy/a.sql', ['legacy/**']), true);
    assert.equal(isExcluded('/w', '/elsewhere/legacy/a.sql', ['legacy/**']), false);
  });
});

describe('listWorkspaceFiles: default skips (config/skipped.ts)', () => {
  let root = '';
  before(() => {
    root = makeWorkspace({
      'app/models.py': '',
      'web/app.js': '',
      'schema.sql': '',
      '.yarn/releases/yarn-4.16.0.cjs': '',
      '.yarn/sdks/typescript/lib/tsserver.js': '',
      '.pnp.cjs': '',
      '.pnp.loader.mjs': '',
      'web/vendor.min.js': '',
      'packages/api/dist/index.js': '',
      'packages/api/dist/schema.sql': '',
      '.venv/lib/python3.12/site-packages/sqlalchemy/orm.py': '',
      'venv/lib/x.py': '',
      '.tox/py312/lib/y.py': '',
      '.mypy_cache/3.12/z.py': '',
      'bower_components/jquery/jquery.js': '',
    }).root;
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const rel = (files: string[]) => files.map((f) => path.relative(root, f).split(path.sep).join('/'));

  it("leaves out Yarn's own files, Python environments and caches, build output and minified scripts", async () => {
    assert.deepEqual(rel(await listWorkspaceFiles(root, { include: [], exclude: [] })), ['app/models.py', 'schema.sql', 'web/app.js']);
  });

  it('reads what a "!" pattern of ignorePatterns takes back', async () => {
    const files = await listWorkspaceFiles(root, { include: [], exclude: [], ignorePatterns: ['!.yarn/', '!*.min.js', '!dist/'] });
    assert.deepEqual(rel(files), [
      '.yarn/releases/yarn-4.16.0.cjs',
      '.yarn/sdks/typescript/lib/tsserver.js',
      'app/models.py',
      'packages/api/dist/index.js',
      'packages/api/dist/schema.sql',
      'schema.sql',
      'web/app.js',
      'web/vendor.min.js',
    ]);
  });
});
