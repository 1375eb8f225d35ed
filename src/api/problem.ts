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

/** Turns anything thrown into a problem; unknown errors become a 500 (the only 500s there are). */
export function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
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
