import { leadingWildcardLike } from '../../../server/src/core/rules/leading-wildcard-like';
import { ruleTester } from './harness';

const schema = 'CREATE TABLE users (id int PRIMARY KEY, email text, name text);';

ruleTester(leadingWildcardLike, {
  valid: [
    { name: 'prefix pattern', schema, code: "SELECT id FROM users WHERE email LIKE 'bob%'" },
    { name: 'parameter pattern (unknown)', schema, code: 'SELECT id FROM users WHERE email LIKE $1' },
    { name: 'NOT LIKE is not a lookup', schema, code: "SELECT id FROM users WHERE email NOT LIKE '%@spam.test'" },
    {
      name: 'open at both ends with fewer than three characters between the wildcards: no index, trigram included, serves it',
      schema,
      code: "SELECT count(id) FROM users WHERE email ILIKE '%@%' OR name LIKE '%a_b%'",
    },
    {
      name: 'a trigram index exists',
      schema: schema + '\nCREATE INDEX users_email_trgm ON users USING gin (email gin_trgm_ops);',
      code: "SELECT id FROM users WHERE email ILIKE '%bob%'",
    },
  ],
  invalid: [
    {
      name: 'postgres: trigram index fix',
      schema,
      code: "SELECT id FROM users WHERE email LIKE '%@example.com'",
      errors: [
        {
          message: ["users.email LIKE '%@example.com' starts with a wildcard", 'no B-tree index can serve it', 'trigram index'],
          span: "email LIKE '%@example.com'",
          fixes: ['Add CREATE INDEX on users(email) using gin after the CREATE TABLE'],
          explanation: ['leading `%`', 'gin_trgm_ops'],
        },
      ],
    },
    {
      name: 'two characters anchored at the end, or three open at both ends: a trigram serves them',
      schema,
      code: "SELECT id FROM users WHERE email LIKE '%io' AND name LIKE '%bob%'",
      errors: [
        { message: ["users.email LIKE '%io' starts with a wildcard"], span: "email LIKE '%io'" },
        { message: ["users.name LIKE '%bob%' starts with a wildcard"], span: "name LIKE '%bob%'" },
      ],
    },
    {
      name: 'ILIKE with leading underscore, alias, in a subquery',
      schema: schema + '\nCREATE TABLE orders (id int PRIMARY KEY, user_id int);',
      code: "SELECT id FROM orders WHERE user_id IN (SELECT u.id FROM users u WHERE u.name ILIKE '_ob')",
      errors: [{ message: ["users.name ILIKE '_ob'"], span: "u.name ILIKE '_ob'" }],
    },
    {
      name: 'schema in the same file: the fix adds pg_trgm and the GIN index',
      code: "CREATE TABLE users (id int PRIMARY KEY, email text);\nSELECT id FROM users WHERE email LIKE '%xyz%';\n",
      errors: [{ message: ['trigram'], span: "email LIKE '%xyz%'" }],
      output:
        "CREATE TABLE users (id int PRIMARY KEY, email text);\nCREATE EXTENSION IF NOT EXISTS pg_trgm;\nCREATE INDEX idx_users_email_trgm ON users USING gin (email gin_trgm_ops);\n\nSELECT id FROM users WHERE email LIKE '%xyz%';\n",
    },
    {
      name: 'in an OR with another column: info with the reason (one index alone may not remove the scan), both arms reported',
      schema,
      code: "SELECT id FROM users WHERE email ILIKE '%bob%' OR name ILIKE '%bob%' LIMIT 20",
      errors: [
        {
          message: ["users.email ILIKE '%bob%' starts with a wildcard", 'It sits in an OR with name: the scan goes only when every arm of the OR can use an index'],
          span: "email ILIKE '%bob%'",
          tentative: true,
        },
        {
          message: ["users.name ILIKE '%bob%' starts with a wildcard", 'It sits in an OR with email'],
          span: "name ILIKE '%bob%'",
          tentative: true,
        },
      ],
    },
    {
      name: 'in an OR with the same column only: still a warning',
      schema,
      code: "SELECT id FROM users WHERE email LIKE '%@a.test' OR email LIKE '%@b.test' LIMIT 20",
      errors: [
        { message: ["users.email LIKE '%@a.test'"], span: "email LIKE '%@a.test'" },
        { message: ["users.email LIKE '%@b.test'"], span: "email LIKE '%@b.test'" },
      ],
    },
    {
      name: 'unknown table still reported, without a fix',
      code: "SELECT id FROM events WHERE kind LIKE '%x'",
      errors: [{ message: ['kind LIKE'], span: "kind LIKE '%x'", fixes: [] }],
    },
    {
      name: 'sqlite: no index fix, suggests full-text search',
      dialect: 'sqlite',
      schema: 'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);',
      code: "SELECT id FROM users WHERE email LIKE '%@example.com' AND id > ?",
      errors: [{ message: ['starts with a wildcard', 'FTS5'], span: "email LIKE '%@example.com'", fixes: [] }],
    },
  ],
});
