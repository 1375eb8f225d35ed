import {
  firstFailure,
  requireAfter,
  requireInstant,
  requireText,
  type GuardReasonTable,
} from './guard-reasons';
import { isEvidenceFile, Severity, type ItemContext, type ItemEvent } from './item-types';

type Of<T extends ItemEvent['type']> = Extract<ItemEvent, { type: T }>;

const severities = Object.values(Severity) as string[];

/** One place that explains every refusal of the problem-item machine (see guard-reasons.ts). */
export const itemGuardReasons: GuardReasonTable<ItemContext, ItemEvent> = {
  validAssignment: (context, event) => {
    const e = event as Of<'ASSIGN_VERIFICATION'>;
    return firstFailure(
      requireText(e.unitId, 'unitId (the verifying unit)'),
      requireText(e.officerId, 'officerId (the verifying officer)'),
      requireInstant(e.deadline, 'deadline'),
      requireInstant(e.deadline, 'deadline') ??
        requireAfter(e.deadline, e.at, 'the verification deadline must be in the future'),
    );
  },
  verificationDeadlineMatches: (context, event) => {
    const e = event as Of<'VERIFICATION_OVERDUE'>;
    if (!context.verification) return 'the item has no verification assignment';
    if (context.verification.overdue) return 'the verification is already marked overdue';
    if (e.deadline !== context.verification.deadline)
      return 'the deadline has changed since this deadline event was scheduled';
    return Date.parse(e.at) >= Date.parse(e.deadline) ? null : 'the verification deadline has not passed yet';
  },
  validConfirmation: (_context, event) => {
    const e = event as Of<'CONFIRM'>;
    return firstFailure(
      requireText(e.category, 'category (问题类别)'),
      severities.includes(e.severity) ? null : `severity must be one of ${severities.join(', ')}`,
      requireText(e.findings, 'findings (核查结论)'),
      e.checklistItem === undefined ||
        e.checklistItem === null ||
        (Number.isInteger(e.checklistItem) && e.checklistItem > 0)
        ? null
        : 'checklistItem must be a positive whole number',
    );
  },
  validDismissalProposal: (_context, event) => {
    const e = event as Of<'PROPOSE_DISMISSAL'>;
    return firstFailure(
      requireText(e.reason, 'reason (查否理由)'),
      requireText(e.handlerId, 'handlerId (经办人)'),
    );
  },
  principalOfHandlingUnit: (context, event) => {
    const e = event as Of<'APPROVE_DISMISSAL'>;
    const handlingUnit = context.verification?.unitId ?? context.reportedUnitId;
    if (e.principalOfUnitId !== handlingUnit) {
      return `a dismissal must be signed by the principal leader of the handling unit ${handlingUnit}`;
    }
    // Two sign-offs means two people: the handler cannot approve their own proposal.
    return e.principalId === context.dismissal?.handlerId
      ? 'the handler cannot also give the principal sign-off'
      : null;
  },
  hasReason: (_context, event) => requireText((event as { reason?: unknown }).reason, 'reason'),
  validTransfer: (_context, event) => {
    const e = event as Of<'TRANSFER'>;
    return firstFailure(requireText(e.to, 'to (receiving authority)'), requireText(e.reason, 'reason'));
  },
  completeLedgerRow: (context, event) => {
    const e = event as Of<'START_RECTIFICATION'>;
    return firstFailure(
      requireText(e.manifestation, 'manifestation (具体表现)'),
      requireText(e.measures, 'measures (整改措施)'),
      requireText(e.responsibleUnitId, 'responsibleUnitId (责任单位)'),
      requireText(e.responsiblePerson, 'responsiblePerson (责任人)'),
      requireInstant(e.deadline, 'deadline (整改时限)'),
    );
  },
  validLedgerUpdate: (_context, event) => {
    const e = event as Of<'UPDATE_LEDGER'>;
    const fields = ['manifestation', 'measures', 'responsibleUnitId', 'responsiblePerson'] as const;
    const given = fields.filter((f) => e[f] !== undefined);
    const clerkFields = e.coUnitIds !== undefined || e.remarks !== undefined;
    if (given.length === 0 && !clerkFields)
      return 'name at least one ledger field to change (use EXTEND_DEADLINE for the deadline)';
    if ((e as { deadline?: string }).deadline !== undefined)
      return 'change the deadline with EXTEND_DEADLINE, which records the reason';
    return firstFailure(...given.map((f) => requireText(e[f], f)));
  },
  hasNote: (_context, event) => requireText((event as { note?: unknown }).note, 'note'),
  hasAccountability: (_context, event) =>
    requireText((event as Of<'RECORD_ACCOUNTABILITY'>).accountability, 'accountability (问责情况)'),
  validLongTerm: (_context, event) => {
    const e = event as Of<'MARK_LONG_TERM'>;
    return firstFailure(
      requireText(e.currentResult, 'currentResult (阶段性成果)'),
      requireText(e.longTermMeasures, 'longTermMeasures (长效措施)'),
    );
  },
  laterDeadline: (context, event) => {
    const e = event as Of<'EXTEND_DEADLINE'>;
    const current = context.ledger?.deadline;
    return firstFailure(
      requireText(e.reason, 'reason'),
      requireInstant(e.deadline, 'deadline'),
      current && requireInstant(e.deadline, 'deadline') === null
        ? requireAfter(
            e.deadline,
            current,
            `the new deadline must be later than the current one (${current})`,
          )
        : null,
    );
  },
  validDeadlineChange: (context, event) => {
    const e = event as Of<'CHANGE_DEADLINE'>;
    return firstFailure(
      requireText(e.reason, 'reason'),
      requireInstant(e.deadline, 'deadline'),
      context.ledger &&
        requireInstant(e.deadline, 'deadline') === null &&
        Date.parse(e.deadline) === Date.parse(context.ledger.deadline)
        ? `the deadline is already ${context.ledger.deadline}`
        : null,
    );
  },
  rectificationDeadlineMatches: (context, event) => {
    const e = event as Of<'RECTIFICATION_OVERDUE'>;
    if (!context.ledger) return 'the item has no ledger row';
    if (context.ledger.overdue) return 'the rectification is already marked overdue';
    if (context.ledger.longTerm)
      return 'long-term items (长期推进) are not overdue against the campaign deadline';
    if (e.deadline !== context.ledger.deadline)
      return 'the deadline has changed since this deadline event was scheduled';
    return Date.parse(e.at) >= Date.parse(e.deadline)
      ? null
      : 'the rectification deadline has not passed yet';
  },
  evidenceSubmitted: (_context, event) => {
    const e = event as Of<'SUBMIT_FOR_ACCEPTANCE'>;
    return firstFailure(
      requireText(e.result, 'result (整改进度及可验证成果)'),
      Array.isArray(e.evidence) &&
        e.evidence.length > 0 &&
        e.evidence.every((x) => (typeof x === 'string' && x.trim() !== '') || isEvidenceFile(x))
        ? null
        : 'at least one piece of verifiable evidence (可验证成果) is required',
    );
  },
  validResumption: (context, event) => {
    const e = event as Of<'RESUME_RECTIFICATION'>;
    return (
      requireInstant(e.deadline, 'deadline') ??
      requireAfter(e.deadline, e.at, 'the new deadline must be in the future')
    );
  },
  validTag: (context, event) => {
    const tag = (event as Of<'ADD_TAG'>).tag;
    if (requireText(tag, 'tag')) return 'tag is required';
    return context.tags.includes(tag) ? `the item already carries the tag ${tag}` : null;
  },
  validComplaint: (_context, event) =>
    requireInstant((event as Of<'RECORD_COMPLAINT'>).receivedAt, 'receivedAt'),
  validSuppression: (_context, event) => {
    const e = event as Of<'RECORD_SUPPRESSION'>;
    return (
      requireText(e.ruleId, 'ruleId') ??
      requireText(e.reason, 'reason') ??
      (Array.isArray(e.suppressed) && Array.isArray(e.flagged)
        ? null
        : 'suppressed and flagged must be lists')
    );
  },
};
