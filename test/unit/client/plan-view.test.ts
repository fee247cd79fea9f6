/**
 * The plan view: what it shows for a PostgreSQL plan, a SQLite plan and an
 * index proof (with the ids and classes the end-to-end test asserts), that
 * every string from the database or the query comes out as text, never as
 * markup, and the messages between the webview and the extension.
 */
import { strict as assert } from 'node:assert';
import { renderView } from '../../../client/src/plan/dom';
import { FakeElement, fakeDocument } from './fakeDom';
import { EMPTY_PLAN_STATE, isExtensionMessage, isWebviewMessage, nextPlanState, type PlanViewState } from '../../../client/src/plan/messages';
import { mountPev2, type Pev2Libraries, type Pev2Props } from '../../../client/src/plan/pev2';
import { planView, type ViewAction } from '../../../client/src/plan/view';
import { pgExplain, proof, sqliteExplain, XSS } from './fixtures';


function render(state: PlanViewState, actions: ViewAction[] = []): FakeElement {
  const root = new FakeElement('main');
  renderView(fakeDocument, root, planView(state), (a) => actions.push(a));
  return root;
}

const byId = (root: FakeElement, id: string) => root.all((e) => e.attributes.get('id') === id)[0];
const byClass = (root: FakeElement, name: string) => root.all((e) => e.hasClass(name));
const fact = (root: FakeElement, key: string) => root.all((e) => e.attributes.get('data-fact') === key)[0]?.children[1]?.textContent;

const location = { uri: 'file:///w/queries.sql', position: { line: 4, character: 2 } };

