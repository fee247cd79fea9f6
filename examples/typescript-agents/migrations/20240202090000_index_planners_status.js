/**
 * Planners by status, built concurrently: CREATE INDEX CONCURRENTLY cannot run inside a
 * transaction, so this migration opts out of knex's.
 */
exports.config = { transaction: false };

/**
 * @param { import("knex").Knex } knex
 * @returns { Promise<void> }
 */
exports.up = function (knex) {
  return knex.raw('CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_planners_status ON planners (status)');
};

/**
 * @param { import("knex").Knex } knex
 * @returns { Promise<void> }
 */
exports.down = function (knex) {
  return knex.raw('DROP INDEX CONCURRENTLY IF EXISTS idx_planners_status');
};
