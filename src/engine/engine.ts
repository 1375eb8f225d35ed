import type { PersistedState, Rejection } from '../machines/step';
import { start, step } from '../machines/step';
import { currentDefinition, definitionFor, isStreamType, type StreamType } from '../machines/registry';
import type { Directory } from '../persistence/directory';
import type {
  EventStore,
  EventStoreTransaction,
  StoredEvent,
  StreamRecord,
} from '../persistence/event-store';
import type { Clock, IdGenerator } from '../shared/clock';
import {
  CommandRejectedError,
  ErrorCode,
  NotFoundError,
  VersionConflictError,
  ZhengzhiError,
} from '../shared/errors';
import { parentCampaignProblem } from './campaign-tree';
import { campaignAcceptsItems, prepareEvent } from './command-facts';
import { GroupCommit, type GroupCommitOptions } from './group-commit';

/** Who issues a command. The API authenticates and authorises; the engine records. */
export interface Actor {
  userId: string;
  unitId: string;
}

/** Something that runs after an event is appended, in the same transaction (e.g. the escalation rules). */
export interface AppendHook {
  name: string;
  /** Whether the hook also runs for events other hooks append (the rules do not: no feedback loops). */
  runsOnDerivedEvents?: boolean;
  afterAppend(tx: EventStoreTransaction, appended: AppendedEvent): Promise<unknown[]>;
}

export interface AppendedEvent {
  streamType: StreamType;
  /** The stream as it was before this event (null for a stream's first event). */
  stream: StreamRecord | null;
  /** The unit the stream belongs to after this event. */
  unitId: string;
  event: StoredEvent;
  state: PersistedState;
}

export interface CommandResult {
  streamId: string;
  streamType: StreamType;
  version: number;
  state: string;
  snapshot: PersistedState;
  event: StoredEvent;
  /** Whatever the append hooks produced (escalations issued by the rules), by hook name. */
  effects: Record<string, unknown[]>;
}

export interface CreateOptions {
  streamId?: string;
  /** The instant the stream began; only trusted callers (import, tests) set it. */
  at?: string;
  /** Appended by a hook (escalations, tags): only hooks with `runsOnDerivedEvents` see it. */
  derived?: boolean;
  /** Start on this installed machine version instead of the current one (tests, imports of old data). */
  machineVersion?: number;
}

export interface CommandOptions {
  /** Appended by a hook (escalations, tags): only hooks with `runsOnDerivedEvents` see it. */
  derived?: boolean;
  /** Optimistic concurrency: fail with a conflict unless the stream is at this version. */
  expectedVersion?: number;
  /** The instant the event happened; only trusted callers (import, scheduler, tests) set it. */
  at?: string;
}

export interface EngineDependencies {
  store: EventStore;
  directory: Directory;
  clock: Clock;
  ids: IdGenerator;
  hooks?: AppendHook[];
  /** How often to retry a command without an expected version after losing a race (default 25). */
  maxRetries?: number;
  /** How concurrent commands share transactions (src/engine/group-commit.ts). */
  groupCommit?: GroupCommitOptions;
}

function rejected(streamId: string, rejection: Rejection): CommandRejectedError {
  const code = {
    EVENT_NOT_ACCEPTED: ErrorCode.eventNotAccepted,
    GUARD_FAILED: ErrorCode.guardFailed,
    INVALID_INPUT: ErrorCode.invalidInput,
    STREAM_FINISHED: ErrorCode.streamFinished,
  }[rejection.code];
  return new CommandRejectedError(code, rejection.message, {
    streamId,
    state: rejection.state,
    acceptedEvents: rejection.acceptedEvents,
  });
}

/**
 * The command pipeline: load the stream → look up cross-stream facts → pure `transition()` → append the
 * event and move the snapshot in one transaction (compare-and-set on the version) → run the append hooks
 * in that same transaction. A refused command changes nothing.
 */
export class Engine {
  readonly #deps: EngineDependencies;
  readonly #hooks: AppendHook[];
  readonly #commit: GroupCommit;

  constructor(deps: EngineDependencies) {
    this.#deps = deps;
    this.#hooks = [...(deps.hooks ?? [])];
    this.#commit = new GroupCommit(deps.store, deps.groupCommit);
  }

  get store(): EventStore {
    return this.#deps.store;
  }

  /**
   * Runs `work` (commands through `executeIn`/`createIn`, reads it decides on) in a transaction that it may
   * share with concurrent commands (group commit); resolves after COMMIT. If `work` throws before writing,
   * only it fails; if it throws after writing, the shared transaction is rolled back and every command in
   * it runs again alone.
   */
  transaction<T>(work: (tx: EventStoreTransaction) => Promise<T>): Promise<T> {
    return this.#commit.run(work);
  }

  /** Starts a new stream (a campaign, a problem item) from its creation input, in its own transaction. */
  async create(
    streamType: StreamType,
    input: Record<string, unknown>,
    actor: Actor,
    options: CreateOptions = {},
  ): Promise<CommandResult> {
    return this.#commit.run((tx) => this.createIn(tx, streamType, input, actor, options));
  }

