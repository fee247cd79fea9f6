# SYNTAX TEST "source.python" "SQL injected into SQLAlchemy and DB-API calls"

rows = session.execute(text("SELECT id FROM users WHERE name = 'x'"))
#                           ^ string.quoted.single.python punctuation.definition.string.begin.python - meta.embedded.block.sql
#                            ^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
#                                      ^^^^ meta.embedded.block.sql keyword.other.DML.sql
#                                                              ^^^ meta.embedded.block.sql string.quoted.single.sql
#                                                                 ^ string.quoted.single.python punctuation.definition.string.end.python - meta.embedded.block.sql
#                                                                  ^^ punctuation.definition.arguments.end.python - meta.embedded.sql
#                      ^^^^ meta.function-call.generic.python
#              ^^^^^^^ meta.function-call.generic.python

# a plain string outside a query call is not SQL
query = "SELECT id FROM users"
#        ^^^^^^ string.quoted.single.python - keyword.other.DML.sql meta.embedded.block.sql

# a comment that mentions text("SELECT 1") is not SQL
#                             ^^^^^^ comment.line.number-sign.python - keyword.other.DML.sql meta.embedded.sql

# inside another string it is not SQL either
s = 'see text("SELECT 1")'
#              ^^^^^^ string.quoted.single.python - keyword.other.DML.sql

# single quotes, with escaped quotes the closing quote still ends the SQL
conn.execute('SELECT * FROM t WHERE a = \'x\'')
#             ^^^^^^ keyword.other.DML.sql
#                                       ^^ constant.character.escape.python
#                                            ^ punctuation.definition.string.end.python - meta.embedded.block.sql
#                                             ^ punctuation.definition.arguments.end.python

# triple-quoted on the following lines, after a comment; keyword arguments stay Python
cur.executemany(
    # one row per item
#   ^^^^^^^^^^^^^^^^^^ comment.line.number-sign.python
    """
#   ^^^ string.quoted.multi.python punctuation.definition.string.begin.python
    INSERT INTO items (id, name) -- one row
#   ^^^^^^^^^^^ meta.embedded.block.sql keyword.other.DML.sql
#                                ^^^^^^^^^^ meta.embedded.block.sql comment.line.double-dash.sql
    VALUES (%s, %s)""",
#   ^^^^^^ meta.embedded.block.sql keyword.other.DML.II.sql
#                  ^^^ string.quoted.multi.python punctuation.definition.string.end.python - meta.embedded.block.sql
    rows, timeout=3,
#   ^^^^ - meta.embedded.sql
#         ^^^^^^^ variable.parameter.function-call.python
)
# <- punctuation.definition.arguments.end.python

# a trailing SQL comment does not swallow the closing quote
session.exec_driver_sql("SELECT 1 -- one")
#                                 ^^^^^^ comment.line.double-dash.sql
#                                       ^ punctuation.definition.string.end.python - comment
#                                        ^ punctuation.definition.arguments.end.python

# r- and f-prefixed strings
engine.execute(r'''SELECT "name" FROM users WHERE name ~ '\d+' ''')
#              ^ storage.type.string.python
#               ^^^ punctuation.definition.string.begin.python
#                  ^^^^^^ keyword.other.DML.sql
#                         ^^^^^^ string.quoted.double.sql
#                                                              ^^^ punctuation.definition.string.end.python
stmt = text(f"SELECT {col} FROM t")
#           ^ storage.type.string.python
#             ^^^^^^ keyword.other.DML.sql
#                          ^^^^ keyword.other.DML.sql

# SQLAlchemy expressions passed to execute are left to the Python grammar
session.execute(select(User).where(User.id == 1))
#               ^^^^^^ meta.function-call.generic.python - meta.embedded.sql
#                                             ^ constant.numeric.dec.python

after = "SELECT 1"
#        ^^^^^^ - keyword.other.DML.sql

# querylens-ignore comments, in Python and in the embedded SQL
# querylens-ignore n-plus-one
# ^^^^^^^^^^^^^^^^ comment.line.number-sign.python keyword.control.directive.querylens
#                   ^^^^^^^^^^^ comment.line.number-sign.python constant.language.rule-id.querylens
rows = session.execute(text("SELECT * FROM t -- querylens-ignore unpaginated-query"))
#                                               ^^^^^^^^^^^^^^^^ comment.line.double-dash.sql keyword.control.directive.querylens
#                                                                ^^^^^^^^^^^^^^^^^ constant.language.rule-id.querylens
