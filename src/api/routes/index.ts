/**
 * The routers the API mounts, in order. To add one: write `export function fooRouter(context: ApiContext):
 * Router` and append it to `routerFactories` below (a one-line edit).
 *
 * - The runtime: a router factory receives the `ApiContext` (`context.runtime` is the engine `Runtime`:
 *   `engine`, `store`, `directory`, `database`, `clock`, `ids`; plus `context.auth`, `context.idempotency`,
 *   `context.logger`).
 * - Declaring routes: prefer `endpoint(router, context, { method, path, summary, tag, body: Dto,
 *   query: Dto, idempotent?, handler })` from `../endpoint`: it validates the body/query DTOs (class-validator; unknown
 *   fields refused), requires authentication unless `public: true`, sends the handler's return value as
 *   JSON, handles `Idempotency-Key` when `idempotent: true`, and records the operation in /openapi.json. Plain `router.get(...)` also works (then call
 *   `requireUser(req)` yourself and the route is missing from the OpenAPI document).
 * - The caller: `req.user` (type `AuthUser` in `../context`) is
 *   `{ id, username, role: 'supervisor'|'officer'|'auditor', unitId, unitPath, isPrincipal }`;
 *   `requireUser(req)` from `../authz` returns it or throws 401.
 * - Permissions (`../authz`): `requireRole(user, permission, ...roles)` throws 403 naming the permission;
 *   `requireWithin(user, unitPath, permission)` throws 403 unless `unitPath` lies in the user's subtree;
 *   `subtreeFilter(user)` gives the `LIKE` prefix for `streams.unit_path`.
 * - Errors: throw `new HttpProblem(kind, detail, extensions?)` or `forbidden(permission, detail)` /
 *   `notFound(what, id)` from `../problem`; any `ZhengzhiError` from the engine is mapped by its `code`. The
 *   error middleware renders all of them as RFC 9457 application/problem+json.
 */
import type { Router } from 'express';
import type { ApiContext } from '../context';
import { authRouter } from './auth';
import { campaignsRouter } from './campaigns';
import { directoryRouter } from './directory';
import { escalationsRouter } from './escalations';
import { itemsRouter } from './items';
import { ruleSetsRouter } from './rule-sets';
import { ledgersRouter } from '../../ledgers/http';

/** Builds one router from the API context. */
export type RouterFactory = (context: ApiContext) => Router;

/** Every router mounted at the root of the app, in order. */
export const routerFactories: RouterFactory[] = [
  authRouter,
  directoryRouter,
  campaignsRouter,
  itemsRouter,
  escalationsRouter,
  ruleSetsRouter,
  ledgersRouter,
];
