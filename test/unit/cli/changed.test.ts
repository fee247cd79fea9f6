// `querylens check --changed [--since REF]` (issue 12, item 3) on small real git
// repositories: the files changed since the merge base, and those whose findings
// depend on them. The built CLI, as CI runs it (QUERYLENS_CLI: a prebuilt bin).
import * as assert from 'node:assert/strict';
import { execFileSync, execSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '..', '..', '..');
const cli = process.env.QUERYLENS_CLI ?? path.join(repo, 'bin', 'querylens.js');

const INIT = `CREATE TABLE couriers (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE parcels (id bigint PRIMARY KEY, courier_id bigint NOT NULL REFERENCES couriers (id), weight int NOT NULL);
CREATE INDEX parcels_courier ON parcels (courier_id);
`;
const PARCELS = 'SELECT id FROM parcels WHERE weight = $1 LIMIT 50;\n';
const COURIERS = 'SELECT id FROM couriers WHERE id = $1;\n';
const MODELS = `from sqlalchemy import BigInteger, Column, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Depot(Base):
    __tablename__ = "depots"
    id = Column(BigInteger, primary_key=True)
    city = Column(Text, nullable=False)
`;
const SERVICE = `from sqlalchemy import select

from app.models import Depot


def in_city(session, city):
    return session.execute(select(Depot).where(Depot.city == city).limit(50)).scalars().all()
`;
const UNRELATED = 'def nothing():\n    return 1\n';

const FILES: Record<string, string> = {
  '.querylens.json': '{ "dialect": "postgres" }\n',
  'migrations/20240101000000_init.sql': INIT,
  'queries/parcels.sql': PARCELS,
  'queries/couriers.sql': COURIERS,
  'app/models.py': MODELS,
  'app/service.py': SERVICE,
  'app/unrelated.py': UNRELATED,
};

const MISSING_WEIGHT = 'queries/parcels.sql:1:30: warning missing-index Query filters parcels on weight, but no index leads with it: every call scans the table. Add an index on parcels(weight).';
const MISSING_CITY = 'app/service.py:7:48: warning missing-index Query filters depots on city, but no index leads with it: every call scans the table. Add an index on depots(city).';

