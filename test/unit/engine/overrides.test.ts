/**
 * `.querylens.json`'s `overrides` (per-file rule severities, the last match
 * winning) and `ignorePatterns` (.gitignore syntax) on a workspace read from
 * disk, as the CLI and the language server both build it (issue 12, item 4).
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseConfigText } from '../../../server/src/core/config/load';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers } from '../../../server/src/core/sql/parse';
import { useWorkspaces } from '../migrations/workspace';

const SCHEMA = 'CREATE TABLE parcels (id bigint PRIMARY KEY, courier text NOT NULL);\n';
const QUERY = 'SELECT * FROM parcels WHERE courier = $1 LIMIT 50;\n';

describe('config: overrides and ignorePatterns', () => {
  const make = useWorkspaces();
  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  async function workspace(configText: string, files: Record<string, string>) {
    const { root } = make({ 'schema.sql': SCHEMA, ...files });
    const loaded = parseConfigText(configText);
    assert.deepEqual(loaded.problems, []);
    const ws = await Workspace.create({ root, config: loaded.config });
    const severities = (rel: string) => ws.analyze(path.join(root, rel)).map((f) => `${f.ruleId}=${f.severity}`);
    const files_ = () => ws.files().map((f) => path.relative(root, f).split(path.sep).join('/'));
    return { ws, root, severities, files: files_ };
  }

  it('every override whose globs match a file applies in order, the last one winning; others keep "rules"', async () => {
    const config = `{
      "rules": { "missing-index": "error" },
      "overrides": [
        { "files": ["legacy/**"], "rules": { "missing-index": "off", "select-star": "warning" } },
        { "files": ["legacy/keep/*.sql"], "rules": { "missing-index": "warning" } }
      ]
    }`;
    const { severities } = await workspace(config, { 'app/q.sql': QUERY, 'legacy/once.sql': QUERY, 'legacy/keep/nightly.sql': QUERY });
    assert.deepEqual(severities('app/q.sql'), ['select-star=info', 'missing-index=error']);
    assert.deepEqual(severities('legacy/once.sql'), ['select-star=warning']);
    assert.deepEqual(severities('legacy/keep/nightly.sql'), ['select-star=warning', 'missing-index=warning']);
  });

  it('ignorePatterns leave files out entirely, with .gitignore semantics (folders, any depth, negation, anchoring)', async () => {
    const config = '{ "ignorePatterns": ["generated/", "*.gen.sql", "!keep.gen.sql", "/top.sql"] }';
    const { ws, root, files } = await workspace(config, {
      'generated/q.sql': QUERY,
      'app/generated/q.sql': QUERY,
      'app/a.gen.sql': QUERY,
      'app/keep.gen.sql': QUERY,
      'top.sql': QUERY,
      'app/top.sql': QUERY,
    });
    assert.deepEqual(files(), ['app/keep.gen.sql', 'app/top.sql', 'schema.sql']);
    // A file opened in the editor (or written by a fix) is judged the same way.
    assert.equal(ws.includes(path.join(root, 'app/generated/new.sql')), false);
    assert.equal(ws.includes(path.join(root, 'app/new.sql')), true);
  });

  it('an ignored schema file is not read into the catalog either', async () => {
    const { severities } = await workspace('{ "ignorePatterns": ["schema.sql"] }', { 'q.sql': QUERY });
    assert.deepEqual(severities('q.sql'), ['select-star=info']);
  });

  it('a default skip holds for a file opened in the editor too, unless a "!" pattern takes it back', async () => {
    const minified = `const q = "SELECT * FROM parcels";module.exports={q,d:[${'0,'.repeat(5_000)}0]};\n`;
    const files = { '.yarn/releases/yarn.cjs': minified, 'public/app.js': minified, 'app/jobs.js': 'module.exports = {};\n' };
    const { ws, root, files: listed } = await workspace('{}', files);
    assert.deepEqual(listed(), ['app/jobs.js', 'schema.sql']);
    // What the editor asks before it hands the workspace an open document.
    assert.equal(ws.includes(path.join(root, '.yarn/releases/yarn.cjs')), false);
    assert.equal(ws.includes(path.join(root, 'public/app.js')), false);
    assert.equal(ws.includes(path.join(root, 'node_modules/pg/lib/client.js')), false);
    assert.equal(ws.includes(path.join(root, 'app/new.js')), true);
    assert.equal(ws.skipReason(path.join(root, 'public/app.js')), 'minified or bundled code, not read by default: a line of 10,059 characters; add "!public/app.js" to "ignorePatterns" in .querylens.json to read it');
    const back = await workspace('{ "ignorePatterns": ["!.yarn/", "!public/app.js"] }', files);
    assert.deepEqual(back.files(), ['.yarn/releases/yarn.cjs', 'app/jobs.js', 'public/app.js', 'schema.sql']);
    assert.equal(back.ws.includes(path.join(back.root, 'public/app.js')), true);
  });
});
