import { selectStar } from '../../../server/src/core/rules/select-star';
import { ruleTester } from './harness';

const schema = 'CREATE TABLE users (id int PRIMARY KEY, email text, "Display Name" text, "order" int);\nCREATE TABLE orders (id int PRIMARY KEY, user_id int);';

ruleTester(selectStar, {
  valid: [
    { name: 'explicit columns', schema, code: 'SELECT id, email FROM users' },
    { name: 'count(*)', schema, code: 'SELECT count(*) FROM users' },
    { name: 'star inside EXISTS', schema, code: 'SELECT id FROM users u WHERE EXISTS (SELECT * FROM orders o WHERE o.user_id = u.id)' },
    { name: 'INSERT ... SELECT *', schema, code: 'INSERT INTO orders SELECT * FROM orders' },
  ],
  invalid: [
    {
      name: 'one known table: replaced with its columns in declaration order, quoted when needed',
      schema,
      code: 'SELECT * FROM users WHERE id = $1',
      errors: [{ message: ['SELECT * reads and sends every column', 'users has 4'], span: '*', fixes: ['Replace * with the column list'] }],
      output: 'SELECT id, email, "Display Name", "order" FROM users WHERE id = $1',
    },
    {
      name: 'qualified star keeps its qualifier',
      schema,
      code: 'SELECT u.* FROM users u',
      errors: [{ message: ['List the columns'], span: 'u.*' }],
      output: 'SELECT u.id, u.email, u."Display Name", u."order" FROM users u',
    },
    {
      name: 'two tables: no fix',
      schema,
      code: 'SELECT * FROM users u JOIN orders o ON o.user_id = u.id',
      errors: [{ message: ['List the columns you need.'], span: '*', fixes: [] }],
    },
    {
      name: 'unknown table: reported, no fix',
      code: 'SELECT * FROM events',
      errors: [{ message: ['SELECT *'], span: '*', fixes: [] }],
    },
    {
      name: 'sqlite',
      dialect: 'sqlite',
      schema: 'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);',
      code: 'SELECT * FROM users WHERE email = ?',
      errors: [{ message: ['SELECT *'], span: '*' }],
      output: 'SELECT id, email FROM users WHERE email = ?',
    },
  ],
});
