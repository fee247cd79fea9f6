// examples/typeorm-agents is a TypeScript service users read and copy: it must type-check
// against typeorm's real type definitions (the repository's node_modules), with the decorators
// TypeORM needs, as `npx tsc --noEmit -p examples/typeorm-agents` would.
import { strict as assert } from 'node:assert';
import { typecheckExample } from './typecheck-example';

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
});
