/**
 * leading-wildcard-like on a batch path (issue 10): a `LIKE '%x%'` in a job
 * (named for work over every row, or under a task decorator) scans once per
 * run, not per request: info, saying so. The same search in a request handler
 * or a function of unknown path stays a warning.
 */
import { extractPython } from '../../../server/src/core/host/python/extract';
import { extractRust } from '../../../server/src/core/host/rust/extract';
import { leadingWildcardLike } from '../../../server/src/core/rules/leading-wildcard-like';
import { hostRuleTester } from './host-harness';

const rust = (code: string) => extractRust(code, '/ws/app.rs');
const python = (code: string) => extractPython(code, '/ws/app.py');
const schema = 'CREATE TABLE documents (id bigint PRIMARY KEY, source_url text, owner_id bigint);';
const rustFn = (head: string) => `${head} -> Result<()> {
    let rows = sqlx::query("SELECT id FROM documents WHERE owner_id IS NULL AND source_url LIKE $1").bind(format!("%{}%", site)).fetch_all(pool).await?;
    Ok(())
}
`;
const pythonJob = `@shared_task
def relink_documents(session, site):
    return session.execute(text("SELECT id FROM documents WHERE source_url LIKE :p"), {"p": f"%{site}%"}).all()
`;
const jobNote = 'a scan per run of the job, not per request, so the index pays off only if the job runs often (info, not warning).';

hostRuleTester(leadingWildcardLike, 'batch path and request path', {
  valid: [],
  invalid: [
    {
      name: 'Rust: a function named for a backfill: info, naming it',
      language: 'rust',
      schema,
      host: rust,
      code: rustFn('pub async fn backfill_owners(pool: &PgPool, site: &str)'),
      errors: [{ message: ["documents.source_url LIKE '%{}%' starts with a wildcard", `It runs in backfill_owners, which by its name works over every row: ${jobNote}`], span: 'source_url LIKE $1', tentative: true }],
    },
    {
      name: 'Python: under a task decorator: info',
      schema,
      host: python,
      code: pythonJob,
      errors: [{ message: ["documents.source_url LIKE '%{site}%' starts with a wildcard", `It runs in the job relink_documents (@shared_task): ${jobNote}`], span: 'source_url LIKE :p', tentative: true }],
    },
    {
      name: "Python: in a staff tool's folder (backoffice/): info, naming it",
      schema,
      host: (code) => extractPython(code, '/ws/app/backoffice/documents.py'),
      path: 'app/backoffice/documents.py',
      code: 'def search(session, q):\n    return session.execute(text("SELECT id FROM documents WHERE source_url LIKE :p LIMIT 20"), {"p": f"%{q}%"}).all()\n',
      errors: [{ message: ["documents.source_url LIKE '%{q}%' starts with a wildcard", 'It runs in a staff tool (folder backoffice/): searches by staff, not by users on every request, so the index pays off only if they search often (info, not warning).'], span: 'source_url LIKE :p', tentative: true }],
    },
    {
      name: 'Rust: a request handler: still a warning',
      language: 'rust',
      schema,
      host: rust,
      code: rustFn('pub async fn search_handler(State(pool): State<PgPool>, Query(site): Query<String>)'),
      errors: [{ message: ["documents.source_url LIKE '%{}%' starts with a wildcard, so no B-tree index can serve it: every call scans documents."], span: 'source_url LIKE $1' }],
    },
    {
      name: 'Rust: a function of unknown path: still a warning',
      language: 'rust',
      schema,
      host: rust,
      code: rustFn('pub async fn find_documents(pool: &PgPool, site: &str)'),
      errors: [{ message: ["documents.source_url LIKE '%{}%' starts with a wildcard, so no B-tree index can serve it: every call scans documents."], span: 'source_url LIKE $1' }],
    },
  ],
});
