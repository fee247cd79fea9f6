import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Finding } from '../../../shared/types';
import { defaultConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initParsers } from '../../../server/src/core/sql/parse';
import type { Steps } from '../../../server/src/core/steps';

// The language server runs an analysis in steps and drops it when the file
// changes (analysis in slices, issue 9). What a stopped analysis leaves behind
// (statements taken over from the previous parse, rule reports) must never
// show in the next one: its findings are those of a fresh workspace.

const ROOT = '/project';
const FILE = path.join(ROOT, 'queries.sql');
const SCHEMA = `CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, tenant_id bigint NOT NULL);
CREATE TABLE tasks (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts (id), status text NOT NULL, title text);
`;
const BODY = Array.from({ length: 300 }, (_, i) =>
  i % 50 === 7 ? `SELECT * FROM tasks WHERE status = 'open' AND id > ${i};\n` : `SELECT id, title FROM tasks WHERE id = ${i} LIMIT 1;\n`,
).join('');

function workspace(text: string, incremental: boolean): Workspace {
  return Workspace.fromFiles({ root: ROOT, config: { ...defaultConfig(), dialect: 'postgres' }, incremental }, { 'schema.sql': SCHEMA, 'queries.sql': text });
}

/** Runs `count` steps; the generator is left where it stopped. */
function advance<T>(steps: Steps<T>, count: number): void {
  for (let i = 0; i < count; i++) assert.equal(steps.next().done, false, `still running after ${i} steps`);
}

/** Runs `steps` to their end: their result. */
function finish<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

const lines = (findings: Finding[]) => findings.map((f) => `${f.ruleId}@${f.range.start.line}:${f.range.start.character}-${f.range.end.line}:${f.range.end.character}`);

describe('engine: analysis in steps, stopped by a newer version', () => {
  before(initParsers);

  it('takes a step per statement to parse and per statement to check (600 and more here), and ends with the findings analyze() gives', () => {
    const ws = workspace(BODY, true);
    const steps = ws.analyzeSteps(FILE);
    advance(steps, 600);
    const findings = finish(steps)!;
    assert.deepEqual(findings, workspace(BODY, false).analyze(FILE));
    assert.deepEqual(lines(findings).filter((l) => l.startsWith('select-star')), ['select-star@7:7-7:8', 'select-star@57:7-57:8', 'select-star@107:7-107:8', 'select-star@157:7-157:8', 'select-star@207:7-207:8', 'select-star@257:7-257:8']);
  });

  // Version 2 below parses its first statement, then takes the 300 others over from version 1 (64 a step): its parse
  // ends in its sixth step; each statement it moved is then checked in a step of its own.
  for (const [phase, stop] of [
    ['while parsing', 3],
    ['while checking the statements', 150],
  ] as const) {
    it(`a version stopped ${phase} yields nothing, and the next version's findings are a fresh analysis's`, () => {
      const ws = workspace(BODY, true);
      ws.analyze(FILE);
      // Version 2 inserts a statement near the top: every statement after it moves.
      const v2 = `SELECT * FROM accounts WHERE email = 'a';\n` + BODY;
      ws.setFile(FILE, v2);
      const stale = ws.analyzeSteps(FILE);
      advance(stale, stop);
      // Version 3 changes one more statement further down, before version 2 was done.
      const v3 = v2.replace('WHERE id = 120 LIMIT 1', "WHERE title LIKE '%x' LIMIT 1");
      assert.notEqual(v3, v2);
      ws.setFile(FILE, v3);
      const current = ws.analyze(FILE);
      assert.deepEqual(current, workspace(v3, false).analyze(FILE));
      assert.ok(lines(current).includes('leading-wildcard-like@121:34-121:49'), lines(current).join(' '));
      // Resumed, the stopped version sees it was replaced: no findings of an outdated text.
      assert.equal(finish(stale), undefined);
      // The current version's findings are kept: asked again, they come in one step.
      const again = ws.analyzeSteps(FILE).next();
      assert.equal(again.done, true);
      assert.equal(again.value, current);
    });
  }

  it('a version replaced while stopped, resumed to its end, returns undefined, not its findings', () => {
    const ws = workspace(BODY, true);
    ws.analyze(FILE);
    ws.setFile(FILE, BODY.replace('id = 3 LIMIT', 'id = 33 LIMIT'));
    const stale = ws.analyzeSteps(FILE);
    // Its statements are kept but one, many a step: its analysis takes a few dozen steps.
    advance(stale, 10);
    ws.setFile(FILE, BODY.replace('id = 3 LIMIT', 'id = 333 LIMIT'));
    assert.equal(finish(stale), undefined);
    assert.deepEqual(ws.analyze(FILE), workspace(BODY.replace('id = 3 LIMIT', 'id = 333 LIMIT'), false).analyze(FILE));
  });
});
