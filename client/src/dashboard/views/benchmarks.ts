/**
 * The Benchmarks tab: "Run benchmark" (`#ql-run-benchmark`, on the query at
 * the last cursor position), the saved runs (`tr.ql-run-row[data-run-id]`,
 * with `data-selected` / `data-role=base|head`), the comparison of two runs
 * (`#ql-compare`, `tr.ql-ratio[data-stat][data-verdict]`) and the selected
 * run (`#ql-run-detail`: stats, targets `li.ql-target[data-pass]`, the
 * histogram `#ql-bench-histogram` and latency over time `#ql-bench-timeline`,
 * drawn by the webview script). Pure.
 */
import type { BenchmarkRun, BenchmarkTarget } from '../../../../shared/dashboard';
import { NOT_UNDONE } from '../../../../shared/effects';
import { formatCount, formatMs } from '../../plan/format';
import type { DashboardState } from '../messages';
import { compareRuns, formatDateTime, formatPercent, formatRatio, STAT_KEYS, STAT_LABEL, targetSummary, verdict } from '../model';
import { button, cells, fact, h, levelBadge, placeholder, t, table, type Node } from './nodes';

type BenchmarksState = DashboardState['benchmarks'];

export function formatStat(key: keyof BenchmarkRun['stats'], value: number): string {
  if (key === 'opsPerSec') return value >= 100 ? formatCount(value) : value.toFixed(1);
  if (key === 'errors') return formatCount(value);
  return formatMs(value);
}

export function benchmarksTab(state: BenchmarksState): Node[] {
  const runs = state.value ?? [];
  const byId = (id: string | undefined) => runs.find((r) => r.id === id);
  const base = byId(state.base);
  const head = byId(state.head);
  const selected = byId(state.selected) ?? runs[0];
  return [
    h('section', { id: 'ql-bench-actions', classes: ['ql-section', 'ql-actions'] },
      button(state.running ? 'Benchmark running…' : 'Run benchmark', { type: 'runBenchmark' }, {
        id: 'ql-run-benchmark',
        title: 'A full benchmark (warm-up, iterations, concurrency) of the query at the cursor, saved in .querylens/benchmarks/',
        attrs: state.running ? { disabled: 'true', 'aria-busy': 'true' } : {},
      }),
      t('span', state.target ? `Query at ${state.target}` : 'Put the cursor in a query of an editor first.', { id: 'ql-bench-target', classes: ['ql-legend'] })),
    runsSection(runs, state, selected?.id),
    base && head && base.id !== head.id ? comparisonSection(base, head) : undefined,
    selected ? runDetail(selected) : undefined,
  ].filter((n): n is Node => n !== undefined);
}

function runsSection(runs: BenchmarkRun[], state: BenchmarksState, selectedId: string | undefined): Node {
  if (runs.length === 0) {
    return h('section', { id: 'ql-runs', classes: ['ql-section'], data: { count: '0' } },
      t('h2', 'Saved runs'),
      placeholder('No saved runs in .querylens/benchmarks/ yet: run one on a query.'));
  }
  return h('section', { id: 'ql-runs', classes: ['ql-section'], data: { count: String(runs.length) } },
    t('h2', `Saved runs (${runs.length})`),
    t('p', 'Pick a base and a head to compare them (before / after an index, main / branch).', { classes: ['ql-legend'] }),
    table({}, ['Run', 'When', 'Connection', 'Git', 'Runs', 'p50', 'p95', 'ops/s', 'Targets', 'Compare'], runs.map((run) => {
      const role = run.id === state.base ? 'base' : run.id === state.head ? 'head' : '';
      const targets = targetSummary(run);
      return h('tr', {
        classes: ['ql-run-row', 'ql-clickable', ...(run.id === selectedId ? ['ql-selected'] : [])],
        data: { 'run-id': run.id, selected: String(run.id === selectedId), role },
        action: { type: 'pickRun', id: run.id, role: 'show' },
        title: run.sql,
      },
        ...cells(
          t('td', run.name, { classes: ['ql-run-name'] }),
          formatDateTime(run.createdAt),
          run.connection,
          run.git ? `${run.git.commit}${run.git.branch ? ` (${run.git.branch})` : ''}` : '—',
          `${formatCount(run.iterations)} × ${run.concurrency}`,
          formatMs(run.stats.p50Ms),
          formatMs(run.stats.p95Ms),
          formatStat('opsPerSec', run.stats.opsPerSec),
          targets.total === 0 ? '—' : h('td', {}, levelBadge(targets.pass ? 'ok' : 'critical', `${targets.passed}/${targets.total} met`)),
          h('td', { classes: ['ql-compare-buttons'] },
            button('Base', { type: 'pickRun', id: run.id, role: 'base' }, { classes: ['ql-pick-base'], attrs: { 'aria-pressed': String(role === 'base') } }),
            button('Head', { type: 'pickRun', id: run.id, role: 'head' }, { classes: ['ql-pick-head'], attrs: { 'aria-pressed': String(role === 'head') } })),
        ));
    })));
}

