/**
 * The built language server on Python code: a SQLAlchemy project whose models
 * live in one file and whose queries in another (test/fixtures/lsp-python).
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver/node';
import { buildServerOnce, copyFixture, reportFailure, TestClient } from './client';

const TASKS = `from app.models import Planner, Worker


def current_task(session, pid):
    return session.query(Worker).filter(Worker.planner_id == pid, Worker.task_status == 'pending').first()


def report(session):
    planners = session.query(Planner).limit(20).all()
    for planner in planners:
        print(len(planner.workers))
`;

const codes = (diagnostics: Diagnostic[]) => diagnostics.map((d) => d.code).sort();

describe('language server on Python (built, over stdio)', function () {
  let client: TestClient;
  let root: string;

  before(function () {
    this.timeout(120_000);
    buildServerOnce();
  });

  beforeEach(async function () {
    root = copyFixture('lsp-python');
    client = await TestClient.start(root);
  });

  afterEach(async function () {
    reportFailure(this, client);
    await client?.dispose();
  });

  it('flags the seed lookup and the lazy relationship read in the loop, at their code', async function () {
    const uri = await client.open(join(root, 'app/tasks.py'), TASKS, 'python');
    const diagnostics = await client.waitForDiagnostics(uri, (d) => codes(d).includes('n-plus-one'));
    assert.deepEqual(codes(diagnostics), ['missing-composite-index', 'n-plus-one']);
    const lines = TASKS.split('\n');
    const text = (d: Diagnostic) => lines[d.range.start.line]!.slice(d.range.start.character, d.range.end.character);
    const byCode = (code: string) => diagnostics.find((d) => d.code === code)!;
    assert.equal(text(byCode('missing-composite-index')), "Worker.planner_id == pid, Worker.task_status == 'pending'");
    assert.equal(text(byCode('n-plus-one')), 'planner.workers');
    assert.equal(byCode('n-plus-one').source, 'QueryLens');
  });

  it('fixes the N+1 with selectinload on the outer query, and the diagnostic goes', async function () {
    const uri = await client.open(join(root, 'app/tasks.py'), TASKS, 'python');
    const diagnostics = await client.waitForDiagnostics(uri, (d) => codes(d).includes('n-plus-one'));
    const diagnostic = diagnostics.find((d) => d.code === 'n-plus-one')!;
    const actions = await client.codeActions(uri, diagnostic.range, [diagnostic]);
    const fix = actions.find((a) => a.title.includes('selectinload'));
    assert.ok(fix, `no selectinload fix among ${actions.map((a) => a.title).join(', ')}`);
    const edits = (fix.edit?.documentChanges ?? []).flatMap((c) => ('edits' in c ? c.edits : []));
    let fixed = TASKS;
    const offsetOf = (p: { line: number; character: number }) =>
      fixed.split('\n').slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
    for (const edit of [...edits].sort((a, b) => offsetOf(b.range.start) - offsetOf(a.range.start))) {
      fixed = fixed.slice(0, offsetOf(edit.range.start)) + ('newText' in edit ? edit.newText : '') + fixed.slice(offsetOf(edit.range.end));
    }
    assert.match(fixed, /session\.query\(Planner\)\.limit\(20\)\.options\(selectinload\(Planner\.workers\)\)\.all\(\)/);
    assert.match(fixed, /^from sqlalchemy\.orm import selectinload$/m);
    await client.change(uri, fixed);
    await client.waitForDiagnostics(uri, (d) => !codes(d).includes('n-plus-one'));
  });

  it('re-checks queries when the models file gains the composite index', async function () {
    const uri = await client.open(join(root, 'app/tasks.py'), TASKS, 'python');
    await client.waitForDiagnostics(uri, (d) => codes(d).includes('missing-composite-index'));
    const modelsFile = join(root, 'app/models.py');
    const models = require('node:fs').readFileSync(modelsFile, 'utf8') as string;
    const modelsUri = await client.open(modelsFile, models, 'python');
    await client.change(modelsUri, models + "\n\nIndex('idx_workers_planner_status', Worker.planner_id, Worker.task_status)\n");
    await client.waitForDiagnostics(uri, (d) => !codes(d).includes('missing-composite-index'));
  });
});
