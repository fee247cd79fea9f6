/**
 * "Shipped" migrations (issue 10, History; issue 11, item 3): migration rules
 * speak only about migrations still to come, and no fix edits one that has
 * shipped. The facts come from git (a real repository in a temp folder) or
 * from `.querylens.json`'s `migrationsFrom`.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultConfig, type QueryLensConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import type { MigrationHistory } from '../../../server/src/core/migrations/history';
import { initParsers } from '../../../server/src/core/sql/parse';
import type { MigrationStatus } from '../../../shared/dashboard';
import { gitHistory } from '../../../server/src/history/git';
import { trackedHistory } from '../../../server/src/history/tracked';
import { useWorkspaces } from '../migrations/workspace';

const ROOT = path.resolve('/ws');
const at = (rel: string) => path.join(ROOT, rel);

const INIT = 'CREATE TABLE jobs (id bigint PRIMARY KEY, owner_id bigint NOT NULL, state text NOT NULL);\n';
const SECOND = 'CREATE INDEX jobs_owner ON jobs (owner_id);\n';
const THIRD = 'CREATE INDEX jobs_state ON jobs (state);\n';
const FILES = {
  'migrations/20240101000000_init.sql': INIT,
  'migrations/20240102000000_owner.sql': SECOND,
  'migrations/20240103000000_state.sql': THIRD,
};

function workspace(history?: MigrationHistory, config: Partial<QueryLensConfig> = {}): Workspace {
  return Workspace.fromFiles({ root: ROOT, config: { ...defaultConfig(), dialect: 'postgres', ...config }, history }, FILES);
}

const concurrentFindings = (ws: Workspace, rel: string) => ws.analyze(at(rel)).filter((f) => f.ruleId === 'non-concurrent-index-creation');

describe('shipped migrations', () => {
  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  it('without history every migration is checked', () => {
    const ws = workspace();
    assert.equal(concurrentFindings(ws, 'migrations/20240102000000_owner.sql').length, 1);
    assert.equal(concurrentFindings(ws, 'migrations/20240103000000_state.sql').length, 1);
  });

  it('a shipped migration gets no migration-rule finding; the unshipped one still does', () => {
    const ws = workspace({ isShipped: (file) => file !== at('migrations/20240103000000_state.sql') });
    assert.deepEqual(concurrentFindings(ws, 'migrations/20240102000000_owner.sql'), []);
    const [finding] = concurrentFindings(ws, 'migrations/20240103000000_state.sql');
    assert.deepEqual(finding?.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 12 } });
  });

  it('migrationsFrom: migrations before the named one count as shipped, by version or by path', () => {
    for (const from of ['20240103000000', 'migrations/20240103000000_state.sql']) {
      const ws = workspace(undefined, { migrationsFrom: from });
      assert.deepEqual(concurrentFindings(ws, 'migrations/20240102000000_owner.sql'), [], from);
      assert.equal(concurrentFindings(ws, 'migrations/20240103000000_state.sql').length, 1, from);
    }
  });

  it('migrations.checkFrom decides for its set over the history: before it shipped, it and later ones checked, even when committed', () => {
    const committed = { isShipped: () => true };
    const ws = workspace(committed, { migrationsFrom: '20240103000000' });
    assert.deepEqual(concurrentFindings(ws, 'migrations/20240102000000_owner.sql'), []);
    const [finding] = concurrentFindings(ws, 'migrations/20240103000000_state.sql');
    assert.deepEqual(finding?.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 12 } });
    assert.deepEqual(concurrentFindings(workspace(committed), 'migrations/20240103000000_state.sql'), [], 'without it, git decides');
  });

  it('a query rule in a migration not shipped keeps its fix; in a shipped one it says nothing', () => {
    const files = { ...FILES, 'migrations/20240104000000_backfill.sql': 'SELECT * FROM jobs WHERE owner_id = 1;\n' };
    const config = { ...defaultConfig(), dialect: 'postgres' as const };
    const shipped = Workspace.fromFiles({ root: ROOT, config, history: { isShipped: () => true } }, files);
    const open = Workspace.fromFiles({ root: ROOT, config }, files);
    const star = (ws: Workspace) => ws.analyze(at('migrations/20240104000000_backfill.sql')).find((f) => f.ruleId === 'select-star');
    assert.equal(star(open)?.fixes.length, 1);
    // Shipped, its queries ran once, long ago: no query rule at all there (issue 10, cause 3).
    assert.equal(star(shipped), undefined);
  });

  it('setHistory: findings follow new facts', () => {
    const ws = workspace();
    assert.equal(concurrentFindings(ws, 'migrations/20240102000000_owner.sql').length, 1);
    ws.setHistory({ isShipped: () => true });
    assert.deepEqual(concurrentFindings(ws, 'migrations/20240102000000_owner.sql'), []);
  });
});

describe('git history', () => {
  const make = useWorkspaces();
  const git = (root: string, ...args: string[]) =>
    execFileSync('git', ['-C', root, '-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...args], { stdio: 'pipe' });

  it('committed and unchanged is shipped; modified, staged, untracked are not; outside a repository nothing is', async () => {
    const { root } = make({ 'db/a.sql': 'a', 'db/b.sql': 'b', 'db/c.sql': 'c' });
    assert.equal((await gitHistory(root)).isShipped(path.join(root, 'db/a.sql')), false);
    git(root, 'init', '-q');
    assert.equal((await gitHistory(root)).isShipped(path.join(root, 'db/a.sql')), false, 'no commit yet');
    git(root, 'add', 'db/a.sql', 'db/b.sql');
    git(root, 'commit', '-qm', 'first');
    fs.writeFileSync(path.join(root, 'db/b.sql'), 'b changed');
    fs.writeFileSync(path.join(root, 'db/d.sql'), 'd');
    git(root, 'add', 'db/d.sql');
    const history = await gitHistory(root);
    assert.deepEqual(
      ['a', 'b', 'c', 'd'].map((n) => history.isShipped(path.join(root, `db/${n}.sql`))),
      [true, false, false, false],
    );
  });

  it('a workspace in a sub-folder of the repository sees its own files', async () => {
    const { root } = make({ 'app/migrations/1_init.sql': 'x', 'README': 'r' });
    git(root, 'init', '-q');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'first');
    const history = await gitHistory(path.join(root, 'app'));
    assert.equal(history.isShipped(path.join(root, 'app/migrations/1_init.sql')), true);
  });
});

describe('tracked history (a real connection’s tracking tables)', () => {
  it('applied, failed and modified rows are history; pending and missing ones are not', () => {
    const row = (file: string, status: MigrationStatus, downFile?: string) => ({ version: file, description: '', file, status, findings: [], ...(downFile ? { downFile } : {}) });
    const history = trackedHistory({
      connection: 'prod',
      at: '2026-01-01T00:00:00Z',
      sets: [
        {
          tool: 'sqlx',
          dir: '/ws/migrations',
          trackingTable: '_sqlx_migrations',
          trackingTableFound: true,
          canApply: true,
          rows: [row('/ws/m/1.up.sql', 'applied', '/ws/m/1.down.sql'), row('/ws/m/2.sql', 'failed'), row('/ws/m/3.sql', 'modified'), row('/ws/m/4.sql', 'pending')],
        },
      ],
    });
    assert.deepEqual(
      ['/ws/m/1.up.sql', '/ws/m/1.down.sql', '/ws/m/2.sql', '/ws/m/3.sql', '/ws/m/4.sql', '/ws/m/5.sql'].map((f) => history.isShipped(f)),
      [true, true, true, true, false, false],
    );
  });
});
