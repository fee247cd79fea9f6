/**
 * `"benchmarks"` in `.querylens.json` (issue 5): the targets every benchmark
 * run is judged against, and the run's defaults.
 *
 *   "benchmarks": {
 *     "targets": { "p95Ms": 50, "opsPerSec": { "min": 100 } },
 *     "iterations": 200, "warmup": 20, "concurrency": 4
 *   }
 *
 * A bare number is a ceiling for latencies and errors, a floor for ops/s
 * (what "p95 under 50 ms" and ">1000 ops/sec" in the seed documents mean).
 */
import { LATENCY_STATS } from '../../../../shared/judge';
import type { Node } from 'jsonc-parser';
import type { LatencyStats } from '../../../../shared/dashboard';

export type BenchmarkMetric = keyof LatencyStats;

export interface BenchmarkConfig {
  /** Per statistic, the bound(s) a run must keep. */
  targets?: Partial<Record<BenchmarkMetric, { max?: number; min?: number }>>;
  iterations?: number;
  warmup?: number;
  concurrency?: number;
}

export const BENCHMARK_METRICS: readonly BenchmarkMetric[] = LATENCY_STATS;

/**
 * The counts a run may ask for, wherever they come from (.querylens.json, the
 * CLI, an LSP request): a million timings take 8 MB; 1e12 would take 8 TB.
 */
export const BENCH_COUNT_LIMITS = {
  iterations: { min: 1, max: 1_000_000 },
  warmup: { min: 0, max: 1_000_000 },
  concurrency: { min: 1, max: 1_000 },
} as const;

export type BenchCount = keyof typeof BENCH_COUNT_LIMITS;

const COUNTS = Object.keys(BENCH_COUNT_LIMITS) as BenchCount[];

/** What is wrong with `value` as the count `name` ("must be a whole number from 1 to 1,000,000"), or undefined. */
export function benchCountProblem(name: BenchCount, value: unknown): string | undefined {
  const { min, max } = BENCH_COUNT_LIMITS[name];
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return undefined;
  return `must be a whole number from ${min} to ${max.toLocaleString('en-US')}`;
}

export function parseBenchmarkConfig(node: Node, problem: (node: Node, message: string) => void): BenchmarkConfig | undefined {
  if (node.type !== 'object') {
    problem(node, '"benchmarks" must be an object, e.g. { "targets": { "p95Ms": 50 } }.');
    return undefined;
  }
  const config: BenchmarkConfig = {};
  for (const property of node.children ?? []) {
    const [key, value] = property.children ?? [];
    if (!key || !value) continue;
    const name = String(key.value);
    if (name === 'targets') {
      const targets = parseTargets(value, problem);
      if (targets) config.targets = targets;
    } else if ((COUNTS as string[]).includes(name)) {
      const why = benchCountProblem(name as BenchCount, value.type === 'number' ? value.value : undefined);
      if (why) problem(value, `"benchmarks.${name}" ${why}.`);
      else config[name as BenchCount] = value.value as number;
    } else {
      problem(key, `Unknown benchmarks setting "${name}"; known: "targets", ${COUNTS.map((c) => `"${c}"`).join(', ')}.`);
    }
  }
  return config;
}

function parseTargets(node: Node, problem: (node: Node, message: string) => void): BenchmarkConfig['targets'] {
  if (node.type !== 'object') {
    problem(node, '"benchmarks.targets" must map statistics to bounds, e.g. { "p95Ms": 50, "opsPerSec": { "min": 100 } }.');
    return undefined;
  }
  const targets: NonNullable<BenchmarkConfig['targets']> = {};
  for (const property of node.children ?? []) {
    const [key, value] = property.children ?? [];
    if (!key || !value) continue;
    const metric = String(key.value) as BenchmarkMetric;
    if (!BENCHMARK_METRICS.includes(metric)) {
      problem(key, `Unknown benchmark statistic "${metric}"; known: ${BENCHMARK_METRICS.map((m) => `"${m}"`).join(', ')}.`);
      continue;
    }
    if (value.type === 'number' && value.value >= 0) {
      targets[metric] = metric === 'opsPerSec' ? { min: value.value as number } : { max: value.value as number };
      continue;
    }
    const bound: { max?: number; min?: number } = {};
    let ok = value.type === 'object' && (value.children ?? []).length > 0;
    for (const side of value.type === 'object' ? (value.children ?? []) : []) {
      const [k, v] = side.children ?? [];
      if (k && v && (k.value === 'max' || k.value === 'min') && v.type === 'number' && v.value >= 0) bound[k.value as 'max' | 'min'] = v.value as number;
      else ok = false;
    }
    if (ok) targets[metric] = bound;
    else problem(value, `The target for "${metric}" must be a number (${metric === 'opsPerSec' ? 'a floor' : 'a ceiling'}) or { "max": n } / { "min": n }, not negative.`);
  }
  return targets;
}
