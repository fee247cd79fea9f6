/**
 * Index advice on real code (issue 10): equality that arrives through an
 * implicit join (`a.x = b.y` in WHERE) reaches a composite unique key; a table
 * pinned to one row by its key drives a join, so the other tables' filters only
 * sift joined rows; keys into a scope (`project_id`) or a list of kinds
 * (`ticket_kind_id`) have few values and never lead an index alone.
 */
import { extractPython } from '../../../server/src/core/host/python/extract';
import { missingCompositeIndex } from '../../../server/src/core/rules/missing-composite-index';
import { missingIndex } from '../../../server/src/core/rules/missing-index';
import { ruleTester } from './harness';
import { hostRuleTester } from './host-harness';

const PACKAGES = `CREATE TABLE packages (id bigint PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE package_versions (
    id bigint PRIMARY KEY,
    package_id bigint NOT NULL REFERENCES packages (id),
    number text NOT NULL,
    withdrawn boolean NOT NULL DEFAULT false,
    notes text,
    UNIQUE (package_id, number)
);
`;

const PROJECTS = `CREATE TABLE projects (id bigint PRIMARY KEY, name text);
CREATE TABLE ticket_kind (id bigint PRIMARY KEY, name text);
CREATE TABLE tickets (
    id bigint PRIMARY KEY,
    project_id bigint NOT NULL REFERENCES projects (id),
    ticket_kind_id bigint REFERENCES ticket_kind (id),
    external_ref text,
    stage text,
    opened_at timestamptz NOT NULL
);
`;

