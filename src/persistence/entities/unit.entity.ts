import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Levels of the unit tree (province → city → county/district → detachment → squad). */
export const UnitLevel = {
  province: 'province',
  city: 'city',
  county: 'county',
  detachment: 'detachment',
  squad: 'squad',
} as const;
export type UnitLevel = (typeof UnitLevel)[keyof typeof UnitLevel];
export const UNIT_LEVEL_ORDER: readonly UnitLevel[] = ['province', 'city', 'county', 'detachment', 'squad'];

/**
 * A unit of the bureau hierarchy. `path` is the materialised path of ids from the root ("/qh/xn/hz/"),
 * so "this unit and everything below it" is one indexed prefix match.
 */
@Entity({ name: 'units' })
export class UnitEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text', name: 'parent_id', nullable: true })
  parentId!: string | null;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  level!: UnitLevel;

  @Index()
  @Column({ type: 'text' })
  path!: string;
}
