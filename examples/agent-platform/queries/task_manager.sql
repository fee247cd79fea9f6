-- TaskManager (planner.py): the queries every planner tick runs.

-- name: GetCurrentTask :one
-- Pending work of one planner.
SELECT worker_id FROM workers WHERE planner_id = $1 AND task_status = 'pending';

-- name: GetCompletedTasks :many
SELECT * FROM workers WHERE planner_id = $1 AND task_status IN ('completed', 'failed_validation');

-- name: GetPlannerMessages :many
SELECT * FROM planner_messages WHERE agent_id = $1 ORDER BY created_at;

-- name: GetPlanner :one
SELECT * FROM planners WHERE planner_id = $1;

-- name: GetWorker :one
-- Primary-key lookup with named columns: nothing to flag.
SELECT worker_id, planner_id, task_status, result FROM workers WHERE worker_id = $1;

-- name: CompleteTask :exec
UPDATE workers SET task_status = 'completed', result = $2, updated_at = now() WHERE worker_id = $1;

-- name: AddPlannerMessage :exec
INSERT INTO planner_messages (agent_id, role, content) VALUES ($1, $2, $3);

-- name: CountWorkers :one
SELECT count(*) FROM workers WHERE planner_id = $1;
