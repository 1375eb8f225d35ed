import type { Role } from '../../persistence/entities/user.entity';

/** The authenticated caller, as carried by the access token (no database read per request). */
export interface AuthUser {
  id: string;
  username: string;
  role: Role;
  unitId: string;
  /** Materialised path of the user's unit, e.g. `/xn-city/xn-county-hz/`: the subtree they act in. */
  unitPath: string;
  /** 单位主要负责人 of `unitId`: may sign dismissals of items handled by that unit. */
  isPrincipal: boolean;
}
