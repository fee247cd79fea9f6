import { MigrationInterface, QueryRunner } from 'typeorm';

/** The schema, as `typeorm migration:generate` writes it for the entities. */
export class Init1704445200000 implements MigrationInterface {
  name = 'Init1704445200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "agent" ("id" SERIAL NOT NULL, "tenantId" integer NOT NULL, "name" character varying(200) NOT NULL, "status" character varying(20) NOT NULL DEFAULT 'idle', "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1000ec9a6e0b3bbe0b5a5f2b5a1" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_agent_tenant" ON "agent" ("tenantId") `);
    await queryRunner.query(`CREATE TABLE "planners" ("id" SERIAL NOT NULL, "name" character varying(200) NOT NULL, "status" character varying(20) NOT NULL, CONSTRAINT "PK_planners" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "workers" ("id" SERIAL NOT NULL, "planner_id" integer NOT NULL, "task_status" character varying(20) NOT NULL, "title" character varying(300) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "agent_id" integer, CONSTRAINT "PK_workers" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_workers_planner" ON "workers" ("planner_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_workers_status" ON "workers" ("task_status") `);
    await queryRunner.query(`CREATE INDEX "IDX_workers_agent" ON "workers" ("agent_id") `);
    await queryRunner.query(`CREATE TABLE "documents" ("id" SERIAL NOT NULL, "collection_id" integer NOT NULL, "title" character varying(300) NOT NULL, "content" text, CONSTRAINT "PK_documents" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_documents_collection" ON "documents" ("collection_id") `);
    await queryRunner.query(`ALTER TABLE "workers" ADD CONSTRAINT "FK_workers_agent" FOREIGN KEY ("agent_id") REFERENCES "agent"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "documents"`);
    await queryRunner.query(`DROP TABLE "workers"`);
    await queryRunner.query(`DROP TABLE "planners"`);
    await queryRunner.query(`DROP TABLE "agent"`);
  }
}
