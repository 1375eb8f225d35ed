/**
 * One error family for the whole engine. Every error has a stable `code`; the HTTP layer maps codes to
 * statuses and problem types, the CLI prints the message. Services throw these; pure functions return
 * result unions instead.
 */
export const ErrorCode = {
  /** The command names an event the current state does not handle. */
  eventNotAccepted: 'EVENT_NOT_ACCEPTED',
  /** The state handles the event, but a guard (a business rule) refused it. */
  guardFailed: 'GUARD_FAILED',
  /** The creation input or the command payload is malformed. */
  invalidInput: 'INVALID_INPUT',
  /** The stream has reached a final state. */
  streamFinished: 'STREAM_FINISHED',
  /** Someone else appended to the stream since the caller read it. */
  versionConflict: 'VERSION_CONFLICT',
  notFound: 'NOT_FOUND',
  alreadyExists: 'ALREADY_EXISTS',
  forbidden: 'FORBIDDEN',
  unauthenticated: 'UNAUTHENTICATED',
  /** An input (e.g. an uploaded workbook) exceeds a size, row, cell or time limit. */
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class ZhengzhiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ZhengzhiError';
  }
}

/** A command the machine refused; `details.acceptedEvents` lists what the state does accept. */
export class CommandRejectedError extends ZhengzhiError {
  constructor(
    code: ErrorCode,
    message: string,
    details: { streamId: string; state: string; acceptedEvents: string[] },
  ) {
    super(code, message, details);
    this.name = 'CommandRejectedError';
  }
}

/** The optimistic-concurrency check failed: `details.currentVersion` is what the stream is at now. */
export class VersionConflictError extends ZhengzhiError {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly currentVersion: number | null,
  ) {
    super(
      ErrorCode.versionConflict,
      `stream ${streamId} is at version ${currentVersion ?? 'none'}, not ${expectedVersion}: someone else changed it first; reload and retry`,
      { streamId, expectedVersion, currentVersion },
    );
    this.name = 'VersionConflictError';
  }
}

export class NotFoundError extends ZhengzhiError {
  constructor(what: string, id: string) {
    super(ErrorCode.notFound, `${what} ${id} does not exist`, { what, id });
    this.name = 'NotFoundError';
  }
}
