/**
 * Tasks by status, added once the table was live: a plain CREATE INDEX inside knex's
 * transaction, which blocks every write to tasks while it builds.
 *
 * @param { import("knex").Knex } knex
 * @returns { Promise<void> }
 */
exports.up = function (knex) {
  return knex.schema.alterTable('tasks', (table) => {
    table.index(['status']);
  });
};

/**
 * @param { import("knex").Knex } knex
 * @returns { Promise<void> }
 */
exports.down = function (knex) {
  return knex.schema.alterTable('tasks', (table) => {
    table.dropIndex(['status']);
  });
};
