/**
 * What the host-language extractors (Python: SQLAlchemy, Alembic, raw SQL;
 * Rust: sqlx, tokio-postgres) find in application code. Extractors use real
 * parsers (web-tree-sitter with the grammar packages' own .wasm files) and
 * report everything with exact file offsets (UTF-16, like every Span).
 *
 * The engine turns an extraction into an ordinary ParsedDocument (raw SQL
 * parsed by the SQL core and mapped back into the file; ORM chains already as
 * QueryModels) so every SQL rule applies to host code unchanged, and hands the
 * extraction itself to the host rules (n-plus-one, commit-in-loop).
 */
import type { Dialect } from '../../../../shared/types';
import type { QueryModel, SchemaChange, Span, StatementKind } from '../sql/model';
import type { HostPool } from './pools';

/** A language whose code the host extractors read (shared/languages.ts). */
export type { HostLanguage } from '../../../../shared/languages';
import type { HostLanguage } from '../../../../shared/languages';

/** A loop around a call: `for`, `while`, a comprehension, `async for`, a Rust `for` or iterator closure. */
export interface LoopContext {
  kind: 'for' | 'async-for' | 'while' | 'comprehension' | 'iterator-closure';
  /** The whole loop statement / comprehension / closure call. */
  span: Span;
  /** Names bound by the loop (`for agent in agents` → ['agent']; `for (id, name) in rows` → ['id', 'name']). */
  targets: string[];
  /** The iterated expression's source text (`agents`, `session.query(Agent).all()`). */
  iterable?: string;
  /**
   * A counting loop whose counter moves by more than one each time (`for (let i = 0; i < ids.length; i += 500)`):
   * each iteration takes a slice of the items (`ids.slice(i, i + 500)`), a batch, not one item.
   */
  stepped?: true;
  /** When the iterated value is (a variable holding) the result of an extracted query: its index in `queries`. */
  iterableQuery?: number;
  /**
   * One object's own collection the loop walks, as the code shows it through
   * locals and callers (`pkg.keywords` for `let wanted = pkg.keywords.iter()..`):
   * its size is that object's children, usually a handful.
   */
  ownCollection?: string;
  /** The type of the loop's items when it is a fieldless enum (`alg as i32` of a `Kind`): at most one item per variant. */
  closedSet?: string;
  /**
   * A loop written as an expression (`await Promise.all(rows.map(..))`): where the statement
   * holding it starts, when code can run there once before it: in the same function, an
   * `async` one, so what is inserted there may await. Where the n-plus-one fix goes.
   */
  statementStart?: number;
}

/** Raw SQL inside a string literal. */
export interface EmbeddedSql {
  /** The SQL as the database receives it (string escapes resolved; f-string holes replaced by a `$n`/`?` placeholder). */
  text: string;
  /**
   * File offset of each UTF-16 unit of `text`, plus one final entry for the
   * end: `offsets[i]` is where `text[i]` comes from. Lets a span inside the
   * SQL become a span in the file, escapes and concatenations included.
   */
  offsets: number[];
  /** Span of the string literal(s) in the file, quotes included. */
  literal: Span;
  /** Dialect if the code tells (engine URL, sqlx::Sqlite, ...). */
  dialect?: Dialect;
  /**
   * `dialect` was read from the SQL's own text (`?` parameters, backquoted names: SQLite's, which MySQL's SQL
   * has too), not from the code: a workspace on MySQL (a Prisma datasource's provider) reads it as MySQL's
   * (`embeddedDialect`).
   */
  dialectGuessed?: boolean;
}

export type Terminal =
  | 'all' | 'first' | 'one' | 'one_or_none' | 'scalar' | 'scalars' | 'get' | 'count'
  | 'fetch_all' | 'fetch_one' | 'fetch_optional' | 'fetch' | 'execute'
  | 'iterate' | 'unknown';

/** A placeholder of the query's SQL and the text the code binds to it (`{}`/`{q}` for the parts known only at run time). */
export interface BoundPattern {
  /** The placeholder (`$1`, `?`) in the file. */
  span: Span;
  pattern: string;
}

