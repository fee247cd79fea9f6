/** Numbers as the plan view and the messages show them. Pure; also bundled into the webview. */
import type { BufferCounts } from '../../../shared/explain';

/** `0.042 ms`, `12.3 ms`, `1,234 ms`, `12.5 s`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${Math.round(ms).toLocaleString('en-US')} ms`;
  if (ms >= 1) return `${Number(ms.toFixed(1))} ms`;
  return `${Number(ms.toPrecision(2))} ms`;
}

/** `10,000`. */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—';
}

/** `1,234.56`. */
export function formatCost(cost: number): string {
  return Number.isFinite(cost) ? cost.toLocaleString('en-US', { maximumFractionDigits: 2 }) : '—';
}

/** `hit 120 · read 5 · temp written 0`: only the counts that are not zero, `none` when all are. */
export function formatBuffers(buffers: BufferCounts): string {
  const parts: [string, number][] = [
    ['hit', buffers.sharedHit],
    ['read', buffers.sharedRead],
    ['dirtied', buffers.sharedDirtied],
    ['written', buffers.sharedWritten],
    ['temp read', buffers.tempRead],
    ['temp written', buffers.tempWritten],
  ];
  const shown = parts.filter(([, n]) => n > 0).map(([label, n]) => `${label} ${formatCount(n)}`);
  return shown.length ? shown.join(' · ') : 'none';
}
