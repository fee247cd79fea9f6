-- Admin dashboard.

-- name: ListAllConversations :many
-- Every conversation ever, in one response.
SELECT id, agent_id, title, created_at FROM conversations ORDER BY created_at DESC;

-- name: RecentUserConversations :many
-- Served by idx_conversations_user_created and paginated: nothing to flag.
SELECT id, title, created_at
FROM conversations
WHERE user_id = $1
ORDER BY created_at DESC
LIMIT 20;

-- name: AgentBySlug :one
SELECT id, name, status FROM agents WHERE tenant_id = $1 AND slug = $2;

-- name: RouterPlanners :many
SELECT l.planner_id, p.status
FROM router_planner_links l
JOIN planners p ON p.planner_id = l.planner_id
WHERE l.router_id = $1
LIMIT 100;
