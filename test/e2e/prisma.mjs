// The Prisma part of the real-editor test (issue 15): a copy of examples/prisma-agents opened in a
// window of its own (its tables would otherwise join the fixture workspace's schema: the fixture's
// SQLAlchemy `agents` model pulls in the Prisma migration that also creates `agents`). Open the Prisma
// Client file, see `missing-composite-index` on the TaskManager's lookup of workers, see the Explain
// CodeLenses over the ORM call, apply the quick fix, and check what it wrote: schema.prisma gains the
// `@@index` (exactly), a new Prisma migration creates the index concurrently (exactly), the finding goes,
// and the migrations (the example's and the new one) apply on the real PostgreSQL server.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What we expect; adjust here when the wording changes. */
export const EXPECT_PRISMA = {
  part: 'prisma',
  /** The example copied into the run's temp dir, opened as its own workspace. */
  example: 'examples/prisma-agents',
  file: 'src/taskManager.ts',
  ruleId: 'missing-composite-index',
  messageMentions: 'workers(planner_id, task_status)',
  /** The ORM call the finding and the CodeLenses are about (getCurrentTask). */
  call: 'prisma.worker.findFirst(',
  /** Its line as the editor draws it (Monaco may draw spaces as no-break spaces). */
  callLine: /return.prisma\.worker\.findFirst\(\{/,
  /** The finding's first line (1-based) and the text it starts at. */
  flaggedLine: 7,
  flagged: "plannerId, taskStatus: 'in_progress'",
  codeLenses: ['Explain', 'Explain Analyze', 'Benchmark'],
  fixTitle: 'Add index on workers(planner_id, task_status) in a new migration and @@index to the Worker model',
  schemaFile: 'prisma/schema.prisma',
  /** The fixed schema: the original with this line after the Worker model's last attribute. */
  schemaAfter: (original) => original.replace('  @@map("workers")\n}', '  @@map("workers")\n  @@index([plannerId, taskStatus])\n}'),
  migrationsDir: 'prisma/migrations',
  /** The new migration's folder (Prisma Migrate: <UTC timestamp>_<name>/migration.sql). */
  migrationName: /^\d{14}_add_index_workers_planner_id_task_status$/,
  migration: [
    "-- schema.prisma must declare this index on its model (@@index, with map: when the name below is not Prisma's own), or prisma migrate dev will want to drop it.",
    '-- CONCURRENTLY does not block writes to the table, but cannot run in a transaction block',
    '-- nor next to another statement: keep it the only statement of this file.',
    'CREATE INDEX CONCURRENTLY workers_planner_id_task_status_idx ON workers (planner_id, task_status);',
    '',
  ].join('\n'),
  /** The index as PostgreSQL describes it once the migrations ran. */
  indexDef: /^CREATE INDEX workers_planner_id_task_status_idx ON (\S+\.)?workers USING btree \(planner_id, task_status\)$/,
};

const newMigrations = (workspace, before) => {
  const dir = join(workspace, EXPECT_PRISMA.migrationsDir);
  return readdirSync(dir).filter((d) => !before.includes(d) && existsSync(join(dir, d, 'migration.sql')));
};

/**
 * @param {import('playwright-core').Page} page a new page, on the example's workspace
 * @param {string} workspace the example's copy
 * @param {Record<string, Function> & { timeout: number, results: string }} t the runner's helpers
 */
export async function drivePrisma(page, workspace, t) {
  const X = EXPECT_PRISMA;
  const name = X.file.split('/').pop();
  const source = readFileSync(join(workspace, X.file), 'utf8');
  const schemaPath = join(workspace, X.schemaFile);
  const schemaBefore = readFileSync(schemaPath, 'utf8');
  const migrationsBefore = readdirSync(join(workspace, X.migrationsDir));

  await t.phase(`open ${X.file} (Prisma)`, () => t.openFile(page, X.file));
  const found = await t.phase(`${X.ruleId} visible in Problems panel (Prisma)`, async () => {
    const row = await t.waitRuleRow(page, X.ruleId, `${X.part}-${X.ruleId}.png`, ` after opening ${X.file}`);
    t.ok(`Problems panel shows ${X.ruleId} in ${X.file}: ${row}`);
    return row;
  });
  if (!t.squash(found).includes(t.squash(X.messageMentions))) t.softFail(`${X.ruleId} message does not mention ${X.messageMentions}: ${found}`);
  else t.ok(`${X.ruleId} message mentions ${X.messageMentions}`);
  const at = /\[Ln (\d+), Col (\d+)\]/.exec(found);
  const lines = source.split('\n');
  const column = lines[X.flaggedLine - 1].indexOf(X.flagged) + 1;
  if (!at || Number(at[1]) !== X.flaggedLine || Number(at[2]) !== column) t.softFail(`${X.ruleId} is at ${at ? `Ln ${at[1]}, Col ${at[2]}` : '(no position)'}, not at Ln ${X.flaggedLine}, Col ${column} (${X.flagged})`);
  else t.ok(`${X.ruleId} is at Ln ${X.flaggedLine}, Col ${column}: the where of ${X.call}`);

  await t.phase(`CodeLenses over ${X.call}`, () => checkLensesOverCall(page, X, t));

  await t.phase(`${X.ruleId} quick fix (Prisma)`, async () => {
    const { rows, titles, menuUp } = await t.openQuickFixMenu(page, name, X.flaggedLine, column + 1);
    await t.shot(page, `${X.part}-quickfix.png`);
    if (!menuUp) t.fail(`Ctrl+. did not open the quick fix menu on ${X.flagged}`);
    t.log(`quick fix menu: ${JSON.stringify(titles)}`);
    const i = titles.indexOf(X.fixTitle);
    if (i < 0) t.fail(`no quick fix "${X.fixTitle}" in the menu: ${JSON.stringify(titles)}`);
    t.ok(`quick fix offered: ${titles[i]}`);
    await rows.nth(i).click();
  });

  await t.phase('schema.prisma and the new migration after the fix', async () => {
    const schemaExpected = X.schemaAfter(schemaBefore);
    if (schemaExpected === schemaBefore) t.fail(`the example's ${X.schemaFile} has no Worker model ending in @@map("workers")`);
    const written = () => readFileSync(schemaPath, 'utf8') !== schemaBefore && newMigrations(workspace, migrationsBefore).length > 0;
    let done = await t.waitFor(written, { timeout: 15_000 });
    if (!done) {
      // An edit of a file no editor shows may stay unsaved in the editor: save everything.
      t.log('note: schema.prisma or the migration not on disk yet: File: Save All');
      await t.runCommand(page, 'File: Save All', 'Save All');
      done = await t.waitFor(written, { timeout: 15_000 });
    }
    const schemaAfter = readFileSync(schemaPath, 'utf8');
    writeFileSync(join(t.results, 'prisma-schema.prisma'), schemaAfter);
    if (schemaAfter !== schemaExpected) t.softFail(`${X.schemaFile} after the fix is not the original plus @@index([plannerId, taskStatus]) in Worker:\n${schemaAfter}`);
    else t.ok(`${X.schemaFile} gains exactly "@@index([plannerId, taskStatus])" in the Worker model`);

    const created = newMigrations(workspace, migrationsBefore);
    if (created.length !== 1) return t.softFail(`the fix wrote ${created.length} new migration(s) in ${X.migrationsDir}: ${JSON.stringify(created)}`);
    const [folder] = created;
    if (!X.migrationName.test(folder)) t.softFail(`the new migration's folder ${folder} does not match ${X.migrationName}`);
    else t.ok(`new Prisma migration ${X.migrationsDir}/${folder}/migration.sql`);
    // The fix may create the file first and write its text a moment later.
    const file = join(workspace, X.migrationsDir, folder, 'migration.sql');
    await t.waitFor(() => readFileSync(file, 'utf8') === X.migration, { timeout: 15_000 });
    const text = readFileSync(file, 'utf8');
    writeFileSync(join(t.results, `prisma-migration-${folder}.sql`), text);
    t.log(`--- ${X.migrationsDir}/${folder}/migration.sql\n${text.trimEnd()}\n---`);
    if (text !== X.migration) t.softFail(`the new migration is not exactly the expected CREATE INDEX CONCURRENTLY:\n${text}`);
    else t.ok('the new migration is exactly one CREATE INDEX CONCURRENTLY workers_planner_id_task_status_idx, with its notes');
    await t.shot(page, `${X.part}-after-fix.png`);
  });

  await t.phase(`${X.ruleId} gone after the fix (Prisma)`, async () => {
    const [gone, last] = await t.waitRuleGone(page, X.ruleId);
    await t.shot(page, `${X.part}-gone.png`);
    if (!gone) t.softFail(`"${X.ruleId}" is still in the Problems panel ${t.timeout / 1000} s after the fix: ${JSON.stringify(last)}`);
    else t.ok(`${X.ruleId} left the Problems panel after the fix`);
  });

  await t.phase('Prisma migrations apply on PostgreSQL', () => applyPrismaMigrations(workspace, t));
}

/** The Explain / Explain Analyze / Benchmark lenses, drawn on the line right above the ORM call. */
async function checkLensesOverCall(page, X, t) {
  await page.locator(`.tab[aria-label*="${X.file.split('/').pop()}"]`).first().click();
  let seen = [];
  const over = await t.waitFor(async () => {
    const line = page.locator('.editor-instance .monaco-editor .view-line', { hasText: X.callLine }).first();
    const lineBox = (await line.count()) ? await line.boundingBox().catch(() => null) : null;
    if (!lineBox) return undefined;
    const links = page.locator('.editor-instance .codelens-decoration a');
    seen = [];
    for (let i = 0, n = await links.count(); i < n; i++) {
      const box = await links.nth(i).boundingBox().catch(() => null);
      const title = (await links.nth(i).innerText().catch(() => '')).trim();
      // The lens row of a line is drawn above it, within a line's height or two.
      if (box && box.y < lineBox.y && lineBox.y - box.y < 2.5 * lineBox.height) seen.push(title);
    }
    return X.codeLenses.every((title) => seen.includes(title)) && seen.length === X.codeLenses.length;
  });
  await t.shot(page, `${X.part}-codelens.png`);
  if (!over) t.softFail(`the CodeLenses right above ${X.call} are ${JSON.stringify(seen)}, not ${JSON.stringify(X.codeLenses)}`);
  else t.ok(`CodeLenses ${X.codeLenses.join(' / ')} right above ${X.call}`);
}

/**
 * The fix is only right if its migration runs after the example's: apply both on the real PostgreSQL
 * server in a schema of their own, check the index is there and valid, then drop the schema.
 */
async function applyPrismaMigrations(workspace, t) {
  const { default: pg } = await import('pg');
  const url = process.env.QUERYLENS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: url });
  const schema = `querylens_e2e_prisma_${process.pid}`;
  const dir = join(workspace, EXPECT_PRISMA.migrationsDir);
  try {
    await client.connect();
  } catch (e) {
    return t.softFail(`PostgreSQL at ${url} is unreachable (${e.message}): the Prisma migrations were not applied`);
  }
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`SET search_path TO ${schema}`);
    // Prisma Migrate's order: the folders by name (they start with a timestamp).
    const folders = readdirSync(dir).filter((d) => existsSync(join(dir, d, 'migration.sql'))).sort();
    for (const folder of folders) await client.query(readFileSync(join(dir, folder, 'migration.sql'), 'utf8'));
    const { rows } = await client.query(
      `SELECT i.indisvalid, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relname = 'workers_planner_id_task_status_idx'`,
      [schema],
    );
    if (rows.length !== 1 || !rows[0].indisvalid || !EXPECT_PRISMA.indexDef.test(rows[0].def)) t.softFail(`after the ${folders.length} Prisma migrations, no valid index workers(planner_id, task_status): ${JSON.stringify(rows)}`);
    else t.ok(`the ${folders.length} Prisma migrations apply on PostgreSQL: ${rows[0].def}`);
  } catch (e) {
    t.softFail(`applying the Prisma migrations on PostgreSQL failed: ${e.message}`);
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await client.end().catch(() => {});
  }
}
