/**
 * Tables of one name in several schemas (issue 10): the catalog keys tables by
 * their unqualified name, so a script that drops another schema's copy
 * (`DROP TABLE tenant_copy.visits`, after cloning the schema) must not drop the
 * table the code queries, whether migrations or the ORM's models
 * (`create_all`) made it. A drop in the table's own schema still drops it.
 */
import * as assert from 'node:assert/strict';
import { buildCatalog } from '../../../server/src/core/catalog/build';
import { defaultConfig } from '../../../server/src/core/config/types';
import { Workspace } from '../../../server/src/core/engine/workspace';
import { initHostParsers } from '../../../server/src/core/host/treesitter';
import { initParsers, parseDocument } from '../../../server/src/core/sql/parse';

describe('catalog: a DROP TABLE names a schema', () => {
  before(async () => {
    await initParsers();
    await initHostParsers();
  });

  const tables = (...sql: string[]) =>
    [...buildCatalog(sql.map((text, order) => ({ file: `/w/db/${order}.sql`, document: parseDocument(text, 'postgres'), order }))).tables.keys()].sort();

  it("dropping another schema's table of the same name keeps this one", () => {
    assert.deepEqual(tables('CREATE TABLE visits (id bigint PRIMARY KEY);', 'DROP TABLE IF EXISTS tenant_copy.visits;'), ['visits']);
    assert.deepEqual(tables('CREATE TABLE app.visits (id bigint PRIMARY KEY);', 'DROP TABLE archive.visits;'), ['visits']);
  });

  it("a drop in the table's own schema drops it (unqualified standing for public)", () => {
    assert.deepEqual(tables('CREATE TABLE visits (id bigint PRIMARY KEY);', 'DROP TABLE visits;'), []);
    assert.deepEqual(tables('CREATE TABLE visits (id bigint PRIMARY KEY);', 'DROP TABLE public.visits;'), []);
    assert.deepEqual(tables('CREATE TABLE app.visits (id bigint PRIMARY KEY);', 'DROP TABLE app.visits, rooms;'), []);
  });

  it('a model table made by create_all keeps its index advice after a script drops a tenant copy', () => {
    const ws = Workspace.fromFiles({ root: '/clinic', config: defaultConfig() }, {
      'app/models.py': 'from sqlalchemy import Column, Integer, String\n\n\nclass Visit(Base):\n    __tablename__ = "visits"\n    id = Column(Integer, primary_key=True)\n    room = Column(String)\n',
      'app/service.py': 'from sqlalchemy import select\n\nfrom app.models import Visit\n\n\ndef in_room(session, room):\n    return session.execute(select(Visit).where(Visit.room == room).limit(20)).scalars().all()\n',
      'db/tenant-copy.sql': "SELECT clone_schema('public', 'tenant_copy');\nDROP TABLE IF EXISTS tenant_copy.visits;\n",
    });
    assert.deepEqual(
      ws.analyze('/clinic/app/service.py').filter((f) => f.ruleId === 'missing-index').map((f) => `${f.severity}: ${f.message.replace(/:.*/, '')}`),
      ['warning: Query filters visits on room, but no index leads with it'],
    );
  });
});
