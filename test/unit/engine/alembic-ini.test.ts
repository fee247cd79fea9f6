import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';

// alembic.ini is read from the workspace's files, as the workspace read them: an in-memory
// workspace (fromFiles), the CLI's and the server's (Workspace.create, then setFile when the
// watched file changes) find the same revision folders.

const revision = (id: string, down: string | null) =>
  `from alembic import op\nimport sqlalchemy as sa\n\nrevision = "${id}"\ndown_revision = ${down ? `"${down}"` : 'None'}\n\n\ndef upgrade():\n    op.create_table("items_${id}", sa.Column("id", sa.Integer, primary_key=True))\n`;

const FILES: Record<string, string> = {
  'service/alembic.ini': '[alembic]\nscript_location = app:alembic\nversion_locations = %(here)s/revs\n',
  'service/revs/r1_first.py': revision('r1', null),
  'service/revs/r2_second.py': revision('r2', 'r1'),
  'service/other/o1_other.py': revision('o1', null),
};

function shape(root: string, ws: Workspace): [string, string[]][] {
  return ws.migrationSets().map((s) => [path.relative(root, s.dir), s.migrations.map((m) => path.relative(root, m.upFile))]);
}

describe('engine: alembic.ini in the workspace', () => {
  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  it('finds the version_locations of an alembic.ini that exists only in the workspace', () => {
    const root = '/nowhere-on-disk';
    const ws = Workspace.fromFiles({ root, config: defaultConfig() }, FILES);
    assert.deepEqual(shape(root, ws), [['service/revs', ['service/revs/r1_first.py', 'service/revs/r2_second.py']]]);
    // The watched file changes: the new text is what counts.
    ws.setFile(path.join(root, 'service/alembic.ini'), '[alembic]\nversion_locations = %(here)s/other\n');
    assert.deepEqual(shape(root, ws), [['service/other', ['service/other/o1_other.py']]]);
  });

  it('reads the same folders from a real checkout (the CLI and the server)', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ql-alembic-ini-'));
    try {
      for (const [file, text] of Object.entries(FILES)) {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), text);
      }
      const ws = await Workspace.create({ root, config: defaultConfig() });
      assert.deepEqual(shape(root, ws), [['service/revs', ['service/revs/r1_first.py', 'service/revs/r2_second.py']]]);
      assert.ok(ws.inputFiles().includes(path.join(root, 'service/alembic.ini')));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
