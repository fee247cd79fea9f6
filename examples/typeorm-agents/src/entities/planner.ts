import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A planner of the TaskManager: it hands tasks to workers. */
@Entity('planners')
export class Planner {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 200 }) name!: string;
  @Column({ length: 20 }) status!: string;
}
