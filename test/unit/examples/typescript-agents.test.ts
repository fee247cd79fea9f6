// examples/typescript-agents is a TypeScript service users read and copy: it must type-check
// against the real pg and knex type definitions (the repository's node_modules), as
// `npx tsc --noEmit -p examples/typescript-agents` would.
import { strict as assert } from 'node:assert';
import { typecheckExample } from './typecheck-example';

describe('examples/typescript-agents', function () {
  this.timeout(120_000);

  it('type-checks with its own tsconfig.json (strict)', () => {
    const { options, files, errors } = typecheckExample('typescript-agents');
    assert.equal(options.strict, true);
    assert.deepEqual(files, ['src/db.ts', 'src/http.ts', 'src/reports.ts', 'src/routes.ts', 'src/taskManager.ts']);
    assert.deepEqual(errors, []);
  });
});
