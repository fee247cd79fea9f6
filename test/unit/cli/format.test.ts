// The output formats on hand-made findings: no engine, no build.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Finding, RuleMeta } from '../../../shared/types';
import { escapeData, escapeProperty, formatGithub } from '../../../server/src/cli/format/github';
import { formatJson, formatJsonPieces } from '../../../server/src/cli/format/json';
import { buildSarif } from '../../../server/src/cli/format/sarif';
import { formatText } from '../../../server/src/cli/format/text';
import type { CheckReport } from '../../../server/src/cli/report';
import { fingerprints } from '../../../server/src/core/baseline/fingerprint';
import { assertValidSarif } from './sarif-shape';

const root = path.resolve('/tmp/ql-format-root');
const queries = path.join(root, 'queries', 'tasks.sql');

const rules: RuleMeta[] = [
  {
    id: 'missing-composite-index',
    description: 'A query filters on several columns that no index leads with.',
    defaultSeverity: 'warning',
    docs: 'https://example.invalid/docs/rules/missing-composite-index.md',
    fixable: true,
    category: 'query',
  },
  {
    id: 'select-star',
    description: 'SELECT * reads every column.',
    defaultSeverity: 'info',
    docs: 'https://example.invalid/docs/rules/select-star.md',
    fixable: false,
    category: 'query',
  },
];

const composite: Finding = {
  ruleId: 'missing-composite-index',
  severity: 'error',
  message: 'Query filters workers on planner_id, task_status: 100% scanned',
  file: queries,
  range: { start: { line: 2, character: 4 }, end: { line: 2, character: 40 } },
  fixes: [
    {
      title: 'Add index',
      isPreferred: true,
      changes: [{ kind: 'create', file: path.join(root, 'migrations', '2_idx.sql'), content: 'CREATE INDEX x ON workers (planner_id, task_status);\n' }],
    },
  ],
};
const star: Finding = {
  ruleId: 'select-star',
  severity: 'info',
  message: 'SELECT * reads every column,\nname them.',
  file: queries,
  range: { start: { line: 5, character: 7 }, end: { line: 6, character: 2 } },
  fixes: [],
};

const report: CheckReport = { root, files: 3, findings: [composite, star], rules };

