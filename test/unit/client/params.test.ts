/**
 * Asking for query parameters: typed values become what the database should
 * get for the column type (or a clear error), the choices offered (a generic
 * plan only for a plain EXPLAIN), and values remembered per query.
 */
import { strict as assert } from 'node:assert';
import { describeValues, ParamMemory, paramChoices, paramPrompt, parseParamInput } from '../../../client/src/db/params';
import type { QueryParam } from '../../../shared/explain';

const intParam: QueryParam = { name: '$1', type: 'integer', column: 'workers.planner_id' };
const textParam: QueryParam = { name: '$2', type: 'text', column: 'workers.task_status' };
const boolParam: QueryParam = { name: ':active', type: 'boolean' };
const untyped: QueryParam = { name: '?' };

function memoryStore() {
  const map = new Map<string, unknown>();
  return { map, get: <T>(key: string) => map.get(key) as T | undefined, update: async (key: string, value: unknown) => void map.set(key, value) };
}

describe('client query parameters', function () {
  describe('parseParamInput', function () {
    it('reads numbers for numeric columns, refusing what is not one', function () {
      assert.deepEqual(parseParamInput(' 42 ', intParam), { value: 42 });
      assert.deepEqual(parseParamInput('-7', intParam), { value: -7 });
      assert.deepEqual(parseParamInput('1.5', { name: '$1', type: 'numeric(10,2)' }), { value: 1.5 });
      assert.deepEqual(parseParamInput('abc', intParam), { error: '$1 is integer: type a number, or NULL.' });
      assert.deepEqual(parseParamInput('1.5', intParam), { error: '$1 is integer: type a whole number, or NULL.' });
      assert.deepEqual(parseParamInput('', intParam), { error: '$1 is integer: type a number, or NULL.' });
    });

    it('keeps bigints beyond 2^53 as text, so no digit is lost', function () {
      assert.deepEqual(parseParamInput('9007199254740993', { name: '$1', type: 'bigint' }), { value: '9007199254740993' });
    });

    it('reads truth values for boolean columns', function () {
      assert.deepEqual(parseParamInput('true', boolParam), { value: true });
      assert.deepEqual(parseParamInput('F', boolParam), { value: false });
      assert.ok('error' in parseParamInput('maybe', boolParam));
    });

    it('reads NULL as SQL NULL, and quoted text as that text', function () {
      assert.deepEqual(parseParamInput('null', intParam), { value: null });
      assert.deepEqual(parseParamInput('NULL', textParam), { value: null });
      assert.deepEqual(parseParamInput("'NULL'", textParam), { value: 'NULL' });
      assert.deepEqual(parseParamInput("'it''s'", textParam), { value: "it's" });
      assert.deepEqual(parseParamInput("'42'", intParam), { value: '42' });
    });

    it('sends anything else as typed', function () {
      assert.deepEqual(parseParamInput('pending', textParam), { value: 'pending' });
      assert.deepEqual(parseParamInput(' 42 ', untyped), { value: ' 42 ' });
      assert.deepEqual(parseParamInput('', textParam), { value: '' });
    });
  });

  it('offers a generic plan for a plain EXPLAIN only, and the last values when there are some', function () {
    assert.deepEqual(paramChoices('explain', undefined), ['enter', 'generic']);
    assert.deepEqual(paramChoices('explain', ['1']), ['last', 'enter', 'generic']);
    assert.deepEqual(paramChoices('explainAnalyze', undefined), ['enter']);
    assert.deepEqual(paramChoices('benchmark', ['1']), ['last', 'enter']);
    assert.deepEqual(paramChoices('proveIndex', undefined), ['enter']);
  });

  it('prompts with the parameter name, its column and its type', function () {
    const prompt = paramPrompt(intParam, 0, 2);
    assert.equal(prompt.title, 'Query parameter 1 of 2: $1 (integer)');
    assert.match(prompt.prompt, /\$1 — workers\.planner_id · integer/);
    assert.equal(paramPrompt(untyped, 0, 1).title, 'Query parameter 1 of 1: ?');
  });

  it('describes remembered values as SQL would read them', function () {
    assert.equal(describeValues(['42', 'pending', 'null'], [intParam, textParam, textParam]), "42, 'pending', NULL");
  });

  describe('ParamMemory', function () {
    it('remembers values per query key and gives them back while they fit the parameters', async function () {
      const store = memoryStore();
      const memory = new ParamMemory(store);
      await memory.remember('queries.sql#abc', ['42', 'pending']);
      assert.deepEqual(memory.recall('queries.sql#abc', [intParam, textParam]), ['42', 'pending']);
      assert.equal(memory.recall('queries.sql#other', [intParam, textParam]), undefined, 'another query');
      assert.equal(memory.recall('queries.sql#abc', [intParam]), undefined, 'the query changed its parameters');
    });

    it('ignores stored data of the wrong shape', function () {
      const store = memoryStore();
      store.map.set('querylens.params/k', [1, 2]);
      assert.equal(new ParamMemory(store).recall('k', [intParam, intParam]), undefined);
    });

    it('parses remembered texts into values, or says which does not fit', function () {
      assert.deepEqual(ParamMemory.values(['42', 'pending'], [intParam, textParam]), { values: [42, 'pending'] });
      assert.deepEqual(ParamMemory.values(['x', 'pending'], [intParam, textParam]), { error: '$1 is integer: type a number, or NULL.' });
    });
  });
});
