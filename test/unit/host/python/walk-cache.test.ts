import assert from 'node:assert/strict';
import { extractHost, workspaceModelsOf } from '../../../../server/src/core/host/extract';
import { hostParser } from '../../../../server/src/core/host/treesitter';
import type { HostModel } from '../../../../server/src/core/host/types';
import { hostQueryKey, WalkCache } from '../../../../server/src/core/host/walk-cache';
import { loadParsers, py } from './helpers';

// Typing in a Python file (the language server): each version is extracted with the
// workspace's models and the file's walk cache, and a top-level function whose text did not
// change is taken over from the version before (its queries keep their cache key), not
// walked again. The workspace hands the same model list to every extraction until a model
// changes; the extraction must not make a new one of it each time (the cache's context).

const MODELS = py(`
  from sqlalchemy import Column, Integer, String
  from sqlalchemy.orm import declarative_base

  Base = declarative_base()


  class Task(Base):
      __tablename__ = 'tasks'
      id = Column(Integer, primary_key=True)
      status = Column(String(20), nullable=False)
`);

const SERVICE = py(`
  from app.models import Task


  def open_tasks(session):
      return session.query(Task).filter(Task.status == 'open').all()


  def done_tasks(session):
      return session.query(Task).filter(Task.status == 'done').all()
`);

describe('host/python: the extraction cache (typing)', () => {
  loadParsers();
  afterEach(() => hostParser('python').clear());

  it('takes over the functions an edit did not touch, extraction after extraction with the same models', () => {
    const own = extractHost('app/models.py', MODELS, { schemaOnly: true })!.models;
    // A TypeScript ORM's model beside them: the workspace's list holds every language's.
    const typeorm: HostModel = { ...own[0]!, className: 'Order', table: 'orders', orm: 'typeorm' };
    const models = workspaceModelsOf([...own, typeorm]);
    const cache = new WalkCache();
    const first = extractHost('app/service.py', SERVICE, { models, walkCache: cache })!;
    const edited = SERVICE.replace("'open').all()", "'open' ).all()");
    const second = extractHost('app/service.py', edited, { models, walkCache: cache })!;
    const third = extractHost('app/service.py', edited.replace("'done').all()", "'done' ).all()"), { models, walkCache: cache })!;
    const keys = (x: typeof first) => x.queries.map((q) => hostQueryKey(q));
    assert.equal(first.queries.length, 2);
    assert.deepEqual(first.queries.map((q) => q.model?.tables.map((t) => t.name)), [['tasks'], ['tasks']]);
    // The edited function is walked again, the other taken over.
    assert.notEqual(keys(second)[0], keys(first)[0]);
    assert.equal(keys(second)[1], keys(first)[1]);
    assert.equal(keys(third)[0], keys(second)[0]);
    assert.notEqual(keys(third)[1], keys(second)[1]);
  });

  it('takes over the methods of a module-level class, and walks again those whose reads of the class or of module strings changed', () => {
    const repo = py(`
      from sqlalchemy import select, text

      from app.models import Task

      OPEN = "SELECT id FROM tasks WHERE status = 'open'"


      class Status:
          done = "done"


      class TaskRepository:
          model = Task

          async def mine(self, session):
              return (await session.execute(select(self.model).where(Task.status == 'b'))).scalars().all()

          def first(self, session):
              return session.query(Task).filter(Task.status == 'a').all()

          def raw(self, session):
              return session.execute(text(OPEN)).all()


      def module_raw(session):
          return session.execute(text(OPEN)).all()
    `);
    const own = extractHost('app/models.py', MODELS, { schemaOnly: true })!.models;
    const models = workspaceModelsOf(own);
    const cache = new WalkCache();
    // Each edit on the version before.
    const edits: [string, string][] = [
      // In `first`: `mine` is taken over; `raw` and `module_raw` read OPEN, now farther from them (its span is in their queries).
      ["Task.status == 'a'", "Task.status  == 'a'"],
      // In `module_raw`: the methods are taken over.
      ['def module_raw(session):\n    return', 'def module_raw(session):\n    return '],
      // Above the class: `mine` keeps its distance to `model = Task` and is taken over, moved; so is `first`.
      ['    done = "done"', '    done = "done"\n    todo = "todo"'],
      // OPEN's SQL (same length): what reads it is walked again.
      ["status = 'open'", "status = 'shut'"],
    ];
    const versions = [repo];
    for (const [from, to] of edits) {
      assert.ok(versions[versions.length - 1]!.includes(from), from);
      versions.push(versions[versions.length - 1]!.replace(from, to));
    }
    const keys: (string | undefined)[][] = [];
    for (const [i, text] of versions.entries()) {
      const incremental = extractHost('app/repo.py', text, { models, walkCache: cache })!;
      hostParser('python').clear();
      // What a first extraction of the same text gives (a new cache, a fresh tree).
      assert.equal(JSON.stringify(incremental), JSON.stringify(extractHost('app/repo.py', text, { models, walkCache: new WalkCache() })), `version ${i}`);
      keys.push(incremental.queries.map((q) => hostQueryKey(q)));
    }
    assert.equal(keys[0]!.length, 4);
    const taken = (i: number) => keys[i]!.map((k, q) => k === keys[i - 1]![q]);
    assert.deepEqual(taken(1), [true, false, false, false]);
    assert.deepEqual(taken(2), [true, true, true, false]);
    assert.deepEqual(taken(3), [true, true, false, false]);
    assert.deepEqual(taken(4), [true, true, false, false]);
  });
});
