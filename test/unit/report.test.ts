// The review report's Markdown: its headings and tables, and everything from a database or a
// user's file escaped (a table named <img src=x onerror=...>, a `|` in a message, backticks in SQL).
import * as assert from 'node:assert/strict';
import type { BenchmarkRun, IndexHealthReport, MigrationsReport } from '../../shared/dashboard';
import type { Finding, RuleMeta } from '../../shared/types';
import { block, cell, code, fileLink } from '../../server/src/report/markdown';
import { reviewJson, reviewMarkdown, type ReviewInput } from '../../server/src/report/review';

const root = '/work/app';
const XSS = '<img src=x onerror=alert(1)>';

function finding(ruleId: string, line: number, message: string, severity: Finding['severity'] = 'warning'): Finding {
  return { ruleId, severity, message, file: `${root}/queries/app.sql`, range: { start: { line, character: 0 }, end: { line, character: 5 } }, fixes: [] };
}

const rules: RuleMeta[] = [
  { id: 'missing-index', description: 'A query filters by a column no index leads with.', defaultSeverity: 'warning', docs: 'https://example.com/missing-index.md', fixable: true, category: 'query' },
];

function run(id: string, p95Ms: number, createdAt: string, targets: BenchmarkRun['targets'] = []): BenchmarkRun {
  return {
    id,
    name: 'app.sql:3',
    createdAt,
    connection: 'local | pg',
    sql: 'SELECT `x` FROM t\nWHERE a = $1 -- ```',
    source: { file: 'queries/app.sql', line: 3 },
    params: [1],
    iterations: 100,
    warmup: 10,
    concurrency: 2,
    rolledBack: false,
    stats: { minMs: 1, meanMs: p95Ms / 2, p50Ms: p95Ms / 2, p95Ms, p99Ms: p95Ms, maxMs: p95Ms, opsPerSec: 1000 / p95Ms, errors: 0 },
    histogram: { bucketsMs: [1, 1.6], counts: [50, 50] },
    timeline: [[0, 1]],
    targets,
  };
}

const migrations: MigrationsReport = {
  connection: 'local',
  at: '2026-11-30T10:00:00Z',
  sets: [
    {
      tool: 'sqlx',
      dir: `${root}/migrations`,
      trackingTable: '_sqlx_migrations',
      trackingTableFound: true,
      canApply: true,
      rows: [
        { version: '1', description: 'init | users', status: 'applied', appliedAt: '2026-11-01T00:00:00Z', executionMs: 12, findings: [] },
        { version: '2', description: 'edited', status: 'modified', checksum: { file: 'ab', recorded: 'cd' }, file: `${root}/migrations/2.sql`, findings: [{ ruleId: 'non-concurrent-index-creation', severity: 'warning', message: 'm', line: 2 }] },
        { version: '3', description: XSS, status: 'pending', findings: [] },
      ],
    },
  ],
};

const health: IndexHealthReport = {
  connection: 'local',
  at: '2026-11-30T10:00:00Z',
  cacheHitRatio: 0.9712,
  statements: { available: false, reason: `the pg_stat_statements extension is not installed in database "${XSS}"` },
  items: [{ kind: 'unused-index', level: 'warn', table: XSS, index: 'idx|pipe', message: 'never scanned\nsince the last reset', fix: 'DROP INDEX CONCURRENTLY "idx|pipe";', bytes: 81920, code: [{ file: `${root}/queries/app.sql`, line: 2 }] }],
};

const input = (over: Partial<ReviewInput> = {}): ReviewInput => ({
  root,
  files: 3,
  findings: [finding('missing-index', 2, 'Query filters t on a | b, no index: <script>alert(1)</script>'), finding('missing-index', 7, 'second')],
  rules,
  runs: [run('head', 20, '2026-11-30T10:00:00Z', [{ metric: 'p95Ms', max: 50, pass: true }]), run('base', 40, '2026-11-29T10:00:00Z')],
  migrations: { report: migrations },
  health: { report: health },
  git: { commit: 'abc1234', branch: 'feature/x' },
  at: '2026-11-30T11:00:00Z',
  ...over,
});

