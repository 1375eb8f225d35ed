import { randomUUID } from 'node:crypto';
import { XLSX_MEDIA_TYPE } from '../rule-files/decision-workbook';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import pino, { type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import swaggerUi from 'swagger-ui-express';
import type { Runtime } from '../runtime/runtime';
import { AuthService, type AuthOptions } from './auth/auth-service';
import type { ApiContext } from './context';
import { OperationRegistry } from './endpoint';
import { IdempotencyStore } from './idempotency';
import { LiveFeed } from './live/live-feed';
import { consoleRouter, defaultConsoleDir } from './console-static';
import { guardInput } from './input-guard';
import { buildOpenApiDocument } from './openapi';
import { HttpProblem, toProblem } from './problem';
import { localizeProblem } from './problem-zh';
import { uploadPaths } from './uploads';
import { EvidenceService } from '../evidence/evidence-service';
import { blobStoreFromEnvironment, type BlobStore } from '../persistence/blob-store';
import { withCodeLabels } from './response-labels';
import { langOf } from '../vocabulary/labels';
import { healthRouter } from './routes/health';
import { routerFactories, type RouterFactory } from './routes';
import type { SandboxClock } from '../runtime/sandbox';
import { systemClock, type Clock } from '../shared/clock';
import { SANDBOX_HEADER } from './routes/sandbox';

export interface AppOptions {
  auth: AuthOptions;
  /** A pino logger; default: JSON to stdout at `info`. Tests pass `pino({ level: 'silent' })`. */
  logger?: Logger;
  /** Largest accepted JSON body (default 100 kB). */
  bodyLimit?: string;
  /** Login attempts allowed per client address and username within `windowMs` (default 10 per 15 min). */
  loginRateLimit?: { limit: number; windowMs: number };
  /** Interval of the `GET /live` heartbeat comment in ms (default 15,000). */
  liveHeartbeatMs?: number;
  /**
   * Express `trust proxy`: behind a load balancer, which hops to trust for the client address in
   * X-Forwarded-For (login throttling keys on it). Default false: the socket's address.
   */
  trustProxy?: boolean | number | string;
  /** How long an Idempotency-Key claim lasts before a retry may take it from a holder that died (10 s). */
  idempotencyLeaseMs?: number;
  /** Routers mounted after the registered ones (tests, embedding applications). */
  extraRouters?: RouterFactory[];
  /** Folder of the built browser console served under /console/ (default dist/console); false = none. */
  consoleDir?: string | false;
  /** Where evidence bytes live (default: from the environment, see `blobStoreFromEnvironment`). */
  evidenceStore?: BlobStore;
  /**
   * The sandbox clock (演练; issue 10): the runtime was created on it. Every response then carries
   * `X-Zhengzhi-Sandbox: <instant>`, `POST /sandbox/clock` moves it, and credentials (token expiry,
   * idempotency leases) run on `credentialsClock` instead (default: the wall clock).
   */
  sandbox?: SandboxClock;
  /** The clock of tokens and idempotency leases (default: the runtime's clock, or the wall clock in a sandbox). */
  credentialsClock?: Clock;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The API context of an app built by `createApp`. */
export function apiContext(app: Express): ApiContext {
  return app.locals.context as ApiContext;
}

/**
 * Builds the HTTP API on a runtime: security headers, structured request logs with request ids, JSON
 * bodies only, bearer authentication, the registered routers, OpenAPI + Swagger UI, and one error
 * middleware that renders every failure as RFC 9457 problem+json.
 */
export function createApp(runtime: Runtime, options: AppOptions): Express {
  const logger = options.logger ?? pino({ name: 'zhengzhi' });
  const credentialsClock = options.credentialsClock ?? (options.sandbox ? systemClock : runtime.clock);
  const context: ApiContext = {
    runtime,
    auth: new AuthService(runtime, options.auth, credentialsClock),
    idempotency: new IdempotencyStore(runtime, options.idempotencyLeaseMs, credentialsClock),
    operations: new OperationRegistry(),
    evidence: new EvidenceService(
      runtime.database,
      options.evidenceStore ?? blobStoreFromEnvironment(),
      runtime.clock,
    ),
    logger,
    loginRateLimit: options.loginRateLimit,
    live: new LiveFeed(runtime.database, logger),
    liveHeartbeatMs: options.liveHeartbeatMs,
    sandbox: options.sandbox ?? null,
  };
  const app = express();
  app.locals.context = context;
  // Run by `RunningServer.close` before it waits for connections: live streams never end by themselves.
  app.locals.shutdownHooks = [() => context.live.close()];
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? false);
  // Every JSON response puts the Chinese label beside each code a person reads (stateLabel, measureLabel …).
  app.set('json replacer', withCodeLabels);
  app.use(helmet());
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Never log credentials.
      redact: ['req.headers.authorization', 'req.headers.cookie'],
    }),
  );
  if (options.sandbox) app.use(sandboxHeader(options.sandbox));
  const isUpload = uploadPaths(context.operations);
  app.use((req, res, next) =>
    isUpload().some((pattern) => pattern.test(req.path)) ? next() : requireJsonBodies(req, res, next),
  );
  app.use(
    express.json({ limit: options.bodyLimit ?? '100kb', type: ['application/json', 'application/*+json'] }),
  );
  // Decision-table workbooks are uploaded as themselves on the rule-set routes (issue 10 point 2).
  app.use(RULE_SET_PATHS, express.raw({ type: XLSX_MEDIA_TYPE, limit: '10mb' }));
  app.use(guardInput(context.operations));
  app.use(authenticate(context));

  app.use(healthRouter(context));
  for (const factory of [...routerFactories, ...(options.extraRouters ?? [])]) app.use(factory(context));

  const document = buildOpenApiDocument(context.operations);
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(undefined, { swaggerOptions: { url: '/openapi.json' } }));
  if (options.consoleDir !== false) app.use(consoleRouter(options.consoleDir ?? defaultConsoleDir()));

  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(new HttpProblem('notFound', `no route ${req.method} ${req.path}`));
  });
  app.use(renderProblem(logger));
  return app;
}

