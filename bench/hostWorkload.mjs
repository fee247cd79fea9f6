// The host-code workload of the benchmark: a generated workspace of Python
// (SQLAlchemy models, services with 1.x and 2.0 queries, raw text() SQL, loops)
// and Rust (sqlx functions and macros) files with a few SQL migrations, and a
// 3,000-line Python file with the edits typed into it.
//
// Deterministic (seeded): every run analyses the same code and types the same edits.
// The code is realistic rather than adversarial: most queries are fine, some
// are N+1 loops, unpaginated lists, commits per row, leading-wildcard LIKEs.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { applyChange, prng, spaceEdit } from './workload.mjs';

// ---------------------------------------------------------------------------------------------
// Python: a family of four related models per model module.

/** Model module `k`: Account/Project/Task/Comment of one bounded context. */
export function pythonModels(k) {
  return `"""Models of context ${k}."""
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, declarative_base, mapped_column, relationship

from app.db import Base


class Account${k}(Base):
    __tablename__ = 'accounts_${k}'

    id = Column(BigInteger, primary_key=True)
    email = Column(String(255), nullable=False, unique=True)
    tenant_id = Column(BigInteger, nullable=False, index=True)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    projects = relationship('Project${k}', back_populates='account')


class Project${k}(Base):
    __tablename__ = 'projects_${k}'

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey('accounts_${k}.id'), index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    account = relationship('Account${k}', back_populates='projects')
    tasks = relationship('Task${k}', lazy='selectin')


class Task${k}(Base):
    __tablename__ = 'tasks_${k}'
    __table_args__ = (Index('ix_tasks_${k}_project_status', 'project_id', 'status'),)

    id = Column(BigInteger, primary_key=True)
    project_id = Column(ForeignKey('projects_${k}.id'), nullable=False)
    assignee_id = Column(ForeignKey('accounts_${k}.id'), index=True)
    status = Column(String(20), nullable=False, index=True)
    priority = Column(Integer, nullable=False, default=0)
    title = Column(Text, nullable=False)
    due_at = Column(DateTime)
    comments = relationship('Comment${k}')


class Comment${k}(Base):
    __tablename__ = 'comments_${k}'

    id = Column(BigInteger, primary_key=True)
    task_id = Column(ForeignKey('tasks_${k}.id'), nullable=False, index=True)
    author_id = Column(BigInteger, nullable=False)
    body = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)


Index('ix_comments_${k}_author_created', Comment${k}.author_id, Comment${k}.created_at)
`;
}

/** Service functions on model family `k`; `n` makes names unique. Each returns its lines. */
const PYTHON_FUNCTIONS = [
  // Paginated 1.x query on an indexed pair: fine.
  (k, n) => [
    `def open_tasks_${n}(session, project_id, page=0):`,
    `    return (`,
    `        session.query(Task${k})`,
    `        .filter(Task${k}.project_id == project_id, Task${k}.status == 'open')`,
    `        .order_by(Task${k}.priority.desc())`,
    `        .limit(50)`,
    `        .offset(page * 50)`,
    `        .all()`,
    `    )`,
  ],
  // N+1: a query per project of an earlier query.
  (k, n) => [
    `def task_counts_${n}(session, account_id):`,
    `    projects = session.query(Project${k}).filter(Project${k}.account_id == account_id).limit(100).all()`,
    `    counts = {}`,
    `    for project in projects:`,
    `        tasks = session.query(Task${k}).filter(Task${k}.project_id == project.id).limit(500).all()`,
    `        counts[project.id] = len(tasks)`,
    `    return counts`,
  ],
  // Unpaginated list on a non-unique filter.
  (k, n) => [
    `def assigned_${n}(session, assignee_id):`,
    `    return session.query(Task${k}).filter_by(assignee_id=assignee_id).all()`,
  ],
  // 2.0 select, paginated, run by scalars.
  (k, n) => [
    `def recent_comments_${n}(session, author_id):`,
    `    stmt = (`,
    `        select(Comment${k})`,
    `        .where(Comment${k}.author_id == author_id)`,
    `        .order_by(Comment${k}.created_at.desc())`,
    `        .limit(20)`,
    `    )`,
    `    return session.scalars(stmt).all()`,
  ],
  // Raw SQL through text(), paginated.
  (k, n) => [
    `def due_soon_${n}(session, project_id):`,
    `    rows = session.execute(`,
    `        text("SELECT id, title, due_at FROM tasks_${k} WHERE project_id = :pid AND due_at < now() ORDER BY due_at LIMIT 20"),`,
    `        {"pid": project_id},`,
    `    ).all()`,
    `    return [dict(r._mapping) for r in rows]`,
  ],
  // Commit per row.
  (k, n) => [
    `def import_comments_${n}(session, task_id, bodies):`,
    `    for body in bodies:`,
    `        session.add(Comment${k}(task_id=task_id, author_id=0, body=body))`,
    `        session.commit()`,
  ],
  // Lazy relationship read per row.
  (k, n) => [
    `def comment_report_${n}(session, project_id):`,
    `    tasks = session.query(Task${k}).filter(Task${k}.project_id == project_id).limit(200).all()`,
    `    lines = []`,
    `    for task in tasks:`,
    `        lines.append(f"{task.title}: {len(task.comments)} comments")`,
    `    return "\\n".join(lines)`,
  ],
  // Leading-wildcard LIKE.
  (k, n) => [
    `def search_projects_${n}(session, term):`,
    `    archived = session.query(Project${k}).filter(Project${k}.name.like("%(archived)")).limit(25).all()`,
    `    return [p for p in archived if term in p.name]`,
  ],
  // Primary-key lookups.
  (k, n) => [
    `def get_task_${n}(session, task_id):`,
    `    task = session.get(Task${k}, task_id)`,
    `    if task is None:`,
    `        raise KeyError(task_id)`,
    `    return task`,
  ],
  // Async 2.0 with a composite filter missing its index.
  (k, n) => [
    `async def pending_for_${n}(db, assignee_id):`,
    `    result = await db.execute(`,
    `        select(Task${k}).where(Task${k}.assignee_id == assignee_id, Task${k}.status == 'pending').limit(10)`,
    `    )`,
    `    return result.scalars().all()`,
  ],
  // Plain code, no query.
  (k, n) => [
    `def describe_${n}(task):`,
    `    status = task.status.upper() if task.status else 'UNKNOWN'`,
    `    return f"#{task.id} [{status}] {task.title} (p{task.priority})"`,
  ],
  // Bulk insert done right.
  (k, n) => [
    `def add_tasks_${n}(session, project_id, titles):`,
    `    session.add_all([Task${k}(project_id=project_id, status='open', title=t) for t in titles])`,
    `    session.commit()`,
  ],
];

