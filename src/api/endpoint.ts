import type { ClassConstructor } from 'class-transformer';
import type { NextFunction, Request, Response, Router } from 'express';
import type { ApiContext, AuthUser } from './context';
import { requireUser } from './authz';
import { IdempotencyStore, withIdempotencyKey } from './idempotency';
import type { UploadSpec } from './uploads';
import { validateInput } from './validation';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a handler receives: the validated body and query, the path parameters and the caller. */
export interface EndpointInput<B, Q> {
  body: B;
  query: Q;
  params: Record<string, string>;
  /** The authenticated user (a public endpoint gets `undefined` here when no token was sent). */
  user: AuthUser;
  req: Request;
  res: Response;
}

/** One documented operation; `/openapi.json` is built from these and the DTOs' decorators. */
export interface EndpointSpec<B extends object = object, Q extends object = object> {
  method: HttpMethod;
  /** Express path, e.g. `/items/:id/commands`. */
  path: string;
  summary: string;
  tag: string;
  body?: ClassConstructor<B>;
  query?: ClassConstructor<Q>;
  /** No authentication needed (login, health). */
  public?: boolean;
  /** Status of a successful response (default 200). */
  status?: number;
  /** Name of the DTO class describing the response, for the OpenAPI document. */
  response?: ClassConstructor<object>;
  /** Accepts an `Idempotency-Key` header. */
  idempotent?: boolean;
  /** Extra OpenAPI headers/parameters, e.g. If-Match. */
  headers?: Array<{ name: string; description: string }>;
  /** The body is a file (its own media type, or multipart/form-data), not JSON: read it with `readUpload`. */
  upload?: UploadSpec;
  handler(input: EndpointInput<B, Q>): Promise<unknown>;
}

/** The operations declared so far, in declaration order. */
export class OperationRegistry {
  readonly operations: EndpointSpec[] = [];

  add(spec: EndpointSpec): void {
    this.operations.push(spec);
  }
}

/**
 * Declares a route: authentication (unless public), DTO validation, the handler, and a JSON response
 * with the handler's return value. Anything thrown goes to the problem+json error middleware.
 */
export function endpoint<B extends object = object, Q extends object = object>(
  router: Router,
  context: ApiContext,
  spec: EndpointSpec<B, Q>,
): void {
  context.operations.add(spec as unknown as EndpointSpec);
  router[spec.method](spec.path, async (req: Request, res: Response, next: NextFunction) => {
    try {
      const user = spec.public ? (req.user as AuthUser) : requireUser(req);
      const body = spec.body ? validateInput(spec.body, req.body ?? {}, 'body') : ({} as B);
      const query = spec.query ? validateInput(spec.query, { ...(req.query as object) }, 'query') : ({} as Q);
      const input = { body, query, params: req.params as Record<string, string>, user, req, res };
      const key = spec.idempotent ? req.get('Idempotency-Key') : undefined;
      if (key === undefined) {
        const result = await spec.handler(input);
        if (!res.headersSent) {
          if (result === undefined) res.status(spec.status ?? 204).end();
          else res.status(spec.status ?? 200).json(result);
        }
        return;
      }
      await runIdempotent(context.idempotency, spec, input, key);
    } catch (error) {
      next(error);
    }
  });
}

/** Runs a handler under an Idempotency-Key: the first result is recorded and replayed on retries. */
async function runIdempotent<B extends object, Q extends object>(
  store: IdempotencyStore,
  spec: EndpointSpec<B, Q>,
  input: EndpointInput<B, Q>,
  key: string,
): Promise<void> {
  IdempotencyStore.checkKey(key);
  const { req, res, user } = input;
  const claim = await store.claim(
    user.id,
    key,
    IdempotencyStore.fingerprint(req.method, req.originalUrl, req.body),
  );
  if (claim.outcome === 'replay') {
    res.status(claim.response.status).set('Idempotent-Replayed', 'true').json(claim.response.body);
    return;
  }
  let result: unknown;
  try {
    result = await withIdempotencyKey(claim.held, () => spec.handler(input));
  } catch (error) {
    await store.release(claim.held);
    throw error;
  }
  const status = spec.status ?? 200;
  await store.complete(claim.held, { status, body: result ?? null });
  res.status(status).json(result ?? null);
}
