/**
 * The Alembic fix for an index built without CONCURRENTLY, made on the Python
 * syntax tree (host/python/concurrent-index.ts): the edited revision must
 * parse whatever the call looks like (trailing comma, keyword arguments,
 * several lines, a comment), and a call already in an autocommit block is not
 * wrapped twice. Each result is compiled by Python.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { concurrentIndexEdit } from '../../../server/src/core/host/python/concurrent-index';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { pyCompile } from './alembic-cli';

function fixed(body: string): string | undefined {
  const text = `from alembic import op\n\n\ndef upgrade():\n${body}`;
  const at = text.indexOf('op.create_index');
  const edit = concurrentIndexEdit(text, at);
  return edit && text.slice(0, edit.span.start) + edit.newText + text.slice(edit.span.end);
}

describe('Alembic concurrent index fix on the syntax tree', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'querylens-concurrent-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  before(() => initHostParsers());
  const compiles = (text: string) => {
    const file = path.join(tmp, `r${Math.random().toString(16).slice(2)}.py`);
    fs.writeFileSync(file, text);
    pyCompile(file);
  };

  it('a trailing comma: the keyword goes before it', () => {
    const text = fixed("    op.create_index('ix_a', 'jobs', ['a'],)\n")!;
    assert.ok(text.endsWith("    with op.get_context().autocommit_block():\n        op.create_index('ix_a', 'jobs', ['a'], postgresql_concurrently=True,)\n"), text);
    compiles(text);
  });

  it('several lines with keyword arguments and a comment: re-indented, the keyword after the last argument', () => {
    const text = fixed("    op.create_index(\n        'ix_a',\n        'jobs',\n        ['a'],\n        unique=False,  # why\n    )\n")!;
    assert.ok(
      text.endsWith(
        "    with op.get_context().autocommit_block():\n        op.create_index(\n            'ix_a',\n            'jobs',\n            ['a'],\n            unique=False, postgresql_concurrently=True,  # why\n        )\n",
      ),
      text,
    );
    compiles(text);
  });

  it('postgresql_concurrently=False becomes True; a call already in an autocommit block is not wrapped again', () => {
    const text = fixed("    with op.get_context().autocommit_block():\n        op.create_index('ix_a', 'jobs', ['a'], postgresql_concurrently=False)\n")!;
    assert.ok(text.endsWith("    with op.get_context().autocommit_block():\n        op.create_index('ix_a', 'jobs', ['a'], postgresql_concurrently=True)\n"), text);
    compiles(text);
  });

  it('no fix where it cannot be made safely: **options, or a call inside an expression', () => {
    assert.equal(fixed("    op.create_index('ix_a', 'jobs', ['a'], **options)\n"), undefined);
    assert.equal(fixed("    x = op.create_index('ix_a', 'jobs', ['a'])\n"), undefined);
  });
});
