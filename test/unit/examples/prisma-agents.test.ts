// examples/prisma-agents is a Prisma 7 service users read and copy: its Prisma Client is generated
// by the real `prisma generate` (prisma-client generator) into a copy, and the service must
// type-check against it and @prisma/adapter-pg, as `npm run typecheck` there would.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import * as ts from 'typescript';
import { loadConfig } from '../../../server/src/core/config/load';
import { Workspace } from '../../../server/src/core/engine/workspace';

const repo = join(__dirname, '..', '..', '..');
const example = join(repo, 'examples', 'prisma-agents');

describe('examples/prisma-agents', function () {
  this.timeout(180_000);
  let copy: string;

  before(() => {
    copy = fs.mkdtempSync(join(os.tmpdir(), 'ql-prisma-agents-'));
    fs.cpSync(example, copy, { recursive: true, filter: (src) => !src.includes(`${join('src', 'generated')}`) });
    fs.symlinkSync(join(repo, 'node_modules'), join(copy, 'node_modules'), 'dir');
    // The CLI checks for its schema engine at start-up, which it downloads; generation does not use it,
    // and the download is not reachable here, so any executable stands in for it.
    execFileSync(process.execPath, [join(repo, 'node_modules', 'prisma', 'build', 'index.js'), 'generate'], {
      cwd: copy,
      env: { ...process.env, DATABASE_URL: 'postgresql://localhost/none', PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      stdio: 'pipe',
    });
  });
  after(() => fs.rmSync(copy, { recursive: true, force: true }));

  it('type-checks with its own tsconfig.json (strict) against the generated client', () => {
    const parsed = ts.getParsedCommandLineOfConfigFile(join(copy, 'tsconfig.json'), { noEmit: true }, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    })!;
    assert.equal(parsed.options.strict, true);
    const own = parsed.fileNames.filter((f) => !f.includes('/generated/')).map((f) => f.slice(copy.length + 1)).sort();
    assert.deepEqual(own, ['src/db.ts', 'src/reports.ts', 'src/routes.ts', 'src/taskManager.ts']);
    const program = ts.createProgram(parsed.fileNames, parsed.options);
    const errors = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? `${d.file.fileName.slice(copy.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : '';
      return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
    });
    assert.deepEqual(errors, []);
  });

  it('reports the seed cases, with the fixes in Prisma terms', async () => {
    const { config } = await loadConfig(example);
    const workspace = await Workspace.create({ root: example, config });
    assert.deepEqual(workspace.migrationSets().map((s) => [s.tool, s.migrations.length]), [['prisma', 1]]);
    const found = ['src/reports.ts', 'src/routes.ts', 'src/taskManager.ts'].flatMap((file) =>
      workspace.analyze(join(example, file)).map((f) => `${file}:${f.range.start.line + 1} ${f.ruleId} ${f.severity}${f.fixes[0] ? ` [${f.fixes[0].title}]` : ''}`),
    );
    assert.deepEqual(found, EXPECTED);
  });
});

const EXPECTED = [
  "src/reports.ts:6 missing-composite-index info [Add index on agents(tenant_id, id) in a new migration and @@index to the Agent model]",
  "src/reports.ts:9 unpaginated-query info [Add take: 100 to the findMany arguments]",
  "src/reports.ts:9 n-plus-one warning [Insert one query for all agent rows above the loop (review, then use its rows)]",
  "src/reports.ts:24 commit-in-loop warning [Create all of titles with one createMany]",
  "src/reports.ts:35 leading-wildcard-like warning [Add index on documents(title) using gin in a new migration and @@index to the Document model]",
  "src/reports.ts:40 missing-index warning [Add index on documents(title) in a new migration and @@index to the Document model]",
  "src/routes.ts:14 unpaginated-query info [Add take: 100 to the findMany arguments]",
  "src/routes.ts:19 missing-composite-index info [Add index on agents(tenant_id, id) in a new migration and @@index to the Agent model]",
  "src/taskManager.ts:7 missing-composite-index info [Add index on workers(planner_id, task_status) in a new migration and @@index to the Worker model]",
  "src/taskManager.ts:15 missing-composite-index info [Add index on workers(planner_id, task_status) in a new migration and @@index to the Worker model]",
];
