// knex CLI configuration: `npx knex migrate:latest` runs migrations/ against DATABASE_URL.
module.exports = {
  client: 'pg',
  connection: process.env.DATABASE_URL,
  migrations: { directory: './migrations' },
};
