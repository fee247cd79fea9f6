/**
 * Where PostgreSQL's regression SQL files are: `QUERYLENS_CORPUS`, else the team's
 * reference folder beside the repository (`../shared/corpus/pg_regress`), else the
 * machine's copy under /work/shared.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const candidates = [
  process.env.QUERYLENS_CORPUS,
  path.resolve(__dirname, '..', '..', 'shared', 'corpus', 'pg_regress'),
  '/work/shared/corpus/pg_regress',
].filter((c): c is string => !!c);

export const CORPUS = candidates.find((c) => fs.existsSync(c)) ?? candidates[0]!;
