-- Added after launch, on a table that already holds every conversation.
-- Without CONCURRENTLY this locks conversations against writes while it builds.
CREATE INDEX idx_conversations_user_created ON conversations (user_id, created_at);
