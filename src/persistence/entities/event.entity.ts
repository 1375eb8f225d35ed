import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One accepted command, forever. Append-only: a database trigger refuses UPDATE and DELETE, and no code
 * path issues either. `body` is the exact canonical text (RFC 8785) that `hash` covers; `payload` is the
 * same data as jsonb for queries.
 */
@Entity({ name: 'events' })
@Index(['streamId', 'sequence'], { unique: true })
export class EventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint', name: 'global_position' })
  globalPosition!: string;

  @Column({ type: 'text', name: 'stream_id' })
  streamId!: string;

  @Column({ type: 'integer' })
  sequence!: number;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'jsonb' })
  payload!: unknown;

  @Column({ type: 'text', name: 'actor_id' })
  actorId!: string;

  @Column({ type: 'text', name: 'unit_id' })
  unitId!: string;

  @Index()
  @Column({ type: 'timestamptz', name: 'occurred_at' })
  occurredAt!: Date;

  @Column({ type: 'timestamptz', name: 'recorded_at' })
  recordedAt!: Date;

  @Column({ type: 'integer', name: 'machine_version' })
  machineVersion!: number;

  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'text', name: 'prev_hash' })
  prevHash!: string;

  @Column({ type: 'text' })
  hash!: string;
}
