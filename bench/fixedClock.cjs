// A fixed clock for before/after comparisons (bench/replayFindings.ts): `new Date()` and Date.now()
// give 2026-01-02T03:04:05Z, so the new migrations fixes write get the same names in both runs.
const Real = Date;
const FIXED = Real.UTC(2026, 0, 2, 3, 4, 5);
class FixedDate extends Real { constructor(...a) { super(...(a.length ? a : [FIXED])); } static now() { return FIXED; } }
globalThis.Date = FixedDate;
