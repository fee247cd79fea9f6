/**
 * `querylens check --cache` (issue 16 item 3): a re-run takes each unchanged
 * file's findings from `.querylens/cache/`, re-checks a changed file and the
 * files depending on a schema change, and reports exactly what a run without
 * the cache reports; a corrupt cache is ignored and rewritten; `--fix` never
 * replays findings it fixed. Which files were analysed is read from the
 * timing line (QUERYLENS_TIMING=1), which names them; when no file changed,
 * the line also says how many files the run read to tell them unchanged (the
 * others' metadata was the one recorded).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs, UsageError } from '../../../server/src/cli/args';
import { runCheck } from '../../../server/src/cli/check';
import { statOf } from '../../../server/src/cache/checkCache';

const FILES: Record<string, string> = {
  '.querylens.json': '{ "dialect": "postgres" }\n',
  'db/tickets.sql': 'CREATE TABLE tickets (id bigint PRIMARY KEY, desk_id bigint NOT NULL, opened_at timestamptz NOT NULL);\n',
  'db/desks.sql': 'CREATE TABLE desks (id bigint PRIMARY KEY, name text NOT NULL);\n',
  'queries/tickets.sql': 'SELECT id FROM tickets WHERE desk_id = $1 LIMIT 20;\n',
  'queries/desks.sql': 'SELECT id FROM desks WHERE name = $1 LIMIT 20;\n',
  'app/repo.py': 'def open_tickets(conn, desk):\n    return conn.execute("SELECT id FROM tickets WHERE opened_at > %s LIMIT 50", (desk,))\n',
};

function writeTree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'querylens-cache-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

/**
 * The run's findings as the JSON output lists them, how many files it analysed (not from the
 * cache), how many it read when it took every finding from the cache, and its other warnings.
 */
async function check(dir: string, options: { cache?: boolean; location?: string; fix?: boolean; paths?: string[] } = {}): Promise<{ findings: string; analysed?: number; read?: number; warnings: string[] }> {
  const messages: string[] = [];
  const report = await runCheck({
    paths: options.paths ?? ['.'],
    cwd: dir,
    fix: options.fix ?? false,
    timing: true,
    warn: (message) => messages.push(message),
    ...(options.cache ? { cache: options.location !== undefined ? { location: options.location } : {} } : {}),
  });
  const analysed = /\((\d+) not from the cache\)/.exec(messages.join('\n'))?.[1];
  const read = /files \((\d+) read\)/.exec(messages.join('\n'))?.[1];
  // A new migration a fix would write is named by the run's clock: two runs a second apart name it apart.
  const findings = JSON.stringify(report.findings).replace(/\d{14}(_add_index)/g, '<now>$1');
  const warnings = messages.filter((message) => !message.startsWith('timing: '));
  return { findings, warnings, ...(analysed !== undefined ? { analysed: Number(analysed) } : {}), ...(read !== undefined ? { read: Number(read) } : {}) };
}

const cacheFile = (dir: string) => path.join(dir, '.querylens', 'cache', 'check.json');

/** Writes `text` to `file` in `dir`, then checks with the cache: it analyses `analysed` files and reports what a run without the cache reports. */
async function changeAndCheck(dir: string, file: string, text: string, analysed: number): Promise<string> {
  fs.writeFileSync(path.join(dir, file), text);
  const warm = await check(dir, { cache: true });
  assert.equal(warm.analysed, analysed);
  assert.equal(warm.findings, (await check(dir)).findings);
  return warm.findings;
}

/** Makes a `describe` block's workspaces, removed after it; `aged`: their files last modified an hour ago (out of any racy window). */
function temporaryWorkspaces(aged = false): (files?: Record<string, string>) => string {
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  return (files = FILES) => {
    const dir = writeTree(files);
    dirs.push(dir);
    const hourAgo = new Date(Date.now() - 3_600_000);
    if (aged) for (const file of Object.keys(files)) fs.utimesSync(path.join(dir, file), hourAgo, hourAgo);
    return dir;
  };
}

