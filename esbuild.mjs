// One bundler for everything: the VS Code client, the language server and the CLI.
// `--production` minifies, `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/**
 * The parsers load their WebAssembly next to the bundle (`__dirname`): libpg-query's,
 * web-tree-sitter's runtime and the grammar packages' own .wasm files.
 */
const WASM_ASSETS = [
  ['libpg-query', 'libpg-query.wasm'],
  ['web-tree-sitter', 'web-tree-sitter.wasm'],
  ['tree-sitter-python', 'tree-sitter-python.wasm'],
  ['tree-sitter-rust', 'tree-sitter-rust.wasm'],
];
function copyAssets() {
  mkdirSync('dist', { recursive: true });
  for (const [pkg, file] of WASM_ASSETS) {
    const dir = join('node_modules', pkg);
    const found = [join(dir, file), join(dir, 'wasm', file)].find((p) => existsSync(p));
    if (!found) throw new Error(`esbuild.mjs: ${file} not found in ${pkg}`);
    copyFileSync(found, join('dist', file));
  }
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
  // web-tree-sitter's ESM build finds itself through import.meta.url, which a CommonJS
  // bundle does not have: take its CommonJS build.
  alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/web-tree-sitter.cjs' },
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