/** Every table row has the same number of unescaped `|` as its header. */
function assertTablesIntact(markdown: string): void {
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('| ') || !lines[i + 1]?.startsWith('| ---')) continue;
    const pipes = (line: string) => line.replace(/\\\|/g, '').split('|').length;
    for (let j = i; j < lines.length && lines[j]!.startsWith('|'); j++) assert.equal(pipes(lines[j]!), pipes(lines[i]!), `row ${j}: ${lines[j]}`);
  }
}

describe('review report (Markdown)', () => {
  it('has the sections in order, with the findings by rule and links to the rules', () => {
    const md = reviewMarkdown(input());
    const headings = md.split('\n').filter((l) => l.startsWith('#'));
    assert.deepEqual(headings, ['# QueryLens review: app', '## Findings by rule', '### missing-index (2)', '## Migrations', '### sqlx: `migrations`', '## Benchmarks', '### app.sql:3', '## Index health', '### Unused indexes (1)']);
    assert.match(md, /^2 finding\(s\) \(0 error\(s\), 2 warning\(s\)\) in 3 file\(s\) · 1 benchmarked query at `feature\/x@abc1234` · 2026-11-30T11:00:00Z$/m);
    assert.match(md, /^\| \[`missing-index`\]\(https:\/\/example\.com\/missing-index\.md\) \| warning \| 2 \| 1 \|$/m);
    assert.match(md, /^- `queries\/app\.sql:3` Query filters t on a \\\| b, no index: &lt;script&gt;alert\(1\)&lt;\/script&gt;$/m);
    assertTablesIntact(md);
  });

  it('escapes what comes from the database: HTML as text, pipes and newlines inside cells', () => {
    const md = reviewMarkdown(input());
    // Outside code spans (where Markdown shows HTML as text) no tag survives.
    const prose = md.replace(/^(`{3,})sql\n[\s\S]*?\n\1$/gm, '').replace(/(`+)[^`]*?\1/g, '');
    // Escaped as an entity (&lt;) or with a backslash (\<, db/health's style): CommonMark shows both as text.
    assert.ok(!/(^|[^\\])<img/.test(prose), 'no raw HTML from the database');
    assert.match(md, /^- `pg_stat_statements`: not available: the pg\\_stat\\_statements extension is not installed in database "\\<img src=x onerror=alert\\\(1\\\)\\>"$/m);
    assert.ok(!prose.includes('<script'), 'no raw HTML from a message');
    assert.match(md, /\| `3` \| &lt;img src=x onerror=alert\(1\)&gt; \| ⏳ pending \|/);
    assert.match(md, /\| `1` \| init \\\| users \| ✅ applied \| 2026-11-01T00:00:00Z \(12 ms\) \|/);
    assert.match(md, /⚠️ modified \(file ab, recorded cd\)/);
    // Index health is db/health's formatter: the table name in a code span (HTML is not interpreted there), the message on one line.
    assert.match(md, /^- \*\*WARNING\*\* table `<img src=x onerror=alert\(1\)>`, index `idx\|pipe`, 80 kB: never scanned since the last reset$/m);
    assert.match(md, /^ {2}In the code: \[queries\/app\.sql:3\]\(queries\/app\.sql#L3\)$/m);
    assert.match(md, /Cache hit ratio: \*\*97\.1 %\*\* \(target 99 %\)/);
    assertTablesIntact(md);
  });

  it('compares the latest two runs of a query with ratios, and shows the targets', () => {
    const md = reviewMarkdown(input());
    assert.match(md, /^\| p95 \| 40 ms \| 20 ms \| ×0\.50 \|$/m);
    assert.match(md, /^\| ops\/s \| 25\.0 \| 50\.0 \| ×2\.00 \|$/m);
    assert.match(md, /✅ p95Ms ≤ 50 \(20 ms\)/);
    assert.match(md, /Compared with `base` at `queries\/app\.sql:3`: 100 iterations × 2 session\(s\) on `local \\\| pg`/);
    // The SQL sits in a fence longer than any backtick run inside it.
    assert.ok(md.includes('````sql\nSELECT `x` FROM t\nWHERE a = $1 -- ```\n````'));
  });

  it('says why a database section is missing, and that no run was saved', () => {
    const md = reviewMarkdown(input({ runs: [], migrations: { unavailable: 'no database given' }, health: { unavailable: 'Connection "x": refused | down' } }));
    assert.match(md, /## Migrations\n\n_Not available: no database given\._/);
    assert.match(md, /## Index health\n\n_Not available: Connection "x": refused \\\| down\._/);
    assert.match(md, /No saved runs in `\.querylens\/benchmarks\/`/);
  });

  it('marks a slower head and a missed target', () => {
    const md = reviewMarkdown(input({ runs: [run('head', 80, '2026-11-30T10:00:00Z', [{ metric: 'p95Ms', max: 50, pass: false }]), run('base', 40, '2026-11-29T10:00:00Z')] }));
    assert.match(md, /^\| p95 \| 40 ms \| 80 ms \| ×2\.00 ⚠️ \|$/m);
    assert.match(md, /❌ p95Ms ≤ 50 \(80 ms\)/);
    assert.match(md, /1 benchmarked query, 1 missing a target/);
  });

  it('gives the same sections as JSON', () => {
    const json = reviewJson(input()) as { root: string; findingsByRule: Record<string, { count: number; findings: { file: string; line: number }[] }>; benchmarks: { head: BenchmarkRun; base?: string; comparison?: { ratios: { p95Ms: number } } }[] };
    assert.equal(json.root, 'app');
    assert.equal(json.findingsByRule['missing-index']!.count, 2);
    assert.deepEqual(json.findingsByRule['missing-index']!.findings[0], { file: 'queries/app.sql', line: 3, message: 'Query filters t on a | b, no index: <script>alert(1)</script>' });
    assert.equal(json.benchmarks.length, 1);
    assert.equal(json.benchmarks[0]!.base, 'base');
    assert.equal(json.benchmarks[0]!.comparison!.ratios.p95Ms, 0.5);
  });

  it('links a file named like a URL to the file itself, never to a javascript: URL', () => {
    const evil = `${root}/javascript:alert(8).sql`;
    const withCode = { ...health, items: [{ ...health.items[0]!, code: [{ file: evil, line: 2 }, { file: `${root}/a b/x)y[z].sql`, line: 0 }] }] };
    const md = reviewMarkdown(input({ health: { report: withCode } }));
    const line = md.split('\n').find((l) => l.startsWith('  In the code: '));
    assert.equal(line, '  In the code: [javascript:alert(8).sql:3](javascript%3Aalert%288%29.sql#L3), [a b/x)y\\[z\\].sql:1](a%20b/x%29y%5Bz%5D.sql#L1)');
    // No link target of the whole report starts with a scheme.
    const targets = [...md.matchAll(/\]\(([^)\s]*)\)/g)].map((m) => m[1]!);
    assert.deepEqual(targets.filter((t) => /^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith('https://')), []);
    assert.equal(fileLink('/abs/q.sql', 1), '[/abs/q.sql:1](/abs/q.sql#L1)');
  });

  it('escapes cells, code spans and blocks whatever they hold', () => {
    assert.equal(cell('a | b\nc'), 'a \\| b c');
    assert.equal(cell('*x* _y_ [z](u) <b>&'), '\\*x\\* \\_y\\_ \\[z\\](u) &lt;b&gt;&amp;');
    assert.equal(code('a`b'), '`` a`b ``');
    assert.equal(code('x|y'), '`x\\|y`');
    assert.equal(block('```\nx'), '````\n```\nx\n````');
  });
});
