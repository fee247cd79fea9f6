/**
 * The agent state of the TaskManager: planners hand tasks to workers and write messages.
 *
 * @param { import("knex").Knex } knex
 * @returns { Promise<void> }
 */
exports.up = async function (knex) {
  await knex.schema.createTable('planners', (table) => {
    table.string('planner_id', 32).primary();
    table.integer('agent_id').notNullable().references('id').inTable('agents').index();
    table.string('status', 20).notNullable().defaultTo('planning');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('workers', (table) => {
    table.string('worker_id', 32).primary();
    table.string('planner_id', 32).notNullable().references('planner_id').inTable('planners');
    table.string('task_status', 50).notNullable().defaultTo('pending');
    table.text('task_context');
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // One index per column, as the original models declared them; the TaskManager filters on both.
    table.index(['planner_id']);
    table.index(['task_status']);
  });
  await knex.schema.createTable('planner_messages', (table) => {
    table.increments('id');
    table.string('agent_id', 32).notNullable().index();
    table.string('role', 20).notNullable();
    table.text('content').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
};

/**
 * @param { import("knex").Knex } knex
 * @returns { Promise<void> }
 */
exports.down = async function (knex) {
  await knex.schema.dropTable('planner_messages');
  await knex.schema.dropTable('workers');
  await knex.schema.dropTable('planners');
};
