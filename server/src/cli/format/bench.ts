/**
 * `querylens bench` as text: the statistics, the latency histogram as a
 * small bar chart, the targets' verdicts and, with --compare, the ratios.
 */
import type { BenchmarkComparison, BenchmarkRun, LatencyStats } from '../../../../shared/dashboard';
import { isRegression, STAT_LABELS } from '../../db/bench';

const BAR_WIDTH = 40;

function ms(value: number): string {
  return value >= 100 ? `${Math.round(value)} ms` : `${Number(value.toPrecision(3))} ms`;
}

const ROWS = STAT_LABELS;

function value(metric: keyof LatencyStats, v: number): string {
  return metric === 'opsPerSec' ? v.toFixed(1) : metric === 'errors' ? String(v) : ms(v);
}

export function formatBench(run: BenchmarkRun, where: string, comparison?: { base: BenchmarkRun; result: BenchmarkComparison }, savedAs?: string): string {
  const out: string[] = [];
  const mode = run.rolledBack ? 'writes rolled back' : 'read-only';
  out.push(`${where}  (${run.connection} · ${run.iterations} iterations after ${run.warmup} warm-up · ${run.concurrency} session(s) · ${mode})`);
  for (const note of run.notes ?? []) out.push(`note: ${note}`);
  out.push('');
  if (comparison) {
    out.push(`${'statistic'.padEnd(10)}${'base'.padStart(12)}${'head'.padStart(12)}${'ratio'.padStart(9)}   (base ${comparison.base.id})`);
    for (const [metric, label] of ROWS) {
      const r = comparison.result.ratios[metric];
      const text = r === Infinity ? 'new' : `×${r.toFixed(2)}`;
      out.push(`${label.padEnd(10)}${value(metric, comparison.base.stats[metric]).padStart(12)}${value(metric, run.stats[metric]).padStart(12)}${text.padStart(9)}${isRegression(metric, r) ? '  worse' : ''}`);
    }
  } else {
    for (const [metric, label] of ROWS) out.push(`${label.padEnd(10)}${value(metric, run.stats[metric]).padStart(12)}`);
  }
  if (run.firstError) out.push(`first error: ${run.firstError}`);
  if (run.overheadPct !== undefined) out.push(`engine overhead: ${run.overheadPct.toFixed(2)} % against a plain driver loop`);
  out.push('', ...histogramLines(run.histogram));
  if (run.targets.length) {
    out.push('');
    for (const t of run.targets) {
      const bound = [t.max !== undefined ? `<= ${value(t.metric, t.max)}` : '', t.min !== undefined ? `>= ${value(t.metric, t.min)}` : ''].filter(Boolean).join(' and ');
      out.push(`${t.pass ? 'PASS' : 'FAIL'}  ${t.metric} ${bound} (${value(t.metric, run.stats[t.metric])})`);
    }
  }
  if (savedAs) out.push('', `saved ${savedAs}`);
  return `${out.join('\n')}\n`;
}

/** One line per bucket: `  <= 6.3 ms  ████████  12`; empty buckets between filled ones are kept (they show the gap). */
export function histogramLines(histogram: BenchmarkRun['histogram']): string[] {
  if (histogram.counts.length === 0) return ['(no successful iteration: no histogram)'];
  const most = Math.max(...histogram.counts);
  const labels = histogram.bucketsMs.map((b) => `<= ${ms(b)}`);
  const width = Math.max(...labels.map((l) => l.length));
  return histogram.counts.map((n, i) => {
    const bar = n === 0 ? '' : '█'.repeat(Math.max(1, Math.round((n / most) * BAR_WIDTH)));
    return `  ${labels[i]!.padStart(width)}  ${bar.padEnd(BAR_WIDTH)}  ${n}`;
  });
}
