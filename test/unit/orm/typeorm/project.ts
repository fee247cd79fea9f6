/**
 * A TypeORM project of the tests: a fix applied as the editor applies it, and
 * the project compiled by the real compiler against typeorm 1.1.1's types
 * (strict, experimentalDecorators + emitDecoratorMetadata, which TypeORM's
 * column types need) into `out/`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../../../shared/types';

const ROOT = path.resolve(__dirname, '../../../..');

function offsetAt(text: string, line: number, character: number): number {
  let at = 0;
  for (let i = 0; i < line; i++) at = text.indexOf('\n', at) + 1;
  return at + character;
}

/** Applies a fix as the editor does: its new files written, its edits made. */
export function apply(finding: Finding): string[] {
  const fix = finding.fixes[0]!;
  const touched: string[] = [];
  for (const change of fix.changes) {
    if (change.kind === 'create') fs.writeFileSync(change.file, change.content);
    else if (change.kind === 'edit') {
      let text = fs.readFileSync(change.file, 'utf8');
      const edits = change.edits.map((e) => ({ start: offsetAt(text, e.range.start.line, e.range.start.character), end: offsetAt(text, e.range.end.line, e.range.end.character), newText: e.newText }));
      for (const e of edits.sort((a, b) => b.start - a.start)) text = text.slice(0, e.start) + e.newText + text.slice(e.end);
      fs.writeFileSync(change.file, text);
    } else continue;
    touched.push(change.file);
  }
  return touched;
}

/** `tsc` over the project's sources (strict, decorators as TypeORM needs them) into `out/`: its errors, [] when it compiles. */
export function compile(root: string): string[] {
  const config = {
    compilerOptions: { strict: true, target: 'es2022', module: 'commonjs', moduleResolution: 'node', esModuleInterop: true, skipLibCheck: true, experimentalDecorators: true, emitDecoratorMetadata: true, outDir: 'out', rootDir: 'src', types: [] },
    include: ['src/**/*.ts'],
  };
  fs.writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify(config));
  const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], { encoding: 'utf8', cwd: root });
  return run.stdout.split('\n').filter((l) => /error TS/.test(l));
}

