import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { useWorkspaces } from './workspace';
import { compareVersions, detectMigrations, migrationPositionOf } from '../../../server/src/core/migrations/detect';

function shape(root: string, sets: ReturnType<typeof detectMigrations>) {
  const rel = (p?: string) => (p ? path.relative(root, p) : undefined);
  return sets.map((s) => ({
    tool: s.tool,
    dir: rel(s.dir),
    ...(s.provider ? { provider: s.provider } : {}),
    migrations: s.migrations.map((m) => [m.version, m.description, rel(m.upFile), rel(m.downFile)]),
  }));
}

describe('detectMigrations', () => {
  const ws = useWorkspaces();

  it('recognises sqlx single-file and reversible timestamped migrations', () => {
    const { root, paths } = ws({
      'api/migrations/20240201090000_add_tasks.sql': '',
      'api/migrations/20240101120000_init.sql': '',
      'worker/migrations/20240101120000_init.up.sql': '',
      'worker/migrations/20240101120000_init.down.sql': '',
    });
    assert.deepEqual(shape(root, detectMigrations(root, paths)), [
      { tool: 'sqlx', dir: 'api/migrations', migrations: [['20240101120000', 'init', 'api/migrations/20240101120000_init.sql', undefined], ['20240201090000', 'add_tasks', 'api/migrations/20240201090000_add_tasks.sql', undefined]] },
      { tool: 'sqlx', dir: 'worker/migrations', migrations: [['20240101120000', 'init', 'worker/migrations/20240101120000_init.up.sql', 'worker/migrations/20240101120000_init.down.sql']] },
    ]);
  });

  it('recognises golang-migrate sequences in any folder, ordered numerically', () => {
    const { root, paths } = ws({
      'store/10_ten.up.sql': '',
      'store/10_ten.down.sql': '',
      'store/9_nine.up.sql': '',
      'store/9_nine.down.sql': '',
      'store/000001_first.up.sql': '',
    });
    const sets = detectMigrations(root, paths);
    assert.deepEqual(shape(root, sets), [
      { tool: 'golang-migrate', dir: 'store', migrations: [['000001', 'first', 'store/000001_first.up.sql', undefined], ['9', 'nine', 'store/9_nine.up.sql', 'store/9_nine.down.sql'], ['10', 'ten', 'store/10_ten.up.sql', 'store/10_ten.down.sql']] },
    ]);
    assert.deepEqual(migrationPositionOf(sets, path.join(root, 'store/10_ten.down.sql')), { set: sets[0], index: 2, isDown: true });
    assert.deepEqual(migrationPositionOf(sets, path.join(root, 'store/9_nine.up.sql')), { set: sets[0], index: 1, isDown: false });
    assert.equal(migrationPositionOf(sets, path.join(root, 'other.sql')), undefined);
  });

  it('recognises Flyway versions (numeric, dotted, underscored) with undo scripts, skipping repeatables', () => {
    const { root, paths } = ws({
      'src/main/resources/db/migration/V1__init.sql': '',
      'src/main/resources/db/migration/V1.10__later.sql': '',
      'src/main/resources/db/migration/V1_2__second.sql': '',
      'src/main/resources/db/migration/U1_2__second.sql': '',
      'src/main/resources/db/migration/R__views.sql': '',
      'src/main/resources/db/migration/V2__third.sql': '',
    });
    assert.deepEqual(shape(root, detectMigrations(root, paths)), [
      {
        tool: 'flyway',
        dir: 'src/main/resources/db/migration',
        migrations: [
          ['1', 'init', 'src/main/resources/db/migration/V1__init.sql', undefined],
          ['1.2', 'second', 'src/main/resources/db/migration/V1_2__second.sql', 'src/main/resources/db/migration/U1_2__second.sql'],
          ['1.10', 'later', 'src/main/resources/db/migration/V1.10__later.sql', undefined],
          ['2', 'third', 'src/main/resources/db/migration/V2__third.sql', undefined],
        ],
      },
    ]);
  });

  it('recognises Prisma migrations and the provider of migration_lock.toml', () => {
    const { root, paths } = ws({
      'prisma/schema.prisma': '',
      'prisma/migrations/migration_lock.toml': '# Please do not edit\nprovider = "postgresql"\n',
      'prisma/migrations/20240301000000_add_index/migration.sql': '',
      'prisma/migrations/20240101000000_init/migration.sql': '',
    });
    assert.deepEqual(shape(root, detectMigrations(root, paths)), [
      {
        tool: 'prisma',
        dir: 'prisma/migrations',
        provider: 'postgresql',
        migrations: [
          ['20240101000000', 'init', 'prisma/migrations/20240101000000_init/migration.sql', undefined],
          ['20240301000000', 'add_index', 'prisma/migrations/20240301000000_add_index/migration.sql', undefined],
        ],
      },
    ]);
  });

  it('recognises Prisma migrations a project numbers itself (01_init, 02_...), in order, with their provider', () => {
    const { root, paths } = ws({
      'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
      'prisma/migrations/10_add_pages/migration.sql': '',
      'prisma/migrations/02_add_users/migration.sql': '',
      'prisma/migrations/01_init/migration.sql': '',
    });
    assert.deepEqual(shape(root, detectMigrations(root, paths)), [
      {
        tool: 'prisma',
        dir: 'prisma/migrations',
        provider: 'postgresql',
        migrations: [
          ['01', 'init', 'prisma/migrations/01_init/migration.sql', undefined],
          ['02', 'add_users', 'prisma/migrations/02_add_users/migration.sql', undefined],
          ['10', 'add_pages', 'prisma/migrations/10_add_pages/migration.sql', undefined],
        ],
      },
    ]);
  });

  it('recognises plain numbered folders by their name, and several sets side by side', () => {
    const { root, paths } = ws({
      'db/002-add.sql': '',
      'db/001_init.sql': '',
      'queries/001_report.sql': '',
      'queries/list.sql': '',
      'sql/V1__init.sql': '',
    });
    assert.deepEqual(shape(root, detectMigrations(root, paths)), [
      { tool: 'plain', dir: 'db', migrations: [['001', 'init', 'db/001_init.sql', undefined], ['002', 'add', 'db/002-add.sql', undefined]] },
      { tool: 'flyway', dir: 'sql', migrations: [['1', 'init', 'sql/V1__init.sql', undefined]] },
    ]);
  });

  it('recognises files named by their number alone (graphile-worker sql/000011.sql) in a plain folder, not elsewhere', () => {
    const { root, paths } = ws({
      'sql/000002.sql': '',
      'sql/000001.sql': '',
      'sql/000010.sql': '',
      'reports/1.sql': '',
    });
    assert.deepEqual(shape(root, detectMigrations(root, paths)), [
      { tool: 'plain', dir: 'sql', migrations: [['000001', '', 'sql/000001.sql', undefined], ['000002', '', 'sql/000002.sql', undefined], ['000010', '', 'sql/000010.sql', undefined]] },
    ]);
  });

  it('reads only the configured folders, and every SQL file in them', () => {
    const { root, paths } = ws({
      'schema/002_b.sql': '',
      'schema/001_a.sql': '',
      'schema/zz_views.sql': '',
      'migrations/20240101120000_init.sql': '',
    });
    assert.deepEqual(shape(root, detectMigrations(root, paths, ['schema/'])), [
      { tool: 'plain', dir: 'schema', migrations: [['001', 'a', 'schema/001_a.sql', undefined], ['002', 'b', 'schema/002_b.sql', undefined], ['', 'zz_views', 'schema/zz_views.sql', undefined]] },
    ]);
  });

  it('compares versions numerically', () => {
    assert.deepEqual(['1.10', '1.9', '10', '2', '1'].sort(compareVersions), ['1', '1.9', '1.10', '2', '10']);
    assert.equal(compareVersions('0010', '9'), 1);
    assert.equal(compareVersions('1_1', '1.1'), 0);
    // Parts that are no number (empty, words) and missing ones come before every number, and equal one another.
    const cases: [string, string, number][] = [
      ['20231010120000', '20231010120001', -1], ['0', '00', 0], ['007', '7', 0], ['1', '1.0', -1], ['1.', '1', 0], ['1.a', '1', 0],
      ['V1', '1', -1], ['', '', 0], ['', '0', -1], ['1..2', '1.0.2', -1], ['99999999999999999999', '100000000000000000000', -1],
    ];
    assert.deepEqual(cases.map(([a, b]) => [a, b, compareVersions(a, b), compareVersions(b, a)]), cases.map(([a, b, order]) => [a, b, order, -order || 0]));
  });
});
