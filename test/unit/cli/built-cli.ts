// The built CLI (bin/querylens.js -> dist/cli.js), run as users and CI run it.
// QUERYLENS_CLI points at another prebuilt bin to skip the build.
import { execSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';

export const repo = path.resolve(__dirname, '..', '..', '..');
export const cli = process.env.QUERYLENS_CLI ?? path.join(repo, 'bin', 'querylens.js');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `querylens ...args` in `cwd`, outside any GitHub workspace. */
export function run(cwd: string, ...args: string[]): Run {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, GITHUB_WORKSPACE: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Builds dist/ once per suite, unless QUERYLENS_CLI names a prebuilt CLI. */
export function buildCli(): void {
  if (!process.env.QUERYLENS_CLI) execSync('npm run build --silent', { cwd: repo, stdio: 'inherit' });
}
