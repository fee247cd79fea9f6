/**
 * Runs the engine's work in steps (core/steps.ts) over several turns of the
 * event loop, so messages that arrive meanwhile (a newer version of the
 * document, a hover) are read between slices and can stop work whose result
 * is no longer wanted.
 */
import type { Steps } from '../core/steps';

/** How long one slice may hold the event loop. */
export const SLICE_MS = 15;

/**
 * The result of `steps`, or undefined when `stopped()` held before they
 * finished (checked before each slice). The first slice runs at once: a small
 * file is done without waiting for a turn of the loop.
 */
export function inSlices<T>(steps: Steps<T>, stopped: () => boolean): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const slice = () => {
      try {
        if (stopped()) {
          steps.return(undefined as T);
          return resolve(undefined);
        }
        const until = performance.now() + SLICE_MS;
        for (;;) {
          const step = steps.next();
          if (step.done) return resolve(step.value);
          if (performance.now() >= until) break;
        }
        setImmediate(slice);
      } catch (error) {
        reject(error);
      }
    };
    slice();
  });
}
