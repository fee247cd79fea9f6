-- SYNTAX TEST "source.sql" "querylens-ignore directives in SQL comments"

-- querylens-ignore-file select-star
-- ^^^^^^^^^^^^^^^^^^^^^ comment.line.double-dash.sql keyword.control.directive.querylens
--                       ^^^^^^^^^^^ comment.line.double-dash.sql constant.language.rule-id.querylens
-- querylens-ignore missing-composite-index unpaginated-query
-- ^^^^^^^^^^^^^^^^ comment.line.double-dash.sql keyword.control.directive.querylens
--                  ^^^^^^^^^^^^^^^^^^^^^^^ comment.line.double-dash.sql constant.language.rule-id.querylens
SELECT * FROM workers WHERE planner_id = 1; -- querylens-ignore
-- <------ keyword.other.DML.sql
--                                             ^^^^^^^^^^^^^^^^ keyword.control.directive.querylens
SELECT 'querylens-ignore' FROM t;
--      ^^^^^^^^^^^^^^^^ string.quoted.single.sql - keyword.control.directive.querylens
