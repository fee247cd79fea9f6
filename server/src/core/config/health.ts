/**
 * `"health"` in `.querylens.json` (issue 13): the thresholds of the Table
 * health report, for the dashboard and `querylens health` (whose options win).
 *
 *   "health": { "retentionSize": "100MB", "slowMs": 50 }
 *
 * `retentionSize`: tables from this size with a timestamp column no code
 * deletes from are retention candidates (seed 001 alerts at 100 MB).
 * `slowMs`: a number, or seed 000's presets `"production"` (50) and
 * `"high-performance"` (20).
 */
import type { Node } from 'jsonc-parser';

export interface HealthConfig {
  retentionBytes?: number;
  slowMs?: number;
}

/** Seed 000's pool presets: slow_statement_threshold_ms. */
export const SLOW_PRESETS: Readonly<Record<string, number>> = { production: 50, 'high-performance': 20 };

/** `16GB`, `512 MB`, `1.5GB`, `8kB`, `100` (bytes): PostgreSQL's units, 1024-based. Undefined when not a positive size. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|bytes?|kb|kib|k|mb|mib|m|gb|gib|g|tb|tib|t)?\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase()[0]!;
  const factor = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[unit]!;
  const bytes = Math.round(Number(m[1]) * factor);
  return bytes > 0 ? bytes : undefined;
}

export function parseHealthConfig(node: Node, problem: (node: Node, message: string) => void): HealthConfig | undefined {
  if (node.type !== 'object') {
    problem(node, '"health" must be an object, e.g. { "retentionSize": "100MB", "slowMs": 50 }.');
    return undefined;
  }
  const health: HealthConfig = {};
  for (const property of node.children ?? []) {
    const [key, value] = property.children ?? [];
    if (!key || !value) continue;
    if (key.value === 'retentionSize') {
      const bytes = value.type === 'string' ? parseSize(value.value as string) : undefined;
      if (bytes !== undefined) health.retentionBytes = bytes;
      else problem(value, '"health.retentionSize" must be a size such as "100MB" or "1GB".');
    } else if (key.value === 'slowMs') {
      const ms = value.type === 'number' && (value.value as number) >= 0 ? (value.value as number) : value.type === 'string' ? SLOW_PRESETS[value.value as string] : undefined;
      if (ms !== undefined) health.slowMs = ms;
      else problem(value, '"health.slowMs" must be milliseconds, or "production" (50) or "high-performance" (20).');
    } else {
      problem(key, `Unknown health setting "${key.value}"; known: "retentionSize", "slowMs".`);
    }
  }
  return health;
}