/**
 * The functions a query is written in, as the code shows them, innermost
 * first: what rules read to tell a request handler from a batch job.
 */
export interface EnclosingFunction {
  name: string;
  /** Python decorators without the `@` (`router.get("/items")`, `actor(actor_name="x")`); Rust attributes without `#[...]` (`tokio::main`, `get("/")`). */
  decorators: string[];
  /** Rust: the parameters' types as written (`Path<String>`, `State<AppState>`); Python: none. */
  parameterTypes: string[];
  /**
   * TypeScript: what the code makes of the function, when it tells (a route decorator or
   * registration, a handler's parameters, a scheduled job), with the words that say why
   * (`in the request handler GET /users`).
   */
  role?: { kind: 'request' | 'batch'; why: string; by: 'decorator' | 'signature' | 'name' | 'file' };
}

export interface HostQuery {
  kind: 'sql' | 'orm';
  /** The whole call chain (`session.query(Worker).filter(...).all()`, `sqlx::query!(...).fetch_all(&pool).await`). */
  span: Span;
  statementKind: StatementKind;
  /** kind 'sql': the SQL string. */
  sql?: EmbeddedSql;
  /** kind 'orm': the query the ORM sends, spans in file coordinates (column spans on `Worker.planner_id`, ...). */
  model?: QueryModel;
  /** What is done with the result. */
  terminal: Terminal;
  /** Enclosing loops, outermost first. */
  loops: LoopContext[];
  /** Variable the result (or the query object) is assigned to, if any. */
  assignedTo?: string;
  /**
   * TypeScript: the `.filter(...)` call on that variable later in its block (`rows.filter((r) => r.orgId === id)`):
   * the code keeps part of the rows it read, a filter the query could have applied.
   */
  filteredAt?: Span;
  /** Identifiers passed as parameters or used in filter values (`pid`, `agent.id` → 'agent'). */
  parameterRoots: string[];
  /** ORM: the mapped class selected (`Worker`). */
  entity?: string;
  /** TypeScript: the ORM whose call this is (typescript/orms.ts), for fixes written in its terms; absent for knex, Kysely and raw SQL. */
  orm?: OrmId;
  /** ORM: relationships loaded eagerly through `.options(selectinload(A.rel), joinedload(...), subqueryload(...))`: 'A.rel'. */
  eagerLoads: string[];
  /** Where fixes go: the offset just before the terminal call (`.all()`), for `.limit(...)`/`.options(...)` insertions. */
  beforeTerminal?: number;
  /**
   * The execution of a statement prepared earlier (`client.query(&stmt, ..)` after
   * `let stmt = client.prepare("...")`): index of the prepare, which holds the same SQL.
   * SQL rules read the prepare; loop rules read the execution.
   */
  preparedFrom?: number;
  /** kind 'sql': placeholders bound to a string the code shows (`LIKE $1` with `format!("%{}%", q)`). */
  boundPatterns?: BoundPattern[];
  /** The functions around the query, innermost first (none at module level). */
  functions?: EnclosingFunction[];
  /** Python INSERT: the statement writes many rows at once (`executemany`, `execute(stmt, rows)`, `.values([...])`). */
  manyRows?: boolean;
  /** kind 'orm': the call writes a filter its reader could not read (`.where(match)` with an object built elsewhere, raw SQL): `model` lacks some of its conditions. */
  unreadFilter?: boolean;
  /**
   * ORM: the relations of other models that would load this query's rows with theirs, by the
   * key column they share (Prisma: `include: { posts: true }` on a User query loads the Post rows of
   * `author_id`, one more query for all users): { column: 'author_id', parent: 'User', relation: 'posts', many: true }.
   */
  loadedWith?: { column: string; parent: string; relation: string; many: boolean }[];
  /**
   * ORM: a query the ORM sends to load a relation of another query's rows, not one the code writes
   * (Prisma's `include: { posts: true }` on a User query: { parent: 'User', relation: 'posts' }); its
   * span is the relation's key in the call.
   */
  loadsRelation?: { parent: string; relation: string };
}

