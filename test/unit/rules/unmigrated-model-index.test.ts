/**
 * unmigrated-model-index through the engine: it needs a real workspace (the
 * model file, migrations that build the table, the catalog where they win).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { defaultConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';

const ROOT = '/project';
const MODELS = `from sqlalchemy import Column, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Worker(Base):
    __tablename__ = 'workers'
    worker_id = Column(String(32), primary_key=True)
    planner_id = Column(String(32), nullable=False, index=True)
    task_status = Column(String(50), nullable=False, index=True)
`;
const INIT = `CREATE TABLE workers (worker_id text PRIMARY KEY, planner_id text NOT NULL, task_status text NOT NULL);
CREATE INDEX idx_workers_planner_id ON workers (planner_id);
`;

function findings(files: Record<string, string>) {
  const ws = Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, files);
  const file = path.join(ROOT, 'app/models.py');
  const text = files['app/models.py']!;
  return ws
    .analyze(file)
    .filter((f) => f.ruleId === 'unmigrated-model-index')
    .map((f) => {
      const line = text.split('\n')[f.range.start.line]!;
      return { text: line.slice(f.range.start.character, f.range.end.character), finding: f };
    });
}

describe('unmigrated-model-index', () => {
  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  it('hints at the model index no migration creates, with a migration as its fix', () => {
    const found = findings({ 'app/models.py': MODELS, 'migrations/000001_init.up.sql': INIT, 'migrations/000001_init.down.sql': 'DROP TABLE workers;\n' });
    assert.deepEqual(found.map((f) => f.text), ['index=True']);
    const { finding } = found[0]!;
    assert.equal(finding.severity, 'hint');
    assert.equal(finding.range.start.line, 10, 'the task_status column, not planner_id (which the migration indexes)');
    assert.match(finding.message, /Model Worker declares an index on workers\(task_status\), but no migration creates it/);
    const fix = finding.fixes[0]!;
    assert.equal(fix.title, 'Add index on workers(task_status) in a new migration');
    const created = fix.changes.map((c) => path.basename(c.file));
    assert.deepEqual(created, ['000002_add_index_workers_task_status.up.sql', '000002_add_index_workers_task_status.down.sql']);
  });

  it('stays quiet when the migrations create the index, or when the model is the schema', () => {
    const migrated = INIT + 'CREATE INDEX idx_workers_task_status ON workers (task_status);\n';
    assert.deepEqual(findings({ 'app/models.py': MODELS, 'migrations/000001_init.up.sql': migrated }), []);
    assert.deepEqual(findings({ 'app/models.py': MODELS }), []);
  });
});
