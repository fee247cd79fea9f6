// One bundler for everything: the VS Code client, the language server and the CLI.
// `--production` minifies, `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** libpg-query loads its WebAssembly next to the bundle (`__dirname`): ship it in dist/. */
function copyAssets() {
  mkdirSync('dist', { recursive: true });
  const wasm = join(dirname(require.resolve('libpg-query')), 'libpg-query.wasm');
  copyFileSync(wasm, 'dist/libpg-query.wasm');
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // jsonc-parser's UMD `main` hides its requires from the bundler: take its ESM build.
  mainFields: ['module', 'main'],
};

/**
 * node-sql-parser (SQLite/MySQL) is most of the bundle's size and only needed for those
 * dialects: it is bundled on its own and required lazily, so a PostgreSQL run never
 * pays for compiling it.
 */
const sqlParserAsSibling = {
  name: 'node-sql-parser-sibling',
  setup(build) {
    build.onResolve({ filter: /^node-sql-parser$/ }, () => ({ path: './node-sql-parser.js', external: true }));
  },
};

const builds = [
  { ...common, entryPoints: { client: 'client/src/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  {
    ...common,
    entryPoints: { server: 'server/src/lsp/main.ts', cli: 'server/src/cli/main.ts' },
    outdir: 'dist',
    plugins: [sqlParserAsSibling],
  },
  { ...common, entryPoints: { 'node-sql-parser': 'node-sql-parser' }, outdir: 'dist' },
];

copyAssets();
if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