/**
 * How a statement sits in its innermost loop (Python), so rules can tell a
 * write per item from deliberate batching or isolation.
 */
export interface LoopPlacement {
  /** Under an `if`/`else` inside the loop: runs every N items, not every item. */
  conditional: boolean;
  /** In a `try` whose `except` goes on with the next item: one transaction per item, on purpose. */
  isolated: boolean;
  /** The receiver (`session`) is opened by the loop body itself: a new session per iteration. */
  ownSession: boolean;
}

/** A write that is expensive one row at a time: `session.add(x)`, `session.commit()`, an INSERT executed per item. */
export interface HostWrite {
  kind: 'add' | 'commit' | 'flush' | 'insert';
  span: Span;
  loops: LoopContext[];
  /** For 'add': the receiver (`session`) and the added expression text. */
  receiver?: string;
  argument?: string;
  /** For 'insert': the index in `queries` of the INSERT. */
  query?: number;
  /** For 'commit' and 'flush' in Python: how the call sits in its innermost loop. */
  placement?: LoopPlacement;
  /** For 'commit' in Python: the functions around it, innermost first. */
  functions?: EnclosingFunction[];
}

/** `obj.attr` read inside a loop, for lazy-loaded relationships (`agent.messages`). */
export interface AttributeAccess {
  object: string;
  attribute: string;
  span: Span;
  loops: LoopContext[];
}

export interface Relationship {
  attribute: string;
  /** Target mapped class name. */
  target: string;
  /** `lazy=` setting as written ('select' when absent: SQLAlchemy's default lazy load). */
  lazy: string;
  span: Span;
}

/**
 * How a base class computes `__tablename__` from a class name: lower-cased
 * (IncidentCost → incidentcost), split before every capital (DNSRecord →
 * d_n_s_record), or split into words with acronyms kept whole (DNSRecord →
 * dns_record, the two-step `re.sub` of inflection-style helpers).
 */
export type TableNaming = 'lower' | 'snake-capitals' | 'snake-words';

/** The ORM that declares a model (SQLAlchemy's have none: the Python extractor's own). */
export type OrmId = 'prisma' | 'drizzle' | 'typeorm';

/** A model field as the ORM names it, and the column it is (`@map`, `@Column({ name })`, Drizzle's column name). */
export interface ModelField {
  name: string;
  column: string;
  span?: Span;
  /** Drizzle: the column is named by its key (no name written), so a `casing` option renames it (core/orm/drizzle/casing.ts). */
  keyAsName?: boolean;
  /**
   * A column the ORM writes itself, for the SQL a write sends: TypeORM's `@PrimaryGeneratedColumn()` increment
   * (left out of an INSERT), `@CreateDateColumn`, `@UpdateDateColumn`, `@DeleteDateColumn`, `@VersionColumn`;
   * Prisma's `@updatedAt` ('updateDate') and the defaults its engine generates and binds (`now()`, `cuid()`, `uuid()`: 'generated').
   */
  auto?: 'increment' | 'createDate' | 'updateDate' | 'deleteDate' | 'version' | 'generated';
  /** A relation field (`author User @relation(fields: [authorId], references: [id])`, `@ManyToOne`, Drizzle `relations`). */
  relation?: {
    /** The related model's `className`. */
    target: string;
    /** Whether the field holds many rows (a one-to-many or many-to-many side). */
    many: boolean;
    /** The columns of this model's table that hold the key (empty on the side without the foreign key). */
    columns: string[];
    /** The columns of the target's table they reference (or, on the other side, the target's columns that reference this table). */
    references: string[];
    /**
     * A many-to-many side that owns the junction table (TypeORM's `@JoinTable`): the names the code gives it and
     * its columns (each left out takes the ORM's own naming once the workspace's models are known).
     */
    junction?: { table?: string; column?: string; inverseColumn?: string };
  };
}

