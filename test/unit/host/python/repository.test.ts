import * as assert from 'node:assert/strict';
import type { HostQuery } from '../../../../server/src/core/host/types';
import { covered, extractPython, loadParsers, py } from './helpers';

const MODELS = py(`
  from sqlalchemy import Column, Integer, String, select

  class Parcel(Base):
      __tablename__ = 'parcels'
      id = Column(Integer, primary_key=True)
      depot_id = Column(Integer)
      label = Column(String(64))
`);

/** Each query as [the code it spans, terminal, its predicates as `column op`, whether it has a LIMIT]. */
function queries(text: string): [string, string, string[], boolean][] {
  return extractPython(text, 'repository.py').queries.map((q: HostQuery) => [
    covered(text, q.span),
    q.terminal,
    q.model!.predicates.map((p) => `${q.model!.tables[0]?.name}.${p.column.column} ${p.op}`),
    !!q.model!.limit,
  ]);
}

describe('host/python: queries run through a repository class', () => {
  loadParsers();

  it('follows a statement to the method of the class that runs it, with that method\'s terminal', () => {
    const text = MODELS + py(`
      class ParcelRepository:
          async def in_depot(self, depot_id):
              statement = select(Parcel).where(Parcel.depot_id == depot_id)
              return await self._first(statement)

          async def _first(self, stmt):
              result = await self.session.execute(stmt)
              return result.scalars().first()
    `);
    assert.deepEqual(queries(text), [['self._first(statement)', 'first', ['parcels.depot_id eq'], false]]);
  });

  it('reads an inherited base\'s statement and runner by their conventional names, with the class\'s model', () => {
    const text = MODELS + py(`
      class ParcelRepository(RepositoryBase):
          model = Parcel

          async def by_label(self, label):
              statement = self.get_base_statement().where(Parcel.label == label)
              return await self.get_all(statement)

          async def page_in_depot(self, depot_id, page):
              statement = select(self.model).where(Parcel.depot_id == depot_id)
              return await self.paginate(statement, limit=20, page=page)
    `);
    assert.deepEqual(queries(text), [
      ['self.get_all(statement)', 'all', ['parcels.label eq'], false],
      ['self.paginate(statement, limit=20, page=page)', 'all', ['parcels.depot_id eq'], true],
    ]);
  });

  it('leaves a statement handed to a method that does not run it where it was built', () => {
    const text = MODELS + py(`
      class ParcelRepository:
          model = Parcel

          def scoped(self, depot_id):
              statement = select(Parcel).where(Parcel.depot_id == depot_id)
              return self.with_defaults(statement)

          def with_defaults(self, statement):
              return statement.order_by(Parcel.id)
    `);
    assert.deepEqual(queries(text), [['select(Parcel).where(Parcel.depot_id == depot_id)', 'unknown', ['parcels.depot_id eq'], false]]);
  });

  it('takes no statement from a class without a model, or from a statement method the class defines itself', () => {
    const text = MODELS + py(`
      class Untyped(RepositoryBase):
          async def by_label(self, label):
              return await self.get_all(self.get_base_statement().where(Parcel.label == label))

      class Scoped(RepositoryBase):
          model = Parcel

          def get_readable_statement(self, user):
              return build_for(user)

          async def mine(self, user):
              statement = self.get_readable_statement(user).where(Parcel.label == 'x')
              return await self.get_all(statement)
    `);
    assert.deepEqual(queries(text), []);
  });

  it('follows a repository the function creates, by the <Model>Repository convention', () => {
    const text = MODELS + py(`
      async def list_parcels(session, depot_id, page):
          repository = ParcelRepository.from_session(session)
          statement = repository.get_base_statement().where(Parcel.depot_id == depot_id)
          items, count = await repository.paginate(statement, limit=20, page=page)
          return items

      async def labelled(session, label):
          repository = ParcelRepository(session)
          statement = repository.get_base_statement().where(Parcel.label.ilike(f"%{label}%"))
          return await repository.get_all(statement)

      async def readable(session, user):
          repository = ParcelRepository.from_session(session)
          statement = repository.get_readable_statement(user)
          return await repository.get_all(statement)

      async def unknown_model(session):
          repository = CrateRepository.from_session(session)
          return await repository.get_all(repository.get_base_statement())
    `);
    assert.deepEqual(queries(text), [
      ['repository.paginate(statement, limit=20, page=page)', 'all', ['parcels.depot_id eq'], true],
      ['repository.get_all(statement)', 'all', ['parcels.label ilike'], false],
    ]);
  });

  it('leaves a statement the function returns to the caller that runs it (its branches are not one query)', () => {
    const text = MODELS + py(`
      class ParcelRepository(RepositoryBase):
          model = Parcel

          def get_scoped_statement(self, depot_id, label):
              statement = self.get_base_statement()
              if depot_id is not None:
                  statement = statement.where(Parcel.depot_id == depot_id)
              elif label is not None:
                  statement = statement.where(Parcel.label == label)
              return statement

          def get_depot_statement(self, depot_id):
              return self.get_base_statement().where(Parcel.depot_id == depot_id)

      def labelled(label):
          return select(Parcel).where(Parcel.label == label)
    `);
    assert.deepEqual(queries(text), []);
  });
});
