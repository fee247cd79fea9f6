/**
 * `.querylens.json`'s "server" reaches the pool rules through the workspace,
 * as the CLI and the language server build it: the same engine finds a pool
 * too large for three instances, and nothing without the setting.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseConfigText } from '../../../server/src/core/config/load';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';
import { useWorkspaces } from '../migrations/workspace';

const APP = 'from sqlalchemy import create_engine\n\nengine = create_engine(\n    "postgresql://app@db/app",\n    pool_size=20,\n    max_overflow=10,\n    pool_pre_ping=True,\n    pool_recycle=3600,\n    connect_args={"connect_timeout": 10},\n)\n';

describe('config: "server" for the pool rules', () => {
  const make = useWorkspaces();
  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  async function findings(configText: string) {
    const { root } = make({ 'app/db.py': APP });
    const loaded = parseConfigText(configText);
    assert.deepEqual(loaded.problems, []);
    const ws = await Workspace.create({ root, config: loaded.config });
    return ws.analyze(path.join(root, 'app/db.py')).map((f) => `${f.ruleId}=${f.severity} ${f.range.start.line}:${f.range.start.character}-${f.range.end.character} ${f.message.split(':').slice(0, 2).join(':')}`);
  }

  it('three instances of 20 + 10 on max_connections 100: info at pool_size; four: warning; none without "server"', async () => {
    assert.deepEqual(await findings('{ "server": { "maxConnections": 100, "instances": 3 } }'), [
      'pool-exceeds-server-connections=info 4:4-16 create_engine(...): configured 20 + 10 overflow × 3 instances = 90 of 97 available (max_connections 100 − 3 reserved)',
    ]);
    assert.deepEqual(await findings('{ "server": { "maxConnections": 100, "reservedConnections": 3, "instances": 4 } }'), [
      'pool-exceeds-server-connections=warning 4:4-16 create_engine(...): configured 20 + 10 overflow × 4 instances = 120 of 97 available (max_connections 100 − 3 reserved)',
    ]);
    assert.deepEqual(await findings('{}'), []);
  });
});