/** A model: a declarative SQLAlchemy class, a Prisma model, a Drizzle table, a TypeORM entity; its table as schema changes for the catalog. */
export interface HostModel {
  /** The name code uses for it: the class (SQLAlchemy, TypeORM), the Prisma model, the Drizzle table's variable. */
  className: string;
  table: string;
  span: Span;
  /** createTable (columns, primary key, unique, foreign keys) then createIndex for `index=True`, `Index(...)`, `__table_args__`. */
  changes: SchemaChange[];
  relationships: Relationship[];
  /**
   * Python: the class computes `__tablename__` for its subclasses (`declared_attr`); such an
   * entry has no table ('') and no changes, and is there for the classes that inherit from it.
   */
  tableNaming?: TableNaming;
  /** Python: a class named by a base's rule in another file: its table is '' until resolved (resolveInheritedTables). */
  bases?: string[];
  /**
   * TypeORM's embedded entities (`@Column(() => Address, { prefix })`): the class whose columns join this table,
   * under the prefix (the property's name by default, none when `false`), added when the workspace's models are resolved.
   */
  embeds?: { property: string; className: string; prefix?: string | false; span: Span }[];
  /** The ORM of TypeScript code or schema files that declares it (typescript/orms.ts); absent for SQLAlchemy. */
  orm?: OrmId;
  /** Its fields with the ORM's names and their columns (ORMs whose names differ from the columns'). */
  fields?: ModelField[];
  /**
   * TypeORM: the project's naming strategy (`SnakeNamingStrategy` as the DataSource's `namingStrategy`), on an
   * entry with no table and no changes that stands for the file configuring it (core/orm/typeorm/resolve.ts).
   */
  namingStrategy?: 'snake';
  /**
   * Drizzle: the project's `casing` (`drizzle({ casing: 'snake_case' })`, drizzle-kit's config), on an entry with no
   * table and no changes that stands for the file setting it (core/orm/drizzle/casing.ts).
   */
  casing?: 'snake_case' | 'camelCase';
  /**
   * Prisma: the schema's client generator enables the `relationJoins` preview feature on a provider that has it
   * (PostgreSQL, CockroachDB, MySQL), so Prisma Client loads `include`d relations inside the query's own statement
   * (relationLoadStrategy 'join', its default then) rather than with one more query per relation.
   */
  relationJoins?: true;
}

/** One Alembic revision file. */
export interface AlembicRevision {
  revision: string;
  /** `None` → null; a tuple for merge revisions. */
  downRevision: string | string[] | null;
  branchLabels?: string[];
  /** The upgrade() operations in order (`op.create_table`, `op.create_index`, `op.execute` through the SQL core, ...). */
  changes: SchemaChange[];
  /** Spans of `op.create_index(...)` calls without `postgresql_concurrently=True`, with their table. */
  indexCreations: { span: Span; table: string; concurrently: boolean }[];
}

export interface HostExtraction {
  language: HostLanguage;
  queries: HostQuery[];
  writes: HostWrite[];
  accesses: AttributeAccess[];
  models: HostModel[];
  /** Set by the engine for Python files: the models of the whole workspace (this file's included). */
  workspaceModels?: HostModel[];
  /**
   * Set by Python's schema-only extraction: what its whole extraction (with the workspace's models)
   * could change of the file's schema. `lookedUp`: the class names its models looked up outside the
   * file (`ForeignKey(Other.id)`, a base's table naming, a `Mapped[Other]` annotation), none found;
   * `namesDialect`: its code names a dialect (an engine URL, a driver), which its SQL strings then
   * give the file. When the workspace models none of `lookedUp` and the code names no dialect, the
   * whole extraction's models and Alembic changes are these (Workspace `catalogStandIn`).
   */
  schemaOnly?: { lookedUp: string[]; namesDialect: boolean };
  alembic?: AlembicRevision;
  /** Connection pools and connection options configured in the file (SQLAlchemy engines, sqlx builders). */
  pools?: HostPool[];
  /** Parse problems of the host file itself (tree-sitter ERROR nodes), reported by nobody for now. */
  errors: { message: string; span: Span }[];
  /** The file is a command-line program (its top-level code exits when done: typescript/command-line.ts), run by hand or once. */
  commandLine?: boolean;
}
