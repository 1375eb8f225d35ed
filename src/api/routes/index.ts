/**
 * The routers the API mounts, in order. To add one: write `export function fooRouter(context: ApiContext):
 * Router` and append it to `routerFactories` below (a one-line edit).
 *
 * - The runtime: a router factory receives the `ApiContext` (`context.runtime` is the engine `Runtime`:
 *   `engine`, `store`, `directory`, `database`, `clock`, `ids`, `ruleSets`; plus `context.auth`,
 *   `context.idempotency`, `context.logger`).
 * - Declaring routes: prefer `endpoint(router, context, { method, path, summary, tag, body: Dto, query: Dto,
 *   idempotent?, public?, status?, handler })` from `../endpoint`: it validates the body/query DTOs
 *   (class-validator; unknown fields refused), requires authentication unless `public: true`, sends the
 *   handler's return value as JSON, handles `Idempotency-Key` when `idempotent: true`, and records the
 *   operation in /openapi.json. Plain `router.get(...)` also works (then call `requireUser(req)` yourself;
 *   the route is then missing from the OpenAPI document).
 * - The caller: `req.user` (type `AuthUser` in `../context`) is
 *   `{ id, username, role: 'supervisor'|'officer'|'auditor', unitId, unitPath, isPrincipal }`;
 *   `requireUser(req)` from `../authz` returns it or throws 401.
 * - Permissions (`../authz`, table `Permission`): `requireRole(user, Permission.x)` throws 403 naming the
 *   permission unless the role holds it; `requireWithin(user, unitPath, Permission.x)` also requires
 *   `unitPath` to lie in the user's subtree; `isRelated(user, unitPath)` accepts the line above too (a
 *   campaign run by a parent unit); `subtreeFilter(user)` is the `LIKE` pattern for `streams.unit_path`.
 * - Errors: throw `new HttpProblem(kind, detail, extensions?)` or `forbidden(permission, detail)` /
 *   `notFound(what, id)` from `../problem`; any `ZhengzhiError` from the engine is mapped by its `code`. The
 *   error middleware renders all of them as RFC 9457 application/problem+json.
 */
import type { Router } from 'express';
import type { ApiContext } from '../context';
import { authRouter } from './auth';
import { campaignsRouter } from './campaigns';
import { dashboardRouter } from './dashboard';
import { directoryRouter } from './directory';
import { escalationsRouter } from './escalations';
import { itemActionsRouter } from './item-actions';
import { itemsRouter } from './items';
import { liveRouter } from './live';
import { itemEvidenceRouter } from './item-evidence';
import { machinesRouter } from './machines';
import { worklistRouter } from './worklist';
import { ruleSetsRouter } from './rule-sets';
import { ledgersRouter } from './ledgers';
import { createAuditRouter } from './audit';
import { notificationsRouter } from './notifications';
import { sandboxRouter } from './sandbox';
import { deadlineChangesRouter } from './deadline-changes';

/** Builds one router from the API context. */
export type RouterFactory = (context: ApiContext) => Router;

/** Every router mounted at the root of the app, in order. */
export const routerFactories: RouterFactory[] = [
  authRouter,
  directoryRouter,
  // before the campaign and item routers: set-phase-deadline with ?dryRun replaces the generic route
  deadlineChangesRouter,
  campaignsRouter,
  itemsRouter,
  itemEvidenceRouter,
  itemActionsRouter,
  machinesRouter,
  worklistRouter,
  dashboardRouter,
  liveRouter,
  escalationsRouter,
  ruleSetsRouter,
  ledgersRouter,
  createAuditRouter,
  notificationsRouter,
  sandboxRouter,
];
