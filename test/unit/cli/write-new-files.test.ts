/**
 * `check --fix` writes new migrations only inside the workspace: a migrations
 * folder that is a link to a place outside gets neither the file nor the new
 * sub-folder a Prisma migration lives in (issue 9, item 4).
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeNewFiles } from '../../../server/src/cli/fix';

describe('check --fix: new files', () => {
  const dirs: string[] = [];
  const tempDir = (prefix: string) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('creates a new migration folder and file inside the workspace; through a linked folder, creates nothing outside', () => {
    const root = tempDir('querylens-newfiles-');
    const outside = tempDir('querylens-elsewhere-');
    mkdirSync(path.join(root, 'prisma'));
    symlinkSync(outside, path.join(root, 'prisma', 'migrations'));
    mkdirSync(path.join(root, 'db'));
    const warnings: string[] = [];
    const linked = path.join(root, 'prisma', 'migrations', '20260101000000_add_index', 'migration.sql');
    const inside = path.join(root, 'db', 'migrations', '002_add_index.sql');
    const written = writeNewFiles(root, [{ file: linked, content: 'CREATE INDEX a ON t (x);\n' }, { file: inside, content: 'CREATE INDEX b ON t (y);\n' }], (m) => warnings.push(m));
    assert.deepEqual(written, [inside]);
    assert.equal(readFileSync(inside, 'utf8'), 'CREATE INDEX b ON t (y);\n');
    assert.deepEqual(readdirSync(outside), [], 'no folder or file created outside the workspace');
    assert.equal(existsSync(linked), false);
    assert.deepEqual(warnings, [`not written: ${linked}: its folder is a link to a place outside the workspace ${root} (--fix writes only inside it)`]);
  });
});
