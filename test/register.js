// Lets mocha require TypeScript test files: each .ts file is transpiled by esbuild
// (the project's one bundler) on load. Type-checking is `npm run typecheck`'s job.
const { transformSync } = require('esbuild');
const fs = require('node:fs');

require.extensions['.ts'] = function (module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    loader: 'ts',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    sourcefile: filename,
  });
  module._compile(code, filename);
};
