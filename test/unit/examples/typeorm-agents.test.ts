// examples/typeorm-agents is a TypeScript service users read and copy: it must type-check
// against typeorm's real type definitions (the repository's node_modules), with the decorators
// TypeORM needs, as `npx tsc --noEmit -p examples/typeorm-agents` would.
import { strict as assert } from 'node:assert';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../../server/src/core/config/load';
import { LineIndex } from '../../../server/src/core/engine/lineIndex';
import { Workspace } from '../../../server/src/core/engine/workspace';
import type { Finding } from '../../../shared/types';
import { typecheckExample } from './typecheck-example';

const ROOT = path.join(__dirname, '..', '..', '..');
const example = path.join(ROOT, 'examples', 'typeorm-agents');

/** `text` with the first fix of each finding applied (their edits, all in this file, do not overlap). */
function applied(text: string, findings: Finding[]): string {
  const lines = new LineIndex(text);
  const edits = findings.flatMap((f) => f.fixes[0]!.changes.flatMap((c) => (c.kind === 'edit' ? c.edits : [])));
  let out = text;
  for (const e of edits.map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), newText: e.newText })).sort((a, b) => b.start - a.start)) {
    out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  }
  return out;
}

describe('examples/typeorm-agents', function () {
  this.timeout(120_000);

  it('type-checks with its own tsconfig.json (strict, experimentalDecorators)', () => {
    const { options, files, errors } = typecheckExample('typeorm-agents');
    assert.equal(options.strict, true);
    assert.equal(options.experimentalDecorators, true);
    assert.deepEqual(files, [
      'src/data-source.ts', 'src/entities/agent.ts', 'src/entities/document.ts', 'src/entities/planner.ts', 'src/entities/worker.ts',
      'src/migrations/1704445200000-Init.ts', 'src/routes.ts', 'src/taskManager.ts',
    ]);
    assert.deepEqual(errors, []);
  });

  it('reports the seed cases, and its fixes of the unpaginated reads and the INSERT per document compile', async () => {
    const { config } = await loadConfig(example);
    const workspace = await Workspace.create({ root: example, config });
    const files = ['src/routes.ts', 'src/taskManager.ts'];
    const findings = Object.fromEntries(files.map((file) => [file, workspace.analyze(path.join(example, file))]));
    assert.deepEqual(files.flatMap((file) => findings[file]!.map((f) => `${file}:${f.range.start.line + 1} ${f.ruleId} ${f.severity}${f.fixes[0] ? ` [${f.fixes[0].title}]` : ''}`)), [
      'src/routes.ts:22 unpaginated-query info [Add take: 100 to the find options]',
      'src/routes.ts:34 leading-wildcard-like warning [Add index on documents(title) using gin in a new migration]',
      'src/taskManager.ts:17 missing-composite-index info [Add index on workers(planner_id, task_status) in a new migration and on the Worker entity]',
      'src/taskManager.ts:22 missing-composite-index info [Add index on workers(planner_id, task_status, created_at) in a new migration and on the Worker entity]',
      'src/taskManager.ts:30 unpaginated-query info [Add take: 100 (findBy(where) → find({ where, take: 100 }))]',
      'src/taskManager.ts:30 n-plus-one warning [Insert one query for all agent rows above the loop (review, then use its rows)]',
      'src/taskManager.ts:44 commit-in-loop warning [Insert all of titles with one insert]',
    ]);
    const copy = mkdtempSync(path.join(tmpdir(), 'ql-typeorm-example-'));
    try {
      cpSync(example, copy, { recursive: true });
      symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
      const fixed: Record<string, string> = {};
      for (const file of files) {
        const text = readFileSync(path.join(example, file), 'utf8');
        fixed[file] = applied(text, findings[file]!.filter((f) => f.ruleId === 'unpaginated-query' || f.ruleId === 'commit-in-loop'));
        writeFileSync(path.join(copy, file), fixed[file]!);
      }
      const before = (file: string) => readFileSync(path.join(example, file), 'utf8');
      assert.equal(fixed['src/routes.ts'], before('src/routes.ts').replace('agents.find({ where: { tenantId } })', 'agents.find({ where: { tenantId }, take: 100 })'));
      assert.equal(fixed['src/taskManager.ts'], before('src/taskManager.ts')
        .replace('this.workers.findBy({ agent: { id: agent.id } })', 'this.workers.find({ where: { agent: { id: agent.id } }, take: 100 })')
        .replace(
          '    for (const title of titles) {\n      await documents.insert({ collectionId, title });\n    }',
          '    // QueryLens commit-in-loop: one INSERT for all of titles.\n    await documents.insert(titles.map((title) => ({ collectionId, title })));',
        ));
      assert.deepEqual(typecheckExample('typeorm-agents', copy).errors, []);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