describe('check --cache', function () {
  this.timeout(60_000);
  const workspace = temporaryWorkspaces();

  it('a re-run of an unchanged workspace analyses no file and reports the same findings', async () => {
    const dir = workspace();
    const plain = await check(dir);
    assert.ok(plain.findings.includes('missing-index'), plain.findings);
    const first = await check(dir, { cache: true });
    assert.equal(first.analysed, 5);
    const second = await check(dir, { cache: true });
    assert.equal(second.analysed, 0);
    assert.equal(second.findings, plain.findings);
    assert.equal(fs.readFileSync(path.join(dir, '.querylens', 'cache', '.gitignore'), 'utf8'), '# Written by querylens check --cache\n*\n');
  });

  it('a changed query file is the only one analysed again', async () => {
    const dir = workspace();
    await check(dir, { cache: true });
    await changeAndCheck(dir, 'queries/desks.sql', 'SELECT id FROM desks WHERE name = $1 LIMIT 20;\nSELECT * FROM desks WHERE id = $1;\n', 1);
  });

  it('keeps what each file the catalog reads says of the schema, and builds the next catalog from it while no file changed what it says of the schema', async () => {
    const dir = workspace();
    const plain = await check(dir);
    assert.ok(plain.findings.includes('desks(name)'), plain.findings);
    await check(dir, { cache: true });
    const cache = JSON.parse(fs.readFileSync(cacheFile(dir), 'utf8'));
    const tickets = cache.files['db/tickets.sql'].schema;
    assert.deepEqual(
      tickets.map((c: { kind: string; table: string; columns: { name: string }[] }) => [c.kind, c.table, c.columns.map((col) => col.name)]),
      [['createTable', 'tickets', ['id', 'desk_id', 'opened_at']]],
    );
    assert.deepEqual(cache.files['queries/desks.sql'].schema, []); // read, no schema change
    assert.equal(cache.files['app/repo.py'].schema, undefined); // Python without models or DDL: never read for the schema
    // The cache says db/desks.sql indexes desks(name): a run that builds its catalog from the cache believes it.
    const desks = cache.files['db/desks.sql'].schema;
    desks.push({ kind: 'createIndex', name: 'desks_name_idx', table: 'desks', keys: [{ column: 'name' }], unique: false, partial: false, method: 'btree', span: desks[0].span });
    fs.writeFileSync(cacheFile(dir), JSON.stringify(cache));
    fs.writeFileSync(path.join(dir, 'queries/desks.sql'), 'SELECT id FROM desks WHERE name = $1 LIMIT 20;\nSELECT id FROM desks WHERE name = $2 LIMIT 10;\n');
    const warm = await check(dir, { cache: true });
    assert.equal(warm.analysed, 1);
    assert.ok(!warm.findings.includes('desks(name)'), warm.findings);
    // A schema file says something else of the schema (here: than the tampered cache): the catalog is read from the files again.
    fs.appendFileSync(path.join(dir, 'db/desks.sql'), '-- desks\n');
    const after = await check(dir, { cache: true });
    assert.equal(after.findings, (await check(dir)).findings);
    assert.ok(after.findings.includes('desks(name)'), after.findings);
  });

  it('a schema change re-checks its file and the files reading its tables, not the others', async () => {
    const dir = workspace();
    await check(dir, { cache: true });
    fs.appendFileSync(path.join(dir, 'db/desks.sql'), 'CREATE INDEX desks_name_idx ON desks (name);\n');
    const warm = await check(dir, { cache: true });
    assert.equal(warm.analysed, 2); // db/desks.sql and queries/desks.sql
    const plain = await check(dir);
    assert.equal(warm.findings, plain.findings);
    assert.ok(!plain.findings.includes('desks(name)'), plain.findings);
  });

  it('a changed Python query file is read with the models the cache knows, and reports what a run without the cache does', async () => {
    const dir = workspace({
      'app/models.py': 'from sqlalchemy import BigInteger, Column, String\nfrom sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n\n\nclass Ticket(Base):\n    __tablename__ = "tickets"\n    id = Column(BigInteger, primary_key=True)\n    desk = Column(String, nullable=False)\n',
      'app/queries.py': 'from app.models import Ticket\n\n\ndef by_desk(session, desk):\n    return session.query(Ticket).filter(Ticket.desk == desk).limit(20).all()\n',
    });
    const plain = await check(dir);
    assert.ok(plain.findings.includes('tickets(desk)'), plain.findings);
    await check(dir, { cache: true });
    fs.appendFileSync(path.join(dir, 'app/queries.py'), '\n\ndef all_desks(session):\n    return session.query(Ticket).filter(Ticket.desk != "").all()\n');
    const warm = await check(dir, { cache: true });
    assert.equal(warm.analysed, 1);
    assert.equal(warm.findings, (await check(dir)).findings);
    assert.notEqual(warm.findings, plain.findings);
  });

  for (const [what, content] of [
    ['garbage', 'not json at all {'],
    ['a truncated file', '{"format":1,"build":"x","runKey":"'],
    ['an entry of the wrong shape', null],
  ] as const) {
    it(`a cache holding ${what} is ignored and rewritten`, async () => {
      const dir = workspace();
      const plain = await check(dir, { cache: true });
      let expected = 5;
      if (content === null) {
        const cache = JSON.parse(fs.readFileSync(cacheFile(dir), 'utf8'));
        cache.files['queries/tickets.sql'].findings = 'broken';
        fs.writeFileSync(cacheFile(dir), JSON.stringify(cache));
        expected = 1;
      } else fs.writeFileSync(cacheFile(dir), content);
      const run = await check(dir, { cache: true });
      assert.equal(run.analysed, expected);
      assert.equal(run.findings, plain.findings);
      assert.equal((await check(dir, { cache: true })).analysed, 0);
    });
  }

  it('two runs at once leave a whole cache that the next run reads', async () => {
    const dir = workspace();
    const [a, b] = await Promise.all([check(dir, { cache: true }), check(dir, { cache: true })]);
    assert.equal(a.findings, b.findings);
    assert.deepEqual(fs.readdirSync(path.dirname(cacheFile(dir))).sort(), ['.gitignore', 'check.json']);
    const next = await check(dir, { cache: true });
    assert.equal(next.analysed, 0);
    assert.equal(next.findings, a.findings);
  });

  it('--cache-location keeps the cache in the given folder', async () => {
    const dir = workspace();
    await check(dir, { cache: true, location: 'elsewhere/cache' });
    assert.ok(fs.existsSync(path.join(dir, 'elsewhere', 'cache', 'check.json')));
    assert.ok(!fs.existsSync(path.join(dir, '.querylens')));
    assert.equal((await check(dir, { cache: true, location: 'elsewhere/cache' })).analysed, 0);
  });

  it('--fix with the cache: the fixed findings are not replayed by the next run', async () => {
    const dir = workspace({
      '.querylens.json': '{ "dialect": "postgres" }\n',
      'migrations/20240101000000_init.sql': 'CREATE TABLE owners (id bigint PRIMARY KEY);\nCREATE TABLE tasks (id bigint PRIMARY KEY, owner_id bigint NOT NULL REFERENCES owners (id));\n',
    });
    const fks = (findings: string) => (JSON.parse(findings) as { ruleId: string }[]).filter((f) => f.ruleId === 'unindexed-foreign-key').length;
    assert.equal(fks((await check(dir, { cache: true })).findings), 1);
    await check(dir, { cache: true, fix: true });
    const after = await check(dir, { cache: true });
    assert.equal(fks(after.findings), 0);
    assert.equal(after.findings, (await check(dir)).findings);
  });

  it('a migration committed since the last run is checked again as shipped', async () => {
    const dir = workspace({
      '.querylens.json': '{ "dialect": "postgres" }\n',
      'migrations/20240101000000_init.sql': 'CREATE TABLE owners (id bigint PRIMARY KEY);\nCREATE TABLE tasks (id bigint PRIMARY KEY, owner_id bigint NOT NULL REFERENCES owners (id));\n',
    });
    const git = (...args: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.email=t@example.invalid', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { stdio: 'pipe' });
    git('init', '-q');
    const before = await check(dir, { cache: true });
    git('add', '.');
    git('commit', '-qm', 'init');
    const warm = await check(dir, { cache: true });
    assert.equal(warm.analysed, 1);
    assert.equal(warm.findings, (await check(dir)).findings);
    assert.notEqual(warm.findings, before.findings);
    assert.ok(warm.findings.includes('this migration has shipped'), warm.findings);
  });

  it('--cache-location needs --cache', () => {
    assert.throws(() => parseArgs(['check', '--cache-location', 'x']), (error: unknown) => error instanceof UsageError && error.message === 'option --cache-location needs --cache');
    assert.deepEqual((parseArgs(['check', '--cache', '--cache-location=x']) as { cache?: unknown }).cache, { location: 'x' });
  });
});

/**
 * The files' metadata (size, modification and change times, inode) as the last run
 * recorded it before reading them: a file whose metadata is the same, and was not
 * modified within the clock tick it was recorded in (git's "racy" entries), is not
 * read again; a run in which no file, setting or shipped state changed takes every
 * finding from the cache.
 */
describe('check --cache: file metadata', function () {
  this.timeout(60_000);
  const workspace = temporaryWorkspaces(true);
  /** A run with the cache checks queries/desks.sql again (only it), now by the primary key: as a run without the cache, no index on desks(name). */
  const assertDesksCheckedAgain = async (dir: string) => {
    const warm = await check(dir, { cache: true });
    assert.equal(warm.analysed, 1);
    assert.equal(warm.findings, (await check(dir)).findings);
    assert.ok(!warm.findings.includes('desks(name)'), warm.findings);
  };
  const editCache = (dir: string, edit: (cache: { racyFrom: string; files: Record<string, { stat?: unknown }> }) => void) => {
    const cache = JSON.parse(fs.readFileSync(cacheFile(dir), 'utf8'));
    edit(cache);
    fs.writeFileSync(cacheFile(dir), JSON.stringify(cache));
  };

  it('a re-run reads no file whose metadata is unchanged, analyses none and reports the same findings and warnings', async () => {
    const dir = workspace();
    const plain = await check(dir);
    const first = await check(dir, { cache: true });
    assert.deepEqual([first.analysed, first.read], [5, undefined]);
    const second = await check(dir, { cache: true });
    assert.deepEqual([second.analysed, second.read], [0, 0]);
    assert.equal(second.findings, plain.findings);
    assert.deepEqual(second.warnings, plain.warnings);
  });

  it('a touched file is read once and keeps its findings; its new metadata spares the next run reading it', async () => {
    const dir = workspace();
    const plain = await check(dir);
    await check(dir, { cache: true });
    const halfHourAgo = new Date(Date.now() - 1_800_000);
    fs.utimesSync(path.join(dir, 'queries/tickets.sql'), halfHourAgo, halfHourAgo);
    const touched = await check(dir, { cache: true });
    assert.deepEqual([touched.analysed, touched.read], [0, 1]);
    assert.equal(touched.findings, plain.findings);
    const next = await check(dir, { cache: true });
    assert.deepEqual([next.analysed, next.read], [0, 0]);
    // Touched now: the same, whatever the clock.
    fs.utimesSync(path.join(dir, 'queries/tickets.sql'), new Date(), new Date());
    const now = await check(dir, { cache: true });
    assert.deepEqual([now.analysed, now.read], [0, 1]);
    assert.equal(now.findings, plain.findings);
  });

  it('a file changed within the clock tick its metadata was recorded in (the same size, time and inode) is read and checked again', async () => {
    const dir = workspace();
    const before = await check(dir, { cache: true });
    assert.ok(before.findings.includes('desks(name)'), before.findings);
    const file = path.join(dir, 'queries/desks.sql');
    const size = fs.statSync(file).size;
    fs.writeFileSync(file, 'SELECT id FROM desks WHERE id = $1 LIMIT 2000;\n'); // the same size: by the primary key
    assert.equal(fs.statSync(file).size, size);
    // As if the edit had come within the tick its metadata was recorded in: the cache records its metadata now.
    const { key, mtimeNs } = statOf(file)!;
    editCache(dir, (cache) => {
      cache.files['queries/desks.sql']!.stat = key;
      cache.racyFrom = String(mtimeNs + 1n); // modified before the recording's racy window: the metadata is trusted
    });
    const trusted = await check(dir, { cache: true });
    assert.deepEqual([trusted.analysed, trusted.read], [0, 0]);
    assert.equal(trusted.findings, before.findings);
    editCache(dir, (cache) => {
      cache.racyFrom = String(mtimeNs); // modified within it: read again
    });
    await assertDesksCheckedAgain(dir);
  });

  it('a file replaced by another of the same size and modification time (another inode) is checked again', async () => {
    const dir = workspace();
    await check(dir, { cache: true });
    const file = path.join(dir, 'queries/desks.sql');
    const { mtime } = fs.statSync(file);
    const replacement = path.join(dir, 'desks.sql.new');
    fs.writeFileSync(replacement, 'SELECT id FROM desks WHERE id = $1 LIMIT 2000;\n');
    fs.utimesSync(replacement, mtime, mtime);
    fs.renameSync(replacement, file);
    await assertDesksCheckedAgain(dir);
  });

  it('an entry with corrupt metadata is ignored (its file checked again); a cache with a corrupt racy time is ignored whole', async () => {
    const dir = workspace();
    const plain = await check(dir, { cache: true });
    editCache(dir, (cache) => {
      cache.files['queries/tickets.sql']!.stat = 42;
    });
    const entry = await check(dir, { cache: true });
    assert.deepEqual([entry.analysed, entry.read], [1, undefined]);
    assert.equal(entry.findings, plain.findings);
    editCache(dir, (cache) => {
      cache.racyFrom = 'soon';
    });
    const whole = await check(dir, { cache: true });
    assert.deepEqual([whole.analysed, whole.read], [5, undefined]);
    assert.equal(whole.findings, plain.findings);
    const next = await check(dir, { cache: true });
    assert.deepEqual([next.analysed, next.read], [0, 0]);
  });

  it('a file the workspace cannot read is reported skipped by the run that takes everything from the cache too', async () => {
    const dir = workspace();
    const huge = path.join(dir, 'db', 'huge.sql');
    fs.writeFileSync(huge, '');
    fs.truncateSync(huge, 65 * 1024 * 1024); // sparse: refused by its size, never read
    const hourAgo = new Date(Date.now() - 3_600_000);
    fs.utimesSync(huge, hourAgo, hourAgo);
    const plain = await check(dir);
    assert.deepEqual(plain.warnings.map((w) => w.replace(dir, '<dir>')), ['skipped <dir>/db/huge.sql: it is larger than the limit of 64 MB (65 MB)']);
    await check(dir, { cache: true });
    const warm = await check(dir, { cache: true });
    assert.deepEqual([warm.analysed, warm.read], [0, 0]);
    assert.deepEqual(warm.warnings, plain.warnings);
    assert.equal(warm.findings, plain.findings);
  });

  it("another engine's SQL file the last run left alone is read when it changes", async () => {
    const dir = workspace({ ...FILES, 'db/events.sql': 'CREATE TABLE events (id UInt64, desk_id UInt64) ENGINE = MergeTree ORDER BY id;\n' });
    await check(dir, { cache: true });
    assert.deepEqual((await check(dir, { cache: true })).read, 0);
    fs.writeFileSync(path.join(dir, 'db/events.sql'), 'SELECT id FROM tickets WHERE opened_at > $1 LIMIT 5;\n');
    const warm = await check(dir, { cache: true });
    assert.equal(warm.findings, (await check(dir)).findings);
    assert.ok(warm.findings.includes('"file":"' + path.join(dir, 'db/events.sql')), warm.findings);
  });

  it('a run over a folder, then one over the workspace: the second checks the files the first did not, the third none', async () => {
    const dir = workspace();
    const queries = await check(dir, { cache: true, paths: ['queries'] });
    assert.equal(queries.analysed, 2);
    const all = await check(dir, { cache: true });
    assert.equal(all.analysed, 3);
    assert.equal(all.findings, (await check(dir)).findings);
    const again = await check(dir, { cache: true, paths: ['queries'] });
    assert.deepEqual([again.analysed, again.read], [0, 0]);
    assert.equal(again.findings, queries.findings);
    assert.deepEqual([(await check(dir, { cache: true })).read], [0]);
  });

  it('a changed configuration checks every file again', async () => {
    const dir = workspace();
    await check(dir, { cache: true });
    const findings = await changeAndCheck(dir, '.querylens.json', '{ "dialect": "postgres", "rules": { "missing-index": "off" } }\n', 5);
    assert.ok(!findings.includes('missing-index'), findings);
  });
});
