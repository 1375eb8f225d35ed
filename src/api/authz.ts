import type { Request } from 'express';
import { subtreePatternOf } from '../persistence/stream-lists';
import type { Role } from '../persistence/entities/user.entity';
import type { AuthUser } from './auth/auth-user';
import { forbidden, HttpProblem } from './problem';

/**
 * The permissions of the API and the roles that hold them. A 403 names the permission that was
 * missing. Subtree checks come on top: a role grants a permission only within the user's unit subtree.
 */
export const Permission = {
  readAll: { name: 'read', roles: ['supervisor', 'officer', 'auditor'] },
  manageDirectory: { name: 'directory:manage', roles: ['supervisor'] },
  configureCampaign: { name: 'campaign:configure', roles: ['supervisor'] },
  publishRules: { name: 'rules:publish', roles: ['supervisor'] },
  registerItem: { name: 'item:register', roles: ['supervisor', 'officer'] },
  actOnItem: { name: 'item:act', roles: ['supervisor', 'officer'] },
  acceptItem: { name: 'item:accept', roles: ['supervisor'] },
  approveDismissal: { name: 'item:approve-dismissal', roles: ['supervisor', 'officer'] },
  approveCorrection: { name: 'item:approve-correction', roles: ['supervisor', 'officer'] },
  migrateMachines: { name: 'machines:migrate', roles: ['supervisor'] },
  respondToEscalation: { name: 'escalation:respond', roles: ['supervisor', 'officer'] },
  liftEscalation: { name: 'escalation:lift', roles: ['supervisor'] },
  manageOwnTokens: { name: 'api-token:manage', roles: ['supervisor', 'officer'] },
  manageNotifications: { name: 'notifications:manage', roles: ['supervisor'] },
  moveSandboxClock: { name: 'sandbox:clock', roles: ['supervisor'] },
  changeDeadlines: { name: 'deadline:change', roles: ['supervisor'] },
} as const satisfies Record<string, { name: string; roles: readonly Role[] }>;
export type Permission = (typeof Permission)[keyof typeof Permission];

/** The authenticated user, or 401. */
export function requireUser(req: Request): AuthUser {
  if (!req.user)
    throw new HttpProblem('unauthenticated', 'send Authorization: Bearer <access token or API token>');
  return req.user;
}

/** Throws 403 unless the user's role holds the permission. */
export function requireRole(user: AuthUser, permission: Permission): void {
  if (!(permission.roles as readonly Role[]).includes(user.role)) {
    throw forbidden(
      permission.name,
      `${permission.name} needs the role ${permission.roles.join(' or ')}; ${user.username} is ${user.role}`,
    );
  }
}

/** True when `unitPath` is the user's unit or lies below it. */
export function isWithin(user: AuthUser, unitPath: string): boolean {
  return unitPath.startsWith(user.unitPath);
}

/** Throws 403 unless the role holds the permission and `unitPath` lies in the user's subtree. */
export function requireWithin(user: AuthUser, unitPath: string, permission: Permission): void {
  requireRole(user, permission);
  if (!isWithin(user, unitPath)) {
    throw forbidden(
      permission.name,
      `${permission.name} is limited to the subtree of ${user.unitId} (${user.unitPath}); the target is at ${unitPath}`,
    );
  }
}

/** `LIKE` pattern matching `streams.unit_path` (or `units.path`) of the user's subtree. */
export function subtreeFilter(user: AuthUser): string {
  return subtreePatternOf(user.unitPath);
}

/** True when the path is in the user's subtree or on the line above it (a campaign run by a parent unit). */
export function isRelated(user: AuthUser, unitPath: string): boolean {
  return unitPath.startsWith(user.unitPath) || user.unitPath.startsWith(unitPath);
}