ruleTester(missingIndex, {
  valid: [
    {
      name: 'UPDATE ... FROM with the join in WHERE: the unique key (package_id, number) serves the lookup',
      schema: PACKAGES,
      code: 'UPDATE package_versions SET withdrawn = $3 FROM packages WHERE packages.id = package_versions.package_id AND name = $1 AND number = $2',
    },
    {
      name: 'the same with the join written the other way round',
      schema: PACKAGES,
      code: 'SELECT v.id FROM packages p, package_versions v WHERE v.package_id = p.id AND p.name = $1 AND v.number = $2',
    },
    {
      name: 'a table pinned by its primary key drives the join: the other table is reached through it',
      schema: PACKAGES + 'CREATE INDEX package_versions_package ON package_versions (package_id);\n',
      code: 'SELECT v.id FROM packages p JOIN package_versions v ON v.package_id = p.id WHERE p.id = $1 AND v.notes = $2',
    },
    { name: 'a scope key alone (project_id) is not proposed', schema: PROJECTS, code: 'SELECT id FROM tickets WHERE project_id = $1' },
    { name: 'a key into a list of kinds alone is not proposed', schema: PROJECTS, code: 'SELECT id FROM tickets WHERE ticket_kind_id = $1' },
  ],
  invalid: [
    {
      name: 'without the unique key, the versions of the pinned package are reached by package_id, which no index leads with: warning',
      schema: PACKAGES.replace('    UNIQUE (package_id, number)\n', '    CHECK (number <> \'\')\n'),
      code: 'UPDATE package_versions SET withdrawn = $3 FROM packages WHERE packages.id = package_versions.package_id AND name = $1 AND number = $2',
      errors: [
        {
          message: ['Query joins package_versions on package_id, but no index on package_versions leads with it: each joined row scans package_versions. Add an index on package_versions(package_id).'],
          span: 'package_versions.package_id',
        },
      ],
    },
    {
      name: 'a DELETE by age alone is a purge run in the background: info, with the reason',
      schema: 'CREATE TABLE login_tokens (id bigint PRIMARY KEY, holder text NOT NULL, lapses_at timestamptz NOT NULL);\n',
      code: 'DELETE FROM login_tokens WHERE lapses_at < now()',
      errors: [
        {
          message: [
            'Query deletes the rows of login_tokens by a range on lapses_at alone, and no index leads with it: each run scans the table. ' +
              'A purge of old rows like this usually runs in the background, where a scan costs little until the table is large. Add an index on login_tokens(lapses_at).',
          ],
          span: 'lapses_at < now()',
          tentative: true,
        },
      ],
    },
    {
      name: 'an UPDATE by age alone is a sweep of stale rows run in the background: info, with the reason',
      schema: 'CREATE TABLE leases (id bigint PRIMARY KEY, holder text, held_since timestamptz);\n',
      code: "UPDATE leases SET holder = NULL, held_since = NULL WHERE held_since < now() - interval '4 hours'",
      errors: [
        {
          message: [
            'Query updates the rows of leases by a range on held_since alone, and no index leads with it: each run scans the table. ' +
              'A sweep of stale rows like this (expired, or locked too long) usually runs in the background, where a scan costs little until the table is large. Add an index on leases(held_since).',
          ],
          span: "held_since < now() - interval '4 hours'",
          tentative: true,
        },
      ],
    },
    {
      name: 'the same sweep inside a WITH, beside another: both are sweeps',
      schema: 'CREATE TABLE leases (id bigint PRIMARY KEY, holder text, held_since timestamptz);\nCREATE TABLE lease_queues (id bigint PRIMARY KEY, holder text, held_since timestamptz);\n',
      code: "WITH l AS (UPDATE leases SET holder = NULL WHERE held_since < now() - interval '4 hours') UPDATE lease_queues SET holder = NULL WHERE held_since < now() - interval '4 hours'",
      errors: [
        { message: ['Query updates the rows of lease_queues by a range on held_since alone'], span: "held_since < now() - interval '4 hours'", start: 134, tentative: true },
        { message: ['Query updates the rows of leases by a range on held_since alone'], span: "held_since < now() - interval '4 hours'", tentative: true },
      ],
    },
    {
      name: 'an UPDATE by equality is no sweep: a warning',
      schema: 'CREATE TABLE leases (id bigint PRIMARY KEY, holder text, held_since timestamptz);\n',
      code: 'UPDATE leases SET held_since = now() WHERE holder = $1',
      errors: [{ message: ['Query filters leases on holder, but no index leads with it: every call scans the table.'], span: 'holder = $1' }],
    },
    {
      name: 'a SELECT by the same range stays a warning',
      schema: 'CREATE TABLE login_tokens (id bigint PRIMARY KEY, holder text NOT NULL, lapses_at timestamptz NOT NULL);\n',
      code: 'SELECT id FROM login_tokens WHERE lapses_at < now()',
      errors: [{ message: ['Query filters login_tokens on lapses_at, but no index leads with it: every call scans the table.'], span: 'lapses_at < now()' }],
    },
    {
      name: 'no row pinned: the version is looked up on its own: warning',
      schema: PACKAGES.replace('    UNIQUE (package_id, number)\n', '    CHECK (number <> \'\')\n').replace(' NOT NULL UNIQUE', ''),
      code: 'UPDATE package_versions SET withdrawn = $3 FROM packages WHERE packages.id = package_versions.package_id AND name = $1 AND number = $2',
      errors: [{ message: ['Query filters package_versions on number, but no index leads with it: every call scans the table. Add an index on package_versions(number).'], span: 'number = $2' }],
    },
    {
      name: 'pinned elsewhere, the join column itself still needs an index',
      schema: PACKAGES,
      code: 'SELECT v.id FROM packages p JOIN package_versions v ON v.package_id = p.id WHERE p.id = $1 AND v.notes = $2'.replace('v.package_id', 'v.notes'),
      errors: [{ message: ['Query joins package_versions on notes, but no index on package_versions leads with it: each joined row scans package_versions. Add an index on package_versions(notes).'], span: 'v.notes' }],
    },
  ],
});