/**
 * On a sandbox server every response says so, with the instant it runs at: the clock is read again for
 * each request, so a move made through another server is seen at once.
 */
function sandboxHeader(clock: SandboxClock) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    clock.refresh().then(
      (instant) => {
        res.setHeader(SANDBOX_HEADER, instant);
        next();
      },
      (error: unknown) => next(error),
    );
  };
}

/** Media types the workbook upload routes read themselves (src/api/workbook-upload.ts), with their own size limit. */
const UPLOAD_MEDIA_TYPES = [
  'multipart/form-data',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
];

/** Routes that take a rule file: JSON `{source}` or the decision-table workbook itself. */
const RULE_SET_PATHS = [
  '/rule-sets/check',
  '/rule-sets/test',
  '/campaigns/:id/rule-sets',
  '/campaigns/:id/rule-sets/simulate',
];

/** A request with a body must declare it as JSON (415 otherwise); an empty body is always fine. */
function requireJsonBodies(req: Request, _res: Response, next: NextFunction): void {
  const hasBody =
    Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  // Workbook uploads (multipart/form-data or the .xlsx type) are read by their own routes, with their own limit.
  if (hasBody && !req.is(['application/json', 'application/*+json', ...UPLOAD_MEDIA_TYPES])) {
    next(
      new HttpProblem(
        'unsupportedMediaType',
        `the body must be application/json, not ${req.headers['content-type'] ?? 'untyped'}`,
      ),
    );
    return;
  }
  next();
}

/** Routes that authenticate by a refresh token: a client may still send its expired access token there. */
const REFRESH_TOKEN_ROUTES = new Set(['/auth/refresh', '/auth/logout']);

/** Reads `Authorization: Bearer …` when present; a present but invalid credential is a 401. */
function authenticate(context: ApiContext) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const header = req.headers.authorization;
    if (header === undefined || REFRESH_TOKEN_ROUTES.has(req.path)) return next();
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match)
      return next(new HttpProblem('unauthenticated', 'the Authorization header must be "Bearer <token>"'));
    try {
      req.user = await context.auth.authenticate(match[1]!);
      next();
    } catch (error) {
      next(error);
    }
  };
}

function renderProblem(logger: Logger) {
  return (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(error);
    const problem = toProblem(error);
    if (problem.status >= 500) (req.log ?? logger).error({ err: error }, 'request failed');
    const lang = langOf(req.get('Accept-Language'));
    const document = {
      ...localizeProblem(problem.toDocument(req.originalUrl), problem.kind, lang),
      requestId: req.id,
    };
    res
      .status(problem.status)
      .set(problem.headers)
      .set('Content-Language', lang === 'zh' ? 'zh-CN' : 'en')
      .type('application/problem+json')
      .send(JSON.stringify(document));
  };
}