  /** Starts a new stream inside the caller's transaction (used by hooks and importers). */
  async createIn(
    tx: EventStoreTransaction,
    streamType: StreamType,
    input: Record<string, unknown>,
    actor: Actor,
    options: CreateOptions = {},
  ): Promise<CommandResult> {
    if (!isStreamType(streamType)) {
      throw new ZhengzhiError(ErrorCode.invalidInput, `unknown stream type ${String(streamType)}`);
    }
    const definition =
      options.machineVersion === undefined
        ? currentDefinition(streamType)
        : definitionFor(streamType, options.machineVersion);
    const idField = definition.idField;
    const streamId =
      options.streamId ?? (input[idField] as string | undefined) ?? this.#deps.ids.next(streamType);
    const at = options.at ?? this.#deps.clock.now().toISOString();
    const fullInput = { ...input, [idField]: streamId, at };
    const started = start(definition, fullInput);
    if (!started.ok) throw rejected(streamId, started.rejection);
    const projection = definition.project(started.state.value, started.state.context as never);
    const unitPath = await this.#unitPath(tx, projection.unitId);
    if (streamType === 'item') {
      const problem = await campaignAcceptsItems(tx, String(fullInput.campaignId));
      if (problem) throw new ZhengzhiError(ErrorCode.invalidInput, problem, { streamId });
    }
    if (streamType === 'campaign' && typeof fullInput.parentCampaignId === 'string') {
      const problem = await parentCampaignProblem(tx, fullInput.parentCampaignId, unitPath);
      if (problem)
        throw new ZhengzhiError(
          problem.code === 'finished' ? ErrorCode.guardFailed : ErrorCode.invalidInput,
          problem.message,
          { streamId, field: 'parentCampaignId' },
        );
    }
    const event = await tx.createStream(
      streamId,
      streamType,
      {
        type: definition.creationEventType,
        payload: fullInput,
        actorId: actor.userId,
        unitId: actor.unitId,
        occurredAt: at,
        machineVersion: definition.version,
      },
      { state: started.state, projection, unitPath },
      this.#deps.clock.now().toISOString(),
    );
    const appended = { streamType, stream: null, unitId: projection.unitId, event, state: started.state };
    const effects = await this.#runHooks(tx, appended, options.derived ?? false);
    return {
      streamId,
      streamType,
      version: 1,
      state: started.state.value,
      snapshot: started.state,
      event,
      effects,
    };
  }

  /** Applies one event (the machine's event type plus its payload) to a stream, in its own transaction. */
  async execute(
    streamId: string,
    command: Record<string, unknown> & { type: string },
    actor: Actor,
    options: CommandOptions = {},
  ): Promise<CommandResult> {
    const retries = options.expectedVersion === undefined ? (this.#deps.maxRetries ?? 25) : 0;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#commit.run((tx) => this.executeIn(tx, streamId, command, actor, options));
      } catch (error) {
        // A lost race is retried from a fresh read when the caller did not pin a version: the command is
        // re-validated against the new state, so it is applied only if it is still valid.
        if (error instanceof VersionConflictError && attempt < retries) continue;
        throw error;
      }
    }
  }

  /** Applies one event inside the caller's transaction; a conflict aborts the caller's transaction too. */
  async executeIn(
    tx: EventStoreTransaction,
    streamId: string,
    command: Record<string, unknown> & { type: string },
    actor: Actor,
    options: CommandOptions = {},
  ): Promise<CommandResult> {
    const { clock } = this.#deps;
    const stream = await tx.loadStream(streamId);
    if (!stream) throw new NotFoundError('stream', streamId);
    if (options.expectedVersion !== undefined && options.expectedVersion !== stream.version) {
      throw new VersionConflictError(streamId, options.expectedVersion, stream.version);
    }
    const definition = definitionFor(stream.streamType, stream.machineVersion);
    const at = options.at ?? clock.now().toISOString();
    const prepared = await prepareEvent(tx, stream, { ...command, at }, this.#deps.directory);
    if ('problem' in prepared) {
      throw new CommandRejectedError(ErrorCode.guardFailed, prepared.problem, {
        streamId,
        state: stream.state,
        acceptedEvents: [],
      });
    }
    const result = step(definition, stream.snapshot, prepared.event);
    if (!result.ok) throw rejected(streamId, result.rejection);
    const projection = definition.project(result.state.value, result.state.context as never);
    const unitPath =
      projection.unitId === stream.unitId ? stream.unitPath : await this.#unitPath(tx, projection.unitId);
    const { type, ...payload } = prepared.event;
    const event = await tx.append(
      stream,
      stream.version,
      {
        type,
        payload,
        actorId: actor.userId,
        unitId: actor.unitId,
        occurredAt: at,
        machineVersion: definition.version,
      },
      { state: result.state, projection, unitPath },
      clock.now().toISOString(),
    );
    const streamType = stream.streamType as StreamType;
    const effects = await this.#runHooks(
      tx,
      { streamType, stream, unitId: projection.unitId, event, state: result.state },
      options.derived ?? false,
    );
    return {
      streamId,
      streamType,
      version: event.sequence,
      state: result.state.value,
      snapshot: result.state,
      event,
      effects,
    };
  }

  #unitPath(tx: EventStoreTransaction, unitId: string): Promise<string> {
    return this.#deps.directory.unitPath(unitId, (sql, parameters) => tx.query(sql, parameters));
  }

  /** Adds a hook; the escalation module needs the engine to exist before its hook can. */
  addHook(hook: AppendHook): void {
    this.#hooks.push(hook);
  }

  async #runHooks(
    tx: EventStoreTransaction,
    appended: AppendedEvent,
    derived: boolean,
  ): Promise<Record<string, unknown[]>> {
    const effects: Record<string, unknown[]> = {};
    for (const hook of this.#hooks) {
      if (derived && !hook.runsOnDerivedEvents) continue;
      effects[hook.name] = await hook.afterAppend(tx, appended);
    }
    return effects;
  }
}