function comparisonSection(base: BenchmarkRun, head: BenchmarkRun): Node {
  const { ratios } = compareRuns(base, head);
  return h('section', { id: 'ql-compare', classes: ['ql-section'], data: { base: base.id, head: head.id } },
    t('h2', `${base.name} → ${head.name}`),
    t('p', 'Ratio is head / base: below ×1 is faster for latencies; above ×1 is better for ops/s. Within ±5 % is noise.', { classes: ['ql-legend'] }),
    table({ classes: ['ql-compare-table'] }, ['', 'Base', 'Head', 'Ratio'], STAT_KEYS.map((key) => {
      const v = verdict(key, ratios[key]);
      return h('tr', { classes: ['ql-ratio', `ql-${v}`], data: { stat: key, verdict: v, ratio: String(ratios[key]) } },
        ...cells(t('th', STAT_LABEL[key]), formatStat(key, base.stats[key]), formatStat(key, head.stats[key]), t('td', formatRatio(ratios[key]), { classes: ['ql-ratio-value'] })));
    })));
}

export function targetText(target: BenchmarkTarget): string {
  const label = STAT_LABEL[target.metric] ?? target.metric;
  const bound = (value: number) => formatStat(target.metric, value);
  const parts = [target.max !== undefined && `${label} ≤ ${bound(target.max)}`, target.min !== undefined && `${label} ≥ ${bound(target.min)}`].filter(Boolean);
  return parts.join(' and ') || label;
}

function runDetail(run: BenchmarkRun): Node {
  const params = run.params.length ? run.params.map((v) => (v === null ? 'NULL' : typeof v === 'string' ? `'${v}'` : String(v))).join(', ') : 'none';
  return h('section', { id: 'ql-run-detail', classes: ['ql-section'], data: { 'run-id': run.id } },
    h('header', { classes: ['ql-header'] }, t('h2', run.name), t('span', run.connection, { classes: ['ql-connection'] })),
    h('pre', { id: 'ql-run-sql', classes: ['ql-code'] }, t('code', run.sql)),
    h('dl', { classes: ['ql-facts'] },
      fact('source', 'Query', run.source ? `${run.source.file}:${run.source.line}` : undefined),
      fact('params', 'Parameters', params),
      fact('iterations', 'Iterations', `${formatCount(run.iterations)} after ${formatCount(run.warmup)} warm-up, concurrency ${run.concurrency}`),
      fact('transaction', 'Writes', run.rolledBack ? `Rolled back after each run; ${NOT_UNDONE.write}` : 'None (read-only)'),
      fact('overhead', 'Engine overhead', run.overheadPct === undefined ? undefined : `${formatPercent(run.overheadPct / 100)} per iteration`),
      fact('git', 'Git', run.git ? `${run.git.commit}${run.git.branch ? ` on ${run.git.branch}` : ''}` : undefined),
      fact('created', 'When', formatDateTime(run.createdAt))),
    run.source && h('div', { classes: ['ql-actions'] }, button('Open query', { type: 'open', file: run.source.file, line: Math.max(0, run.source.line - 1) }, { classes: ['ql-link'] })),
    table({ classes: ['ql-stats'] }, STAT_KEYS.map((k) => STAT_LABEL[k]), [
      h('tr', {}, ...STAT_KEYS.map((k) => t('td', formatStat(k, run.stats[k]), { data: { stat: k } }))),
    ]),
    run.targets.length > 0 && h('ul', { id: 'ql-targets', classes: ['ql-targets'] }, ...run.targets.map((target) =>
      h('li', { classes: ['ql-target', target.pass ? 'ql-good' : 'ql-bad'], data: { metric: target.metric, pass: String(target.pass) } },
        levelBadge(target.pass ? 'ok' : 'critical', target.pass ? 'pass' : 'fail'),
        t('span', `${targetText(target)}: ${formatStat(target.metric, run.stats[target.metric])}`)))),
    h('div', { classes: ['ql-charts'] },
      h('div', { classes: ['ql-chart-box'] }, t('h3', 'Latency histogram'),
        h('div', { id: 'ql-bench-histogram', classes: ['ql-chart'], data: { chart: 'histogram' } })),
      h('div', { classes: ['ql-chart-box'] }, t('h3', 'Latency over time'),
        h('div', { id: 'ql-bench-timeline', classes: ['ql-chart'], data: { chart: 'timeline' } }))));
}
