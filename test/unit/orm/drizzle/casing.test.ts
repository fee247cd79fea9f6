/**
 * Drizzle's `casing` option, set where the database is opened (`drizzle({ casing })`)
 * or in drizzle-kit's config: the columns written without a name are their keys
 * in that casing, in the catalog, in the queries' columns and in the index fix.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { defaultConfig } from '../../../../server/src/core/config/types';
import { Workspace } from '../../../../server/src/core/engine/workspace';
import { toCamelCase, toSnakeCase } from '../../../../server/src/core/orm/drizzle/casing';
import { useWorkspaces } from '../../migrations/workspace';

const SCHEMA = `import { pgTable, serial, integer, text, timestamp, index } from 'drizzle-orm/pg-core';
export const planners = pgTable('planners', {
  id: serial().primaryKey(),
  teamID: integer().notNull(),
});
export const workers = pgTable('workers', {
  id: serial().primaryKey(),
  plannerId: integer().notNull().references(() => planners.id),
  displayName: text('name'),
  createdAt: timestamp(),
}, (t) => [index().on(t.createdAt)]);
`;

const QUERY = `import { desc, eq } from 'drizzle-orm';
import { db } from './db';
import { workers } from './schema';
export async function byPlanner(pid: number) {
  return db.select().from(workers).where(eq(workers.plannerId, pid)).orderBy(desc(workers.createdAt)).limit(10);
}
`;

const DB = (options: string) => `import { drizzle } from 'drizzle-orm/node-postgres';
export const db = drizzle({ connection: process.env.DATABASE_URL!${options} });
`;

describe("Drizzle's casing option", () => {
  const makeWorkspace = useWorkspaces();

  it("converts keys as drizzle-orm's casing.js does", () => {
    assert.deepEqual(['createdAt', 'teamID', 'HTMLParser', 'already_snake', "user's"].map(toSnakeCase), ['created_at', 'team_id', 'html_parser', 'already_snake', 'users']);
    assert.deepEqual(['created_at', 'teamID', 'plain'].map(toCamelCase), ['createdAt', 'teamID', 'plain']);
  });

  const analysed = async (files: Record<string, string>) => {
    const { root } = makeWorkspace({ 'package.json': JSON.stringify({ dependencies: { 'drizzle-orm': '0.45.4', pg: '8' } }), 'src/schema.ts': SCHEMA, 'src/queries.ts': QUERY, ...files });
    const workspace = await Workspace.create({ root, config: defaultConfig() });
    const workers = workspace.catalog().getTable('workers')!;
    const finding = workspace.analyze(path.join(root, 'src/queries.ts')).find((f) => f.ruleId === 'missing-composite-index');
    return {
      columns: [...workers.columns.values()].map((c) => c.name),
      indexes: workers.indexes.filter((i) => !i.implicit).map((i) => `${i.name}(${i.keys.map((k) => k.column).join(', ')})`),
      foreignKeys: workers.foreignKeys.map((fk) => `${fk.columns.join(', ')} -> ${fk.refTable}(${fk.refColumns.join(', ')})`),
      plannerColumns: [...workspace.catalog().getTable('planners')!.columns.values()].map((c) => c.name),
      message: finding?.message.split(',')[0],
      fix: finding?.fixes.find((f) => f.isPreferred)?.changes.flatMap((c) => (c.kind === 'edit' ? c.edits.map((e) => e.newText) : [])),
    };
  };

  it("renames the columns its keys name under drizzle({ casing: 'snake_case' }), with drizzle-kit's derived names, and the fix writes the keys", async () => {
    assert.deepEqual(await analysed({ 'src/db.ts': DB(", casing: 'snake_case'") }), {
      columns: ['id', 'planner_id', 'name', 'created_at'],
      indexes: ['workers_created_at_index(created_at)'],
      foreignKeys: ['planner_id -> planners(id)'],
      plannerColumns: ['id', 'team_id'],
      message: 'Query filters workers on planner_id and sorts by created_at',
      fix: [", index('idx_workers_planner_id_created_at').on(t.plannerId, t.createdAt)"],
    });
  });

  it("reads drizzle-kit's defineConfig({ casing }) the same way; without a casing the keys are the columns", async () => {
    const config = `import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({ dialect: 'postgresql', schema: './src/schema.ts', casing: 'snake_case' });\n`;
    const withConfig = await analysed({ 'drizzle.config.ts': config, 'src/db.ts': DB('') });
    assert.deepEqual([withConfig.columns, withConfig.message], [['id', 'planner_id', 'name', 'created_at'], 'Query filters workers on planner_id and sorts by created_at']);
    const none = await analysed({ 'src/db.ts': DB('') });
    assert.deepEqual([none.columns, none.indexes, none.message], [['id', 'plannerId', 'name', 'createdAt'], ['workers_createdAt_index(createdAt)'], 'Query filters workers on plannerId and sorts by createdAt']);
  });
});
