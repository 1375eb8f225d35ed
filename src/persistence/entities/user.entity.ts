import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The three kinds of user (DOMAIN.md, "Who uses it"). */
export const Role = { supervisor: 'supervisor', officer: 'officer', auditor: 'auditor' } as const;
export type Role = (typeof Role)[keyof typeof Role];

/** A person acting within a unit and its subtree. */
@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text', unique: true })
  username!: string;

  @Column({ type: 'text', name: 'display_name' })
  displayName!: string;

  @Column({ type: 'text' })
  role!: Role;

  @Column({ type: 'text', name: 'unit_id' })
  unitId!: string;

  /** 单位主要负责人: the one whose sign-off a dismissal needs, and the subject of 约谈 when the unit fails. */
  @Column({ type: 'boolean', name: 'is_principal', default: false })
  isPrincipal!: boolean;

  /** A slow-KDF hash (scrypt); null for users who cannot log in (e.g. imported responsible persons). */
  @Column({ type: 'text', name: 'password_hash', nullable: true, select: false })
  passwordHash!: string | null;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
