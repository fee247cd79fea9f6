/**
 * Type-checks TypeScript files with the real compiler (`tsc --noEmit`, strict)
 * against the real type definitions in node_modules (pg, postgres, kysely,
 * knex, better-sqlite3), in a temporary folder: one compiler run for many files.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/** The compiler's errors per file name (files without errors map to []). */
export function typecheck(files: Record<string, string>): Record<string, string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ql-tsc-'));
  try {
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    // ES modules, as Kysely ships only those.
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    return compileIn(dir, files, { module: 'node16', moduleResolution: 'node16', esModuleInterop: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Writes `files` into `dir` (which already holds what they import) and compiles them with
 * `tsc -p` (strict, no emit, ES2022, with `options` on top): the errors per file name.
 */
export function compileIn(dir: string, files: Record<string, string>, options: Record<string, unknown>): Record<string, string[]> {
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  const config = { compilerOptions: { strict: true, noEmit: true, target: 'es2022', skipLibCheck: true, types: ['node'], ...options }, files: Object.keys(files) };
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(config));
  const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], { encoding: 'utf8', cwd: dir });
  const errors: Record<string, string[]> = Object.fromEntries(Object.keys(files).map((f) => [f, []]));
  for (const line of run.stdout.split('\n')) {
    const m = /^([^(]+)\((\d+),\d+\): error (TS\d+: .*)$/.exec(line.trim());
    if (m) (errors[m[1]!] ??= []).push(`line ${m[2]}: ${m[3]}`);
    else if (/error TS/.test(line)) (errors['(config)'] ??= []).push(line.trim());
  }
  return errors;
}