function pythonHeader(k) {
  return [
    `"""Service module over context ${k}."""`,
    `from sqlalchemy import select, text`,
    `from sqlalchemy.orm import selectinload`,
    ``,
    `from app.models.context_${k} import Account${k}, Comment${k}, Project${k}, Task${k}`,
    ``,
  ];
}

/** A service module of about `functions` functions over model family `k`. */
export function pythonService(k, seed, functions) {
  const random = prng(seed);
  const lines = pythonHeader(k);
  for (let i = 0; i < functions; i++) {
    const make = PYTHON_FUNCTIONS[Math.floor(random() * PYTHON_FUNCTIONS.length)];
    lines.push('', ...make(k, `${seed}_${i}`), '');
  }
  return lines.join('\n') + '\n';
}

/**
 * The file typed into: `lineCount` lines of service functions over model
 * family 0 (its models live in another module, as in a real project).
 */
export function generatePythonFile(lineCount) {
  const random = prng(42);
  const lines = pythonHeader(0);
  for (let n = 0; lines.length < lineCount; n++) {
    lines.push('', ...PYTHON_FUNCTIONS[Math.floor(random() * PYTHON_FUNCTIONS.length)](0, n), '');
  }
  const out = lines.slice(0, lineCount);
  // Never cut a function in half: drop a trailing partial one, and fill up with comments.
  while (out.length && out[out.length - 1] !== '') out.pop();
  while (out.length < lineCount) out.push(`# end of generated module (${lineCount - out.length})`);
  return out.join('\n') + '\n';
}

