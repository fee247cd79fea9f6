import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A document of a collection, searched by title. */
@Entity('documents')
export class Document {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ name: 'collection_id' }) collectionId!: number;
  @Column({ length: 300 }) title!: string;
  @Column({ type: 'text', nullable: true }) content!: string | null;
}
