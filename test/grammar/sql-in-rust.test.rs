// SYNTAX TEST "source.rust" "SQL injected into sqlx and tokio-postgres calls"

let users = sqlx::query_as::<_, (i64, Vec<u8>)>("SELECT id FROM users WHERE name = 'x'")
//                ^^^^^^^^ entity.name.function.rust
//                                    ^^^ entity.name.type.rust
//                                               ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
//                                                                                 ^^^ meta.embedded.block.sql string.quoted.single.sql
//                                                                                    ^ punctuation.definition.string.rust - meta.embedded.block.sql
    .fetch_all(&pool)
//   ^^^^^^^^^ entity.name.function.rust - meta.embedded.sql
    .await?;

// a plain string outside a query call is not SQL
let sql = "SELECT id FROM users";
//         ^^^^^^ string.quoted.double.rust - keyword.other.DML.sql meta.embedded.block.sql

// a comment that mentions query!("SELECT 1") is not SQL
// let row = query!("SELECT 1");
//                   ^^^^^^ comment.line.double-slash.rust - keyword.other.DML.sql meta.embedded.block.sql

// macro with a plain string, escapes, and a trailing SQL comment that keeps the closing quote
let v = sqlx::query!("SELECT \"a\" FROM t WHERE id = $1 -- one", id)
//            ^^^^^ entity.name.function.macro.rust
//                    ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
//                           ^^ constant.character.escape.rust
//                                                      ^^^^^^ comment.line.double-dash.sql
//                                                            ^ punctuation.definition.string.rust - comment.line.double-dash.sql
//                                                               ^^ variable.other.rust - meta.embedded.sql

// query_as! with the record type and a raw string on their own lines (rustfmt style)
let user = sqlx::query_as!(
//               ^^^^^^^^ entity.name.function.macro.rust
    User,
//  ^^^^ entity.name.type.rust
    r#"
//  ^ meta.embedded.sql
//   ^ punctuation.definition.string.raw.rust
    SELECT id, "name" FROM users -- the "name" column
//  ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
//             ^^^^^^ meta.embedded.block.sql string.quoted.double.sql
//                               ^^^^^^ meta.embedded.block.sql comment.line.double-dash.sql
    WHERE id = $1
//  ^^^^^ meta.embedded.block.sql keyword.other.DML.sql
    "#,
//  ^ punctuation.definition.string.rust - meta.embedded.block.sql
    id
//  ^^ variable.other.rust - meta.embedded.sql
)
.fetch_one(&pool)
.await?;

// query_scalar! with r"..." and query_as! with the type on the same line
let n: i64 = query_scalar!(r"SELECT count(*) FROM t").fetch_one(&pool).await?;
//                           ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
//                                  ^^^^^ meta.embedded.block.sql support.function.aggregate.sql
//                                                    ^^^^^^^^^ entity.name.function.rust - meta.embedded.sql
let all = query_as!(Task, "SELECT * FROM tasks LIMIT 10").fetch_all(&pool).await?;
//                  ^^^^ entity.name.type.rust - meta.embedded.sql
//                                             ^^^^^ meta.embedded.block.sql

// sqlx::query_scalar with a turbofish, plain sqlx::query, and tokio-postgres client calls
let c = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM t").fetch_one(&pool).await?;
//                                    ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
sqlx::query("DELETE FROM t WHERE id = $1").bind(id).execute(&pool).await?;
//           ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
//                                                           ^^^^ variable.other.rust - meta.embedded.sql
let rows = client.query("SELECT * FROM t WHERE a = $1", &[&a]).await?;
//                       ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
//                                                        ^^ meta.function.call.rust - meta.embedded.sql
let row = client.query_one("SELECT 1", &[]).await?;
//                          ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
let opt = client.query_opt("SELECT 1", &[]).await?;
//                          ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
client.execute("UPDATE t SET a = 1", &[]).await?;
//              ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql

// querylens-ignore comments, in Rust and in the embedded SQL
// querylens-ignore n-plus-one
// ^^^^^^^^^^^^^^^^ comment.line.double-slash.rust keyword.control.directive.querylens
//                  ^^^^^^^^^^ comment.line.double-slash.rust constant.language.rule-id.querylens
let q = query!("SELECT * FROM t -- querylens-ignore unpaginated-query");
//                                 ^^^^^^^^^^^^^^^^ comment.line.double-dash.sql keyword.control.directive.querylens
//                                                  ^^^^^^^^^^^^^^^^^ constant.language.rule-id.querylens

let after = "SELECT 1";
//           ^^^^^^ string.quoted.double.rust - keyword.other.DML.sql
