import assert from 'node:assert/strict';
import { changedRange, typedTextTest } from '../../../server/src/core/last-text';

// typedTextTest answers pattern.test(text) for the versions of a typed file, searching
// around each edit only: it must answer as a whole search does, whatever the edit.

describe('engine: word tests of typed texts (last-text typedTextTest)', () => {
  it('finds the one edit between two texts', () => {
    assert.deepEqual(changedRange('abcdef', 'abXYef'), { start: 2, oldEnd: 4, newEnd: 4 });
    assert.deepEqual(changedRange('abcdef', 'abcdef'), { start: 6, oldEnd: 6, newEnd: 6 });
    assert.deepEqual(changedRange('aaaa', 'aaaaa'), { start: 4, oldEnd: 4, newEnd: 5 });
    assert.deepEqual(changedRange('abc', 'xyz'), { start: 0, oldEnd: 3, newEnd: 3 });
  });

  it('sees a word made, broken or unbounded by an edit, and one far from the edit', () => {
    const test = typedTextTest(/\bclass\b|__tablename__/, '__tablename__'.length);
    const versions: [string, boolean][] = [
      ['x = 1\n' + 'y = 2\n'.repeat(50), false],
      ['x = 1\nclass A:\n' + 'y = 2\n'.repeat(50), true], // typed in
      ['x = 1\nclassy A:\n' + 'y = 2\n'.repeat(50), false], // no word any more: a character after it
      ['x = 1\nclass A:\n' + 'y = 2\n'.repeat(50), true],
      ['x = 1\nclass A:\n' + 'y = 2\n'.repeat(49) + 'z = 3\n', true], // far below it
      ['x = 1\nclas A:\n' + 'y = 2\n'.repeat(49) + 'z = 3\n', false], // inside it
      ['x = 1\nclas A:\n' + 'y = 2\n'.repeat(49) + 'z = 3\n__tablename__', true], // at the very end
      ['x = 1\nclas A:\n' + 'y = 2\n'.repeat(49) + 'z = 3\n__tablename_', false],
      ['x = 1\nclas__tablename__', true], // made by a deletion joining two parts
      ['x = 1\nclas_tablename__', false],
      ['class', true],
      ['', false],
    ];
    for (const [text, expected] of versions) assert.equal(test(text), expected, JSON.stringify(text.slice(0, 30)));
  });

  it('answers as a whole search does over random edits', () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const patterns: [RegExp, number][] = [
      [/\bcreate_engine\b|\bcreate_async_engine\b|\brevision\b/, 19],
      [/__tablename__|Column|mapped_column|Mapped/, 13],
      [/pgbouncer/i, 9],
      [/\bab\b/, 2],
    ];
    const pieces = ['create_engine', 'create_async_engine', 'revision', 'Column', 'Mapped', 'PgBouncer', 'ab', ' ab ', ' ', '\n', '_', 'x', '(', 'mapped_'];
    for (const [pattern, longest] of patterns) {
      const test = typedTextTest(pattern, longest);
      let text = 'def f():\n    return 1\n'.repeat(20);
      const answers = { true: 0, false: 0 };
      for (let i = 0; i < 3000; i++) {
        const at = Math.floor(random() * (text.length + 1));
        const r = random();
        if (r < 0.55) text = text.slice(0, at) + pieces[Math.floor(random() * pieces.length)]! + text.slice(at);
        else if (r < 0.98) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 3));
        else text = 'def g():\n    pass\n'.repeat(Math.floor(random() * 3)); // another file
        const expected = pattern.test(text);
        answers[`${expected}`]++;
        assert.equal(test(text), expected, `${pattern} after edit ${i}: ${JSON.stringify(text)}`);
      }
      assert.ok(answers.true > 50 && answers.false > 50, `${pattern}: ${JSON.stringify(answers)}`);
    }
  });
});
