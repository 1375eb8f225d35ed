import { Router } from 'express';
import { pingDatabase } from '../../persistence/database';
import type { ApiContext } from '../context';
import { endpoint } from '../endpoint';
import { HttpProblem } from '../problem';

/** `/healthz`: the process answers. `/readyz`: the database answers too. */
export function healthRouter(context: ApiContext): Router {
  const router = Router();
  endpoint(router, context, {
    method: 'get',
    path: '/healthz',
    summary: 'The process is up',
    tag: 'operations',
    public: true,
    handler: async () => ({ status: 'ok' }),
  });
  endpoint(router, context, {
    method: 'get',
    path: '/readyz',
    summary: 'The process is up and the database answers',
    tag: 'operations',
    public: true,
    handler: async () => {
      try {
        await pingDatabase(context.runtime.database);
      } catch (error) {
        throw new HttpProblem('unavailable', `the database does not answer: ${(error as Error).message}`);
      }
      return { status: 'ready', database: context.runtime.database.kind };
    },
  });
  return router;
}