ruleTester(missingCompositeIndex, {
  valid: [
    { name: 'a scope key and a stage (both of few values): no index is worth it', schema: PROJECTS, code: 'SELECT id FROM tickets WHERE project_id = $1 AND stage = $2' },
    {
      name: 'a payment processor and a review decision name a choice among a few: no index is worth it',
      schema: 'CREATE TABLE reviews (id bigint PRIMARY KEY, processor text NOT NULL, decision text NOT NULL);\n',
      code: 'SELECT id FROM reviews WHERE processor = $1 AND decision = $2',
    },
  ],
  invalid: [
    {
      name: 'a scope key leads: info, the gain depends on how many projects there are',
      schema: PROJECTS,
      code: 'SELECT id FROM tickets WHERE project_id = $1 AND stage = $2 AND opened_at > $3',
      errors: [
        {
          message: [
            'Query filters tickets on project_id, stage and opened_at, and no index leads with these columns, but project_id scopes the rows to one project, which usually holds a large share of them: ' +
              'whether an index pays off depends on how many there are and how large the table grows, which the code does not show. Add an index on tickets(project_id, stage, opened_at) if one holds many rows.',
          ],
          span: 'project_id = $1 AND stage = $2 AND opened_at > $3',
          tentative: true,
        },
      ],
    },
    {
      name: 'a selective column goes before the scope key: warning',
      schema: PROJECTS,
      code: 'SELECT id FROM tickets WHERE project_id = $1 AND external_ref = $2',
      errors: [
        {
          message: ['Query filters tickets on external_ref and project_id, but no index leads with any of these columns: every call scans the table. Add an index on tickets(external_ref, project_id).'],
          span: 'project_id = $1 AND external_ref = $2',
        },
      ],
    },
    {
      name: 'a key into a list of kinds leads: info, with the reason',
      schema: PROJECTS,
      code: 'SELECT id FROM tickets WHERE ticket_kind_id = $1 ORDER BY opened_at LIMIT 20',
      errors: [
        {
          message: ['but ticket_kind_id points into ticket_kind, a list of kinds (few distinct values): an index leading with it pays off only when the wanted value is rare'],
          span: 'ticket_kind_id = $1 ORDER BY opened_at',
          tentative: true,
        },
      ],
    },
  ],
});

const MODELS = `from sqlalchemy import Column, ForeignKey, Integer, String, select, update
from sqlalchemy.orm import relationship


class Shipment(Base):
    __tablename__ = "shipments"
    id = Column(Integer, primary_key=True)
    carrier_ref = Column(String, unique=True, nullable=False)
    region = Column(String)


class Claim(Base):
    __tablename__ = "claims"
    id = Column(Integer, primary_key=True)
    shipment_id = Column(Integer, ForeignKey("shipments.id"), index=True)
    reason = Column(String)
    filed_at = Column(Integer)
    shipment = relationship("Shipment")

`;
const python = (code: string) => extractPython(code, '/ws/app.py');

hostRuleTester(missingCompositeIndex, 'ORM joins', {
  valid: [
    {
      name: 'a relationship join to a row pinned by its unique key: the other filters only sift the joined rows',
      code: `${MODELS}def find(db, ref, reason):\n    return db.execute(select(Claim).join(Claim.shipment).where(Claim.reason == reason, Claim.filed_at > 0, Shipment.carrier_ref == ref)).scalars().first()\n`,
      host: python,
    },
  ],
  invalid: [],
});

hostRuleTester(missingIndex, 'ORM implicit joins', {
  valid: [
    {
      name: 'Shipment.id == Claim.shipment_id in WHERE: the claims are reached through their indexed shipment_id',
      code: `${MODELS}def find(db, region):\n    return db.execute(select(Claim).where(Shipment.id == Claim.shipment_id, Shipment.region == region, Claim.reason == "lost")).scalars().all()\n`,
      host: python,
    },
  ],
  invalid: [
    {
      name: "in a module of migration code (freqtrade's persistence/migrations.py: data fixes run once per upgrade): info, saying so",
      path: 'app/persistence/migrations.py',
      schema: 'CREATE TABLE claims (id integer PRIMARY KEY, reason text);',
      code: 'from sqlalchemy import text\n\n\ndef fix_old_claims(db):\n    db.execute(text("UPDATE claims SET reason = \'missing\' WHERE reason = \'lost\'"))\n',
      host: python,
      errors: [
        {
          message: [
            'Query filters claims on reason, but no index leads with it',
            '(But it runs in migration code (migrations.py): once per upgrade of the schema, where a scan costs nothing that matters.)',
          ],
          span: "reason = 'lost'",
          tentative: true,
        },
      ],
    },
  ],
});
