// The connected-database part of the real-editor test (issue 4): click the `Explain Analyze`
// CodeLens over a fixture query, type its parameter, and check the QueryLens Plan webview:
// QueryLens's summary shows the sequential scan, the problems list the scan with the index that
// serves it, and PEV2 draws the plan. Runs on the embedded shadow database (PGlite built from the
// fixture's migrations): no connection is configured.

/** What we expect; adjust here when the wording changes. */
export const EXPECT_EXPLAIN = {
  file: 'queries.sql',
  /** The query whose lens is clicked (the last one of the file): nothing indexes heartbeat_at. */
  query: 'SELECT worker_id FROM workers WHERE heartbeat_at < $1',
  /** How the query's line reads in the editor (Monaco may draw spaces as no-break spaces). */
  line: /SELECT.+workers.+heartbeat_at/,
  lens: 'Explain Analyze',
  /** Typed into the parameter prompt for $1: older than every synthetic heartbeat, so the scan discards all rows. */
  param: '2000-01-01 00:00:00+00',
  topNode: 'Seq Scan on workers',
  problemKind: 'seq-scan-filter',
  /** The suggested index, as the fix's CREATE INDEX names its columns. */
  index: /ON workers \(heartbeat_at\)/,
};

/**
 * @param {import('playwright-core').Page} page
 * @param {{ log: (m: string) => void, ok: (m: string) => void, softFail: (m: string) => void, fail: (m: string) => never,
 *           shot: (page: unknown, name: string) => Promise<void>, waitFor: Function, openFile: Function, timeout: number }} t
 */
export async function driveExplain(page, t) {
  const X = EXPECT_EXPLAIN;
  // The file is open in a tab since the SQL part: bring that tab to the front (Quick Open would
  // not switch when another editor has focus), else open it.
  const tab = page.locator(`.tab[aria-label*="${X.file}"]`).first();
  if (await tab.count()) await tab.click();
  else await t.openFile(page, X.file);
  const active = await t.waitFor(() => page.locator(`.tab.active[aria-label*="${X.file}"]`).count().then((n) => n > 0), { timeout: 10_000 });
  if (!active) t.fail(`${X.file} is not the active editor`);
  // Bring the query into view: lenses render only for visible lines.
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+End');

  // The lens of our query: the lowest lens drawn above the line that holds the query's text
  // (lenses render as the editor lays them out: wait until that one is there).
  const findLens = async () => {
    const line = page.locator('.editor-instance .monaco-editor .view-line', { hasText: X.line }).first();
    const lineBox = (await line.count()) ? await line.boundingBox().catch(() => null) : null;
    if (!lineBox) return undefined;
    const links = page.locator('.codelens-decoration a', { hasText: X.lens });
    const n = await links.count();
    let best;
    for (let i = 0; i < n; i++) {
      const box = await links.nth(i).boundingBox().catch(() => null);
      if (box && box.y < lineBox.y && lineBox.y - box.y < 3 * lineBox.height && (!best || box.y > best.box.y)) best = { i, box };
    }
    return best;
  };
  const lensBox = await t.waitFor(findLens, { timeout: t.timeout });
  if (!lensBox) t.fail(`no "${X.lens}" CodeLens (.codelens-decoration a) over the queries of ${X.file}`);
  t.ok(`"${X.lens}" CodeLens shown over the query`);
  await t.shot(page, 'explain-lens.png');
  // Lenses still arriving shift the list and the layout: click where our lens is once two readings in a
  // row agree (an index into the list, taken earlier, once pointed at another query's lens).
  let previous;
  const settled = await t.waitFor(async () => {
    const now = await findLens();
    const same = now && previous && now.box.x === previous.box.x && now.box.y === previous.box.y;
    previous = now;
    return same ? now : undefined;
  }, { timeout: t.timeout });
  if (!settled) t.fail(`the "${X.lens}" CodeLens over the query never stayed in place`);
  await page.mouse.click(settled.box.x + settled.box.width / 2, settled.box.y + settled.box.height / 2);

  // The parameter prompt for $1 (typed from the schema: timestamptz).
  const input = page.locator('.quick-input-widget input').first();
  await input.waitFor({ state: 'visible', timeout: 15_000 }).catch(() => t.fail('no parameter prompt after clicking the lens'));
  const prompt = await page.locator('.quick-input-widget').first().innerText().catch(() => '');
  t.log(`parameter prompt: ${prompt.replace(/\s+/g, ' ').trim()}`);
  if (!/\$1/.test(prompt)) t.softFail(`the parameter prompt does not name $1: ${prompt}`);
  else t.ok('the parameter prompt names $1');
  await input.fill(X.param);
  await page.keyboard.press('Enter');

  // The plan webview: its content lives in a nested iframe.
  const frame = await t.waitFor(async () => {
    for (const f of page.frames()) {
      const has = await f.locator('#ql-summary').count().catch(() => 0);
      if (has) return f;
    }
    return undefined;
  }, { timeout: Math.max(t.timeout, 120_000) });
  if (!frame) {
    await t.shot(page, 'explain-failure.png');
    t.fail('the QueryLens Plan webview (#ql-summary) did not open');
  }
  t.ok('the QueryLens Plan webview opened');

  const top = (await frame.locator('[data-fact="top"] dd').first().innerText().catch(() => '')).trim();
  if (top !== X.topNode) t.softFail(`plan summary top node is "${top}", expected "${X.topNode}"`);
  else t.ok(`plan summary shows ${X.topNode}`);
  const analyzed = await frame.locator('#ql-summary').getAttribute('data-analyzed');
  if (analyzed !== 'true') t.softFail(`the plan is not analyzed (data-analyzed=${analyzed})`);
  else t.ok('the plan is from EXPLAIN ANALYZE');

  const problem = frame.locator(`.ql-problem[data-kind="${X.problemKind}"]`).first();
  const seen = await t.waitFor(() => problem.count().then((n) => n > 0), { timeout: 10_000 });
  if (!seen) t.softFail(`no ${X.problemKind} problem in the plan view`);
  else {
    const fix = await problem.locator('.ql-fix code').first().innerText().catch(() => '');
    if (!X.index.test(fix)) t.softFail(`the ${X.problemKind} fix does not suggest ${X.index}: ${fix}`);
    else t.ok(`the plan view suggests the index: ${fix.split('\n')[0]}`);
  }
  const pev2 = await t.waitFor(() => frame.locator('#ql-pev2 *').count().then((n) => n > 10), { timeout: 20_000 });
  if (!pev2) t.softFail('PEV2 did not render the plan in #ql-pev2');
  else t.ok('PEV2 rendered the plan');
  await t.shot(page, 'explain-analyze.png');
}
