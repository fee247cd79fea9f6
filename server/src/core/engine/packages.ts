/**
 * The packages of a workspace: a folder with a manifest (`Cargo.toml`,
 * `pyproject.toml`, `setup.cfg`, `setup.py`, `alembic.ini`, `package.json`,
 * `go.mod`), or the root. A file belongs to the nearest one above it; a
 * migration set to the package of its folder. Code is checked against the
 * schema of its own package, the packages it depends on (Cargo path and
 * workspace dependencies) and the packages it sits in (a Cargo workspace's
 * root migrations serve its crates), in its package's dialect: a monorepo
 * of a SQLite crate and a PostgreSQL crate is two schemas, not one.
 */
import * as path from 'node:path';
import type { Dialect } from '../../../../shared/types';
import { manifestDialectOf } from '../host/languages';

/** The files that make a folder a package. */
export const MANIFESTS = ['Cargo.toml', 'pyproject.toml', 'setup.cfg', 'setup.py', 'alembic.ini', 'package.json', 'go.mod'];

export function isManifest(file: string): boolean {
  return MANIFESTS.includes(path.basename(file));
}

/** Rust crates that name their database (sqlx's features say which drivers it builds). */
const CRATE_DIALECTS: Record<string, Dialect> = { rusqlite: 'sqlite', 'tokio-postgres': 'postgres', postgres: 'postgres', 'deadpool-postgres': 'postgres', mysql: 'mysql', mysql_async: 'mysql' };
const SQLX_FEATURES: Record<string, Dialect> = { sqlite: 'sqlite', postgres: 'postgres', mysql: 'mysql' };

interface Package {
  dir: string;
  /** Folders of the packages it depends on (Cargo path dependencies). */
  dependencies: string[];
  /** The database its manifest names, when it names exactly one. */
  dialect?: Dialect;
}

export class Packages {
  private readonly byDir = new Map<string, Package>();
  private readonly visibleCache = new Map<string, string[]>();

  /** `manifests`: each manifest file's absolute path and text. */
  constructor(
    readonly root: string,
    manifests: Iterable<[string, string]>,
  ) {
    const cargo: [string, string][] = [];
    const all = [...manifests];
    for (const [file, text] of all) {
      const dir = path.dirname(file);
      if (!this.byDir.has(dir)) this.byDir.set(dir, { dir, dependencies: [] });
      if (path.basename(file) === 'Cargo.toml') cargo.push([dir, text]);
      const named = manifestDialectOf(file, text);
      if (named) this.byDir.get(dir)!.dialect ??= named;
    }
    if (!this.byDir.has(root)) this.byDir.set(root, { dir: root, dependencies: [] });
    const workspacePaths = new Map<string, string>();
    for (const [dir, text] of cargo) for (const [name, rel] of cargoPathDependencies(text, true)) if (rel) workspacePaths.set(name, path.resolve(dir, rel));
    for (const [dir, text] of cargo) {
      const pkg = this.byDir.get(dir)!;
      for (const [name, rel] of cargoPathDependencies(text, false)) {
        const target = rel === undefined ? workspacePaths.get(name) : path.resolve(dir, rel);
        if (target && this.byDir.has(target)) pkg.dependencies.push(target);
      }
      pkg.dialect = cargoDialect(text);
    }
    // npm/pnpm/yarn workspaces: a package.json depending on another package of the workspace by its name
    // (`"@documenso/prisma": "*"`, `workspace:*`) sees that package's schema and migrations.
    const npm = all.filter(([file]) => path.basename(file) === 'package.json').map(([file, text]) => ({ dir: path.dirname(file), manifest: npmManifest(text) }));
    const byName = new Map(npm.filter((p) => p.manifest?.name).map((p) => [p.manifest!.name!, p.dir]));
    for (const { dir, manifest } of npm) {
      const pkg = this.byDir.get(dir)!;
      for (const name of Object.keys({ ...manifest?.dependencies, ...manifest?.devDependencies })) {
        const target = byName.get(name);
        if (target && target !== dir && !pkg.dependencies.includes(target)) pkg.dependencies.push(target);
      }
    }
  }

