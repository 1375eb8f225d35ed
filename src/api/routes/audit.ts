import 'reflect-metadata';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { Router } from 'express';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { ApiContext, AuthUser } from '../context';
import { endpoint } from '../endpoint';
import { forbidden, HttpProblem } from '../problem';
import type { AuditReader } from '../../audit/access';
import { parseAnchorArgument } from '../../audit/anchor';
import { signingKeyFromEnvironment } from '../../audit/keys';
import { AuditService } from '../../audit/service';

/** `GET /audit/streams/:id/state`: an instant or a sequence number (neither: now). */
export class StateAtQueryDto {
  @IsOptional() @IsISO8601({ strict: true }) at?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) sequence?: number;
}

/** `GET /audit/verify`: one stream, one campaign, or (supervisors at the root only) everything. */
export class VerifyQueryDto {
  @IsOptional() @IsString() @MaxLength(100) streamId?: string;
  @IsOptional() @IsString() @MaxLength(100) campaignId?: string;
  @IsOptional() @IsIn(['true', 'false']) snapshots?: string;
  /** The hash of a checkpoint the caller holds outside the database: verification fails if it is gone. */
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: 'expectCheckpoint must be a checkpoint hash (64 hex digits)' })
  expectCheckpoint?: string;
}

/** `GET /audit/reads`: the caller's own reads, newest first. */
export class ReadsQueryDto {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

/** Only auditors and supervisors read audit history; each within their unit subtree. */
function readerOf(user: AuthUser): AuditReader {
  if (user.role !== 'auditor' && user.role !== 'supervisor') {
    throw forbidden(
      'audit:read',
      `audit:read needs the role auditor or supervisor; ${user.username} is ${user.role}`,
    );
  }
  return { userId: user.id, unitId: user.unitId, scopePath: user.unitPath };
}

/**
 * The auditor-facing, read-only HTTP API over `AuditService`: timelines, time travel, explanations,
 * verification, campaign exports and the caller's access log. Every route is a GET; every read is logged
 * in `audit_reads` by the service; scope errors become 403 and unknown streams 404 (problem+json).
 * Mount with `routerFactories` (src/api/routes/index.ts) or `createApp(…, { extraRouters })`.
 */
export function createAuditRouter(context: ApiContext): Router {
  const router = Router();
  const { database, clock } = context.runtime;
  const service = new AuditService(database, clock, {
    key: signingKeyFromEnvironment(),
    pinnedKeyId: process.env.ZHENGZHI_AUDIT_TRUSTED_KEY_ID || undefined,
    evidence: context.evidence,
  });
  const tag = 'audit';

  endpoint(router, context, {
    method: 'get',
    path: '/audit/streams/:id/timeline',
    summary:
      'Every event of a stream with actor, unit, time, state before/after and the escalations it produced',
    tag,
    handler: ({ user, params }) => service.timeline(readerOf(user), params.id!),
  });

  endpoint<object, StateAtQueryDto>(router, context, {
    method: 'get',
    path: '/audit/streams/:id/state',
    summary: "A stream's state as of an instant (?at=) or a sequence number (?sequence=), rebuilt by replay",
    tag,
    query: StateAtQueryDto,
    handler: ({ user, params, query }) => {
      if (query.at !== undefined && query.sequence !== undefined)
        throw new HttpProblem('validationFailed', 'give either at or sequence, not both');
      const asOf =
        query.sequence !== undefined
          ? { toSequence: query.sequence }
          : { until: query.at ?? clock.now().toISOString() };
      return service.stateAt(readerOf(user), params.id!, asOf);
    },
  });

  endpoint(router, context, {
    method: 'get',
    path: '/audit/streams/:id/explain',
    summary:
      'Why a stream is in its state and what it waits for; for an escalation its rule, facts, conditions and trigger',
    tag,
    handler: ({ user, params }) => service.explain(readerOf(user), params.id!),
  });

  endpoint<object, VerifyQueryDto>(router, context, {
    method: 'get',
    path: '/audit/verify',
    summary:
      'Recompute hash chains, checkpoints and snapshots; findings name the first broken link. The report names the latest checkpoint (keep its hash outside the database and pass it back as ?expectCheckpoint=)',
    tag,
    query: VerifyQueryDto,
    handler: ({ user, query }) =>
      service.verify(readerOf(user), {
        streamId: query.streamId,
        campaignId: query.campaignId,
        snapshots: query.snapshots !== 'false',
        anchors: query.expectCheckpoint ? [parseAnchorArgument(query.expectCheckpoint)] : [],
      }),
  });

  endpoint(router, context, {
    method: 'get',
    path: '/audit/campaigns/:id/export',
    summary: "A campaign's verifiable history as JSON Lines (check it offline with `zhengzhi verify --file`)",
    tag,
    handler: async ({ user, params, res }) => {
      const dir = await mkdtemp(join(tmpdir(), 'zz-export-'));
      try {
        const file = join(dir, 'export.jsonl');
        await service.exportCampaign(readerOf(user), params.id!, file);
        res.status(200).attachment(`${params.id}.jsonl`).type('application/x-ndjson');
        const stream = createReadStream(file);
        stream.pipe(res);
        await finished(stream);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  });

  endpoint<object, ReadsQueryDto>(router, context, {
    method: 'get',
    path: '/audit/reads',
    summary: "The caller's own reads of audit history, newest first",
    tag,
    query: ReadsQueryDto,
    handler: ({ user, query }) => service.reads(readerOf(user), { limit: query.limit ?? 50 }),
  });

  return router;
}
