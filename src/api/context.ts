import type { Logger } from 'pino';
import type { Runtime } from '../runtime/runtime';
import type { Role } from '../persistence/entities/user.entity';
import type { AuthService } from './auth/auth-service';
import type { IdempotencyStore } from './idempotency';
import type { LiveFeed } from './live/live-feed';
import type { OperationRegistry } from './endpoint';
import type { EvidenceService } from '../evidence/evidence-service';
import type { SandboxClock } from '../runtime/sandbox';

/** The authenticated caller, as carried by the access token (no database read per request). */
export interface AuthUser {
  id: string;
  username: string;
  role: Role;
  unitId: string;
  /** Materialised path of the user's unit, e.g. `/xn-city/xn-county-hz/`: the subtree they act in. */
  unitPath: string;
  /** 单位主要负责人 of `unitId`: may sign dismissals of items handled by that unit. */
  isPrincipal: boolean;
}

/** What every router gets: the engine runtime and the API's own services. */
export interface ApiContext {
  runtime: Runtime;
  auth: AuthService;
  idempotency: IdempotencyStore;
  /** Endpoints declared with `endpoint()` are recorded here and appear in /openapi.json. */
  operations: OperationRegistry;
  /** Evidence files: content-addressed store, links to items, citations for events. */
  evidence: EvidenceService;
  logger: Logger;
  /** Appends heard by this process, for `GET /live`. */
  live: LiveFeed;
  /** Interval of the live stream's heartbeat comment (default 15 s). */
  liveHeartbeatMs?: number;
  /** Login attempts allowed per client address and username within `windowMs`. */
  loginRateLimit?: { limit: number; windowMs: number };
  /** The sandbox clock when the server runs a drill database (演练); null on a production server. */
  sandbox: SandboxClock | null;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the authentication middleware when the request carries a valid token. */
    user?: AuthUser;
  }
}