  /** The folder of the package `file` (a file or a folder) belongs to. */
  packageOf(file: string): string {
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      if (this.byDir.has(dir)) return dir;
      if (dir === this.root || dir === path.dirname(dir)) return this.root;
    }
  }

  /** The database a package's manifest names, if exactly one. */
  dialectOf(packageDir: string): Dialect | undefined {
    return this.byDir.get(packageDir)?.dialect;
  }

  /**
   * The packages whose schema code in `packageDir` sees: itself, what it
   * depends on (transitively), and the packages it sits in.
   */
  visibleFrom(packageDir: string): string[] {
    let visible = this.visibleCache.get(packageDir);
    if (!visible) {
      const seen = new Set<string>();
      const visit = (dir: string) => {
        if (seen.has(dir)) return;
        seen.add(dir);
        for (const dep of this.byDir.get(dir)?.dependencies ?? []) visit(dep);
      };
      visit(packageDir);
      for (let dir = packageDir; dir !== path.dirname(dir); dir = path.dirname(dir)) {
        if (this.byDir.has(dir)) seen.add(dir);
        if (dir === this.root) break;
      }
      visible = [...seen].sort();
      this.visibleCache.set(packageDir, visible);
    }
    return visible;
  }
}

/**
 * Path dependencies of a Cargo.toml, `[name, relative path]`; `[name,
 * undefined]` for `name = { workspace = true }`. With `workspace`, those of
 * `[workspace.dependencies]` only. Dev-dependencies are tests' business.
 */
function cargoPathDependencies(text: string, workspace: boolean): [string, string | undefined][] {
  const out: [string, string | undefined][] = [];
  let section = '';
  let tableDependency: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      section = header[1]!.trim();
      const table = /^(?:workspace\.)?dependencies\.([\w-]+)$/.exec(section);
      tableDependency = table && section.startsWith('workspace.') === workspace ? table[1] : undefined;
      continue;
    }
    if (tableDependency) {
      const p = /^path\s*=\s*"([^"]+)"/.exec(line);
      if (p) out.push([tableDependency, p[1]]);
      else if (/^workspace\s*=\s*true/.test(line) && !workspace) out.push([tableDependency, undefined]);
      continue;
    }
    if (section !== (workspace ? 'workspace.dependencies' : 'dependencies')) continue;
    const entry = /^([\w-]+)\s*(?:\.\s*workspace\s*=\s*true|=\s*\{(.*)\})/.exec(line);
    if (!entry) continue;
    const p = /\bpath\s*=\s*"([^"]+)"/.exec(entry[2] ?? '');
    if (p) out.push([entry[1]!, p[1]]);
    else if (!workspace && (entry[2] === undefined || /\bworkspace\s*=\s*true/.test(entry[2]))) out.push([entry[1]!, undefined]);
  }
  return out;
}

/** The one database a crate's dependencies name: sqlx's driver features, or a driver crate. */
function cargoDialect(text: string): Dialect | undefined {
  const named = new Set<Dialect>();
  const sqlx = /^\s*sqlx\s*=\s*\{([^}]*)\}/m.exec(text)?.[1] ?? /^\[(?:workspace\.)?dependencies\.sqlx\]([^[]*)/m.exec(text)?.[1];
  for (const feature of /features\s*=\s*\[([^\]]*)\]/.exec(sqlx ?? '')?.[1]?.match(/"[^"]+"/g) ?? []) {
    const dialect = SQLX_FEATURES[feature.slice(1, -1)];
    if (dialect) named.add(dialect);
  }
  for (const [crate, dialect] of Object.entries(CRATE_DIALECTS)) {
    if (new RegExp(`^\\s*${crate.replace(/-/g, '[-_]')}\\s*=`, 'm').test(text)) named.add(dialect);
  }
  return named.size === 1 ? [...named][0] : undefined;
}

/** The parts of a package.json that relate packages: its name and the names it depends on; undefined when it is not JSON. */
function npmManifest(text: string): { name?: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> } | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as { name?: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> }) : undefined;
  } catch {
    return undefined;
  }
}
