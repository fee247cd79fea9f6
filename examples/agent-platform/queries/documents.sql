-- Document search and listing for the retrieval UI.

-- name: SearchDocumentsByTitle :many
-- A leading wildcard defeats any B-tree index on title.
SELECT id, title FROM documents WHERE title ILIKE '%' || $1 || '%' LIMIT 50;

-- name: FindReports :many
SELECT id, title, created_at FROM documents WHERE title LIKE '%report%' LIMIT 50;

-- name: ListCollectionDocuments :many
-- Served by idx_documents_collection_status, paginated: nothing to flag.
SELECT id, title, created_at
FROM documents
WHERE collection_id = $1 AND status = 'ready'
LIMIT 50 OFFSET $2;
