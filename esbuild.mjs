// One bundler for everything: the VS Code client, the language server and the CLI.
// `--production` minifies, `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/**
 * The parsers load their WebAssembly next to the bundle (`__dirname`): libpg-query's,
 * web-tree-sitter's runtime, the grammar packages' own .wasm files (the grammars
 * are listed in shared/languages.ts, read here through esbuild) and Prisma's schema parser.
 */
async function grammars() {
  const { outputFiles } = await esbuild.build({ entryPoints: ['shared/languages.ts'], bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'warning' });
  const { GRAMMARS } = await import(`data:text/javascript;base64,${Buffer.from(outputFiles[0].text).toString('base64')}`);
  return Object.values(GRAMMARS).map((g) => [g.pkg, g.wasm]);
}
const WASM_ASSETS = [
  ['libpg-query', 'libpg-query.wasm'],
  ['web-tree-sitter', 'web-tree-sitter.wasm'],
  ...(await grammars()),
  // Prisma's schema parser (server/src/core/prisma/parser.ts), which reads it from `${__dirname}/`.
  ['@prisma/prisma-schema-wasm', 'src/prisma_schema_build_bg.wasm'],
];
function copyAssets() {
  mkdirSync('dist', { recursive: true });
  for (const [pkg, file] of WASM_ASSETS) {
    const dir = join('node_modules', pkg);
    const found = [join(dir, file), join(dir, 'wasm', file)].find((p) => existsSync(p));
    if (!found) throw new Error(`esbuild.mjs: ${file} not found in ${pkg}`);
    copyFileSync(found, join('dist', basename(file)));
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
 * pays for compiling it. Its one-dialect builds (MySQL's, SQLite's: the same grammars
 * as its all-dialect build, a tenth of its size) are bundled, each in its own file.
 */
const sqlParserAsSibling = {
  name: 'node-sql-parser-sibling',
  setup(build) {
    build.onResolve({ filter: /^node-sql-parser\/build\/(mysql|sqlite)$/ }, (args) => ({ path: `./node-sql-parser-${args.path.split('/').pop()}.js`, external: true }));
  },
};

const builds = [
  { ...common, entryPoints: { client: 'client/src/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  {
    ...common,
    entryPoints: { server: 'server/src/lsp/main.ts', cli: 'server/src/cli/main.ts' },
    outdir: 'dist',
    plugins: [sqlParserAsSibling],
    // `import()` (web-tree-sitter's `import('fs/promises')`) becomes `require`: bin/code-cache.js runs
    // cli.js as a vm.Script, whose dynamic imports Node 20 cannot serve once its code comes from the cache.
    supported: { 'dynamic-import': false },
  },
  { ...common, entryPoints: { 'node-sql-parser-mysql': 'node-sql-parser/build/mysql', 'node-sql-parser-sqlite': 'node-sql-parser/build/sqlite' }, outdir: 'dist' },
];

// ---------------------------------------------------------------------------------------------
// Plan webview (issue 4, VS Code client side). The webview loads local files only, all from
// dist/webview (its localResourceRoots): its script (client/src/plan/webview/main.ts, bundled
// for the browser), its stylesheet (media/webview/plan.css) and PEV2 with what PEV2 needs
// (Vue's global build, Bootstrap's CSS), copied from node_modules. The page loads them in the
// order client/src/plan/html.ts lists.
// ---------------------------------------------------------------------------------------------
const WEBVIEW_DIR = join('dist', 'webview');
const WEBVIEW_ASSETS = [
  'node_modules/vue/dist/vue.global.prod.js',
  'node_modules/pev2/dist/pev2.umd.js',
  'node_modules/pev2/dist/pev2.css',
  'node_modules/bootstrap/dist/css/bootstrap.min.css',
  'media/webview/theme.css',
  'media/webview/plan.css',
];
function copyWebviewAssets(files = WEBVIEW_ASSETS) {
  mkdirSync(WEBVIEW_DIR, { recursive: true });
  for (const file of files) {
    if (!existsSync(file)) throw new Error(`esbuild.mjs: webview asset ${file} not found`);
    copyFileSync(file, join(WEBVIEW_DIR, file.split('/').pop()));
  }
}
builds.push({
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2020',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  entryPoints: { plan: 'client/src/plan/webview/main.ts' },
  outdir: WEBVIEW_DIR,
});
copyWebviewAssets();
// ---------------------------------------------------------------------------------------------
// End of the plan webview block.
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Dashboard webview (issue 5, VS Code client side). Like the plan webview, it loads local files
// only, from dist/webview: its script (client/src/dashboard/webview/main.ts, bundled for the
// browser), its stylesheet (media/webview/dashboard.css) and uPlot's IIFE build and CSS (no eval,
// no injected <style>: the page's CSP allows no inline styles). Loaded in the order
// client/src/dashboard/page.ts lists.
// ---------------------------------------------------------------------------------------------
const DASHBOARD_ASSETS = ['node_modules/uplot/dist/uPlot.iife.min.js', 'node_modules/uplot/dist/uPlot.min.css', 'media/webview/dashboard.css'];
// The same browser build as the plan's script, another entry point.
builds.push({ ...builds.find((options) => options.entryPoints?.plan), entryPoints: { dashboard: 'client/src/dashboard/webview/main.ts' } });
copyWebviewAssets(DASHBOARD_ASSETS);
// ---------------------------------------------------------------------------------------------
// End of the dashboard webview block.
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Database drivers (issue 4, server side; server/src/db/drivers/). SQLite and PGlite run in a
// host process the server forks (dist/db-host.js) so a timeout or a cancel can kill them:
// - pg is bundled into server.js/cli.js; its optional native binding `pg-native` is not shipped;
// - better-sqlite3 is bundled into db-host.js and loads its compiled binding from
//   dist/better_sqlite3.node (the `nativeBinding` option); where that binary does not match the
//   Node ABI (code-server on Node 24), the host falls back to node:sqlite;
// - PGlite is ESM and finds its .wasm/.data through import.meta.url, which a CommonJS bundle
//   lacks: its dist files are copied to dist/pglite/ (marked ESM by a package.json) and the host
//   imports them from there at run time.
// ---------------------------------------------------------------------------------------------
for (const options of builds) {
  if (options.entryPoints?.server) options.external = [...(options.external ?? []), 'pg-native'];
}
builds.push({ ...common, entryPoints: { 'db-host': 'server/src/db/drivers/host/child.ts' }, outdir: 'dist', external: ['pg-native'] });
function copyDatabaseAssets() {
  const pgliteDist = join('node_modules', '@electric-sql', 'pglite', 'dist');
  const target = join('dist', 'pglite');
  mkdirSync(target, { recursive: true });
  // Its code, WebAssembly and data, with sub-folders (fs/, ...); not the extension tarballs or maps.
  cpSync(pgliteDist, target, { recursive: true, filter: (src) => statSync(src).isDirectory() || /\.(js|wasm|data)$/.test(src) });
  writeFileSync(join(target, 'package.json'), '{ "type": "module" }\n');
  // pgvector for PGlite: its ESM entry and the extension's tarball, which it finds next to itself.
  const vectorDist = join('node_modules', '@electric-sql', 'pglite-pgvector', 'dist');
  mkdirSync(join(target, 'vector'), { recursive: true });
  for (const file of ['index.js', 'vector.tar.gz']) copyFileSync(join(vectorDist, file), join(target, 'vector', file));
  const binding = join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(binding)) throw new Error(`esbuild.mjs: ${binding} not found (better-sqlite3 not built)`);
  copyFileSync(binding, join('dist', 'better_sqlite3.node'));
}
copyDatabaseAssets();
// ---------------------------------------------------------------------------------------------
// End of the database drivers block.
// ---------------------------------------------------------------------------------------------

/** A production build (what `npm run package` ships) leaves no source map of an earlier development build behind. */
function removeSourceMaps(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) removeSourceMaps(path);
    else if (entry.name.endsWith('.map')) rmSync(path);
  }
}

if (production) removeSourceMaps('dist');
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
