// The review dashboard in the real editor (issue 5): open it from the command palette, see the
// migrations of the fixture (on the embedded shadow database nothing is applied: all pending), the
// pool numbers, and run a benchmark of the query under the cursor from the Benchmarks tab. Every
// step leaves a screenshot (dashboard-*.png); dashboard-migrations.png is the README's picture.

export const EXPECT_DASHBOARD = {
  command: 'QueryLens: Open Dashboard',
  file: 'queries.sql',
  /** 1-based line of the query the benchmark runs (the cursor is put there first). */
  benchmarkLine: 8,
  param: '2000-01-01 00:00:00+00',
  /** golang-migrate versions of the fixture, plus the one the SQL quick fix wrote. */
  migrations: ['000001', '000002'],
};

/**
 * @param {import('playwright-core').Page} page
 * @param {{ log: Function, ok: Function, softFail: Function, fail: Function, shot: Function, waitFor: Function,
 *           goTo: Function, timeout: number }} t
 */
export async function driveDashboard(page, t) {
  const X = EXPECT_DASHBOARD;
  // The benchmark runs on the last cursor position in a file editor: put it on the query.
  await page.locator(`.tab[aria-label*="${X.file}"]`).first().click();
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await t.goTo(page, X.benchmarkLine, 10);

  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input').first();
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${X.command}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Open Dashboard' }).first().waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.press('Enter');

  const frame = await t.waitFor(async () => {
    for (const f of page.frames()) if (await f.locator('#ql-root[data-tab]').count().catch(() => 0)) return f;
    return undefined;
  }, { timeout: t.timeout });
  if (!frame) t.fail('the QueryLens Dashboard webview (#ql-root) did not open');
  t.ok('the QueryLens Dashboard opened');

  // Migrations.
  await frame.locator('button.ql-tab[data-tab="migrations"]').click();
  const rows = await t.waitFor(async () => {
    const found = await frame.locator('tr.ql-migration-row').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-version'), tr.getAttribute('data-status')]));
    return found.length >= X.migrations.length ? found : undefined;
  }, { timeout: Math.max(t.timeout, 120_000) });
  await t.shot(page, 'dashboard-migrations.png');
  if (!rows) t.softFail('the Migrations tab lists no migrations');
  else {
    t.log(`migrations: ${JSON.stringify(rows)}`);
    const versions = rows.map(([v]) => v);
    if (X.migrations.every((v) => versions.includes(v)) && rows.every(([, s]) => s === 'pending')) t.ok(`the Migrations tab lists ${X.migrations.join(', ')}, pending on the shadow database`);
    else t.softFail(`unexpected migrations ${JSON.stringify(rows)}`);
  }

  // Pool.
  await frame.locator('button.ql-tab[data-tab="pool"]').click();
  const total = await t.waitFor(async () => {
    const el = frame.locator('#ql-pool-total[data-total]');
    if (!(await el.count())) return undefined;
    return { total: Number(await el.getAttribute('data-total')), max: Number(await el.getAttribute('data-max')) };
  }, { timeout: 30_000 });
  await t.shot(page, 'dashboard-pool.png');
  if (!total) t.softFail('the Pool tab shows no connection count (#ql-pool-total)');
  else if (total.total >= 1 && total.max >= total.total) t.ok(`the Pool tab shows ${total.total} of ${total.max} connections`);
  else t.softFail(`the Pool tab shows ${JSON.stringify(total)}`);

  // Benchmarks: run one for the query under the cursor.
  await frame.locator('button.ql-tab[data-tab="benchmarks"]').click();
  await frame.locator('#ql-run-benchmark').click();
  const prompt = page.locator('.quick-input-widget input').first();
  if (await prompt.waitFor({ state: 'visible', timeout: 15_000 }).then(() => true, () => false)) {
    await prompt.fill(X.param);
    await page.keyboard.press('Enter');
  }
  const run = await t.waitFor(async () => {
    const n = await frame.locator('tr.ql-run-row').count();
    return n > 0 ? n : undefined;
  }, { timeout: Math.max(t.timeout, 120_000) });
  await t.shot(page, 'dashboard-benchmarks.png');
  if (!run) t.softFail('no benchmark run appeared in the Benchmarks tab');
  else t.ok(`the Benchmarks tab lists the run (${run} run(s))`);
}
