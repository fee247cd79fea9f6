/**
 * redundant-index decides from what an index really serves (issue 10, cause 4):
 * operator classes and methods differ in the lookups they serve, a partial
 * index is redundant only beside one with the same predicate, and an index
 * dropped by a later migration (also in a loop of an Alembic revision) no
 * longer counts.
 */
import assert from 'node:assert/strict';
import { redundantIndex } from '../../../server/src/core/rules/redundant-index';
import { flaggedBy, initAllParsers, seedWorkspace } from '../seeds/helpers';
import { ruleTester } from './harness';

const table = 'CREATE TABLE notes (id bigint PRIMARY KEY, owner_id bigint, slug text, tags text[], deleted_at timestamptz);\n';

ruleTester(redundantIndex, {
  valid: [
    {
      name: 'a text_pattern_ops index serves LIKE prefixes the plain one does not',
      code: table + 'CREATE INDEX notes_slug ON notes (slug);\nCREATE INDEX notes_slug_pattern ON notes (slug text_pattern_ops);',
    },
    {
      name: 'a GIN index is not a prefix of a longer GIN index',
      code: table + 'CREATE INDEX notes_tags ON notes USING gin (tags);\nCREATE INDEX notes_tags_slug ON notes USING gin (tags, slug);',
    },
    {
      name: 'partial indexes with different predicates',
      code: table + 'CREATE INDEX notes_live_owner ON notes (owner_id) WHERE deleted_at IS NULL;\nCREATE INDEX notes_gone_owner_slug ON notes (owner_id, slug) WHERE deleted_at IS NOT NULL;',
    },
    {
      name: 'the covering index is dropped by a later migration',
      migrations: [
        table + 'CREATE INDEX notes_owner ON notes (owner_id);\nCREATE INDEX notes_owner_slug ON notes (owner_id, slug);',
        'DROP INDEX notes_owner_slug;',
      ],
      asMigration: { index: 0 },
      code: table + 'CREATE INDEX notes_owner ON notes (owner_id);\nCREATE INDEX notes_owner_slug ON notes (owner_id, slug);',
    },
  ],
  invalid: [
    {
      name: 'partial indexes with the same predicate: the shorter one is redundant',
      code: table + 'CREATE INDEX notes_live_owner ON notes (owner_id) WHERE deleted_at IS NULL;\nCREATE INDEX notes_live_owner_slug ON notes (owner_id, slug) WHERE deleted_at IS NULL;',
      errors: [
        {
          message: ['Index notes_live_owner on notes(owner_id) is redundant: notes_live_owner_slug (owner_id, slug) starts with the same keys'],
          span: 'CREATE INDEX notes_live_owner ON notes (owner_id) WHERE deleted_at IS NULL',
          fixes: ['Remove redundant index notes_live_owner'],
        },
      ],
      output: table + 'CREATE INDEX notes_live_owner_slug ON notes (owner_id, slug) WHERE deleted_at IS NULL;',
    },
  ],
});

const revision = (id: string, down: string | null, body: string, head = '') =>
  `from alembic import op\nimport sqlalchemy as sa\n\nrevision = "${id}"\ndown_revision = ${down ? `"${down}"` : 'None'}\n${head}\n\ndef upgrade():\n${body}\n\n\ndef downgrade():\n    pass\n`;

const createNotes = `    op.create_table(
        "notes",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("owner_id", sa.BigInteger()),
        sa.Column("slug", sa.Text()),
    )
    op.create_index("ix_notes_owner_id", "notes", ["owner_id"])
    op.create_index("ix_notes_owner_slug", "notes", ["owner_id", "slug"])
    op.create_index("ix_notes_slug", "notes", ["slug"])
    op.create_index("ix_notes_slug_pattern", "notes", ["slug"], postgresql_ops={"slug": "text_pattern_ops"})`;

describe('redundant-index on Alembic revisions', () => {
  before(initAllParsers);

  const files = (later?: string) => ({
    'alembic.ini': '[alembic]\nscript_location = alembic\n',
    'alembic/env.py': '',
    'alembic/versions/a1_notes.py': revision('a1', null, createNotes),
    ...(later ? { 'alembic/versions/b2_drop.py': later } : {}),
  });

  it('the plain index is redundant beside the composite one, the text_pattern_ops one is not', () => {
    const ws = seedWorkspace(files(), 'postgres');
    assert.deepEqual(flaggedBy(ws, 'alembic/versions/a1_notes.py', 'redundant-index'), ['op.create_index("ix_notes_owner_id", "notes", ["owner_id"])']);
  });

  it('indexes dropped in a loop of a later revision no longer count', () => {
    const drop = revision(
      'b2',
      'a1',
      '    with op.get_context().autocommit_block():\n        for name in OLD_INDEXES:\n            op.drop_index(name, table_name="notes", postgresql_concurrently=True)',
      'OLD_INDEXES = {\n    "ix_notes_owner_slug": ["owner_id", "slug"],\n}\n',
    );
    const ws = seedWorkspace(files(drop), 'postgres');
    assert.deepEqual(flaggedBy(ws, 'alembic/versions/a1_notes.py', 'redundant-index'), []);
  });

  it('indexes dropped in a loop over a literal list, with .items() of a dict', () => {
    const drop = revision('b2', 'a1', '    for name, _cols in {"ix_notes_owner_slug": ["owner_id", "slug"]}.items():\n        op.drop_index(name, table_name="notes")');
    const ws = seedWorkspace(files(drop), 'postgres');
    assert.deepEqual(flaggedBy(ws, 'alembic/versions/a1_notes.py', 'redundant-index'), []);
  });
});
