/**
 * An Alembic revision's ids read from its text (revisionIdsOfText, for the
 * migration order at start-up) say what the syntax tree says, or nothing
 * (undefined) when the text is not plain enough: the file is extracted then.
 */
import * as assert from 'node:assert/strict';
import { revisionIdsOfText } from '../../../../server/src/core/host/python/alembic';
import { extractHost } from '../../../../server/src/core/host/extract';
import { initHostParsers } from '../../../../server/src/core/host/treesitter';

const UPGRADE = '\n\ndef upgrade() -> None:\n    op.drop_table("x")\n';

const extracted = (text: string) => {
  const alembic = extractHost('/p/versions/a.py', text, { schemaOnly: true })?.alembic;
  return alembic ? { revision: alembic.revision, downRevision: alembic.downRevision } : null;
};

describe('Alembic revision ids from the text', () => {
  before(async () => initHostParsers());

  const plain: [string, string][] = [
    ['a string and None', 'revision = "b1"\ndown_revision = None' + UPGRADE],
    ['annotated, single quotes, a comment', "revision: str = 'b1'  # the id\ndown_revision: str | None = 'a0'" + UPGRADE],
    ['a merge tuple', 'revision = "m1"\ndown_revision = ("a1", "b1")' + UPGRADE],
    ['a one-item list', "revision = 'm1'\ndown_revision = ['a1',]" + UPGRADE],
    ['no down_revision', 'revision = "r0"' + UPGRADE],
    ['async upgrade, CRLF', 'revision = "r0"\r\ndown_revision = "q"\r\n\r\nasync def upgrade():\r\n    pass\r\n'],
    ['no upgrade()', 'revision = "r0"\ndown_revision = None\n'],
    ['no revision at all', 'import sqlalchemy as sa\n' + UPGRADE],
  ];
  for (const [name, text] of plain) {
    it(`reads ${name} as the syntax tree does`, () => {
      const cheap = revisionIdsOfText(text);
      assert.notEqual(cheap, undefined);
      assert.deepEqual(cheap, extracted(text));
    });
  }

  const unsure: [string, string][] = [
    ['an id that is an expression', 'revision = PREFIX + "1"\ndown_revision = None' + UPGRADE],
    ['an f-string', 'revision = f"{x}"\ndown_revision = None' + UPGRADE],
    ['an id assigned twice', 'revision = "a"\nrevision = "b"\ndown_revision = None' + UPGRADE],
    ['a tuple over lines', 'revision = "m"\ndown_revision = (\n    "a",\n    "b",\n)' + UPGRADE],
    ['an annotation without a value', 'revision: str\n' + UPGRADE],
  ];
  for (const [name, text] of unsure) {
    it(`leaves ${name} to the syntax tree`, () => assert.equal(revisionIdsOfText(text), undefined));
  }
});
