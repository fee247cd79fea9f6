/** The DataSource `typeorm migration:run -d dist/data-source.js` runs the migrations with. */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { Agent } from './entities/agent';
import { Document } from './entities/document';
import { Planner } from './entities/planner';
import { Worker } from './entities/worker';
import { Init1704445200000 } from './migrations/1704445200000-Init';

export const dataSource = new DataSource({
  type: 'postgres',
  url: process.env.DATABASE_URL,
  entities: [Agent, Document, Planner, Worker],
  migrations: [Init1704445200000],
});
