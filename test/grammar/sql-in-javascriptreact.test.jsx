// SYNTAX TEST "source.js.jsx" "SQL injected into JavaScript React files"

const res = await client.query("SELECT * FROM agents WHERE id = $1", [id]);
//                       ^^^^^ entity.name.function.js.jsx
//                              ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
const el = <p>select an item</p>;
//            ^^^^^^ - meta.embedded.block.sql
