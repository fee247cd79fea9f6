/** Where a `querylens check` run is rooted. */
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAME } from '../core/config/types';

/**
 * The nearest folder at or above `start` holding `.querylens.json` or `.git`;
 * without one, `start` itself (its folder, when `start` is a file).
 */
export function findRoot(start: string): string {
  const first = isDirectory(start) ? start : path.dirname(start);
  for (let dir = first; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, CONFIG_FILE_NAME)) || existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return first;
  }
}

export function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
