/**
 * What the database commands tell the user: failures always name the
 * connection, the production confirmation says what will run (and that an
 * index proof locks the table), the benchmark summary has its percentiles.
 */
import { strict as assert } from 'node:assert';
import { asQueryLocation, asSuggestedIndex } from '../../../client/src/db/arguments';
import { benchmarkReport, failureMessage, productionConfirmation, progressTitle, readOnlyRefusal, sqlExcerpt } from '../../../client/src/db/texts';
import { formatBuffers, formatCost, formatMs } from '../../../client/src/plan/format';
import type { BenchmarkSummary, QueryInfo } from '../../../shared/protocol';

const prod = { name: 'prod', driver: 'postgres' as const, production: true };
const query = (sql: string, statementKind: string): QueryInfo => ({
  key: 'k',
  sql,
  dialect: 'postgres',
  statementKind,
  params: [],
  range: { start: { line: 0, character: 0 }, end: { line: 0, character: sql.length } },
});

describe('client database texts', function () {
  it('names the connection in every failure, once', function () {
    assert.equal(failureMessage('explainAnalyze', 'prod', new Error('timeout after 30000 ms')), 'QueryLens: EXPLAIN ANALYZE on "prod" failed: timeout after 30000 ms');
    assert.equal(failureMessage('explain', 'prod', new Error('Connection "prod": database is down')), 'QueryLens: Connection "prod": database is down');
    assert.equal(failureMessage('test', 'dev', 'ECONNREFUSED 127.0.0.1:5433'), 'QueryLens: Connection test on "dev" failed: ECONNREFUSED 127.0.0.1:5433');
  });

  it('points at the password command on an authentication failure', function () {
    assert.match(failureMessage('explain', 'prod', new Error('password authentication failed for user "app"')), /Set the password with "QueryLens: Set Connection Password"/);
  });

  it('says what will run on a production connection', function () {
    const select = productionConfirmation('explainAnalyze', prod, query('SELECT 1 FROM workers', 'select'));
    assert.match(select, /^"prod" is a production connection\. Run EXPLAIN ANALYZE — the query really executes/);
    assert.match(select, /SELECT 1 FROM workers$/);
    const del = productionConfirmation('explainAnalyze', prod, query('DELETE FROM workers', 'delete'));
    assert.equal(del, '"prod" is a production connection. Run EXPLAIN ANALYZE — this DELETE really executes, inside a transaction that is rolled back; sequences it advances (serial and identity columns, defaults calling nextval) stay advanced?\n\nDELETE FROM workers');
    assert.doesNotMatch(select, /sequences/);
    const bench = productionConfirmation('benchmark', prod, query("INSERT INTO workers (name) VALUES ('w')", 'insert'));
    assert.match(bench, /each in a rolled-back transaction; sequences it advances \(serial and identity columns, defaults calling nextval\) stay advanced\?/);
    const prove = productionConfirmation('proveIndex', prod, query('SELECT 1', 'select'), 'CREATE INDEX ON workers (planner_id)');
    assert.equal(
      prove,
      '"prod" is a production connection. Run an index proof — CREATE INDEX ON workers (planner_id) is built inside a transaction that is rolled back; ' +
        "building the index locks the table against writes until the rollback, and ANALYZE's row estimate (reltuples) and analyze count stay updated " +
        '(with HypoPG installed, a hypothetical index is used instead: nothing is built, locked or analysed)?\n\nSELECT 1',
    );
    assert.match(productionConfirmation('explain', prod, query('SELECT 1', 'select')), /does not run it/);
    assert.equal(progressTitle('benchmark', 'prod'), 'QueryLens: Benchmark on "prod"');
  });

  it('summarises a benchmark with p50, p95, p99, mean and ops/s', function () {
    const summary: BenchmarkSummary = {
      connection: 'embedded', sql: 'SELECT 1', iterations: 50, errors: 0,
      minMs: 0.8, meanMs: 1.52, p50Ms: 1.2, p95Ms: 3.4, p99Ms: 5, maxMs: 7.25, opsPerSec: 657.9, rolledBack: false,
    };
    const report = benchmarkReport(summary);
    assert.equal(report.message, 'QueryLens: benchmark on "embedded": p50 1.2 ms · p95 3.4 ms · p99 5 ms · mean 1.5 ms · 658 ops/s (50 runs).');
    assert.deepEqual(report.lines, [
      'Benchmark on "embedded" (50 runs): SELECT 1',
      '  p50 1.2 ms · p95 3.4 ms · p99 5 ms · mean 1.5 ms · 658 ops/s',
      '  min 0.8 ms · max 7.3 ms',
    ]);
    assert.match(benchmarkReport({ ...summary, errors: 2, rolledBack: true, opsPerSec: 12.34 }).message, /12\.3 ops\/s \(50 runs, 2 errors, rolled back\)/);
  });

  it('formats times, costs and buffers for reading', function () {
    assert.deepEqual([0.042, 0.2, 1, 41.25, 1234, 12_500].map(formatMs), ['0.042 ms', '0.2 ms', '1 ms', '41.3 ms', '1,234 ms', '12.5 s']);
    assert.equal(formatCost(1234.567), '1,234.57');
    assert.equal(formatBuffers({ sharedHit: 0, sharedRead: 0, sharedDirtied: 0, sharedWritten: 0, tempRead: 0, tempWritten: 3 }), 'temp written 3');
    assert.equal(sqlExcerpt('SELECT  a\n  FROM t', 100), 'SELECT a FROM t');
    assert.equal(sqlExcerpt('x'.repeat(10), 5), 'xxxx…');
  });

  it('refuses on a read-only connection what would write there, naming it, and nothing else', function () {
    const ro = { name: 'replica', driver: 'postgres' as const, readOnly: true };
    assert.match(readOnlyRefusal(ro, 'proveIndex', 'select')!, /^"replica" is read-only: an index proof builds an index there/);
    assert.match(readOnlyRefusal(ro, 'explainAnalyze', 'delete')!, /^"replica" is read-only: EXPLAIN ANALYZE would execute this DELETE/);
    assert.match(readOnlyRefusal(ro, 'benchmark', 'update')!, /UPDATE/);
    assert.equal(readOnlyRefusal(ro, 'explainAnalyze', 'select'), undefined);
    assert.equal(readOnlyRefusal(ro, 'explain', 'delete'), undefined, 'plain EXPLAIN does not run the statement');
    assert.equal(readOnlyRefusal({ ...ro, readOnly: false }, 'proveIndex', 'select'), undefined);
  });

  it('checks command arguments from the server and copies only the known fields', function () {
    const location = { uri: 'file:///w/q.sql', position: { line: 2, character: 5, extra: 1 }, connection: { password: 'x' } };
    assert.deepEqual(asQueryLocation(location), { uri: 'file:///w/q.sql', position: { line: 2, character: 5 } });
    assert.equal(asQueryLocation({ uri: 'file:///w/q.sql', position: { line: 1.5, character: 0 } }), undefined);
    assert.equal(asQueryLocation(undefined), undefined);
    assert.equal(asQueryLocation('file:///w/q.sql'), undefined);
    const index = { table: 'workers', columns: ['planner_id'], ddl: 'CREATE INDEX ON workers (planner_id)' };
    assert.deepEqual(asSuggestedIndex({ ...index, extra: true }), index);
    assert.equal(asSuggestedIndex({ table: 'workers', columns: 'planner_id', ddl: '' }), undefined);
  });
});
