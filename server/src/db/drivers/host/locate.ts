/**
 * Where the host process's code and its database engines are, in the two
 * ways QueryLens runs: bundled (dist/: esbuild.mjs builds `db-host.js` and
 * copies PGlite's files to `dist/pglite/` and better-sqlite3's binding to
 * `dist/better_sqlite3.node`), or from TypeScript source (tests), where the
 * packages are found in node_modules.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';

export interface HostEntry {
  file: string;
  execArgv: string[];
}

const fromSource = __filename.endsWith('.ts');

export function hostEntry(): HostEntry {
  const bundled = path.join(__dirname, 'db-host.js');
  if (!fromSource && existsSync(bundled)) return { file: bundled, execArgv: [] };
  // From source the host is TypeScript too: load it through the repository's own
  // TypeScript loader (the one mocha uses), found above this folder.
  return { file: path.join(__dirname, 'child.ts'), execArgv: ['--require', findUp('test/register.js')] };
}

/** PGlite's ESM entry: the bundle's copy, else the package's. */
export function pgliteModule(): string {
  const bundled = path.join(__dirname, 'pglite', 'index.js');
  if (!fromSource && existsSync(bundled)) return bundled;
  // The package's `require` export is its CJS build; the ESM one sits next to it. (The name
  // is a variable so the bundler leaves this source-only lookup alone.)
  const pkg = '@electric-sql/pglite';
  return path.join(path.dirname(require.resolve(pkg)), 'index.js');
}

/**
 * pgvector for PGlite (@electric-sql/pglite-pgvector): the bundle's copy in
 * dist/pglite/vector/, else the package's; undefined when neither is there
 * (the embedded database then runs without it, and says so on a vector query).
 */
export function pgliteExtensionModules(): Record<string, string> {
  const bundled = path.join(__dirname, 'pglite', 'vector', 'index.js');
  if (!fromSource && existsSync(bundled)) return { vector: bundled };
  try {
    const pkg = '@electric-sql/pglite-pgvector';
    return { vector: path.join(path.dirname(require.resolve(pkg)), 'index.js') };
  } catch {
    return {};
  }
}

/** better-sqlite3's compiled binding shipped next to the bundle, if any. */
export function sqliteNativeBinding(): string | undefined {
  const bundled = path.join(__dirname, 'better_sqlite3.node');
  return !fromSource && existsSync(bundled) ? bundled : undefined;
}

function findUp(relative: string): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, relative);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`${relative} not found above ${__dirname}`);
  }
}
