import { Column, CreateDateColumn, Entity, Index, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import type { Worker } from './worker';

/** An agent of a tenant (table `agent`: TypeORM names it after the class). */
@Entity()
export class Agent {
  @PrimaryGeneratedColumn() id!: number;
  @Index() @Column() tenantId!: number;
  @Column({ length: 200 }) name!: string;
  @Column({ length: 20, default: 'idle' }) status!: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @OneToMany('Worker', (worker: Worker) => worker.agent) workers!: Worker[];
}
