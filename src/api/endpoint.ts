import type { NextFunction, Request, Response, Router } from 'express';
import type { ApiContext, AuthUser } from './context';
import { requireUser } from './authz';
import { IdempotencyStore, withIdempotencyKey } from './idempotency';
import type { EndpointInput, EndpointSpec } from './operations';
import { validateInput } from './validation';

export { OperationRegistry, type EndpointInput, type EndpointSpec, type HttpMethod } from './operations';

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
      // A dry run of a creating route (201) creates nothing: 200.
      const dryRun = spec.dryRun === true && (query as { dryRun?: boolean }).dryRun === true;
      const route = dryRun ? { ...spec, status: 200 } : spec;
      const key = route.idempotent ? req.get('Idempotency-Key') : undefined;
      if (key === undefined) {
        const result = await route.handler(input);
        if (!res.headersSent) {
          if (result === undefined) res.status(route.status ?? 204).end();
          else res.status(route.status ?? 200).json(result);
        }
        return;
      }
      await runIdempotent(context.idempotency, route, input, key);
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
