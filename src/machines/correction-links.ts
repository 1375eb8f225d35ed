/**
 * How the events of one item's history point at each other through audited corrections
 * (item-corrections.ts): a REQUEST_CORRECTION names the event it corrects (`corrects`), the next
 * APPROVE_CORRECTION or REFUSE_CORRECTION decides that request (one correction is pending at a time), and
 * an approved correction marks the corrected event. Pure, read from the events alone, so the timeline, the
 * item history, the CLI and the console all show the same links.
 */

/** The links of one event; only the fields that apply are present. */
export interface CorrectionLink {
  /** On a correction event (request, approval, refusal): the sequence of the event it corrects. */
  corrects?: number;
  /** On an approval or refusal: the sequence of the request it decides. */
  request?: number;
  /** On a request: the event that decided it, or absent while it waits. */
  decidedBy?: { sequence: number; outcome: 'approved' | 'refused' };
  /** On a corrected event: the approvals that corrected it, oldest first. */
  correctedBy?: number[];
  /** On an event with a correction waiting for approval: the request's sequence. */
  correctionPending?: number;
}

/** The minimum of an event the links need. */
export interface LinkableEvent {
  sequence: number;
  type: string;
  payload: Record<string, unknown>;
}

const DECISIONS: Readonly<Record<string, 'approved' | 'refused'>> = {
  APPROVE_CORRECTION: 'approved',
  REFUSE_CORRECTION: 'refused',
};

/** The correction links of a stream's events, by sequence; events without a link are absent. */
export function correctionLinks(events: readonly LinkableEvent[]): Map<number, CorrectionLink> {
  const links = new Map<number, CorrectionLink>();
  const at = (sequence: number): CorrectionLink => {
    let link = links.get(sequence);
    if (!link) links.set(sequence, (link = {}));
    return link;
  };
  let pending: { sequence: number; corrects: number } | null = null;
  for (const event of events) {
    if (event.type === 'REQUEST_CORRECTION' && typeof event.payload.corrects === 'number') {
      pending = { sequence: event.sequence, corrects: event.payload.corrects };
      at(event.sequence).corrects = pending.corrects;
      continue;
    }
    const outcome = DECISIONS[event.type];
    if (!outcome || !pending) continue;
    Object.assign(at(event.sequence), { corrects: pending.corrects, request: pending.sequence });
    at(pending.sequence).decidedBy = { sequence: event.sequence, outcome };
    if (outcome === 'approved') {
      const corrected = at(pending.corrects);
      corrected.correctedBy = [...(corrected.correctedBy ?? []), event.sequence];
    }
    pending = null;
  }
  if (pending) at(pending.corrects).correctionPending = pending.sequence;
  return links;
}
