/** Numbers as plan messages print them: thousands separators, short percentages, readable sizes. */

export function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function rows(n: number): string {
  return `${count(n)} ${Math.round(n) === 1 ? 'row' : 'rows'}`;
}

/** `99.9%`, `50%`: one decimal unless whole, never `100%` for less than all. */
export function percent(part: number, whole: number): string {
  if (whole <= 0) return '0%';
  const value = Math.floor((part / whole) * 1000) / 10;
  return `${Number.isInteger(value) ? value : value.toFixed(1)}%`;
}

/** `6,520 kB`. */
export function kb(value: number): string {
  return `${count(value)} kB`;
}

/** A work_mem setting that holds `neededKb`: the next power of two in MB (at least 4MB, PostgreSQL's default). */
export function workMemFor(neededKb: number): string {
  let mb = 4;
  while (mb * 1024 < neededKb) mb *= 2;
  return mb >= 1024 && mb % 1024 === 0 ? `${mb / 1024}GB` : `${mb}MB`;
}
