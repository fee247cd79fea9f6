/**
 * Work done in steps: a generator that yields between units of work (a
 * statement parsed, a statement's rules run), so a caller can spread a long
 * analysis over several turns of its event loop and stop it when its result
 * is no longer wanted. The core knows no clock and no editor: the caller
 * decides when to pause and whether to go on. A caller that wants the result
 * now runs the steps to their end (`runSteps`).
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs `steps` to their end, synchronously, and returns their result. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
