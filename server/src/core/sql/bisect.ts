/** Binary search over ascending arrays (the splitter's resume points and spans, a document's chunks). */

/** The first index of `xs`, ascending by `key`, whose key is at least `x` (`xs.length` when none is). */
export function bisect<T>(xs: readonly T[], x: number, key: (value: T) => number): number {
  let low = 0;
  let high = xs.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (key(xs[mid]!) < x) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The number itself, the key of an array of numbers. */
export const itself = (x: number): number => x;
