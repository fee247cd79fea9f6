/**
 * Seeded pseudo-random numbers as SQL expressions of a row's ordinal.
 *
 * Every value of the shadow database is a pure function of (seed, table,
 * column, row ordinal). That is what makes the fill set-based and still
 * consistent: a child row's foreign key is "the parent's key at a random
 * ordinal", computed with the parent's own expression, so it always names an
 * existing parent row without a join or a lookup. The same arithmetic runs on
 * PostgreSQL and SQLite (no `random()`/`setseed`, which SQLite lacks), so both
 * shadows hold the same data for the same seed.
 *
 * The generator maps the ordinal affinely modulo the Mersenne prime 2^31-1
 * (a multiplier per table, column and purpose), squares it and maps it again:
 * an affine map alone is a Weyl sequence, too even to look random (10,000
 * children over 10,000 parents would get at most 2 each instead of a
 * Poisson spread). Products stay below 2^62, so neither engine overflows its
 * 64-bit integers. The ordinal appears twice in the SQL.
 */

export const MODULUS = 2147483647;

/** FNV-1a over the text, as an unsigned 32-bit number. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The multiplier and offset of one stream of numbers. */
export interface Stream {
  multiplier: number;
  offset: number;
}

export function stream(seed: number, ...parts: string[]): Stream {
  const key = `${seed}\u0000${parts.join('\u0000')}`;
  const h1 = fnv1a(key);
  const h2 = fnv1a(key + '\u0001');
  // A multiplier far from 0 and 1 spreads consecutive ordinals over the whole range.
  const multiplier = 48271 + (h1 % (MODULUS - 2 * 48271));
  return { multiplier, offset: h2 % MODULUS };
}

/** SQL for a number in [0, 2^31-1) drawn from `s` for the row `ordinal` (an SQL integer expression). */
export function draw(s: Stream, ordinal: string): string {
  const x = `((${ordinal}) * ${s.multiplier} + ${s.offset}) % ${MODULUS}`;
  return `((((${x}) * (${x})) % ${MODULUS}) * ${s.multiplier} + ${s.offset}) % ${MODULUS}`;
}

/** SQL for an integer in [0, n) drawn from `s`. */
export function below(s: Stream, ordinal: string, n: number): string {
  return `(${draw(s, ordinal)} % ${Math.max(1, Math.floor(n))})`;
}
