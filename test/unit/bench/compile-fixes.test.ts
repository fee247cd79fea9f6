import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** A fix inserting `newText` at the start of line `line` (0-based) of `file`. */
function insert(title: string, file: string, line: number, newText: string) {
  const at = { line, character: 2 };
  return { title, changes: [{ kind: 'edit', file, edits: [{ range: { start: at, end: at }, newText }] }] };
}

describe('bench/compileFixes.mjs', function () {
  this.timeout(120_000);

  it('reports the fixes that bring a new diagnostic to the files they change, and only those', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ql-compile-fixes-'));
    try {
      writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true } }));
      writeFileSync(path.join(dir, 'a.ts'), 'export function f(xs: number[]): number[] {\n  return xs.map((x) => x + 1);\n}\n');
      // c.ts has an error of its own already: a fix adding the same one again still counts.
      writeFileSync(path.join(dir, 'c.ts'), "export const n: number = 'x';\nexport function g(): void {\n  return;\n}\n");
      const findings = {
        findings: [{
          ruleId: 'demo', file: 'a.ts', range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
          fixes: [
            insert('unknown name', 'a.ts', 1, 'inArray(xs); '),
            insert('compiles', 'a.ts', 1, 'void xs; '),
            // Checked in the same program as 'unknown name' (another file): blamed for nothing.
            insert('compiles too', 'c.ts', 2, 'void 0; '),
            insert('same error again', 'c.ts', 2, "const m: number = 'x'; void m; "),
            // A module absent from the checkout is not the fix's doing.
            { title: 'missing module', changes: [{ kind: 'create', file: 'd.ts', content: "import { x } from 'not-installed';\nexport const y = x;\n" }] },
            { title: 'new file', changes: [{ kind: 'create', file: 'b.ts', content: "export const s: string = 1;\n" }] },
          ],
        }],
      };
      writeFileSync(path.join(dir, 'findings.json'), JSON.stringify(findings));
      const out = path.join(dir, 'report.json');
      const run = spawnSync(process.execPath, [path.join(ROOT, 'bench', 'compileFixes.mjs'), '--findings', path.join(dir, 'findings.json'), '--json', out, dir], { encoding: 'utf8' });
      assert.equal(run.status, 1, run.stderr);
      const [report] = JSON.parse(readFileSync(out, 'utf8'));
      assert.equal(report.checked, 6);
      assert.equal(report.realTypes, false);
      assert.equal(report.errorsBefore, 1);
      assert.deepEqual(report.unresolvedImports, ["Cannot find module 'not-installed' or its corresponding type declarations."]);
      assert.deepEqual(report.failures, [
        { where: 'a.ts:2 demo', title: 'unknown name', diagnostics: ["a.ts:2 TS2552: Cannot find name 'inArray'. Did you mean 'Array'?"] },
        { where: 'a.ts:2 demo', title: 'new file', diagnostics: ["b.ts:1 TS2322: Type 'number' is not assignable to type 'string'."] },
        { where: 'a.ts:2 demo', title: 'same error again', diagnostics: ["c.ts:3 TS2322: Type 'string' is not assignable to type 'number'."] },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
