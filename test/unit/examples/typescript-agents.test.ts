// examples/typescript-agents is a TypeScript service users read and copy: it must type-check
// against the real pg and knex type definitions (the repository's node_modules), as
// `npx tsc --noEmit -p examples/typescript-agents` would.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import * as ts from 'typescript';

const example = join(__dirname, '..', '..', '..', 'examples', 'typescript-agents');

describe('examples/typescript-agents', function () {
  this.timeout(120_000);

  it('type-checks with its own tsconfig.json (strict)', () => {
    const parsed = ts.getParsedCommandLineOfConfigFile(join(example, 'tsconfig.json'), { noEmit: true }, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    })!;
    assert.equal(parsed.options.strict, true);
    assert.deepEqual(parsed.fileNames.map((f) => f.slice(example.length + 1)).sort(),
      ['src/db.ts', 'src/http.ts', 'src/reports.ts', 'src/routes.ts', 'src/taskManager.ts']);
    const program = ts.createProgram(parsed.fileNames, parsed.options);
    const errors = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? `${d.file.fileName.slice(example.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : '';
      return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
    });
    assert.deepEqual(errors, []);
  });
});
