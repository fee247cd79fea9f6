// SYNTAX TEST "source.js" "SQL injected into JavaScript: node-postgres, knex, better-sqlite3, postgres.js"

const { rows } = await pool.query({
  text: `SELECT * FROM tasks WHERE agent_id = $1 AND status = ${status}`,
//^^^^ meta.object-literal.key.js
//       ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
//                                                              ^^^^^^ meta.embedded.block.sql meta.template.expression.js meta.embedded.line.js variable.other.readwrite.js
  values: [agentId],
//^^^^^^ meta.object-literal.key.js - meta.embedded.sql
//         ^^^^^^^ variable.other.readwrite.js - meta.embedded.sql
});
const next = 1;
//    ^^^^ meta.var.expr.js variable.other.constant.js - meta.function-call

// an ordinary string passed to console.log is not SQL
console.log("select an item");
//           ^^^^^^ string.quoted.double.js - keyword.other.DML.sql meta.embedded.block.sql
logger.info('DELETE FROM t');
//           ^^^^^^ string.quoted.single.js - keyword.other.DML.sql meta.embedded.block.sql

// a knex chain over several lines
const done = await knex('tasks')
  .where({ status: 'done' })
//                  ^^^^ string.quoted.single.js - meta.embedded.sql
  .orderByRaw('created_at DESC NULLS LAST')
// ^^^^^^^^^^ entity.name.function.js
//                        ^^^^ meta.embedded.block.sql keyword.other.order.sql
  .limit(10);
// ^^^^^ entity.name.function.js - meta.embedded.sql

// better-sqlite3 and node:sqlite
const stmt = db.prepare('SELECT name FROM agents WHERE id = ?');
//              ^^^^^^^ entity.name.function.js
//                       ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
//                      ^ string.quoted.single.js punctuation.definition.string.begin.js - meta.embedded.block.sql

// postgres.js, with a nested fragment in a hole
const agents = await sql`
  SELECT * FROM agents ${planner ? sql`WHERE planner_id = ${planner}` : sql``}
//^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
//                       ^^^^^^^ meta.embedded.line.js variable.other.readwrite.js
//                                     ^^^^^ meta.embedded.line.js meta.embedded.block.sql keyword.other.DML.sql
`;
const after = "SELECT 1";
//             ^^^^^^ string.quoted.double.js - keyword.other.DML.sql

// /* sql */ comment-prefixed literals
const q = /* sql */ 'UPDATE agents SET status = $1';
//                   ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
