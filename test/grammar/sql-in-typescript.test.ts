// SYNTAX TEST "source.ts" "SQL injected into node-postgres, postgres.js, knex, Kysely and better-sqlite3 calls"

const { rows } = await pool.query("SELECT id FROM agents WHERE name = 'x'", [name]);
//                          ^^^^^ entity.name.function.ts
//                                ^ string.quoted.double.ts punctuation.definition.string.begin.ts - meta.embedded.block.sql
//                                 ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
//                                           ^^^^ meta.embedded.block.sql keyword.other.DML.sql
//                                                                    ^^^ meta.embedded.block.sql string.quoted.single.sql
//                                                                       ^ string.quoted.double.ts punctuation.definition.string.end.ts - meta.embedded.block.sql
//                     ^^^^ variable.other.object.ts
//                                                                           ^^^^ variable.other.readwrite.ts - meta.embedded.sql
//                                                                               ^^ - meta.embedded.sql
const after0 = 1;
//    ^^^^^^ meta.var.expr.ts variable.other.constant.ts - meta.function-call

// an ordinary string passed to console.log is not SQL
console.log("select an item");
//           ^^^^^^ string.quoted.double.ts - keyword.other.DML.sql meta.embedded.block.sql
const q = "SELECT id FROM users";
//         ^^^^^^ string.quoted.double.ts - keyword.other.DML.sql meta.embedded.block.sql
document.querySelector("select.item");
//                      ^^^^^^ string.quoted.double.ts - meta.embedded.block.sql
// a comment that mentions pool.query("SELECT 1") is not SQL
//                                     ^^^^^^ comment.line.double-slash.ts - keyword.other.DML.sql meta.embedded.block.sql
const s = 'see sql`SELECT 1`';
//                 ^^^^^^ string.quoted.single.ts - keyword.other.DML.sql

// only the first argument is SQL
await client.query('DELETE FROM t WHERE id = $1', ["select me"]);
//                  ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
//                                                  ^^^^^^ string.quoted.double.ts - meta.embedded.sql

// postgres.js and Kysely tagged templates: ${} holes stay TypeScript
const users = await sql`SELECT * FROM users WHERE id = ${userId} AND name LIKE ${'%' + term}`;
//                  ^^^ entity.name.function.tagged-template.ts
//                     ^ string.template.ts punctuation.definition.string.template.begin.ts
//                      ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
//                                                     ^^ meta.embedded.block.sql meta.template.expression.ts punctuation.definition.template-expression.begin.ts
//                                                       ^^^^^^ meta.embedded.block.sql meta.template.expression.ts meta.embedded.line.ts variable.other.readwrite.ts - keyword
//                                                             ^ punctuation.definition.template-expression.end.ts
//                                                               ^^^ meta.embedded.block.sql keyword.other.DML.sql
//                                                                               ^^^ meta.embedded.line.ts string.quoted.single.ts - string.quoted.single.sql
//                                                                                          ^ string.template.ts punctuation.definition.string.template.end.ts - meta.embedded.block.sql
const n = await db.selectFrom('t').select(sql<number>`count(*)`.as('n')).executeTakeFirst();
//                                            ^^^^^^ support.type.primitive.ts
//                                                    ^^^^^ meta.embedded.block.sql support.function.aggregate.sql
//                                                              ^^ entity.name.function.ts - meta.embedded.sql

// multi-line templates: SQL comments, strings and holes do not swallow the closing backtick
const rows2 = await sql`
  SELECT a.id, a.name -- the agent's name
//^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
//                    ^^^^^^^^^^^^^^^^^^^ meta.embedded.block.sql comment.line.double-dash.sql
  FROM agents a /* all of them */
//              ^^^^^^^^^^^^^^^^^ comment.block.sql
  WHERE a.status = 'run${suffix}ning'
//                 ^^^^ string.quoted.single.sql
//                       ^^^^^^ string.quoted.single.sql meta.template.expression.ts meta.embedded.line.ts variable.other.readwrite.ts
  ${where ? sql`AND a.planner_id = ${plannerId}` : sql``}
//  ^^^^^ variable.other.readwrite.ts
//              ^^^ meta.embedded.line.ts meta.embedded.block.sql keyword.other.DML.sql
//                                   ^^^^^^^^^ variable.other.readwrite.ts
`;
// <- punctuation.definition.string.template.end.ts - meta.embedded.block.sql
const after = "SELECT 1";
//             ^^^^^^ string.quoted.double.ts - keyword.other.DML.sql

