/**
 * Saved benchmark runs: `<root>/.querylens/benchmarks/<id>.json`, one small
 * file per run, meant to be committed and reviewed. The bytes are stable:
 * keys in a fixed order, numbers rounded by the engine, short arrays on one
 * line, no absolute path (the source file is relative to the root), so that
 * two runs of the same query differ only where their measurements do.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { MAX_SOURCE_BYTES, readTextFileSync } from '../../core/config/read';
import type { BenchmarkRun } from '../../../../shared/dashboard';

export const BENCHMARKS_DIR = path.join('.querylens', 'benchmarks');

export function benchmarksDir(root: string): string {
  return path.join(root, BENCHMARKS_DIR);
}

/** Keys in the order a reviewer reads them; any other key follows, alphabetically. */
const KEY_ORDER = [
  'id', 'name', 'createdAt', 'connection', 'source', 'git', 'sql', 'params',
  'iterations', 'warmup', 'concurrency', 'rolledBack', 'wallMs', 'stats', 'targets', 'overheadPct',
  'firstError', 'notes', 'histogram', 'timeline',
  // nested: source, git, stats, targets, histogram
  'file', 'line', 'commit', 'branch',
  'minMs', 'meanMs', 'p50Ms', 'p95Ms', 'p99Ms', 'maxMs', 'opsPerSec', 'errors',
  'metric', 'max', 'min', 'pass', 'bucketsMs', 'counts',
];
const RANK = new Map(KEY_ORDER.map((k, i) => [k, i]));

function orderKeys(a: string, b: string): number {
  const ra = RANK.get(a) ?? Infinity;
  const rb = RANK.get(b) ?? Infinity;
  return ra !== rb ? ra - rb : a < b ? -1 : a > b ? 1 : 0;
}

/** JSON with the fixed key order; arrays of numbers (and of short number pairs) packed onto few lines. */
export function stableStringify(value: unknown, indent = ''): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const flat = value.every((v) => v === null || typeof v !== 'object');
    if (flat) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    const pairs = value.every((v) => Array.isArray(v) && v.every((x) => typeof x === 'number'));
    if (pairs) return `[\n${packLines(value.map((v) => `[${(v as number[]).join(', ')}]`), inner)}\n${indent}]`;
    return `[\n${value.map((v) => inner + stableStringify(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => orderKeys(a, b));
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${stableStringify(v, inner)}`).join(',\n')}\n${indent}}`;
}

/** Items joined with ", " into lines of at most ~100 characters. */
function packLines(items: string[], indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    if (line && indent.length + line.length + item.length + 2 > 100) {
      lines.push(`${indent}${line},`);
      line = '';
    }
    line = line ? `${line}, ${item}` : item;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

/** `2026-11-30T17-42-00Z_task_manager_5`: sortable by time, readable, safe on every file system. */
export function runId(createdAt: string, name: string): string {
  const time = createdAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 60) || 'query';
  return `${time}_${slug}`;
}

/** The commit and branch of the repository holding `root`, when there is one (and git is installed). */
export function gitInfo(root: string): { commit: string; branch?: string } | undefined {
  const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5_000 }).trim();
  try {
    const commit = git('rev-parse', '--short', 'HEAD');
    let branch: string | undefined;
    try {
      branch = git('rev-parse', '--abbrev-ref', 'HEAD');
    } catch {
      branch = undefined;
    }
    return { commit, ...(branch && branch !== 'HEAD' ? { branch } : {}) };
  } catch {
    return undefined; // not a repository, no commit yet, or no git
  }
}

/** Writes the run under a fresh id (a second run in the same second gets `-2`, `-3` ...); returns the run as saved. */
export function saveRun(root: string, run: Omit<BenchmarkRun, 'id'>): BenchmarkRun {
  const dir = benchmarksDir(root);
  mkdirSync(dir, { recursive: true });
  const base = runId(run.createdAt, run.name);
  let id = base;
  for (let n = 2; existsSync(path.join(dir, `${id}.json`)); n++) id = `${base}-${n}`;
  const saved: BenchmarkRun = { id, ...run };
  writeFileSync(path.join(dir, `${id}.json`), `${stableStringify(saved)}\n`);
  return saved;
}

/** Every readable run of the folder, newest first; files that are not runs are skipped (reported through `skip`). */
export function listRuns(root: string, skip?: (file: string, why: string) => void): BenchmarkRun[] {
  const dir = benchmarksDir(root);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const runs: BenchmarkRun[] = [];
  for (const name of names) {
    try {
      // Bounded, regular files only: a FIFO or a /dev/zero link named *.json must not hang the history.
      const read = readTextFileSync(path.join(dir, name), { maxBytes: MAX_SOURCE_BYTES });
      if (read.text === undefined) throw new Error(read.error);
      const run = JSON.parse(read.text) as BenchmarkRun;
      if (!run || typeof run !== 'object' || typeof run.createdAt !== 'string' || !run.stats) throw new Error('not a benchmark run');
      run.id ??= name.slice(0, -'.json'.length);
      runs.push(run);
    } catch (error) {
      skip?.(path.join(dir, name), (error as Error).message);
    }
  }
  return runs.sort((a, b) => (a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? 1 : -1) : a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/** A run by id, or `latest` (of the same query when `like` is given: same source, else same SQL). */
export function findRun(runs: BenchmarkRun[], which: string, like?: Pick<BenchmarkRun, 'sql' | 'source'>): BenchmarkRun | undefined {
  if (which !== 'latest') return runs.find((r) => r.id === which || r.id === which.replace(/\.json$/, ''));
  return like ? runs.find((r) => sameQuery(r, like)) : runs[0];
}

/** Two runs measure the same query: the same SQL (wherever it moved), or the same file and line (the SQL was edited). */
export function sameQuery(a: Pick<BenchmarkRun, 'sql' | 'source'>, b: Pick<BenchmarkRun, 'sql' | 'source'>): boolean {
  if (a.sql === b.sql) return true;
  return !!a.source && !!b.source && a.source.file === b.source.file && a.source.line === b.source.line;
}
