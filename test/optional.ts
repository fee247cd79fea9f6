/**
 * A test that needs an optional part of the machine (HypoPG, pg_stat_statements, a PostgreSQL
 * server) skips with the reason where the part is missing, so `npm test` passes on a laptop
 * without them. CI sets QUERYLENS_REQUIRE_OPTIONAL=1 after `.ci/setup-machine` installed them
 * all: there a missing part is a failure, not a silent skip.
 */
export function skipWithoutPart(ctx: Mocha.Context, reason: string): never {
  if (process.env.QUERYLENS_REQUIRE_OPTIONAL === '1') {
    throw new Error(`${reason} (QUERYLENS_REQUIRE_OPTIONAL=1: CI installed every optional part, so this is a failure; see .ci/setup-machine)`);
  }
  console.log(`      (skipped: ${reason}; .ci/setup-machine installs it)`);
  return ctx.skip() as never;
}
