import type { Database } from '../persistence/database';
import type { Clock } from '../shared/clock';
import { ErrorCode, NotFoundError, ZhengzhiError } from '../shared/errors';
import {
  assertStreamVisible,
  assertUnscoped,
  listReads,
  logRead,
  type AuditRead,
  type AuditReadAction,
  type AuditReader,
} from './access';
import { createCheckpoint, type Checkpoint } from './checkpoint';
import {
  explainEscalation,
  explainState,
  type EscalationExplanation,
  type StateExplanation,
} from './explain';
import { exportCampaign, type ExportSummary } from './export';
import type { SigningKey } from './keys';
import { checkSnapshots } from './replay-check';
import { stateAt, timeline, type AsOf, type StateAt, type Timeline } from './timeline';
import { verifyDatabase, type EvidenceChecker, type VerifyOptions, type VerifyReport } from './verify';

export interface AuditServiceOptions {
  /** Re-hashes the files events cite as evidence during verification. */
  evidence?: EvidenceChecker;
  /** The checkpoint signing key (see keys.ts); without it no checkpoint can be written. */
  key?: SigningKey | null;
  /** Only trust checkpoints signed by this key id. Defaults to the signing key's id when one is configured. */
  pinnedKeyId?: string;
}

/**
 * What auditors can ask of the history. Every method checks the reader's scope (their unit subtree), logs
 * the read in `audit_reads` — refused reads too — and only then answers. Nothing here changes an event,
 * a stream or a snapshot: the only writes are the access log and, for unscoped operators, checkpoints.
 */
export class AuditService {
  readonly #database: Database;
  readonly #clock: Clock;
  readonly #options: AuditServiceOptions;

  constructor(database: Database, clock: Clock, options: AuditServiceOptions = {}) {
    this.#database = database;
    this.#clock = clock;
    this.#options = options;
  }

  /** The key id verification trusts: the configured pin, else the signing key's own id. */
  get pinnedKeyId(): string | undefined {
    return this.#pinnedKeyId;
  }

  get #pinnedKeyId(): string | undefined {
    return this.#options.pinnedKeyId ?? this.#options.key?.keyId;
  }

  /** Checks scope, logs the read (or the refusal), then runs `read`. */
  async #read<T>(
    reader: AuditReader,
    action: AuditReadAction,
    subject: string,
    details: Record<string, unknown>,
    check: () => Promise<unknown>,
    read: () => Promise<T>,
  ): Promise<T> {
    try {
      await check();
    } catch (error) {
      if (error instanceof ZhengzhiError && error.code === ErrorCode.forbidden) {
        await logRead(this.#database, this.#clock, reader, action, subject, {
          ...details,
          refused: error.message,
        });
      }
      throw error;
    }
    await logRead(this.#database, this.#clock, reader, action, subject, details);
    return read();
  }

  #visibleCampaign(reader: AuditReader, campaignId: string): () => Promise<unknown> {
    return async () => {
      const { streamType } = await assertStreamVisible(this.#database, reader, campaignId);
      if (streamType !== 'campaign') throw new NotFoundError('campaign', campaignId);
    };
  }

  /** Verifies a stream, a campaign, or (unscoped readers only) the whole log. */
  verify(
    reader: AuditReader,
    options: Pick<
      VerifyOptions,
      'streamId' | 'campaignId' | 'mode' | 'snapshots' | 'columns' | 'anchors' | 'requireCheckpoint'
    > = {},
  ): Promise<VerifyReport> {
    const subject = options.streamId ?? options.campaignId ?? '*';
    const check = options.streamId
      ? () => assertStreamVisible(this.#database, reader, options.streamId!)
      : options.campaignId
        ? this.#visibleCampaign(reader, options.campaignId)
        : async () => assertUnscoped(reader, 'verifying the whole log');
    return this.#read(reader, 'verify', subject, { ...options }, check, () =>
      verifyDatabase(this.#database, {
        ...options,
        pinnedKeyId: this.#pinnedKeyId,
        evidence: this.#options.evidence,
        // An explicit pin demands a checkpoint by that key; the signer's own key (a fresh deployment) does not.
        requireCheckpoint: options.requireCheckpoint ?? this.#options.pinnedKeyId !== undefined,
      }),
    );
  }

  /** A stream's state as of an instant or sequence number. */
  stateAt(reader: AuditReader, streamId: string, asOf: AsOf): Promise<StateAt> {
    return this.#read(
      reader,
      'state-at',
      streamId,
      { ...asOf },
      () => assertStreamVisible(this.#database, reader, streamId),
      () => stateAt(this.#database, streamId, asOf),
    );
  }

  /** A stream's full timeline. */
  timeline(reader: AuditReader, streamId: string): Promise<Timeline> {
    return this.#read(
      reader,
      'timeline',
      streamId,
      {},
      () => assertStreamVisible(this.#database, reader, streamId),
      () => timeline(this.#database, streamId),
    );
  }

  /** Why a stream is where it is; for an escalation also the rule, facts, conditions and trigger. */
  explain(reader: AuditReader, streamId: string): Promise<StateExplanation | EscalationExplanation> {
    let streamType = '';
    return this.#read(
      reader,
      'explain',
      streamId,
      {},
      async () => (streamType = (await assertStreamVisible(this.#database, reader, streamId)).streamType),
      () =>
        streamType === 'escalation'
          ? explainEscalation(this.#database, streamId)
          : explainState(this.#database, streamId),
    );
  }

  /** Writes a campaign's verifiable export to `file` (taking a fresh checkpoint first when a key is configured). */
  exportCampaign(reader: AuditReader, campaignId: string, file: string): Promise<ExportSummary> {
    return this.#read(reader, 'export', campaignId, { file }, this.#visibleCampaign(reader, campaignId), () =>
      exportCampaign(this.#database, campaignId, file, {
        clock: this.#clock,
        exportedBy: reader.userId,
        key: this.#options.key ?? null,
      }),
    );
  }

  /** The determinism check over one stream or (unscoped readers only) every stream. */
  replayCheck(reader: AuditReader, options: { streamId?: string } = {}): ReturnType<typeof checkSnapshots> {
    const check = options.streamId
      ? () => assertStreamVisible(this.#database, reader, options.streamId!)
      : async () => assertUnscoped(reader, 'the determinism check over every stream');
    return this.#read(reader, 'replay-check', options.streamId ?? '*', {}, check, () =>
      checkSnapshots(this.#database, { streamIds: options.streamId ? [options.streamId] : undefined }),
    );
  }

  /** Signs a checkpoint over everything appended since the last one (operators only). */
  async checkpoint(reader: AuditReader): Promise<Checkpoint | null> {
    assertUnscoped(reader, 'a checkpoint');
    const key = this.#options.key;
    if (!key)
      throw new ZhengzhiError(
        ErrorCode.invalidInput,
        'no checkpoint key is configured: set ZHENGZHI_AUDIT_KEY or ZHENGZHI_AUDIT_KEY_FILE',
      );
    return createCheckpoint(this.#database, key, this.#clock);
  }

  /** The access log (unscoped readers see everyone's reads, auditors their own). */
  reads(reader: AuditReader, options: { readerId?: string; limit?: number } = {}): Promise<AuditRead[]> {
    return listReads(this.#database, {
      ...options,
      readerId: reader.scopePath === null ? options.readerId : reader.userId,
    });
  }
}
