import assert from 'node:assert/strict';
import * as path from 'node:path';
import { defaultConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';

// `prepareForEdits` types an edit into an open host file and takes it out again,
// ahead of the first keystroke; the walk cache takes unchanged top-level
// functions over edit to edit. Neither may change what is reported.

const ROOT = '/project';
const at = (rel: string) => path.join(ROOT, rel);

const MODELS = `from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Task(Base):
    __tablename__ = 'tasks'
    id = Column(Integer, primary_key=True)
    project_id = Column(Integer, nullable=False)
    status = Column(String(20), nullable=False)
`;

/** A service module: functions with queries, loops and raw SQL; `n` of them. */
function service(n: number): string {
  const out = ['from sqlalchemy import select, text', 'from app.models import Task', ''];
  for (let i = 0; i < n; i++) {
    out.push(
      '',
      `def open_tasks_${i}(session, project_id):`,
      `    return session.query(Task).filter(Task.project_id == project_id, Task.status == 'open').all()`,
      '',
      '',
      `def counts_${i}(session, ids):`,
      '    out = {}',
      '    for pid in ids:',
      `        out[pid] = session.execute(text("SELECT count(*) FROM tasks WHERE project_id = :p AND status = 'x${i}'"), {"p": pid}).scalar()`,
      '    return out',
      '',
    );
  }
  return out.join('\n') + '\n';
}

describe('engine: readying a host file for typing', () => {
  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  const config = { ...defaultConfig(), dialect: 'postgres' as const };
  // Fixes that write a migration carry the time they were made.
  const stable = (w: Workspace, file: string) => JSON.stringify(w.analyze(at(file))).replace(/\d{14}/g, 'T');

  it('leaves the file, its findings and what typing reports as they were', () => {
    const files: Record<string, string> = { 'app/models.py': MODELS, 'app/service.py': service(12) };
    const ws = Workspace.fromFiles({ root: ROOT, config, incremental: true }, files);
    const before = stable(ws, 'app/service.py');
    assert.ok(JSON.parse(before).length > 0);
    ws.prepareForEdits(at('app/service.py'));
    assert.equal(ws.textOf(at('app/service.py')), files['app/service.py']);
    assert.equal(stable(ws, 'app/service.py'), before);
    assert.deepEqual(ws.affectedBy(at('app/service.py')), [at('app/service.py')]);
    // Typing afterwards: a query moved by a space, a loop body edited, a function added at the top.
    const edits: [string, string][] = [
      ["Task.status == 'open').all()", "Task.status == 'open' ).all()"],
      ['for pid in ids:', 'for pid in  ids:'],
      ['from app.models import Task\n', 'from app.models import Task\n\n\ndef first(session):\n    return session.query(Task).all()\n'],
    ];
    for (const [from, to] of edits) {
      files['app/service.py'] = files['app/service.py']!.replace(from, to);
      ws.setFile(at('app/service.py'), files['app/service.py']!);
      const fresh = Workspace.fromFiles({ root: ROOT, config }, files);
      assert.equal(stable(ws, 'app/service.py'), stable(fresh, 'app/service.py'), `after ${from} -> ${to}`);
    }
  });

  it('leaves a file that declares models alone', () => {
    const files: Record<string, string> = { 'app/models.py': MODELS, 'app/service.py': service(2) };
    const ws = Workspace.fromFiles({ root: ROOT, config, incremental: true }, files);
    const before = stable(ws, 'app/models.py');
    ws.prepareForEdits(at('app/models.py'));
    assert.equal(ws.textOf(at('app/models.py')), MODELS);
    assert.equal(stable(ws, 'app/models.py'), before);
  });

  it('follows module-level SQL a function reads (those functions are walked again)', () => {
    const module = `from sqlalchemy import text\nfrom app.models import Task\n\nQUERY = "SELECT id FROM tasks WHERE status = 'open'"\n\n\ndef run(session):\n    return session.execute(text(QUERY)).all()\n`;
    const files: Record<string, string> = { 'app/models.py': MODELS, 'app/service.py': module };
    const ws = Workspace.fromFiles({ root: ROOT, config, incremental: true }, files);
    ws.analyze(at('app/service.py'));
    files['app/service.py'] = module.replace("status = 'open'", "status = 'open' LIMIT 10");
    ws.setFile(at('app/service.py'), files['app/service.py']!);
    const fresh = Workspace.fromFiles({ root: ROOT, config }, files);
    assert.equal(stable(ws, 'app/service.py'), stable(fresh, 'app/service.py'));
  });
});
