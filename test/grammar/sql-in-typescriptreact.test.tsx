// SYNTAX TEST "source.tsx" "SQL injected into TypeScript React files"

const rows = await sql<Row[]>`SELECT * FROM agents WHERE id = ${id}`;
//                 ^^^ entity.name.function.tagged-template.tsx
//                            ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
//                                                              ^^^ meta.template.expression.tsx
const el = <div title="select an item">{rows.length}</div>;
//                     ^^^^^^ string.quoted.double.tsx - meta.embedded.block.sql
