import type { Logger } from 'pino';
import type { Runtime } from '../runtime/runtime';
import type { AuthUser } from './auth/auth-user';
import type { AuthService } from './auth/auth-service';
import type { IdempotencyStore } from './idempotency';
import type { LiveFeed } from './live/live-feed';
import type { OperationRegistry } from './operations';
import type { EvidenceService } from '../evidence/evidence-service';
import type { SandboxClock } from '../runtime/sandbox';

export type { AuthUser } from './auth/auth-user';

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
