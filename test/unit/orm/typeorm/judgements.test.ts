/**
 * The rules' judgements on TypeORM code (daily-api's shapes, issue 15), through
 * the real workspace: a read whose key is pinned to a given list (`In(emails)`)
 * is bounded by that list; a write per item whose values are the item's own
 * (TypeORM's update() writes one set of values), a write per group of rows
 * (`In(claimIds)`), and work in a script run by hand (`bin/`) are info with
 * their reason; a loop over chunks (`userIdChunks`) is batching already.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { defaultConfig } from '../../../../server/src/core/config/types';
import { Workspace } from '../../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../../server/src/core/host/treesitter';
import { initParsers } from '../../../../server/src/core/sql/parse';
import type { Finding } from '../../../../shared/types';
import { useWorkspaces } from '../../migrations/workspace';

const USER = `import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity()
export class User {
  @PrimaryColumn() id!: string;
  @Index() @Column() email!: string;
  @Column() name!: string;
  @Column({ type: 'int' }) score!: number;
  @Column({ type: 'jsonb' }) flags!: object;
}
`;

const CLAIM = `import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity()
export class Claim {
  @PrimaryColumn() id!: string;
  @Column() entityId!: string;
}
`;

const ROUTES = `import { DataSource, In } from 'typeorm';
import { User } from './entities/user';

export async function handler(ds: DataSource, emails: string[], names: string[]) {
  const byEmail = await ds.getRepository(User).find({ where: { email: In(emails) } });
  const byName = await ds.getRepository(User).find({ where: { name: In(names) } });
  return [byEmail, byName];
}
`;

const JOBS = `import { DataSource, In } from 'typeorm';
import { Claim } from './entities/claim';
import { User } from './entities/user';

export async function nightly(ds: DataSource, users: User[], scores: { id: string; score: number }[], groups: Map<string, string[]>, userIdChunks: string[][]) {
  const repo = ds.getRepository(User);
  for (const user of users) {
    await repo.update(user.id, { flags: { inDeletion: true } });
  }
  for (const { id, score } of scores) {
    await repo.update(id, { score });
  }
  for (const user of users) {
    const next = user.score + 1;
    await ds.manager.update(User, { id: user.id }, { score: next });
  }
  for (const [entityId, claimIds] of groups) {
    await ds.getRepository(Claim).update({ id: In(claimIds) }, { entityId });
  }
  for (const userChunk of userIdChunks) {
    await ds.query('UPDATE "user" SET score = 0 WHERE id = ANY($1)', [userChunk]);
  }
}
`;

const BACKFILL = `import { DataSource } from 'typeorm';
import { User } from '../src/entities/user';

export async function backfill(ds: DataSource, users: User[]) {
  for (const user of users) {
    await ds.getRepository(User).update(user.id, { flags: { inDeletion: true } });
  }
  return ds.getRepository(User).findOneBy({ name: 'ghost' });
}
`;

const MENTIONS = `import { DataSource, Like } from 'typeorm';
import { Claim } from './entities/claim';
import { User } from './entities/user';

export async function mentions(ds: DataSource) {
  const claims = await ds.getRepository(Claim).find({ take: 100 });
  for (const claim of claims) {
    const user = await ds.getRepository(User).findOne({ where: { name: Like(\`%\${claim.entityId}%\`) } });
    const other = await ds.getRepository(User).findOne({ where: { email: claim.entityId } });
    console.log(user, other);
  }
}
`;

const SYNC = `import { DataSource } from 'typeorm';
import { Claim } from './entities/claim';
import { User } from './entities/user';

export async function sync(ds: DataSource, customers: { id: string; score: number; gone: boolean }[]) {
  for (const customer of customers) {
    await ds.getRepository(User).update({ id: customer.id }, { score: customer.score });
    if (customer.gone) {
      await ds.getRepository(Claim).delete({ entityId: customer.id });
    }
  }
}
`;

const CHUNKS = `import { DataSource } from 'typeorm';
import { Claim } from './entities/claim';

export async function promote(ds: DataSource, promote: string[], demote: string[]) {
  for (let index = 0; index < promote.length; index += 500) {
    await ds.getRepository(Claim).createQueryBuilder().update().set({ entityId: 'x' }).whereInIds(promote.slice(index, index + 500)).execute();
  }
  for (let i = 0; i < demote.length; i = i + 1) {
    await ds.getRepository(Claim).createQueryBuilder().update().set({ entityId: 'y' }).whereInIds([demote[i]]).execute();
  }
}
`;

function offsetOf(text: string, position: { line: number; character: number }): number {
  return text.split('\n').slice(0, position.line).reduce((n, l) => n + l.length + 1, 0) + position.character;
}

describe('TypeORM: the rules judge bounds, batches and scripts', function () {
  this.timeout(120_000);
  const make = useWorkspaces();
  before(() => Promise.all([initParsers(), initHostParsers()]));

  async function analyze(file: string, text: string): Promise<[string, string, string, string][]> {
    const { root } = make({ 'src/entities/user.ts': USER, 'src/entities/claim.ts': CLAIM, [file]: text });
    const ws = await Workspace.create({ root, config: { ...defaultConfig(), dialect: 'postgres' } });
    return ws
      .analyze(path.join(root, file))
      .filter((f: Finding) => ['unpaginated-query', 'commit-in-loop', 'missing-index', 'n-plus-one'].includes(f.ruleId))
      .map((f: Finding) => [f.ruleId, f.severity, text.slice(offsetOf(text, f.range.start), offsetOf(text, f.range.end)), f.message]);
  }

  it('unpaginated-query: a read pinned to a given list of an indexed key is bounded by it (info); of another column, a warning', async () => {
    const found = await analyze('src/routes.ts', ROUTES);
    assert.deepEqual(
      found.filter(([rule]) => rule === 'unpaginated-query').map(([rule, severity, covered, message]) => [rule, severity, covered, message.includes(' (It reads') ? message.slice(message.indexOf(' (It reads')) : '']),
      [
        [
          'unpaginated-query',
          'info',
          'await ds.getRepository(User).find({ where: { email: In(emails) } })',
          ' (It reads only the rows whose email is in the list it is given: as many as the list holds (times the rows per email), not the whole table. This matters only if the list can be long.)',
        ],
        ['unpaginated-query', 'warning', 'await ds.getRepository(User).find({ where: { name: In(names) } })', ''],
      ],
    );
  });

  it("commit-in-loop: the same values for every item is a warning; values of the item's own, a write per group are info; chunks are batches", async () => {
    const found = await analyze('src/jobs.ts', JOBS);
    const own =
      " (Each item sets values of its own: TypeORM's update() writes one set of values to every row it matches, so one statement for all " +
      'means raw SQL (query() with UPDATE ... FROM UNNEST): worth it only when there are many items.)';
    const advice =
      'Update all rows at once: one UPDATE ... WHERE id = ANY($1) when the values are the same, else UPDATE ... FROM UNNEST($1::int[], $2::text[]) AS v(id, value) WHERE t.id = v.id.';
    assert.deepEqual(found, [
      ['commit-in-loop', 'warning', 'await repo.update(user.id, { flags: { inDeletion: true } })', `UPDATE of user runs once per user of users: one round trip (and statement) per row. ${advice}`],
      ['commit-in-loop', 'info', 'await repo.update(id, { score })', `UPDATE of user runs once per item of scores: one round trip (and statement) per row. ${advice}${own}`],
      [
        'commit-in-loop',
        'info',
        'await ds.manager.update(User, { id: user.id }, { score: next })',
        `UPDATE of user runs once per user of users: one round trip (and statement) per row. ${advice}${own}`,
      ],
      [
        'commit-in-loop',
        'info',
        'await ds.getRepository(Claim).update({ id: In(claimIds) }, { entityId })',
        "UPDATE of claim runs once per item of groups: each over the rows whose id is in a list of the item's own, so one round trip (and statement) per group of rows, " +
          `not per row: as many as the groups, worth merging only when they are many.${own}`,
      ],
    ]);
  });

  it('commit-in-loop: a loop whose counter steps by 500 writes a slice of 500 items per iteration, a batch (daily-api); one that steps by one writes per item', async () => {
    const found = await analyze('src/chunks.ts', CHUNKS);
    assert.deepEqual(
      found.map(([rule, severity, covered]) => [rule, severity, covered]),
      [['commit-in-loop', 'info', "await ds.getRepository(Claim).createQueryBuilder().update().set({ entityId: 'y' }).whereInIds([demote[i]]).execute()"]],
    );
  });

  it("commit-in-loop: a write beside one whose values are each item's own is info (the loop pays a round trip per item anyway)", async () => {
    const found = await analyze('src/sync.ts', SYNC);
    assert.deepEqual(
      found.filter(([rule]) => rule === 'commit-in-loop').map(([, severity, covered, message]) => [severity, covered, message.slice(message.indexOf(' (Each'))]),
      [
        [
          'info',
          'await ds.getRepository(User).update({ id: customer.id }, { score: customer.score })',
          " (Each item sets values of its own: TypeORM's update() writes one set of values to every row it matches, so one statement for all means raw SQL " +
            '(query() with UPDATE ... FROM UNNEST): worth it only when there are many items.)',
        ],
        [
          'info',
          'await ds.getRepository(Claim).delete({ entityId: customer.id })',
          " (Each iteration also runs the UPDATE of user on line 7, whose values are each item's own: it stays one statement per item, so batching this one saves only a share of the loop's round trips.)",
        ],
      ],
    );
  });

  it('commit-in-loop and missing-index: in a script run by hand (bin/) they are info, saying so', async () => {
    const found = await analyze('bin/backfill.ts', BACKFILL);
    assert.deepEqual(
      found.map(([rule, severity, , message]) => [rule, severity, message.slice(message.indexOf(' (It runs'))]),
      [
        ['commit-in-loop', 'info', ' (It runs in a script run by hand (bin/backfill.ts): it pays per run, not per request, so batching pays off only when it runs over many rows.)'],
        [
          'missing-index',
          'info',
          ' (It runs in a script run by hand (bin/backfill.ts): the scan is paid per run, while an index costs every later write to user: worth it only if the script runs often.)',
        ],
      ],
    );
  });

  it('n-plus-one: a query per row matching a LIKE pattern made from the row is info (no list of keys fetches them); by a key, a warning', async () => {
    const found = await analyze('src/mentions.ts', MENTIONS);
    assert.deepEqual(
      found.filter(([rule]) => rule === 'n-plus-one').map(([, severity, covered, message]) => [severity, covered, message]),
      [
        [
          'info',
          'await ds.getRepository(User).findOne({ where: { name: Like(`%${claim.entityId}%`) } })',
          'Query on user runs once per claim of the query on line 6: N+1 round trips (one for the list, one per row), so the time grows with the rows. ' +
            'Each query matches name against a pattern made from the row (LIKE), not a key: no list of keys fetches them at once, and one query for all ' +
            'would join on the pattern, testing every pair: worth it only when the loop is long (info).',
        ],
        [
          'warning',
          'await ds.getRepository(User).findOne({ where: { email: claim.entityId } })',
          'Query on user runs once per claim of the query on line 6: N+1 round trips (one for the list, one per row), so the time grows with the rows. ' +
            'Fetch them in one query over the collected keys (WHERE email IN (...)) before the loop and match rows by email inside it.',
        ],
      ],
    );
  });
});
