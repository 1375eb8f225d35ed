import type { ClassConstructor } from 'class-transformer';
import { isWithin, Permission, requireWithin } from '../authz';
import type { StreamHead } from '../commands';
import type { AuthUser } from '../context';
import * as dto from '../dto/item-commands.dto';
import type { VersionedCommandDto } from '../dto/common.dto';
import { forbidden } from '../problem';

/** One item command the API exposes: the machine event, its DTO, who may issue it, and the payload built. */
export interface ItemCommandSpec {
  type: string;
  /** Kebab-case route segment: POST /items/:id/commands/<segment>. */
  segment: string;
  summary: string;
  dto: ClassConstructor<VersionedCommandDto>;
  permission: Permission;
  /** Fields the API sets from the authenticated user, never from the body. */
  fromUser?: (user: AuthUser) => Record<string, unknown>;
  /** Units named in the body that must lie in the caller's subtree. */
  unitFields?: string[];
  /** Extra checks on the caller against the item (403 when they fail). */
  check?: (user: AuthUser, stream: StreamHead) => void;
  /** Offered in the console only when this holds of the item's context (the machine accepts it anywhere). */
  offeredWhen?: (context: Record<string, unknown>) => boolean;
}

const correctionPending = (context: Record<string, unknown>): boolean =>
  context.pendingCorrection !== null && context.pendingCorrection !== undefined;

/** 查否 sign-off: the caller must be a principal leader of the handling unit (DOMAIN.md, 查否). */
function principalOfHandlingUnit(user: AuthUser, stream: StreamHead): void {
  const handlingUnit = stream.handlingUnitId;
  if (!user.isPrincipal || user.unitId !== handlingUnit) {
    throw forbidden(
      Permission.approveDismissal.name,
      `a dismissal needs the sign-off of the principal leader (主要负责人) of the handling unit ${handlingUnit}; ${user.username} is not`,
    );
  }
}

/** 更正审批: a supervisor (the subtree check comes first) or the principal leader of the handling unit. */
function mayDecideCorrection(user: AuthUser, stream: StreamHead): void {
  if (user.role === 'supervisor') return;
  if (!user.isPrincipal || user.unitId !== stream.handlingUnitId) {
    throw forbidden(
      Permission.approveCorrection.name,
      `a correction is approved by the principal leader of the handling unit ${stream.handlingUnitId} or a supervisor above it; ${user.username} is neither`,
    );
  }
}

/**
 * The item events of `src/machines/item-types.ts` that people issue. VERIFICATION_OVERDUE and
 * RECTIFICATION_OVERDUE are the scheduler's and not exposed.
 */
