/**
 * The pool rules' cases run on the real extractors (SQLAlchemy engines, sqlx
 * builders), and every fixed output must parse again without a syntax error.
 */
import assert from 'node:assert/strict';
import type { HostLanguage } from '../../../shared/languages';
import { extractHost } from '../../../server/src/core/host/extract';
import { hostGrammarOf, hostParser, initHostParsers } from '../../../server/src/core/host/treesitter';
import type { Rule } from '../../../server/src/core/rules/types';
import { appFile, hostRuleTester, runHostRule, type HostInvalidCase, type HostValidCase } from './host-harness';
import { applyInFileFixes } from './harness';

type Case<T> = Omit<T, 'host'> & { language?: HostLanguage };

function extractorFor(language: HostLanguage | undefined, path?: string) {
  const file = path ?? appFile(language);
  return (code: string) => extractHost(file, code)!;
}

/** hostRuleTester with the real extractor of each case's language, plus: the fixed code parses. */
export function poolRuleTester(rule: Rule, cases: { valid: Case<HostValidCase>[]; invalid: Case<HostInvalidCase>[] }): void {
  const withHost = <T extends { language?: HostLanguage; path?: string }>(c: T) => ({ ...c, host: extractorFor(c.language, c.path) });
  hostRuleTester(rule, 'real extractors', { valid: cases.valid.map(withHost), invalid: cases.invalid.map(withHost) });
  describe(`${rule.meta.id}: fixed code parses`, () => {
    before(() => initHostParsers());
    for (const c of cases.invalid.filter((c) => c.output !== undefined)) {
      it(c.name, () => {
        const { reports, file } = runHostRule(rule, withHost(c));
        const fixed = applyInFileFixes(c.code, file, reports);
        const tree = hostParser(hostGrammarOf(c.path ?? appFile(c.language))!).parse(fixed)!;
        try {
          assert.equal(tree.rootNode.hasError, false, `syntax error in the fixed code:\n${fixed}`);
        } finally {
          tree.delete();
        }
      });
    }
  });
}