// a template ending inside an SQL string or comment still ends there
await sql`SELECT 'unterminated`;
//       ^ punctuation.definition.string.template.begin.ts
//                            ^ punctuation.definition.string.template.end.ts - string.quoted.single.sql
await sql`SELECT 1 -- one`.execute();
//                 ^^^^^^ comment.line.double-dash.sql
//       ^ punctuation.definition.string.template.begin.ts
//                       ^ punctuation.definition.string.template.end.ts - comment
//                         ^^^^^^^ entity.name.function.ts - meta.embedded.sql

// sql.unsafe, knex.raw and its fragments, better-sqlite3 prepare, TypeScript type arguments
await sql.unsafe("SELECT * FROM t WHERE id = $1", [id]);
//        ^^^^^^ entity.name.function.ts
//                ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
const r = await knex.raw(`SELECT * FROM t WHERE id = ?`, [id]);
//                   ^^^ entity.name.function.ts
//                        ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
knex('tasks').whereRaw('status = ?', ['done']).orderByRaw('created_at DESC');
//                      ^^^^^^ meta.embedded.block.sql - string
//                                     ^^^^ string.quoted.single.ts - meta.embedded.sql
//                                                                    ^^^^ meta.embedded.block.sql keyword.other.order.sql
const stmt = db.prepare("INSERT INTO t (a, b) VALUES (?, ?)");
//              ^^^^^^^ entity.name.function.ts
//                       ^^^^^^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
const typed = await pool.query<AgentRow>('SELECT * FROM agents');
//                             ^^^^^^^^ meta.type.parameters.ts entity.name.type.ts
//                                        ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql

// the first argument on its own line, after a comment
const res = await client.query(
  // the agents of one planner
//   ^^^^^^^^^^^^^^^^^^^^^^^^^ comment.line.double-slash.ts
  `SELECT * FROM agents WHERE planner_id = $1`,
// ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
  [plannerId],
// ^^^^^^^^^ variable.other.readwrite.ts - meta.embedded.sql
);

// { text, values } objects
await pool.query({ text: "SELECT * FROM t WHERE id = $1", values: [id], name: "fetch-t" });
//                 ^^^^ meta.object-literal.key.ts
//                        ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
//                                                        ^^^^^^ meta.object-literal.key.ts - meta.embedded.sql
//                                                                             ^^^^^^^ string.quoted.double.ts - meta.embedded.block.sql
const msg = { text: "select an item" };
//                   ^^^^^^ string.quoted.double.ts - meta.embedded.block.sql

// /* sql */ comment-prefixed literals
const query = /* sql */ `SELECT id FROM t WHERE n = ${n}`;
//            ^^^^^^^^^ comment.block.ts
//                       ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
//                                                  ^^^^ meta.embedded.block.sql meta.template.expression.ts
const other = /*SQL*/ "UPDATE t SET a = 1";
//                     ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
const notSql = /* note */ "select an item";
//                         ^^^^^^ string.quoted.double.ts - meta.embedded.block.sql

// Prisma raw queries
await prisma.$queryRaw`SELECT * FROM "User" WHERE id = ${id}`;
//           ^^^^^^^^^ entity.name.function.tagged-template.ts
//                                   ^^^^^^ string.quoted.double.sql

// querylens-ignore comments, in TypeScript and in the embedded SQL
// querylens-ignore n-plus-one
// ^^^^^^^^^^^^^^^^ comment.line.double-slash.ts keyword.control.directive.querylens
//                  ^^^^^^^^^^ comment.line.double-slash.ts constant.language.rule-id.querylens
await sql`SELECT * FROM t -- querylens-ignore unpaginated-query`;
//                           ^^^^^^^^^^^^^^^^ comment.line.double-dash.sql keyword.control.directive.querylens
//                                            ^^^^^^^^^^^^^^^^^ constant.language.rule-id.querylens