/** Lines of the Python file an edit may land on: query code and loops. */
const PY_EDITABLE = /^\s+(return|session|\.filter|\.where|\.order_by|select\(|text\(|tasks =|projects =|rows =|stmt =|result =|for |session\.add)/;

/**
 * The next edit of the Python file, as an LSP content change, and the text
 * after it: a space inserted after a random word of a query line (or removed
 * again), like the SQL workload. Every 10th edit toggles `.limit(...)` text of
 * a query to `.limit(51)` and back: a change the findings see.
 */
export function nextPythonEdit(text, random, n) {
  const lines = text.split('\n');
  const wantLimit = n % 10 === 9;
  let lineNo;
  for (;;) {
    lineNo = Math.floor(random() * (lines.length - 1));
    const line = lines[lineNo];
    if (wantLimit ? !/\.limit\((50|51)\)/.test(line) : !PY_EDITABLE.test(line)) continue;
    break;
  }
  const line = lines[lineNo];
  let change;
  if (wantLimit) {
    const m = /\.limit\(5([01])\)/.exec(line);
    const at = m.index + '.limit(5'.length;
    change = { range: { start: { line: lineNo, character: at }, end: { line: lineNo, character: at + 1 } }, text: m[1] === '0' ? '1' : '0' };
  } else {
    // Past the indentation: Python's blocks stay as they are.
    change = spaceEdit(line, lineNo, random, /^\s*/.exec(line)[0].length + 1);
  }
  return { change, text: applyChange(lines, lineNo, change) };
}

// ---------------------------------------------------------------------------------------------
// Rust: sqlx over the tables of the SQL migrations.

export const RUST_MIGRATIONS = {
  '20240101000000_users.sql': `CREATE TABLE users (id BIGSERIAL PRIMARY KEY, email TEXT NOT NULL UNIQUE, org_id BIGINT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE INDEX idx_users_org ON users (org_id);
`,
  '20240102000000_orders.sql': `CREATE TABLE orders (id BIGSERIAL PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users (id), status TEXT NOT NULL, total_cents BIGINT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE INDEX idx_orders_user ON orders (user_id);
`,
  '20240103000000_order_items.sql': `CREATE TABLE order_items (id BIGSERIAL PRIMARY KEY, order_id BIGINT NOT NULL REFERENCES orders (id), product_id BIGINT NOT NULL, quantity INT NOT NULL);
`,
  '20240104000000_products.sql': `CREATE TABLE products (id BIGSERIAL PRIMARY KEY, sku TEXT NOT NULL UNIQUE, name TEXT NOT NULL, category TEXT NOT NULL, price_cents BIGINT NOT NULL);
CREATE INDEX idx_products_category ON products (category);
`,
  '20240105000000_events.sql': `CREATE TABLE events (id BIGSERIAL PRIMARY KEY, user_id BIGINT NOT NULL, kind TEXT NOT NULL, payload JSONB NOT NULL, at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE INDEX idx_events_user ON events (user_id);
`,
  '20240106000000_order_status.sql': `ALTER TABLE orders ADD COLUMN shipped_at TIMESTAMPTZ;
CREATE INDEX idx_orders_status ON orders (status);
`,
};

const RUST_FUNCTIONS = [
  // query_as with binds, paginated.
  (n) => [
    `pub async fn orders_for_user_${n}(pool: &PgPool, user_id: i64) -> sqlx::Result<Vec<Order>> {`,
    `    sqlx::query_as::<_, Order>("SELECT id, user_id, status, total_cents FROM orders WHERE user_id = $1 AND status = $2 ORDER BY created_at DESC LIMIT 50")`,
    `        .bind(user_id)`,
    `        .bind("open")`,
    `        .fetch_all(pool)`,
    `        .await`,
    `}`,
  ],
  // N+1 with macros.
  (n) => [
    `pub async fn items_per_order_${n}(pool: &PgPool, user_id: i64) -> sqlx::Result<usize> {`,
    `    let orders = sqlx::query!("SELECT id FROM orders WHERE user_id = $1 LIMIT 100", user_id)`,
    `        .fetch_all(pool)`,
    `        .await?;`,
    `    let mut count = 0;`,
    `    for order in &orders {`,
    `        let items = sqlx::query!("SELECT product_id, quantity FROM order_items WHERE order_id = $1", order.id)`,
    `            .fetch_all(pool)`,
    `            .await?;`,
    `        count += items.len();`,
    `    }`,
    `    Ok(count)`,
    `}`,
  ],
  // Unpaginated fetch_all.
  (n) => [
    `pub async fn products_in_${n}(pool: &PgPool, category: &str) -> sqlx::Result<Vec<Product>> {`,
    `    sqlx::query_as!(Product, "SELECT id, sku, name, price_cents FROM products WHERE category = $1", category)`,
    `        .fetch_all(pool)`,
    `        .await`,
    `}`,
  ],
  // Raw string, composite filter without an index.
  (n) => [
    `pub async fn recent_events_${n}(pool: &PgPool, user_id: i64) -> sqlx::Result<Vec<Event>> {`,
    `    sqlx::query_as::<_, Event>(`,
    `        r#"SELECT id, kind, at`,
    `           FROM events`,
    `           WHERE user_id = $1 AND kind = 'login'`,
    `           ORDER BY at DESC`,
    `           LIMIT 20"#,`,
    `    )`,
    `    .bind(user_id)`,
    `    .fetch_all(pool)`,
    `    .await`,
    `}`,
  ],
  // Scalar by key.
  (n) => [
    `pub async fn order_total_${n}(pool: &PgPool, order_id: i64) -> sqlx::Result<Option<i64>> {`,
    `    sqlx::query_scalar!("SELECT total_cents FROM orders WHERE id = $1", order_id)`,
    `        .fetch_optional(pool)`,
    `        .await`,
    `}`,
  ],
  // INSERT per item in a transaction.
  (n) => [
    `pub async fn add_items_${n}(pool: &PgPool, order_id: i64, items: &[(i64, i32)]) -> sqlx::Result<()> {`,
    `    let mut tx = pool.begin().await?;`,
    `    for (product_id, quantity) in items {`,
    `        sqlx::query("INSERT INTO order_items (order_id, product_id, quantity) VALUES ($1, $2, $3)")`,
    `            .bind(order_id)`,
    `            .bind(product_id)`,
    `            .bind(quantity)`,
    `            .execute(&mut *tx)`,
    `            .await?;`,
    `    }`,
    `    tx.commit().await?;`,
    `    Ok(())`,
    `}`,
  ],
  // Leading-wildcard LIKE.
  (n) => [
    `pub async fn search_${n}(pool: &PgPool, term: &str) -> sqlx::Result<Vec<Product>> {`,
    `    sqlx::query_as::<_, Product>("SELECT id, sku, name, price_cents FROM products WHERE name LIKE '%gift%' AND category = $1 LIMIT 25")`,
    `        .bind(term)`,
    `        .fetch_all(pool)`,
    `        .await`,
    `}`,
  ],
  // Update by key.
  (n) => [
    `pub async fn ship_${n}(pool: &PgPool, order_id: i64) -> sqlx::Result<u64> {`,
    `    let done = sqlx::query("UPDATE orders SET status = 'shipped', shipped_at = now() WHERE id = $1")`,
    `        .bind(order_id)`,
    `        .execute(pool)`,
    `        .await?;`,
    `    Ok(done.rows_affected())`,
    `}`,
  ],
  // Plain code.
  (n) => [
    `pub fn format_total_${n}(cents: i64) -> String {`,
    `    format!("{}.{:02}", cents / 100, cents % 100)`,
    `}`,
  ],
];

const RUST_HEADER = [
  `use sqlx::PgPool;`,
  ``,
  `#[derive(Debug, sqlx::FromRow)]`,
  `pub struct Order { pub id: i64, pub user_id: i64, pub status: String, pub total_cents: i64 }`,
  ``,
  `#[derive(Debug, sqlx::FromRow)]`,
  `pub struct Product { pub id: i64, pub sku: String, pub name: String, pub price_cents: i64 }`,
  ``,
  `#[derive(Debug, sqlx::FromRow)]`,
  `pub struct Event { pub id: i64, pub kind: String, pub at: chrono::DateTime<chrono::Utc> }`,
  ``,
];

export function rustModule(seed, functions) {
  const random = prng(seed);
  const lines = [...RUST_HEADER];
  for (let i = 0; i < functions; i++) {
    lines.push('', ...RUST_FUNCTIONS[Math.floor(random() * RUST_FUNCTIONS.length)](`${seed}_${i}`));
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------

/**
 * Writes the workspace under `dir`: `contexts` model modules, `pythonServices`
 * service modules, `rustModules` Rust modules, the SQL migrations. Returns the
 * counts and lines written.
 */
export function writeHostWorkspace(dir, { contexts = 50, pythonServices = 1150, rustModules = 850 } = {}) {
  const write = (rel, text) => {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    return text.split('\n').length - 1;
  };
  let lines = 0;
  const counts = { python: 0, rust: 0, sql: 0 };
  writeFileSync(path.join(dir, '.querylens.json'), JSON.stringify({ dialect: 'postgres' }));
  lines += write('app/__init__.py', '');
  lines += write('app/db.py', 'from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n');
  lines += write('app/models/__init__.py', '');
  counts.python += 3;
  for (let k = 0; k < contexts; k++) {
    lines += write(`app/models/context_${k}.py`, pythonModels(k));
    counts.python++;
  }
  for (let s = 0; s < pythonServices; s++) {
    const random = prng(1000 + s);
    lines += write(`app/services/context_${s % contexts}/service_${s}.py`, pythonService(s % contexts, 1000 + s, 6 + Math.floor(random() * 10)));
    counts.python++;
  }
  for (let r = 0; r < rustModules; r++) {
    const random = prng(5000 + r);
    lines += write(`crates/store/src/m${Math.floor(r / 50)}/module_${r}.rs`, rustModule(5000 + r, 4 + Math.floor(random() * 8)));
    counts.rust++;
  }
  for (const [name, sql] of Object.entries(RUST_MIGRATIONS)) {
    lines += write(`crates/store/migrations/${name}`, sql);
    counts.sql++;
  }
  return { files: counts.python + counts.rust + counts.sql, ...counts, lines };
}