export const itemCommands: ItemCommandSpec[] = [
  {
    type: 'ASSIGN_VERIFICATION',
    segment: 'assign-verification',
    summary: '核查: assign for verification',
    dto: dto.AssignVerificationDto,
    permission: Permission.actOnItem,
    unitFields: ['unitId'],
  },
  {
    type: 'CONFIRM',
    segment: 'confirm',
    summary: '查实: confirm the problem',
    dto: dto.ConfirmDto,
    permission: Permission.actOnItem,
  },
  {
    type: 'PROPOSE_DISMISSAL',
    segment: 'propose-dismissal',
    summary: '查否: propose dismissal (caller is the handler)',
    dto: dto.ProposeDismissalDto,
    permission: Permission.actOnItem,
    fromUser: (u) => ({ handlerId: u.id }),
  },
  {
    type: 'APPROVE_DISMISSAL',
    segment: 'approve-dismissal',
    summary: '查否 sign-off by the handling unit’s principal leader (the caller)',
    dto: dto.ApproveDismissalDto,
    permission: Permission.approveDismissal,
    fromUser: (u) => ({ principalId: u.id, principalOfUnitId: u.unitId }),
    check: principalOfHandlingUnit,
  },
  {
    type: 'WITHDRAW_DISMISSAL',
    segment: 'withdraw-dismissal',
    summary: 'Withdraw a dismissal proposal',
    dto: dto.WithdrawDismissalDto,
    permission: Permission.actOnItem,
  },
  {
    type: 'TRANSFER',
    segment: 'transfer',
    summary: '移送: transfer outside the bureau’s remit',
    dto: dto.TransferDto,
    permission: Permission.actOnItem,
  },
  {
    type: 'START_RECTIFICATION',
    segment: 'start-rectification',
    summary: 'Open the rectification ledger row',
    dto: dto.StartRectificationDto,
    permission: Permission.actOnItem,
    unitFields: ['responsibleUnitId'],
  },
  {
    type: 'UPDATE_LEDGER',
    segment: 'update-ledger',
    summary: 'Change ledger fields',
    dto: dto.UpdateLedgerDto,
    permission: Permission.actOnItem,
    unitFields: ['responsibleUnitId'],
  },
  {
    type: 'RECORD_PROGRESS',
    segment: 'record-progress',
    summary: 'Record progress and evidence',
    dto: dto.RecordProgressDto,
    permission: Permission.actOnItem,
  },
  {
    type: 'RECORD_ACCOUNTABILITY',
    segment: 'record-accountability',
    summary: 'Record accountability (问责情况)',
    dto: dto.RecordAccountabilityDto,
    permission: Permission.actOnItem,
  },
  {
    type: 'MARK_LONG_TERM',
    segment: 'mark-long-term',
    summary: '长期推进: carry into long-term rectification',
    dto: dto.MarkLongTermDto,
    permission: Permission.actOnItem,
  },
  {
    type: 'EXTEND_DEADLINE',
    segment: 'extend-deadline',
    summary: 'Extend the rectification deadline',
    dto: dto.ExtendDeadlineDto,
    permission: Permission.actOnItem,
  },
  {
    type: 'SUBMIT_FOR_ACCEPTANCE',
    segment: 'submit-for-acceptance',
    summary: 'Submit for acceptance with evidence',
    dto: dto.SubmitForAcceptanceDto,
    permission: Permission.actOnItem,
  },
  {
    type: 'ACCEPT',
    segment: 'accept',
    summary: '销号: accept and close',
    dto: dto.AcceptDto,
    permission: Permission.acceptItem,
  },
  {
    type: 'REJECT',
    segment: 'reject',
    summary: 'Reject back to rectification',
    dto: dto.RejectDto,
    permission: Permission.acceptItem,
  },
  {
    type: 'START_LOOK_BACK',
    segment: 'start-look-back',
    summary: '回头看: start a look-back',
    dto: dto.StartLookBackDto,
    permission: Permission.acceptItem,
  },
  {
    type: 'PASS_LOOK_BACK',
    segment: 'pass-look-back',
    summary: 'Look-back passed',
    dto: dto.PassLookBackDto,
    permission: Permission.acceptItem,
  },
  {
    type: 'REBOUND',
    segment: 'rebound',
    summary: '反弹: the problem came back; reopen',
    dto: dto.ReboundDto,
    permission: Permission.acceptItem,
  },
  {
    type: 'RESUME_RECTIFICATION',
    segment: 'resume-rectification',
    summary: 'Resume rectification of a reopened item',
    dto: dto.ResumeRectificationDto,
    permission: Permission.actOnItem,
  },
  {
    type: 'ADD_TAG',
    segment: 'add-tag',
    summary: 'Tag the item',
    dto: dto.AddTagDto,
    permission: Permission.actOnItem,
  },
  {
    type: 'RECORD_COMPLAINT',
    segment: 'record-complaint',
    summary: 'Record a complaint about this problem',
    dto: dto.RecordComplaintDto,
    permission: Permission.actOnItem,
  },
  {
    type: 'REQUEST_CORRECTION',
    segment: 'request-correction',
    summary: '更正申请: request the correction of an event (item machine v2; the caller is the requester)',
    dto: dto.RequestCorrectionDto,
    permission: Permission.actOnItem,
    fromUser: (u) => ({ requestedBy: u.id }),
    offeredWhen: (c) => !correctionPending(c),
  },
  {
    type: 'APPROVE_CORRECTION',
    segment: 'approve-correction',
    summary:
      '更正审批: approve the pending correction (a second person: the handling unit’s principal or a supervisor above)',
    dto: dto.ApproveCorrectionDto,
    permission: Permission.approveCorrection,
    fromUser: (u) => ({ approvedBy: u.id }),
    check: mayDecideCorrection,
    offeredWhen: correctionPending,
  },
  {
    type: 'REFUSE_CORRECTION',
    segment: 'refuse-correction',
    summary: 'Refuse (approver) or withdraw (requester) the pending correction',
    dto: dto.RefuseCorrectionDto,
    permission: Permission.actOnItem,
    fromUser: (u) => ({ refusedBy: u.id }),
    offeredWhen: correctionPending,
  },
];

export const itemCommandByType = new Map(itemCommands.map((c) => [c.type, c]));

/**
 * Whether `user` may issue the command on the item: the permission within the item's subtree, every unit
 * the body names inside the subtree too, and the command's own check. Throws 403; used both by the
 * command routes and by `GET /items/:id/actions`, so that what is offered is what would be allowed.
 */
export function authoriseItemCommand(
  spec: ItemCommandSpec,
  user: AuthUser,
  stream: StreamHead,
  namedUnitPaths: readonly string[] = [],
): void {
  requireWithin(user, stream.unitPath, spec.permission);
  for (const path of namedUnitPaths) {
    if (!isWithin(user, path))
      throw forbidden(
        spec.permission.name,
        `${spec.type} may only name units in the subtree of ${user.unitId}; ${path} is outside`,
      );
  }
  spec.check?.(user, stream);
}
