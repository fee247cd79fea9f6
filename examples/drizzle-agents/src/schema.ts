/** The agent platform's tables, as Drizzle declares them (drizzle-kit generates drizzle/ from this file). */
import { relations } from 'drizzle-orm';
import { index, integer, pgTable, serial, text, timestamp, varchar } from 'drizzle-orm/pg-core';

export const agents = pgTable('agents', {
  id: serial('id').primaryKey(),
  tenantId: integer('tenant_id').notNull(),
  name: text('name').notNull(),
  status: varchar('status', { length: 32 }).notNull().default('idle'),
}, (t) => [index('agents_tenant_id_idx').on(t.tenantId)]);

export const tasks = pgTable('tasks', {
  id: serial('id').primaryKey(),
  agentId: integer('agent_id').notNull().references(() => agents.id),
  title: text('title').notNull(),
  status: varchar('status', { length: 32 }).notNull().default('pending'),
  createdAt: timestamp('created_at').notNull().defaultNow(),
}, (t) => [index('tasks_agent_id_idx').on(t.agentId)]);

export const documents = pgTable('documents', {
  id: serial('id').primaryKey(),
  agentId: integer('agent_id').notNull().references(() => agents.id),
  title: text('title').notNull(),
  body: text('body').notNull(),
}, (t) => [index('documents_agent_id_idx').on(t.agentId)]);

// The TaskManager's state: one index on planner_id, one on task_status, none on both.
export const workers = pgTable('workers', {
  workerId: serial('worker_id').primaryKey(),
  plannerId: integer('planner_id').notNull(),
  taskStatus: varchar('task_status', { length: 32 }).notNull(),
  taskContext: text('task_context'),
  updatedAt: timestamp('updated_at').notNull().defaultNow(),
}, (t) => [index('workers_planner_id_idx').on(t.plannerId), index('workers_task_status_idx').on(t.taskStatus)]);

export const agentsRelations = relations(agents, ({ many }) => ({ tasks: many(tasks), documents: many(documents) }));
export const tasksRelations = relations(tasks, ({ one }) => ({ agent: one(agents, { fields: [tasks.agentId], references: [agents.id] }) }));
export const documentsRelations = relations(documents, ({ one }) => ({ agent: one(agents, { fields: [documents.agentId], references: [agents.id] }) }));
