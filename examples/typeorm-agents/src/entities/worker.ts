import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Agent } from './agent';

/** A worker's task: which planner gave it, its status. One index per column, none on the pair the TaskManager asks for. */
@Entity('workers')
export class Worker {
  @PrimaryGeneratedColumn() id!: number;
  @Index() @Column({ name: 'planner_id' }) plannerId!: number;
  @Index() @Column({ name: 'task_status', length: 20 }) taskStatus!: string;
  @Column({ length: 300 }) title!: string;
  @ManyToOne(() => Agent, (agent) => agent.workers) @JoinColumn({ name: 'agent_id' }) agent!: Agent;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