describe('querylens check --changed (built, real git)', function () {
  const dirs: string[] = [];
  before(function () {
    this.timeout(180_000);
    if (!process.env.QUERYLENS_CLI) execSync('npm run build --silent', { cwd: repo, stdio: 'inherit' });
  });
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  const git = (dir: string, ...args: string[]) =>
    execFileSync('git', ['-C', dir, '-c', 'user.email=t@example.invalid', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { stdio: 'pipe', encoding: 'utf8' });
  const write = (dir: string, rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  /** A repository with FILES committed on `branch`, and `feature` checked out from it. */
  const repository = (branch = 'main') => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'querylens-changed-'));
    dirs.push(dir);
    for (const [rel, text] of Object.entries(FILES)) write(dir, rel, text);
    git(dir, 'init', '-q', '-b', branch);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'init');
    git(dir, 'checkout', '-qb', 'feature');
    return dir;
  };
  const run = (dir: string, ...args: string[]) => {
    const r = spawnSync(process.execPath, [cli, 'check', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, GITHUB_WORKSPACE: '' } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const summaryOf = (stdout: string) => stdout.trimEnd().split('\n').pop();

  it('the full check, for comparison: every file', () => {
    const dir = repository();
    const { code, stdout } = run(dir);
    assert.equal(code, 0);
    assert.equal(summaryOf(stdout), '2 problems (2 warnings) in 2 files; 6 files checked.');
  });

  it('nothing changed: nothing checked', () => {
    const { code, stdout } = run(repository(), '--changed');
    assert.equal(code, 0);
    assert.equal(stdout, 'No problems found; 0 files checked (0 changed since main, 0 depend on them).\n');
  });

  it('a changed query file (uncommitted) is checked alone: its findings depend on nothing else', () => {
    const dir = repository();
    write(dir, 'queries/parcels.sql', `-- parcels by weight\n${PARCELS}`);
    const { code, stdout } = run(dir, '--changed');
    assert.equal(code, 0);
    assert.equal(
      stdout,
      [
        MISSING_WEIGHT.replace(':1:30:', ':2:30:'),
        '',
        '  1  missing-index (warning)',
        '',
        '1 problem (1 warning) in 1 file; 1 file checked (1 changed since main, 0 depend on them).',
        '',
      ].join('\n'),
    );
  });

  it('a new migration committed on the branch is checked (it has not shipped at the base) and brings in the queries on its table', () => {
    const dir = repository();
    write(dir, 'migrations/20240102000000_weight.sql', 'CREATE INDEX parcels_weight ON parcels (weight);\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'index parcels by weight');
    const { code, stdout } = run(dir, '--changed');
    assert.equal(code, 0);
    assert.equal(
      stdout,
      [
        'migrations/20240102000000_weight.sql:1:1: warning non-concurrent-index-creation CREATE INDEX parcels_weight on existing table parcels without CONCURRENTLY blocks every write to parcels until the index is built. Use CREATE INDEX CONCURRENTLY. CREATE INDEX CONCURRENTLY cannot run inside a transaction block: make sure your migration tool runs this file without one.',
        '',
        '  1  non-concurrent-index-creation (warning)',
        '',
        // The init migration writes parcels too; couriers.sql and the Python files do not touch it.
        '1 problem (1 warning) in 1 file; 3 files checked (1 changed since main, 2 depend on them).',
        '',
      ].join('\n'),
    );
    const json = JSON.parse(run(dir, '--changed', '--format', 'json').stdout);
    assert.deepEqual({ ...json.changed, base: typeof json.changed.base }, { since: 'main', base: 'string', changed: 1, dependents: 2 });
    assert.equal(json.changed.base, git(dir, 'rev-parse', 'main').trim());
  });

  it('a migration that drops an index by name brings in the queries on the index\'s table', () => {
    const dir = repository();
    write(dir, 'migrations/20240102000000_drop.sql', 'DROP INDEX parcels_courier;\n');
    const { stdout } = run(dir, '--changed');
    assert.deepEqual(stdout.split('\n').filter((line) => /^\S+:\d+:\d+: /.test(line)).map((line) => line.split(' ').slice(0, 3).join(' ')), [
      // Shipped at the base, so the foreign key the drop leaves unindexed is reported at info there.
      'migrations/20240101000000_init.sql:2:46: info unindexed-foreign-key',
      'queries/parcels.sql:1:30: warning missing-index',
    ]);
    assert.equal(summaryOf(stdout), '2 problems (1 warning, 1 info) in 2 files; 3 files checked (1 changed since main, 2 depend on them).');
  });

  it('a deleted migration or model brings in the files on the tables its last version wrote', () => {
    const dir = repository();
    write(dir, 'migrations/20240102000000_weight.sql', 'CREATE INDEX parcels_weight ON parcels (weight);\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'index parcels by weight');
    rmSync(path.join(dir, 'migrations/20240102000000_weight.sql'));
    const { stdout } = run(dir, '--changed', '--since', 'HEAD');
    assert.equal(stdout, [MISSING_WEIGHT, '', '  1  missing-index (warning)', '', '1 problem (1 warning) in 1 file; 2 files checked (0 changed since HEAD, 1 deleted, 2 depend on them).', ''].join('\n'));
    git(dir, 'checkout', '-q', '--', '.');
    rmSync(path.join(dir, 'app/models.py'));
    assert.equal(summaryOf(run(dir, '--changed', '--since', 'HEAD').stdout), 'No problems found; 1 file checked (0 changed since HEAD, 1 deleted, 1 depends on them).');
  });

  it('a changed ORM model brings in the code that queries its class; an untracked file counts as changed', () => {
    const dir = repository();
    write(dir, 'app/models.py', MODELS.replace('city = Column(Text, nullable=False)', 'city = Column(Text, nullable=False)\n    zip = Column(Text)'));
    write(dir, 'app/new_job.py', UNRELATED);
    const { stdout } = run(dir, '--changed');
    assert.equal(stdout, [MISSING_CITY, '', '  1  missing-index (warning)', '', '1 problem (1 warning) in 1 file; 3 files checked (2 changed since main, 1 depends on them).', ''].join('\n'));
  });

  it('--since names the ref (its merge base with HEAD); paths narrow the selection further', () => {
    const dir = repository();
    write(dir, 'queries/parcels.sql', `${PARCELS}${PARCELS}`);
    write(dir, 'queries/couriers.sql', `${COURIERS}${COURIERS}`);
    git(dir, 'commit', '-qam', 'two');
    write(dir, 'app/service.py', `${SERVICE}\n`);
    git(dir, 'commit', '-qam', 'three');
    assert.equal(summaryOf(run(dir, '--changed', '--since', 'HEAD~1').stdout), '1 problem (1 warning) in 1 file; 1 file checked (1 changed since HEAD~1, 0 depend on them).');
    assert.equal(summaryOf(run(dir, '--changed', '--since=main', 'queries').stdout), '2 problems (1 warning, 1 info) in 1 file; 2 files checked (2 changed since main, 0 depend on them).');
  });

  it('a changed configuration checks every file', () => {
    const dir = repository();
    write(dir, '.querylens.json', '{ "dialect": "postgres", "rules": { "select-star": "error" } }\n');
    assert.equal(summaryOf(run(dir, '--changed').stdout), '2 problems (2 warnings) in 2 files; 6 files checked (the configuration changed since main: every file).');
  });

  it('the default base is origin/HEAD, then main, then master; with none, a clear error', () => {
    const onMaster = repository('master');
    write(onMaster, 'queries/parcels.sql', `${PARCELS}\n`);
    assert.equal(summaryOf(run(onMaster, '--changed').stdout), '1 problem (1 warning) in 1 file; 1 file checked (1 changed since master, 0 depend on them).');
    const onTrunk = repository('trunk');
    const none = run(onTrunk, '--changed');
    assert.equal(none.code, 2);
    assert.equal(none.stderr, "querylens: no default branch to compare with (none of origin/HEAD, main, master exists); name one with --since REF\nRun 'querylens --help' for usage.\n");
    assert.equal(summaryOf(run(onTrunk, '--changed', '--since', 'trunk').stdout), 'No problems found; 0 files checked (0 changed since trunk, 0 depend on them).');
  });

  it('migrations.checkFrom: committed migrations from the named one on are checked, the earlier ones are not', () => {
    const dir = repository();
    write(dir, 'migrations/20240102000000_weight.sql', 'CREATE INDEX parcels_weight ON parcels (weight);\n');
    write(dir, 'migrations/20240103000000_name.sql', 'CREATE INDEX couriers_name ON couriers (name);\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'two indexes');
    const concurrent = (stdout: string) => stdout.split('\n').filter((line) => line.includes(': warning non-concurrent-index-creation ')).map((line) => line.split(':')[0]);
    assert.deepEqual(concurrent(run(dir).stdout), [], 'committed: shipped, as git says');
    write(dir, '.querylens.json', '{ "dialect": "postgres", "migrations": { "checkFrom": "20240103000000" } }\n');
    git(dir, 'commit', '-qam', 'check from the third');
    assert.deepEqual(concurrent(run(dir).stdout), ['migrations/20240103000000_name.sql']);
  });

  it('refuses a ref that could be read as an option, an unknown ref, --since alone, and a folder outside git', () => {
    const dir = repository();
    const cases: [string[], string][] = [
      [['--changed', '--since=--output=/tmp/x'], "option --since needs a git ref, got '--output=/tmp/x' (a ref cannot start with '-')"],
      [['--changed', '--since', '-x'], "option --since needs a git ref, got '-x' (a ref cannot start with '-')"],
      [['--changed', '--since', 'no-such-branch'], 'no commit named "no-such-branch" in this repository'],
      [['--since', 'main'], 'option --since needs --changed'],
    ];
    for (const [args, message] of cases) {
      const r = run(dir, ...args);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stderr, `querylens: ${message}\nRun 'querylens --help' for usage.\n`);
    }
    const outside = mkdtempSync(path.join(os.tmpdir(), 'querylens-nogit-'));
    dirs.push(outside);
    write(outside, 'q.sql', PARCELS);
    const r = run(outside, '--changed');
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `querylens: --changed compares with git, but ${outside} is not inside a git working tree\nRun 'querylens --help' for usage.\n`);
  });
});
