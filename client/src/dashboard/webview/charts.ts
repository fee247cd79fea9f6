/**
 * The dashboard's charts, drawn by uPlot (dist/webview/uPlot.iife.min.js,
 * loaded before dashboard.js) into the `[data-chart]` placeholders the view
 * leaves: the pool's connections by state over time, a benchmark run's
 * latency histogram and its latency over time. Series come from model.ts;
 * colours from VS Code's theme variables, read when drawn (a theme change
 * redraws). Browser only.
 */
import type { DashboardState } from '../messages';
import { histogramChartData, poolChartData, timelineChartData, type ChartData } from '../model';

interface PlotElement {
  clientWidth: number;
  getAttribute(name: string): string | null;
  appendChild(child: unknown): unknown;
}

interface Plot {
  destroy(): void;
  setSize(size: { width: number; height: number }): void;
}

interface UPlotStatic {
  new (options: Record<string, unknown>, data: (number | null)[][], target: PlotElement): Plot;
  paths?: { bars?: (options: Record<string, unknown>) => unknown };
}

declare const uPlot: UPlotStatic | undefined;
declare function getComputedStyle(element: unknown): { getPropertyValue(name: string): string };
declare const document: { body: unknown; querySelectorAll(selector: string): ArrayLike<PlotElement> };

const HEIGHT = 220;
const PALETTE = ['--vscode-charts-blue', '--vscode-charts-green', '--vscode-charts-yellow', '--vscode-charts-red', '--vscode-charts-purple', '--vscode-charts-orange'];
const FALLBACK = ['#3794ff', '#89d185', '#cca700', '#f14c4c', '#b180d7', '#d18616'];

function themeColor(variable: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(variable).trim() || fallback;
}

function axes(xLabel: string, yLabel: string): Record<string, unknown>[] {
  const stroke = themeColor('--vscode-foreground', '#cccccc');
  const grid = { stroke: themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)'), width: 1 };
  return [
    { label: xLabel, stroke, grid, ticks: grid },
    { label: yLabel, stroke, grid, ticks: grid },
  ];
}

function seriesOptions(data: ChartData, bars: boolean): Record<string, unknown>[] {
  const barPaths = bars ? uPlot?.paths?.bars?.({ size: [0.9, 80] }) : undefined;
  return [
    {},
    ...data.series.map((s, i) => {
      const color = themeColor(PALETTE[i % PALETTE.length]!, FALLBACK[i % FALLBACK.length]!);
      return { label: s.label, stroke: color, width: 2, ...(bars ? { fill: color, paths: barPaths, points: { show: false } } : {}) };
    }),
  ];
}

function chartFor(kind: string, state: DashboardState): { data: ChartData; options: Record<string, unknown> } | undefined {
  if (kind === 'pool') {
    if (state.pool.history.length < 2) return undefined;
    const data = poolChartData(state.pool.history);
    return { data, options: { scales: { x: { time: true } }, axes: axes('time', 'connections'), series: seriesOptions(data, false) } };
  }
  const runs = state.benchmarks.value ?? [];
  const run = runs.find((r) => r.id === state.benchmarks.selected) ?? runs[0];
  if (!run) return undefined;
  if (kind === 'histogram' && run.histogram.counts.length > 0) {
    const data = histogramChartData(run);
    return { data, options: { scales: { x: { time: false } }, axes: axes('latency (ms, bucket upper bound)', 'queries'), series: seriesOptions(data, true) } };
  }
  if (kind === 'timeline' && run.timeline.length > 0) {
    const data = timelineChartData(run);
    return { data, options: { scales: { x: { time: false } }, axes: axes('seconds since start', 'latency (ms)'), series: seriesOptions(data, false) } };
  }
  return undefined;
}

let plots: { plot: Plot; target: PlotElement }[] = [];

/** Draws every chart placeholder of the rendered view; the plots drawn before are destroyed. */
export function drawCharts(state: DashboardState): void {
  for (const { plot } of plots) plot.destroy();
  plots = [];
  if (typeof uPlot === 'undefined') return;
  const targets = document.querySelectorAll('[data-chart]');
  for (let i = 0; i < targets.length; i++) {
    const target = targets[i]!;
    const chart = chartFor(target.getAttribute('data-chart') ?? '', state);
    if (!chart) continue;
    const options = { ...chart.options, width: Math.max(200, target.clientWidth), height: HEIGHT, legend: { show: true } };
    const plot = new uPlot(options, [chart.data.x, ...chart.data.series.map((s) => s.values)], target);
    plots.push({ plot, target });
  }
}

export function resizeCharts(): void {
  for (const { plot, target } of plots) plot.setSize({ width: Math.max(200, target.clientWidth), height: HEIGHT });
}
