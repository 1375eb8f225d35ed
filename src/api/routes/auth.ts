import { Router, type NextFunction, type Request, type Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { DatabaseRateLimitStore } from '../auth/rate-limit-store';
import { Permission, requireRole } from '../authz';
import type { ApiContext } from '../context';
import type { IssuedSession } from '../auth/auth-service';
import { CreateApiTokenDto, LoginDto, RefreshDto } from '../dto/auth.dto';
import { endpoint } from '../endpoint';
import { HttpProblem, notFound } from '../problem';

/** The httpOnly cookie that carries the refresh token for browsers (sent only to /auth). */
export const REFRESH_COOKIE = 'zz_refresh';

const cookieOptions = (req: Request) =>
  ({ httpOnly: true, sameSite: 'strict', path: '/auth', secure: req.secure }) as const;

/** Sets the refresh cookie beside the JSON body that also carries the token (for non-browser clients). */
function withRefreshCookie(req: Request, res: Response, session: IssuedSession): IssuedSession {
  res.cookie(REFRESH_COOKIE, session.refreshToken, {
    ...cookieOptions(req),
    expires: new Date(session.refreshExpiresAt),
  });
  res.setHeader('Cache-Control', 'no-store');
  return session;
}

/** The refresh token from the body, else from the cookie; 401 when neither has one. */
function refreshTokenOf(req: Request, body: RefreshDto): string {
  if (body.refreshToken) return body.refreshToken;
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === REFRESH_COOKIE && value.length > 0) return decodeURIComponent(value.join('='));
  }
  throw new HttpProblem(
    'unauthenticated',
    `send the refresh token as {"refreshToken"} or in the ${REFRESH_COOKIE} cookie`,
  );
}

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
    // Counted in the database: every node sees the same attempts.
    store: new DatabaseRateLimitStore(context.runtime, 'login:'),
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
    store: new DatabaseRateLimitStore(context.runtime, 'login-address:'),
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
    handler: async ({ body, req, res }) =>
      withRefreshCookie(req, res, await context.auth.login(body.username, body.password)),
  });
  endpoint(router, context, {
    method: 'post',
    path: '/auth/refresh',
    summary: `Exchange a refresh token (body or the ${REFRESH_COOKIE} cookie) for new access and refresh tokens`,
    tag: 'auth',
    public: true,
    body: RefreshDto,
    handler: async ({ body, req, res }) =>
      withRefreshCookie(req, res, await context.auth.refresh(refreshTokenOf(req, body))),
  });
  endpoint(router, context, {
    method: 'post',
    path: '/auth/logout',
    summary: 'Revoke the refresh token’s whole family (every token of that login) and clear the cookie',
    tag: 'auth',
    public: true,
    body: RefreshDto,
    handler: async ({ body, req, res }) => {
      await context.auth.logout(refreshTokenOf(req, body));
      res.clearCookie(REFRESH_COOKIE, cookieOptions(req));
      return undefined;
    },
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
