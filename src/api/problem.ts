import { ErrorCode, ZhengzhiError } from '../shared/errors';

/**
 * RFC 9457 problem details. Every error response of the API is one of these, served as
 * `application/problem+json`. `type` is a stable URN per kind of problem; clients branch on it.
 * https://www.rfc-editor.org/rfc/rfc9457
 */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  [extension: string]: unknown;
}

/** Every kind of problem the API reports: status, stable type slug and title, in one table. */
export const ProblemKind = {
  validationFailed: { status: 400, slug: 'validation-failed', title: 'The request is invalid' },
  malformedJson: { status: 400, slug: 'malformed-json', title: 'The request body is not valid JSON' },
  invalidInput: { status: 400, slug: 'invalid-input', title: 'The input is not acceptable' },
  unauthenticated: { status: 401, slug: 'unauthenticated', title: 'Authentication is required' },
  forbidden: { status: 403, slug: 'forbidden', title: 'A permission is missing' },
  notFound: { status: 404, slug: 'not-found', title: 'Not found' },
  methodNotAllowed: { status: 405, slug: 'method-not-allowed', title: 'Method not allowed' },
  versionConflict: {
    status: 409,
    slug: 'version-conflict',
    title: 'The resource was changed by someone else',
  },
  alreadyExists: { status: 409, slug: 'already-exists', title: 'The resource already exists' },
  idempotencyInProgress: {
    status: 409,
    slug: 'idempotency-in-progress',
    title: 'A request with this Idempotency-Key is still running',
  },
  payloadTooLarge: { status: 413, slug: 'payload-too-large', title: 'The request body is too large' },
  unsupportedMediaType: {
    status: 415,
    slug: 'unsupported-media-type',
    title: 'The request body must be application/json',
  },
  eventNotAccepted: {
    status: 422,
    slug: 'event-not-accepted',
    title: 'The current state does not accept this event',
  },
  guardFailed: { status: 422, slug: 'guard-failed', title: 'A business rule refused the command' },
  streamFinished: { status: 422, slug: 'stream-finished', title: 'The stream is in a final state' },
  idempotencyKeyReused: {
    status: 422,
    slug: 'idempotency-key-reused',
    title: 'The Idempotency-Key was used for a different request',
  },
  tooManyRequests: { status: 429, slug: 'too-many-requests', title: 'Too many requests' },
  internal: { status: 500, slug: 'internal', title: 'Internal server error' },
  unavailable: { status: 503, slug: 'unavailable', title: 'The service is not ready' },
} as const;
export type ProblemKind = keyof typeof ProblemKind;

/** The `type` URI of a kind of problem. */
export function problemType(kind: ProblemKind): string {
  return `urn:zhengzhi:problem:${ProblemKind[kind].slug}`;
}

/** The engine's error codes, mapped to problem kinds (and so to HTTP statuses) in one place. */
const byErrorCode: Record<ErrorCode, ProblemKind> = {
  [ErrorCode.eventNotAccepted]: 'eventNotAccepted',
  [ErrorCode.guardFailed]: 'guardFailed',
  [ErrorCode.invalidInput]: 'invalidInput',
  [ErrorCode.streamFinished]: 'streamFinished',
  [ErrorCode.versionConflict]: 'versionConflict',
  [ErrorCode.notFound]: 'notFound',
  [ErrorCode.alreadyExists]: 'alreadyExists',
  [ErrorCode.forbidden]: 'forbidden',
  [ErrorCode.unauthenticated]: 'unauthenticated',
  [ErrorCode.payloadTooLarge]: 'payloadTooLarge',
};

/** An error the HTTP layer throws; the error middleware renders it as problem+json. */
export class HttpProblem extends Error {
  constructor(
    readonly kind: ProblemKind,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }

  get status(): number {
    return ProblemKind[this.kind].status;
  }

  toDocument(instance?: string): ProblemDocument {
    const { status, title } = ProblemKind[this.kind];
    return {
      type: problemType(this.kind),
      title,
      status,
      detail: this.detail,
      ...(instance ? { instance } : {}),
      ...this.extensions,
    };
  }
}

/** 403 naming the permission that is missing. */
export function forbidden(permission: string, detail: string): HttpProblem {
  return new HttpProblem('forbidden', detail, { missingPermission: permission });
}

export function notFound(what: string, id: string): HttpProblem {
  return new HttpProblem('notFound', `${what} ${id} does not exist`, { what, id });
}

/** Body-parser errors carry a `type` such as `entity.parse.failed`; map the client ones. */
function fromHttpError(error: {
  status?: number;
  type?: string;
  message?: string;
  limit?: number;
}): HttpProblem | null {
  switch (error.type) {
    case 'entity.parse.failed':
      return new HttpProblem('malformedJson', `the body is not valid JSON: ${error.message ?? ''}`.trim());
    case 'entity.too.large':
      return new HttpProblem('payloadTooLarge', `the body exceeds the limit of ${error.limit ?? '?'} bytes`, {
        limit: error.limit,
      });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpProblem('unsupportedMediaType', error.message ?? 'unsupported encoding');
    default:
      if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
        return new HttpProblem(
          error.status === 413 ? 'payloadTooLarge' : 'validationFailed',
          error.message ?? 'bad request',
        );
      }
      return null;
  }
}

/**
 * PostgreSQL error classes that say "the database is (for now) unable", not "the request is wrong": connection
 * loss (08…), shutdown or restart (57P01–57P03), too many connections (53300), a statement or lock timeout
 * (57014, 55P03), serialization failure and deadlock (40001, 40P01). A retry may succeed: 503 + Retry-After.
 * https://www.postgresql.org/docs/15/errcodes-appendix.html
 */
const TRANSIENT_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014', '55P03', '40001', '40P01']);
const TRANSIENT_MESSAGES =
  /Connection terminated|connect ECONNREFUSED|ECONNRESET|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down)|terminating connection/i;

function transientDatabaseError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, message, driverError } = error as {
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
  };
  if (typeof code === 'string' && (TRANSIENT_SQLSTATES.has(code) || code.startsWith('08'))) return true;
  if (typeof message === 'string' && TRANSIENT_MESSAGES.test(message)) return true;
  return driverError !== undefined && driverError !== error && transientDatabaseError(driverError);
}

/** Turns anything thrown into a problem; unknown errors become a 500 (the only 500s there are). */
export function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (transientDatabaseError(error))
    return new HttpProblem(
      'unavailable',
      'the database is briefly unavailable; retry shortly',
      {},
      { 'Retry-After': '1' },
    );
  if (error instanceof ZhengzhiError) {
    const kind = byErrorCode[error.code] ?? 'internal';
    const extensions: Record<string, unknown> = { code: error.code, ...error.details };
    return new HttpProblem(kind, error.message, extensions);
  }
  if (error && typeof error === 'object') {
    const mapped = fromHttpError(error as never);
    if (mapped) return mapped;
  }
  return new HttpProblem('internal', 'an unexpected error occurred; it has been logged');
}
