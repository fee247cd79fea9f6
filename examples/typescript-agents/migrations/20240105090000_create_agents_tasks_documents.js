/**
 * The agent platform: agents of a tenant, their tasks, the documents they search.
 *
 * @param { import("knex").Knex } knex
 * @returns { Promise<void> }
 */
exports.up = async function (knex) {
  await knex.schema.createTable('agents', (table) => {
    table.increments('id');
    table.integer('tenant_id').notNullable().index();
    table.string('name', 200).notNullable();
    table.string('status', 20).notNullable().defaultTo('idle');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('tasks', (table) => {
    table.increments('id');
    table.integer('agent_id').notNullable().references('id').inTable('agents').index();
    table.string('title', 300).notNullable();
    table.string('status', 20).notNullable().defaultTo('todo');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('documents', (table) => {
    table.increments('id');
    table.integer('collection_id').notNullable().index();
    table.string('title', 300).notNullable();
    table.text('content');
  });
};

/**
 * @param { import("knex").Knex } knex
 * @returns { Promise<void> }
 */
exports.down = async function (knex) {
  await knex.schema.dropTable('documents');
  await knex.schema.dropTable('tasks');
  await knex.schema.dropTable('agents');
};