describe('cli formats (hand-made findings)', () => {
  it('json: exact shape, relative paths, no extra fields', () => {
    const json = JSON.parse(formatJson(report));
    const [compositePrint, starPrint] = fingerprints(report.findings, root);
    assert.deepEqual(json, {
      version: 1,
      files: 3,
      unreadableSql: 0,
      findings: [
        {
          ruleId: 'missing-composite-index',
          severity: 'error',
          message: composite.message,
          file: 'queries/tasks.sql',
          range: { start: { line: 2, character: 4 }, end: { line: 2, character: 40 } },
          fixes: [
            {
              title: 'Add index',
              changes: [{ kind: 'create', file: 'migrations/2_idx.sql', content: 'CREATE INDEX x ON workers (planner_id, task_status);\n' }],
            },
          ],
          fingerprint: compositePrint,
        },
        {
          ruleId: 'select-star',
          severity: 'info',
          message: star.message,
          file: 'queries/tasks.sql',
          range: { start: { line: 5, character: 7 }, end: { line: 6, character: 2 } },
          fixes: [],
          fingerprint: starPrint,
        },
      ],
    });
    const marked = JSON.parse(formatJson({ ...report, baselined: [false, true] }));
    assert.equal(marked.baselined, 1);
    assert.deepEqual(marked.findings.map((f: { baselined: boolean }) => f.baselined), [false, true]);
  });

  it('json: the text of JSON.stringify with two-space indents, written a finding at a time', () => {
    const changed = { since: 'main', base: 'abc123', changed: 2, dependents: 1 };
    for (const r of [report, { ...report, findings: [] }, { ...report, baselined: [false, true] }, { ...report, changed }]) {
      const text = formatJson(r);
      assert.equal(text, JSON.stringify(JSON.parse(text), null, 2) + '\n');
      const pieces = [...formatJsonPieces(r)];
      assert.equal(pieces.join(''), text);
      // The report's head, each finding, its end: no piece holds two findings.
      assert.equal(pieces.length, r.findings.length === 0 ? 1 : r.findings.length + 2);
    }
  });

  it('text: 1-based file:line:col lines and a grouped summary', () => {
    const out = formatText(report, root).split('\n');
    assert.equal(out[0], 'queries/tasks.sql:3:5: error missing-composite-index Query filters workers on planner_id, task_status: 100% scanned');
    assert.equal(out[1], 'queries/tasks.sql:6:8: info select-star SELECT * reads every column, name them.');
    assert.ok(out.includes('  1  missing-composite-index (error)'));
    assert.ok(out.some((l) => l.startsWith('2 problems (1 error, 1 info) in 1 file; 3 files checked')));
    assert.match(formatText({ ...report, findings: [] }, root), /^No problems found \(3 files checked\)\.\n$/);
    assert.match(formatText({ ...report, findings: [], unreadable: 2 }, root), /^No problems found \(3 files checked, 2 SQL statements skipped \(QueryLens cannot read them\)\)\.\n$/);
    assert.equal(JSON.parse(formatJson({ ...report, unreadable: 2 })).unreadableSql, 2);
  });

  it('text: a file name or message with line breaks or terminal escapes stays one line of text (no injected ::command:: line)', () => {
    const evil: Finding = { ...star, file: path.join(root, 'a\n::error file=x::pwned\u001b[2J.sql'), message: 'reads\u001b]8;;https://x\u0007 *\n::warning::y' };
    const out = formatText({ ...report, findings: [evil] }, root).split('\n');
    assert.equal(out[0], 'a\\x0a::error file=x::pwned\\x1b[2J.sql:6:8: info select-star reads\\x1b]8;;https://x\\x07 * ::warning::y');
    assert.ok(!out.some((l) => l.startsWith('::')), 'no line a CI runner would read as a command');
    assert.ok(!out.join('\n').includes('\u001b'), 'no terminal escape');
  });

  it('github: one escaped workflow command per finding, grouped by file, then a summary line', () => {
    const lines = formatGithub(report, root).trimEnd().split('\n');
    assert.equal(lines.length, 5);
    assert.equal(lines.shift(), '::group::queries/tasks.sql (2 problems)');
    assert.equal(lines[2], '::endgroup::');
    assert.equal(lines[3], 'QueryLens: 2 problems (1 error, 1 info) in 1 file; 3 files checked.');
    assert.equal(
      lines[0],
      '::error file=queries/tasks.sql,line=3,col=5,endLine=3,endColumn=40,title=missing-composite-index::Query filters workers on planner_id, task_status: 100%25 scanned',
    );
    // Multi-line range: GitHub refuses col/endColumn, and the newline is escaped.
    assert.equal(lines[1], '::notice file=queries/tasks.sql,line=6,endLine=7,title=select-star::SELECT * reads every column,%0Aname them.');
    assert.equal(escapeProperty('a,b:c%\r\n'), 'a%2Cb%3Ac%25%0D%0A');
    assert.equal(escapeData('a,b:c%'), 'a,b:c%25');
  });

  it('github and text with a baseline: only new findings are shown, the baselined counted', () => {
    const baselined = { ...report, baselined: [true, false] };
    assert.deepEqual(formatGithub(baselined, root).trimEnd().split('\n'), [
      '::group::queries/tasks.sql (1 problem)',
      '::notice file=queries/tasks.sql,line=6,endLine=7,title=select-star::SELECT * reads every column,%0Aname them.',
      '::endgroup::',
      'QueryLens: 1 new problem (1 info) in 1 file; 1 baselined; 3 files checked.',
    ]);
    assert.equal(formatText({ ...report, baselined: [true, true] }, root), 'No new problems found (2 baselined; 3 files checked).\n');
    assert.equal(formatGithub({ ...report, baselined: [true, true] }, root), 'QueryLens: No new problems found (2 baselined; 3 files checked).\n');
  });

  it('sarif: every result has a partialFingerprints entry; with a baseline, a baselineState', () => {
    const plain = buildSarif(report, '0.1.0').runs[0].results;
    assert.ok(plain.every((r) => /^[0-9a-f]{16}:0$/.test(r.partialFingerprints['queryLens/v1']) && r.baselineState === undefined));
    assert.notEqual(plain[0].partialFingerprints['queryLens/v1'], plain[1].partialFingerprints['queryLens/v1']);
    const marked = buildSarif({ ...report, baselined: [true, false] }, '0.1.0').runs[0].results;
    assert.deepEqual(marked.map((r) => r.baselineState), ['unchanged', 'new']);
  });

  it('sarif: 2.1.0 structure GitHub code scanning accepts', () => {
    const log = buildSarif(report, '0.1.0');
    assertValidSarif(log);
    const run = log.runs[0];
    assert.equal(run.tool.driver.name, 'QueryLens');
    assert.deepEqual(
      run.tool.driver.rules.map((r) => r.id),
      ['missing-composite-index', 'select-star'],
    );
    const [first, second] = run.results;
    assert.equal(first.ruleIndex, 0);
    assert.equal(first.level, 'error');
    assert.equal(second.level, 'note');
    assert.equal(run.tool.driver.rules[second.ruleIndex].id, 'select-star');
    assert.deepEqual(first.locations[0].physicalLocation, {
      artifactLocation: { uri: 'queries/tasks.sql', uriBaseId: '%SRCROOT%' },
      region: { startLine: 3, startColumn: 5, endLine: 3, endColumn: 41 },
    });
  });

  it('sarif: findings of unregistered rules (syntax, config) still get a rule entry', () => {
    const syntax: Finding = { ...star, ruleId: 'syntax-error', severity: 'error' };
    const log = buildSarif({ ...report, findings: [syntax] }, '0.1.0');
    assertValidSarif(log);
    const result = log.runs[0].results[0];
    assert.equal(log.runs[0].tool.driver.rules[result.ruleIndex].id, 'syntax-error');
  });
});
