import { Router } from 'express';
import { advanceSandboxClock } from '../../runtime/sandbox';
import { Permission, requireRole } from '../authz';
import type { ApiContext } from '../context';
import { MoveSandboxClockDto } from '../dto/sandbox.dto';
import { endpoint } from '../endpoint';
import { HttpProblem } from '../problem';

/** The header every response of a sandbox server carries: the instant the server runs at. */
export const SANDBOX_HEADER = 'X-Zhengzhi-Sandbox';

/**
 * The sandbox clock (演练, issue 10 point 3): `GET /sandbox` says whether the server runs a drill and at
 * which instant; `POST /sandbox/clock` moves that instant forward and fires what falls due on the way.
 */
export function sandboxRouter(context: ApiContext): Router {
  const router = Router();
  const { runtime, sandbox } = context;

  endpoint(router, context, {
    method: 'get',
    path: '/sandbox',
    summary: 'Whether this server runs a drill database (演练) and its clock; production servers say so',
    tag: 'sandbox',
    handler: async () =>
      sandbox ? { mode: 'sandbox', clock: await sandbox.refresh() } : { mode: 'production', clock: null },
  });

  endpoint(router, context, {
    method: 'post',
    path: '/sandbox/clock',
    summary:
      'Move the sandbox clock forward (supervisor), firing every deadline, report due, sweep and reminder due on the way, in order',
    tag: 'sandbox',
    body: MoveSandboxClockDto,
    handler: async ({ user, body, res }) => {
      if (!sandbox)
        throw new HttpProblem(
          'notFound',
          'this server is not a sandbox (演练) server: its clock is the wall clock and cannot be moved',
        );
      requireRole(user, Permission.moveSandboxClock);
      const move = await advanceSandboxClock(runtime, sandbox, body.to);
      res.setHeader(SANDBOX_HEADER, move.to);
      return { ...move, clock: move.to };
    },
  });
  return router;
}
