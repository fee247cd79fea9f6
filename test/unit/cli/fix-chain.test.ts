/**
 * `check --fix` with several fixes that each write a new migration (issue 11,
 * item 5): they are written as one chain (distinct versions; each Alembic
 * revision on the previous new one, so real Alembic sees one head), and a
 * second run finds nothing left to fix. Runs the built CLI.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { alembicProject, emptyRevision } from '../migrations/alembic-cli';
import { useWorkspaces } from '../migrations/workspace';

const repo = path.resolve(__dirname, '..', '..', '..');
const cli = process.env.QUERYLENS_CLI ?? path.join(repo, 'bin', 'querylens.js');

function check(cwd: string, ...args: string[]): { code: number | null; findings: { ruleId: string; file: string }[] } {
  const result = spawnSync(process.execPath, [cli, 'check', '--format', 'json', ...args], { cwd, encoding: 'utf8', env: { ...process.env, GITHUB_WORKSPACE: '' } });
  assert.ok(result.stdout, result.stderr);
  return { code: result.status, findings: JSON.parse(result.stdout).findings };
}

const TABLES = `CREATE TABLE owners (id bigint PRIMARY KEY);
CREATE TABLE "Project" (id bigint PRIMARY KEY, "ownerId" bigint NOT NULL REFERENCES owners (id));
CREATE TABLE tasks (id bigint PRIMARY KEY, owner_id bigint NOT NULL REFERENCES owners (id));
`;

describe('check --fix: new migrations chain', function () {
  this.timeout(60_000);
  const make = useWorkspaces();
  const fks = (findings: { ruleId: string }[]) => findings.filter((f) => f.ruleId === 'unindexed-foreign-key').length;

  it('sqlx: one migration per index, distinct versions, spelled as the schema; nothing left after', () => {
    const { root } = make({ '.querylens.json': '{"dialect": "postgres"}', 'migrations/20240101000000_init.sql': TABLES });
    assert.equal(fks(check(root).findings), 2);
    check(root, '--fix');
    const created = fs.readdirSync(path.join(root, 'migrations')).filter((f) => f !== '20240101000000_init.sql').sort();
    assert.equal(created.length, 2);
    assert.equal(new Set(created.map((f) => f.slice(0, 14))).size, 2, created.join(', '));
    const texts = created.map((f) => fs.readFileSync(path.join(root, 'migrations', f), 'utf8'));
    assert.ok(texts.every((t) => t.startsWith('-- no-transaction\n')));
    assert.ok(texts.some((t) => /^CREATE INDEX CONCURRENTLY idx_project_ownerid ON "Project" \("ownerId"\);$/m.test(t)), texts.join('\n'));
    assert.equal(fks(check(root).findings), 0);
  });

  it('Alembic: the new revisions chain on the head, and real Alembic sees one head', () => {
    const project = alembicProject();
    try {
      const base = emptyRevision('a0', null).replace(
        "def upgrade():\n    pass",
        [
          'def upgrade():',
          "    op.create_table('owners', sa.Column('id', sa.BigInteger, primary_key=True))",
          "    op.create_table('tasks', sa.Column('id', sa.BigInteger, primary_key=True), sa.Column('owner_id', sa.BigInteger, sa.ForeignKey('owners.id'), nullable=False))",
          "    op.create_table('notes', sa.Column('id', sa.BigInteger, primary_key=True), sa.Column('author_id', sa.BigInteger, sa.ForeignKey('owners.id'), nullable=False))",
        ].join('\n'),
      );
      fs.writeFileSync(path.join(project.versions, 'a0_init.py'), `from alembic import op\nimport sqlalchemy as sa\n\n${base}`);
      fs.writeFileSync(path.join(project.dir, '.querylens.json'), '{"dialect": "postgres"}');
      assert.equal(fks(check(project.dir).findings), 2);
      check(project.dir, '--fix');
      const created = fs.readdirSync(project.versions).filter((f) => f.endsWith('.py') && f !== 'a0_init.py');
      assert.equal(created.length, 2);
      const heads = project.run(['heads'], 'postgresql://').trim().split('\n');
      assert.equal(heads.length, 1, heads.join('\n'));
      const history = project.run(['history'], 'postgresql://');
      assert.match(history, /^a0 -> \w{12}, /m);
      assert.equal(fks(check(project.dir).findings), 0);
    } finally {
      project.remove();
    }
  });

  it('in a git repository, a committed migration is shipped: no migration-rule finding, no fix editing it', () => {
    const { root } = make({
      '.querylens.json': '{"dialect": "postgres"}',
      'migrations/20240101000000_init.sql': TABLES,
      'migrations/20240102000000_index.sql': 'CREATE INDEX tasks_owner ON tasks (owner_id);\n',
    });
    const git = (...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...args], { stdio: 'pipe' });
    const concurrent = () => check(root).findings.filter((f) => f.ruleId === 'non-concurrent-index-creation').length;
    git('init', '-q');
    assert.equal(concurrent(), 1, 'new, not shipped');
    git('add', '-A');
    git('commit', '-qm', 'ship');
    assert.equal(concurrent(), 0, 'committed and unchanged');
    fs.appendFileSync(path.join(root, 'migrations/20240102000000_index.sql'), '-- changed\n');
    assert.equal(concurrent(), 1, 'modified in the working tree');
  });

  it("Prisma and TypeORM: each new migration comes with its model's index (schema.prisma's @@index, the entity's @Index); one that cannot be made beside another waits for the next run", () => {
    const copy = (name: string) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ql-fix-${name}-`));
      fs.cpSync(path.join(repo, 'examples', name), dir, { recursive: true, filter: (src) => !src.includes('node_modules') });
      return dir;
    };
    const prisma = copy('prisma-agents');
    const typeorm = copy('typeorm-agents');
    try {
      const schema = () => fs.readFileSync(path.join(prisma, 'prisma', 'schema.prisma'), 'utf8');
      const original = schema();
      const migrations = () => fs.readdirSync(path.join(prisma, 'prisma', 'migrations')).filter((f) => /^\d{14}_add_index/.test(f)).map((f) => f.slice(15)).sort();
      check(prisma, '--fix');
      const added = (text: string) => text.split('\n').filter((line) => !original.split('\n').includes(line));
      // documents(title) is asked twice (a trigram index for LIKE '%..%', a B-tree): both @@index would go after
      // the same @@map, so the B-tree one and its migration wait for the second run.
      assert.deepEqual(added(schema()), ['  @@index([tenantId, id])', '  @@index([title(ops: raw("gin_trgm_ops"))], type: Gin)', '  @@index([plannerId, taskStatus])']);
      assert.deepEqual(migrations(), ['add_index_agents_tenant_id_id', 'add_index_documents_title', 'add_index_workers_planner_id_task_status']);
      check(prisma, '--fix');
      assert.deepEqual(added(schema()), ['  @@index([tenantId, id])', '  @@index([title(ops: raw("gin_trgm_ops"))], type: Gin)', '  @@index([title], map: "documents_title_idx_2")', '  @@index([plannerId, taskStatus])']);
      assert.deepEqual(migrations(), ['add_index_agents_tenant_id_id', 'add_index_documents_title', 'add_index_documents_title', 'add_index_workers_planner_id_task_status']);

      check(typeorm, '--fix');
      const entity = fs.readFileSync(path.join(typeorm, 'src', 'entities', 'worker.ts'), 'utf8').split('\n');
      // (planner_id, task_status) leads (planner_id, task_status, created_at): one index, on the entity and in a migration.
      assert.deepEqual(entity.filter((line) => line.startsWith('@Index(')), ["@Index('idx_workers_planner_id_task_status_created_at', ['plannerId', 'taskStatus', 'createdAt'])"]);
      const created = fs.readdirSync(path.join(typeorm, 'src', 'migrations')).filter((f) => /^\d+-AddIndex/.test(f)).map((f) => f.replace(/^\d+-/, '')).sort();
      assert.deepEqual(created, ['AddIndexDocumentsTitle.ts', 'AddIndexWorkersPlannerIdTaskStatusCreatedAt.ts']);
    } finally {
      fs.rmSync(prisma, { recursive: true, force: true });
      fs.rmSync(typeorm, { recursive: true, force: true });
    }
  });
});
