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
      name: "another filter's index finds the rows first (dub's domains of one program): info, the pattern only sifts them",
      schema: 'CREATE TABLE domains (id int PRIMARY KEY, program_id int NOT NULL, slug text NOT NULL);\nCREATE INDEX domains_program_id_idx ON domains (program_id);',
      code: "SELECT id FROM domains WHERE program_id = $1 AND slug LIKE '%.dub.sh'",
      errors: [
        {
          message: [
            "domains.slug LIKE '%.dub.sh' starts with a wildcard, so no B-tree index can serve it: alone it would scan domains. Add a trigram index: CREATE INDEX ... USING gin (slug gin_trgm_ops) (needs the pg_trgm extension). But the index domains_program_id_idx on program_id already narrows it to the rows of one program_id, which this pattern then sifts: the index pays off only if those rows are many (info, not warning).",
          ],
          span: "slug LIKE '%.dub.sh'",
          tentative: true,
        },
      ],
    },
    {
      name: 'reached by its key from the rows of another filtered table: info',
      schema: schema + '\nCREATE TABLE enrollments (id int PRIMARY KEY, program_id int NOT NULL, user_id int NOT NULL REFERENCES users (id));\nCREATE INDEX enrollments_program_id_idx ON enrollments (program_id);',
      code: "SELECT e.id FROM enrollments e JOIN users u ON u.id = e.user_id WHERE e.program_id = $1 AND u.email NOT LIKE 'x' AND u.email LIKE '%@acme.test'",
      errors: [{ message: ['users is reached by its key from the rows another table\'s filters find, which this pattern then sifts'], span: "u.email LIKE '%@acme.test'", tentative: true }],
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