describe('client plan view', function () {
  it('shows an invitation before anything ran', function () {
    assert.ok(byId(render(EMPTY_PLAN_STATE), 'ql-empty'));
  });

  it('summarises a PostgreSQL EXPLAIN ANALYZE: connection, server, mode, parameters, rollback, times, rows, buffers, top node', function () {
    const root = render({ seq: 1, explain: pgExplain() });
    const summary = byId(root, 'ql-summary')!;
    assert.equal(summary.attributes.get('data-analyzed'), 'true');
    assert.equal(fact(root, 'connection'), 'embedded (embedded)');
    assert.equal(fact(root, 'server'), 'PGlite (PostgreSQL 17.4)');
    assert.equal(fact(root, 'analyzed'), 'Analyzed: the statement ran');
    assert.equal(fact(root, 'params'), '42');
    assert.equal(fact(root, 'transaction'), 'Rolled back: the rows it wrote are gone; sequences it advances (serial and identity columns, defaults calling nextval) stay advanced');
    assert.equal(fact(root, 'execution'), '41.2 ms');
    assert.equal(fact(root, 'planning'), '0.31 ms');
    assert.equal(fact(root, 'rows'), '12');
    assert.equal(fact(root, 'buffers'), 'hit 120 · read 5');
    assert.equal(fact(root, 'top'), 'Seq Scan on workers');
    assert.equal(byId(root, 'ql-sql')!.textContent, pgExplain().sql);
    assert.ok(byId(root, 'ql-pev2'), 'PEV2 mounts in #ql-pev2');
    assert.equal(byId(root, 'ql-sqlite-plan'), undefined);
  });

  it('says when a plan is generic and not executed', function () {
    const root = render({ seq: 1, explain: pgExplain({ analyzed: false, genericPlan: true, rolledBack: false, params: [] }) });
    assert.equal(fact(root, 'params'), 'Generic plan (no parameter values)');
    assert.equal(fact(root, 'analyzed'), 'Estimated: planned, not run');
    assert.equal(fact(root, 'transaction'), 'Not executed');
    const planned = render({ seq: 1, explain: pgExplain({ analyzed: false, rolledBack: true }) });
    assert.equal(fact(planned, 'transaction'), 'Not executed', 'a plain EXPLAIN runs nothing, even inside its rolled-back transaction');
  });

  it('lists the problems with kind, severity, the fix in a copyable block and a Prove index button', function () {
    const actions: ViewAction[] = [];
    const root = render({ seq: 1, explain: pgExplain() }, actions);
    const problems = byClass(root, 'ql-problem');
    assert.deepEqual(problems.map((p) => p.attributes.get('data-kind')), ['seq-scan-filter', 'row-misestimate']);
    assert.deepEqual(problems.map((p) => p.attributes.get('data-severity')), ['critical', 'info']);
    assert.ok(problems[0]!.hasClass('ql-severity-critical'));
    const first = problems[0]!;
    assert.equal(byClass(first, 'ql-problem-message')[0]!.textContent, 'Seq Scan on workers reads 10,000 rows to return 12');
    assert.equal(first.all((e) => e.tag === 'code')[0]!.textContent, 'CREATE INDEX ON workers (planner_id, task_status);');
    byClass(first, 'ql-copy')[0]!.listeners.forEach((l) => l());
    byClass(first, 'ql-prove')[0]!.listeners.forEach((l) => l());
    assert.deepEqual(actions, [
      { type: 'copy', text: 'CREATE INDEX ON workers (planner_id, task_status);' },
      { type: 'proveIndex', index: pgExplain().problems[0]!.index },
    ]);
    assert.equal(byClass(problems[1]!, 'ql-prove').length, 0, 'no index, no proof button');
  });

  it('says when a plan has no problems', function () {
    const root = render({ seq: 1, explain: pgExplain({ problems: [] }) });
    assert.equal(byClass(root, 'ql-no-problems').length, 1);
  });

  it('shows the SQLite plan as a tree, SCAN marked as a full scan and SEARCH … USING INDEX as an index lookup', function () {
    const root = render({ seq: 1, explain: sqliteExplain() });
    const nodes = byClass(byId(root, 'ql-sqlite-plan')!, 'ql-plan-node');
    assert.deepEqual(nodes.map((n) => [n.attributes.get('data-kind'), byClass(n, 'ql-node-detail')[0]!.textContent]), [
      ['scan', 'SCAN workers'],
      ['search', 'SEARCH planners USING INDEX planners_pk (id=?)'],
      ['temp', 'USE TEMP B-TREE FOR ORDER BY'],
    ]);
    assert.ok(nodes[0]!.hasClass('ql-node-scan') && nodes[1]!.hasClass('ql-node-search'));
    assert.equal(byId(root, 'ql-pev2'), undefined, 'no PEV2 for SQLite');
  });

  it('shows an index proof before/after with its method and plan change', function () {
    const root = render({ seq: 1, proof: proof() });
    const section = byId(root, 'ql-proof')!;
    assert.equal(section.attributes.get('data-method'), 'transaction');
    assert.equal(section.attributes.get('data-index-used'), 'true');
    assert.match(byId(root, 'ql-proof-headline')!.textContent!, /^proven on embedded: 41 ms → 0.2 ms/);
    const row = (key: string) => section.all((e) => e.attributes.get('data-row') === key)[0]!.children.map((c) => c.textContent);
    assert.deepEqual(row('time'), ['Execution time', '41 ms', '0.2 ms']);
    assert.deepEqual(row('cost'), ['Total cost', '180.5', '8.3']);
    assert.equal(byClass(section, 'ql-plan-change')[0]!.textContent, proof().planChange);
    assert.equal(
      byClass(section, 'ql-proof-method')[0]!.textContent,
      "Real CREATE INDEX and ANALYZE inside a transaction that was rolled back: the index is gone; building the index locks the table against writes until the rollback, and ANALYZE's row estimate (reltuples) and analyze count stay updated.",
    );
    const hypo = render({ seq: 1, proof: proof({ method: 'hypopg', before: { summary: { topNode: 'Seq Scan on workers', scans: [], totalCost: 180 } }, after: { summary: { topNode: 'Index Scan', scans: [], totalCost: 8 } } }) });
    assert.match(byClass(hypo, 'ql-proof-method')[0]!.textContent!, /HypoPG hypothetical index/);
    assert.deepEqual(hypo.all((e) => e.attributes.get('data-row') === 'time')[0]!.children.map((c) => c.textContent), ['Execution time', '— (not executed)', '— (not executed)']);
  });

  it('renders every database and query string as text: a relation named like markup stays text', function () {
    const evil = pgExplain({
      connection: XSS,
      sql: `SELECT * FROM "${XSS}"`,
      serverVersion: XSS,
      params: [XSS],
      summary: { ...pgExplain().summary, topNode: `Seq Scan on ${XSS}`, scans: [`Seq Scan on ${XSS}`] },
      problems: [
        {
          kind: 'seq-scan-filter',
          severity: 'critical',
          message: `Seq Scan on ${XSS} reads 10,000 rows`,
          fix: `CREATE INDEX ON "${XSS}" (id);`,
          nodePath: [],
          index: { table: XSS, columns: [XSS], ddl: `CREATE INDEX ON "${XSS}" (id);` },
        },
      ],
    });
    const sqlite = sqliteExplain();
    sqlite.sqlitePlan![0]!.detail = `SCAN ${XSS}`;
    const states: PlanViewState[] = [
      { seq: 1, explain: evil, proof: proof({ connection: XSS, headline: XSS, planChange: XSS, index: { table: XSS, columns: [], ddl: XSS } }) },
      { seq: 2, explain: sqlite },
    ];
    for (const state of states) {
      const root = render(state);
      const html = root.outerHTML;
      assert.ok(!html.includes('<img'), 'no element made from database text');
      assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'), 'the text is there, escaped');
      assert.equal(root.all((e) => e.tag === 'img').length, 0);
      assert.ok(root.all((e) => (e.textContent ?? '').includes(XSS)).length > 0, 'shown verbatim as text');
    }
    assert.equal(fact(render(states[0]!), 'top'), `Seq Scan on ${XSS}`);
  });

  it('hands PEV2 a plan whose every string is HTML-escaped (PEV2 renders Sort Key, Group Key, Output through innerHTML)', function () {
    const plan = [{
      Plan: {
        'Node Type': 'Sort', 'Sort Key': [`"${XSS}".name`], 'Total Cost': 12.5, 'Plan Rows': 3, 'Parallel Aware': false,
        Output: [`"${XSS}".name`, 'count(*)'],
        Plans: [{ 'Node Type': 'Aggregate', 'Group Key': [XSS], Plans: [{ 'Node Type': 'Seq Scan', 'Relation Name': XSS, Alias: XSS, Filter: "(status = 'a&b')" }] }],
      },
      'Execution Time': 0.5,
    }];
    const given: { component: unknown; props: Pev2Props }[] = [];
    let mountedOn: FakeElement | undefined;
    const Plan = { name: 'pev2.Plan' };
    const libraries: Pev2Libraries = {
      Vue: {
        createApp: ({ render }) => ({ mount: (target) => { mountedOn = target as FakeElement; render(); }, unmount: () => undefined }),
        h: (component, props) => given.push({ component, props }),
      },
      pev2: { Plan },
    };
    const target = new FakeElement('div');
    assert.ok(mountPev2(fakeDocument, target, plan, libraries));
    assert.equal(mountedOn, target);
    assert.equal(given.length, 1);
    assert.equal(given[0]!.component, Plan);
    assert.equal(given[0]!.props.planQuery, '', 'the SQL is shown by the view itself, as text');
    const source = given[0]!.props.planSource;
    assert.ok(!/[<>]/.test(source), 'no markup reaches PEV2');
    const x = '&lt;img src=x onerror=alert(1)&gt;';
    assert.deepEqual(JSON.parse(source), [{
      Plan: {
        'Node Type': 'Sort', 'Sort Key': [`&quot;${x}&quot;.name`], 'Total Cost': 12.5, 'Plan Rows': 3, 'Parallel Aware': false,
        Output: [`&quot;${x}&quot;.name`, 'count(*)'],
        Plans: [{ 'Node Type': 'Aggregate', 'Group Key': [x], Plans: [{ 'Node Type': 'Seq Scan', 'Relation Name': x, Alias: x, Filter: '(status = &#39;a&amp;b&#39;)' }] }],
      },
      'Execution Time': 0.5,
    }]);
  });

  it('without PEV2 shows the raw plan as text, and nothing is mounted', function () {
    const target = new FakeElement('div');
    assert.equal(mountPev2(fakeDocument, target, [{ Plan: { 'Relation Name': XSS } }], undefined), undefined);
    assert.equal(target.children[0]?.tag, 'pre');
    assert.equal(target.children[0]?.textContent, JSON.stringify([{ Plan: { 'Relation Name': XSS } }], null, 2));
    assert.ok(!target.outerHTML.includes('<img'));
  });

  describe('messages', function () {
    it('accepts only well-formed webview messages', function () {
      assert.ok(isWebviewMessage({ type: 'ready', seq: 0 }));
      assert.ok(isWebviewMessage({ type: 'copy', text: 'x' }));
      assert.ok(isWebviewMessage({ type: 'proveIndex', index: { table: 't', columns: ['a'], ddl: 'CREATE INDEX ...' } }));
      assert.ok(!isWebviewMessage({ type: 'proveIndex', index: { table: 't', columns: [1], ddl: 'x' } }));
      assert.ok(!isWebviewMessage({ type: 'copy' }));
      assert.ok(!isWebviewMessage({ type: 'runSql', sql: 'DROP TABLE workers' }));
      assert.ok(!isWebviewMessage(null));
      assert.ok(isExtensionMessage({ type: 'show', state: { seq: 3 } }));
      assert.ok(!isExtensionMessage({ type: 'show' }));
    });

    it('keeps a plan and the proof of the same query together, and starts over for another query', function () {
      const withPlan = nextPlanState(EMPTY_PLAN_STATE, { queryKey: 'q1', location, explain: pgExplain() });
      const withProof = nextPlanState(withPlan, { queryKey: 'q1', location, proof: proof() });
      assert.ok(withProof.explain && withProof.proof);
      assert.equal(withProof.seq, 2);
      const other = nextPlanState(withProof, { queryKey: 'q2', location, explain: sqliteExplain() });
      assert.equal(other.proof, undefined);
      assert.equal(other.explain?.dialect, 'sqlite');
      const proofElsewhere = nextPlanState(withPlan, { queryKey: 'q3', location, proof: proof() });
      assert.equal(proofElsewhere.explain, undefined);
    });
  });
});
