import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { docsUrl, UNUSED_SUPPRESSION_RULE_ID } from '../../../shared/types';
import { ruleById, rules } from '../../../server/src/core/rules';

const ROOT = join(__dirname, '..', '..', '..');

describe('rule registry', () => {
  it('has unique kebab-case ids', () => {
    const ids = rules.map((r) => r.meta.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^[a-z]+(-[a-z]+)*$/);
  });

  for (const rule of rules) {
    const id = rule.meta.id;
    describe(id, () => {
      it('is found by id', () => assert.equal(ruleById(id), rule));
      it('links its docs page', () => assert.equal(rule.meta.docs, docsUrl(id)));
      it('has a docs page listed in the rules README', () => {
        assert.ok(existsSync(join(ROOT, 'docs', 'rules', `${id}.md`)), `docs/rules/${id}.md`);
      });
      it('has a test file', () => assert.ok(existsSync(join(__dirname, `${id}.test.ts`)), `test/unit/rules/${id}.test.ts`));
      it('has a description and a default severity', () => {
        assert.ok(rule.meta.description.length > 10);
        assert.ok(['error', 'warning', 'info', 'hint'].includes(rule.meta.defaultSeverity));
      });
    });
  }

  it('the README table lists every rule, and the built-in unused-suppression, and only those', () => {
    const readme = readFileSync(join(ROOT, 'docs', 'rules', 'README.md'), 'utf8');
    const listed = [...readme.matchAll(/\]\(\.\/([a-z-]+)\.md\)/g)].map((m) => m[1]).sort();
    assert.deepEqual(listed, [...rules.map((r) => r.meta.id), UNUSED_SUPPRESSION_RULE_ID].sort());
    assert.ok(existsSync(join(ROOT, 'docs', 'rules', `${UNUSED_SUPPRESSION_RULE_ID}.md`)));
  });
});
