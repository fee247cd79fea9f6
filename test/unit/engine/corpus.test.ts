/**
 * Robustness: the whole engine (parser, catalog, every rule) over PostgreSQL's
 * 217 regression scripts: odd quoting, psql meta-commands, deliberate syntax
 * errors, huge files. Nothing may throw, and a broken statement must not cost
 * the rest of its file.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { defaultConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initParsers } from '../../../server/src/core/sql/parse';
import { CORPUS } from '../../corpus';

describe('engine: pg_regress corpus', () => {
  before(initParsers);

  it('analyses every file with every rule and no internal error', async function () {
    this.timeout(120_000);
    const internalErrors: string[] = [];
    const ws = await Workspace.create({ root: CORPUS, config: defaultConfig(), onError: (m) => internalErrors.push(m) });
    const files = ws.files();
    assert.equal(files.length, 217);
    let statements = 0;
    let syntaxErrors = 0;
    const rulesSeen = new Set<string>();
    for (const file of files) {
      const document = ws.document(file)!;
      assert.equal(document.dialect, 'postgres', path.basename(file));
      assert.ok(document.statements.length > 0, `${path.basename(file)} lost its statements`);
      statements += document.statements.length;
      for (const finding of ws.analyze(file)) {
        rulesSeen.add(finding.ruleId);
        if (finding.ruleId === 'syntax-error') syntaxErrors++;
      }
    }
    assert.deepEqual(internalErrors, []);
    assert.ok(statements > 40_000, `only ${statements} statements`);
    // The suite holds deliberate errors, but they are a small minority.
    assert.ok(syntaxErrors > 0 && syntaxErrors < statements * 0.05, `${syntaxErrors} syntax errors`);
    for (const rule of ['missing-index', 'unpaginated-query', 'select-star', 'redundant-index', 'unindexed-foreign-key']) {
      assert.ok(rulesSeen.has(rule), `${rule} never fired on the corpus`);
    }
  });

  it('keeps the statements after a deliberate error in errors.sql', () => {
    return Workspace.create({ root: CORPUS, config: defaultConfig() }).then((ws) => {
      const file = path.join(CORPUS, 'errors.sql');
      const document = ws.document(file)!;
      const firstError = Math.min(...document.errors.map((e) => e.span.end));
      assert.ok(document.errors.length > 10, 'errors.sql is full of deliberate errors');
      const after = document.statements.filter((s) => s.span.start > firstError);
      assert.ok(after.length > 10, `only ${after.length} statements survived past the first error`);
    });
  });
});
