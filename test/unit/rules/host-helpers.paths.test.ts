/**
 * Where code runs, by its file's place and its loop's names (host-helpers.ts):
 * a script run by hand sits in a `scripts/` or `bin/` folder (Rust's
 * `src/bin/` holds the crate's programs, not scripts); a loop over chunks is
 * batching, whether its names are snake_case or camelCase.
 */
import assert from 'node:assert/strict';
import { adminFolder, codePath, handRunScript, isBatchLoop, migrationModule, seedFile } from '../../../server/src/core/rules/host-helpers';
import type { LoopContext } from '../../../server/src/core/host/types';

const loop = (targets: string[], iterable: string): LoopContext => ({ kind: 'for', span: { start: 0, end: 1 }, targets, iterable });

describe('host-helpers: scripts run by hand and batch loops', () => {
  it('handRunScript: bin/ and scripts/ files, by their path from that folder; not src/bin/ nor other folders', () => {
    assert.equal(handRunScript('/ws/bin/backfillClaims.ts'), 'bin/backfillClaims.ts');
    assert.equal(handRunScript('/ws/server/scripts/fix/dates.py'), 'scripts/fix/dates.py');
    assert.equal(handRunScript('C:\\ws\\bin\\import.js'), 'bin/import.js');
    assert.equal(handRunScript('/ws/src/bin/tool.rs'), undefined);
    assert.equal(handRunScript('/ws/src/cron/cleanZombieUsers.ts'), undefined);
    assert.equal(handRunScript('/ws/src/binary/x.ts'), undefined);
  });

  it('codePath: a bin/ file is a script (a batch path)', () => {
    assert.deepEqual(codePath('/ws/bin/backfill.ts', {}), { kind: 'batch', why: 'in a script or job file (backfill.ts)', by: 'file' });
    // A worker process's package (linkwarden's apps/worker/), as workers/.
    assert.deepEqual(codePath('/ws/apps/worker/lib/getLinkBatchFairly.ts', {}), { kind: 'batch', why: 'in a script or job file (getLinkBatchFairly.ts)', by: 'file' });
  });

  it('seedFile and codePath: a seed or populate script (CTFd\'s populate.py) is a script; a module that merely names population is not', () => {
    assert.equal(seedFile('/ws/populate.py'), 'populate.py');
    assert.equal(seedFile('/ws/tools/populate_db.py'), 'populate_db.py');
    assert.equal(seedFile('/ws/prisma/seed.ts'), 'seed.ts');
    assert.equal(seedFile('/ws/app/population.py'), undefined);
    assert.equal(seedFile('/ws/app/repopulate.py'), undefined);
    assert.deepEqual(codePath('/ws/populate.py', {}), { kind: 'batch', why: 'in a script or job file (populate.py)', by: 'file' });
    assert.deepEqual(codePath('/ws/db/seeds/users.ts', {}), { kind: 'batch', why: 'in a script or job file (users.ts)', by: 'file' });
    assert.equal(codePath('/ws/app/population.py', {}), undefined);
  });

  it("migrationModule and codePath: a migration module or a timestamped migration's file is migration code; a feature named migration is not", () => {
    assert.equal(migrationModule('/ws/lnbits/core/migrations.py'), 'migrations.py');
    assert.equal(migrationModule('/ws/packages/database/migration/20260401000002_backfill_workspace_id/migration.ts'), 'migration/20260401000002_backfill_workspace_id/migration.ts');
    assert.equal(migrationModule('/ws/db/migrations/20240101120000_add_users.ts'), 'migrations/20240101120000_add_users.ts');
    assert.equal(migrationModule('/ws/apps/web/lib/api/controllers/migration/exportData.ts'), undefined);
    assert.equal(migrationModule('/ws/app/migration_status.py'), undefined);
    assert.deepEqual(codePath('/ws/packages/database/migration/20260401000002_backfill_workspace_id/migration.ts', {}), { kind: 'batch', why: 'in a script or job file (migration.ts)', by: 'file' });
    assert.equal(codePath('/ws/apps/web/lib/api/controllers/migration/exportData.ts', {}), undefined);
  });

  it("adminFolder: a staff folder, or a Remix flat route under /admin (trigger.dev's routes/admin.api.v1.workers.ts); a team's admin page is not", () => {
    assert.equal(adminFolder('/ws/server/polar/backoffice/customers/endpoints.py'), 'backoffice');
    assert.equal(adminFolder('/ws/apps/webapp/app/routes/admin.api.v1.workers.ts'), 'admin');
    assert.equal(adminFolder('/ws/apps/webapp/app/routes/_app.admin.users.tsx'), 'admin');
    assert.equal(adminFolder('/ws/apps/webapp/app/routes/_app.orgs.$organizationSlug.settings.team.tsx'), undefined);
    assert.equal(adminFolder('/ws/apps/webapp/app/services/admin.server.ts'), undefined);
  });

  it('isBatchLoop: chunks named in camelCase or snake_case; a loop over rows is not one', () => {
    assert.equal(isBatchLoop(loop(['userChunk'], 'userIdChunks')), true);
    assert.equal(isBatchLoop(loop(['event_chunk'], 'events')), true);
    assert.equal(isBatchLoop(loop(['user'], 'userIds')), false);
    assert.equal(isBatchLoop(loop(['batcher'], 'batchers')), false);
  });
});
