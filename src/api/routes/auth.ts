import { Router, type NextFunction, type Request, type Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { Permission, requireRole } from '../authz';
import type { ApiContext } from '../context';
import { CreateApiTokenDto, LoginDto } from '../dto/auth.dto';
import { endpoint } from '../endpoint';
import { HttpProblem, notFound } from '../problem';

/** Login (rate limited per client address and username), the caller's identity, and API tokens. */
export function authRouter(context: ApiContext): Router {
  const router = Router();
  const configured = context.loginRateLimit;
  const limiter = rateLimit({
    windowMs: configured?.windowMs ?? 15 * 60_000,
    limit: configured?.limit ?? 10,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Only failed attempts count: guessing is throttled, a user who logs in often is not.
    skipSuccessfulRequests: true,
    keyGenerator: (req: Request) =>
      `${ipKeyGenerator(req.ip ?? '')}:${String((req.body as { username?: unknown } | undefined)?.username ?? '').toLowerCase()}`,
    handler: (_req: Request, _res: Response, next: NextFunction, options) => {
      next(
        new HttpProblem(
          'tooManyRequests',
          `too many login attempts; try again in ${Math.ceil(options.windowMs / 60_000)} minutes`,
          {},
          { 'Retry-After': String(Math.ceil(options.windowMs / 1000)) },
        ),
      );
    },
  });
  // Password spraying (many usernames from one address) meets a looser per-address limit.
  const perAddress = rateLimit({
    windowMs: configured?.windowMs ?? 15 * 60_000,
    limit: (configured?.limit ?? 10) * 10,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    keyGenerator: (req: Request) => ipKeyGenerator(req.ip ?? ''),
    handler: (_req: Request, _res: Response, next: NextFunction, options) => {
      next(
        new HttpProblem(
          'tooManyRequests',
          'too many failed logins from this address; try again later',
          {},
          { 'Retry-After': String(Math.ceil(options.windowMs / 1000)) },
        ),
      );
    },
  });
  router.post('/auth/login', perAddress, limiter);
  endpoint(router, context, {
    method: 'post',
    path: '/auth/login',
    summary: 'Exchange a username and password for a short-lived access token',
    tag: 'auth',
    public: true,
    body: LoginDto,
    handler: async ({ body }) => context.auth.login(body.username, body.password),
  });
  endpoint(router, context, {
    method: 'get',
    path: '/auth/me',
    summary: 'The authenticated user',
    tag: 'auth',
    handler: async ({ user }) => user,
  });
  endpoint(router, context, {
    method: 'post',
    path: '/auth/tokens',
    summary: 'Create an API token for an integration (shown once; stored hashed)',
    tag: 'auth',
    status: 201,
    body: CreateApiTokenDto,
    handler: async ({ user, body }) => {
      requireRole(user, Permission.manageOwnTokens);
      return context.auth.createApiToken(user.id, body.name);
    },
  });
  endpoint(router, context, {
    method: 'get',
    path: '/auth/tokens',
    summary: "The caller's API tokens (without secrets)",
    tag: 'auth',
    handler: async ({ user }) => ({ items: await context.auth.listApiTokens(user.id) }),
  });
  endpoint(router, context, {
    method: 'delete',
    path: '/auth/tokens/:id',
    summary: 'Revoke one of the caller’s API tokens',
    tag: 'auth',
    handler: async ({ user, params }) => {
      if (!(await context.auth.revokeApiToken(user.id, params.id!))) throw notFound('API token', params.id!);
      return undefined;
    },
  });
  return router;
}
