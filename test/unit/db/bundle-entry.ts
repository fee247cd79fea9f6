/** Bundled by bundle.test.ts next to dist/db-host.js: explains once on each driver and prints which library ran it. */
import { openDriver, HostDriver } from '../../../server/src/db/drivers';
import { explain } from '../../../server/src/db/explain';
(async () => {
  const emb = await openDriver({ name: 'e-sqlite', driver: 'embedded', dialect: 'sqlite' });
  const s = await emb.session(); await s.exec!('CREATE TABLE t (a int); INSERT INTO t VALUES (1)'); await s.release();
  for (const [name, d] of [
    ['postgres', await openDriver({ name: 'pg', driver: 'postgres', url: process.env.QUERYLENS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test' })],
    ['embedded sqlite', emb],
    ['embedded pglite', await openDriver({ name: 'pgl', driver: 'embedded' })],
  ] as const) {
    const sql = d.dialect === 'sqlite' ? 'DELETE FROM t' : 'SELECT 1';
    const r = await explain(d, { sql, analyze: true, timeoutMs: 20000 });
    console.log(name, r.serverVersion, d instanceof HostDriver ? await d.library() : 'pg', 'wall', r.wallMs.toFixed(1));
    await d.close();
  }
})().catch((e) => { console.error('FAIL', e); process.exit(1); });
