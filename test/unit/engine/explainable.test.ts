import assert from 'node:assert/strict';
import * as path from 'node:path';
import { defaultConfig } from '../../../server/src/core/config/types';
import { explainableAt, explainableQueries } from '../../../server/src/core/engine/explainable';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';

const ROOT = '/project';
const at = (rel: string) => path.join(ROOT, rel);

const MIGRATION = `CREATE TABLE workers (
  worker_id serial PRIMARY KEY,
  planner_id integer NOT NULL,
  task_status text NOT NULL,
  created_at timestamptz NOT NULL
);
`;

const MODELS = `from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Worker(Base):
    __tablename__ = 'workers'
    worker_id = Column(Integer, primary_key=True)
    planner_id = Column(Integer, nullable=False, index=True)
    task_status = Column(String(50), nullable=False, index=True)
`;

function workspace(files: Record<string, string>): Workspace {
  return Workspace.fromFiles({ root: ROOT, config: defaultConfig() }, files);
}

describe('explainable queries', () => {
  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  it('lists the SELECT/INSERT/UPDATE/DELETE statements of a SQL file with typed parameters, not its DDL', () => {
    const queries = `CREATE INDEX workers_created ON workers (created_at);
SELECT worker_id FROM workers WHERE planner_id = $1 AND task_status = $2;
DELETE FROM workers WHERE created_at < $1;
`;
    const ws = workspace({ [at('migrations/001_init.sql')]: MIGRATION, [at('queries.sql')]: queries });
    const found = explainableQueries(ws, at('queries.sql'));
    assert.deepEqual(
      found.map((q) => [q.kind, q.sql, q.params]),
      [
        ['select', 'SELECT worker_id FROM workers WHERE planner_id = $1 AND task_status = $2', [
          { name: '$1', column: 'workers.planner_id', type: 'integer' },
          { name: '$2', column: 'workers.task_status', type: 'text' },
        ]],
        ['delete', 'DELETE FROM workers WHERE created_at < $1', [{ name: '$1', column: 'workers.created_at', type: 'timestamptz' }]],
      ],
    );
    const select = found[0]!;
    assert.equal(queries.slice(select.span.start, select.span.end), select.sql);
    assert.equal(explainableAt(ws, at('queries.sql'), queries.indexOf('DELETE') + 3)?.kind, 'delete');
    assert.equal(explainableAt(ws, at('queries.sql'), queries.indexOf('CREATE') + 3), undefined);
  });

  it('numbers ? and :name parameters by first appearance (SQLite)', () => {
    const ws = Workspace.fromFiles({ root: ROOT, config: { ...defaultConfig(), dialect: 'sqlite' } }, { [at('q.sql')]: 'SELECT * FROM t WHERE a = :a AND b = ? AND c = :a;\n' });
    const [query] = explainableQueries(ws, at('q.sql'));
    assert.deepEqual(query!.params.map((p) => p.name), [':a', '?']);
  });

  it('renders a SQLAlchemy query chain to the SQL the ORM sends, every value bound', () => {
    const code = `from app.models import Worker


def current(session, pid):
    return session.query(Worker).filter(Worker.planner_id == pid, Worker.task_status == 'pending').order_by(Worker.worker_id).first()
`;
    const ws = workspace({ [at('app/models.py')]: MODELS, [at('app/tasks.py')]: code });
    const [query] = explainableQueries(ws, at('app/tasks.py'));
    assert.ok(query, 'the ORM chain is explainable');
    assert.equal(query.orm, true);
    assert.equal(
      query.sql,
      'SELECT workers.* FROM workers WHERE workers.planner_id = $1 AND workers.task_status = $2 ORDER BY workers.worker_id LIMIT 1',
    );
    assert.deepEqual(query.params.map((p) => [p.name, p.column]), [['$1', 'workers.planner_id'], ['$2', 'workers.task_status']]);
    assert.ok(code.slice(query.span.start, query.span.end).startsWith('session.query(Worker)'));
  });

  it('takes raw SQL from host code, binds numbered as the driver sends them', () => {
    const code = `from sqlalchemy import text


def done(session, pid):
    return session.execute(text("SELECT worker_id FROM workers WHERE planner_id = :pid")).all()
`;
    const ws = workspace({ [at('migrations/001_init.sql')]: MIGRATION, [at('app/raw.py')]: code });
    const [query] = explainableQueries(ws, at('app/raw.py'));
    assert.equal(query?.orm, false);
    assert.equal(query?.sql, 'SELECT worker_id FROM workers WHERE planner_id = $1');
    assert.deepEqual(query?.params, [{ name: '$1', column: 'workers.planner_id', type: 'integer' }]);
  });
});
