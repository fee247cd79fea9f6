import { poolMinAboveMax } from '../../../server/src/core/rules/pool-min-above-max';
import { poolRuleTester } from './pool-harness';

const pool = (chain: string) =>
  `use sqlx::postgres::PgPoolOptions;\n\nasync fn pool(url: &str) -> sqlx::Result<sqlx::PgPool> {\n    PgPoolOptions::new()\n${chain}        .connect(url)\n        .await\n}\n`;

poolRuleTester(poolMinAboveMax, {
  valid: [
    { name: "seed 000's production preset: 5 to 20", language: 'rust', code: pool('        .min_connections(5)\n        .max_connections(20)\n') },
    { name: 'a minimum from the configuration', language: 'rust', code: pool('        .min_connections(config.min)\n        .max_connections(5)\n') },
    { name: 'a maximum from the configuration', language: 'rust', code: pool('        .min_connections(20)\n        .max_connections(config.max)\n') },
    { name: 'equal', language: 'rust', code: pool('        .max_connections(5)\n        .min_connections(5)\n') },
  ],
  invalid: [
    {
      name: 'min 50, max 20: the fix lowers the minimum',
      language: 'rust',
      code: pool('        .max_connections(20)\n        .min_connections(50)\n'),
      errors: [
        {
          message: ['PgPoolOptions::new() asks for at least 50 connections but allows at most 20', 'never reach its minimum'],
          span: '.min_connections(50)',
          fixes: ['Lower min_connections to 20'],
        },
      ],
      output: pool('        .max_connections(20)\n        .min_connections(20)\n'),
    },
    {
      name: "no max_connections: sqlx's 10",
      language: 'rust',
      code: 'async fn open() -> sqlx::Result<()> {\n    let pool = sqlx::sqlite::SqlitePoolOptions::new().min_connections(12).connect("sqlite://app.db").await?;\n    Ok(())\n}\n',
      errors: [{ message: ['allows at most 10 (max_connections is not set: 10)'], span: '.min_connections(12)', fixes: ['Lower min_connections to 10'] }],
      output: 'async fn open() -> sqlx::Result<()> {\n    let pool = sqlx::sqlite::SqlitePoolOptions::new().min_connections(10).connect("sqlite://app.db").await?;\n    Ok(())\n}\n',
    },
  ],
});
