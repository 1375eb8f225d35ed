import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One event stream (a campaign, a problem item, ...) with its current XState snapshot and the columns
 * lists filter on. `version` is the sequence number of the stream's last event: the optimistic
 * concurrency token.
 */
@Entity({ name: 'streams' })
@Index(['streamType', 'campaignId', 'state'])
export class StreamEntity {
  @PrimaryColumn({ type: 'text', name: 'stream_id' })
  streamId!: string;

  @Column({ type: 'text', name: 'stream_type' })
  streamType!: string;

  @Column({ type: 'integer', name: 'machine_version' })
  machineVersion!: number;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'text' })
  state!: string;

  @Column({ type: 'jsonb' })
  snapshot!: unknown;

  @Column({ type: 'text', name: 'campaign_id', nullable: true })
  campaignId!: string | null;

  @Column({ type: 'text', name: 'unit_id' })
  unitId!: string;

  @Index()
  @Column({ type: 'text', name: 'unit_path' })
  unitPath!: string;

  @Column({ type: 'text', nullable: true })
  category!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  deadline!: Date | null;

  @Column({ type: 'boolean', default: false })
  overdue!: boolean;

  @Column({ type: 'text', name: 'last_hash' })
  lastHash!: string;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
