// An example folder type-checked with its own tsconfig.json, as `npx tsc --noEmit -p examples/<name>` would,
// against the real type definitions of the repository's node_modules.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import * as ts from 'typescript';

/** The example's compiler options, the files it compiles (relative, sorted) and the compiler's errors. */
export function typecheckExample(name: string, dir?: string): { options: ts.CompilerOptions; files: string[]; errors: string[] } {
  // `dir`: a copy of the example (with the fixes applied, say), where its imports resolve as in the repository.
  const example = dir ?? join(__dirname, '..', '..', '..', 'examples', name);
  const parsed = ts.getParsedCommandLineOfConfigFile(join(example, 'tsconfig.json'), { noEmit: true }, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
  })!;
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  const errors = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName.slice(example.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : '';
    return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
  });
  return { options: parsed.options, files: parsed.fileNames.map((f) => f.slice(example.length + 1)).sort(), errors };
}
