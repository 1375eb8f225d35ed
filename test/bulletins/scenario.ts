import type { Runtime } from '../../src/runtime/runtime';
import type { ManualClock } from '../../src/shared/clock';
import { officer } from '../support/fixtures';
import { seededRandom } from '../../src/shared/seeded-random';

/** What the test itself records after each accepted command: the engine's resulting state and the deadline it set. */
export interface LogEntry {
  itemId: string;
  campaignId: string;
  at: string;
  type: string;
  state: string;
  deadline: string | null;
  longTerm: boolean;
  category: string | null;
}

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Drives `count` items of a campaign through random but seeded lives (left registered, overdue in
 * verification, dismissed with two sign-offs, transferred, rectified and accepted, extended, carried into
 * long-term), at instants spread over April–June 2023, and returns the test's own log of what happened.
 */
export async function runScenario(
  runtime: Runtime & { clock: ManualClock },
  campaignId: string,
  units: string[],
  count: number,
  seed: number,
): Promise<{ log: LogEntry[]; finalUnit: Map<string, string> }> {
  const random = seededRandom(seed);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  const log: LogEntry[] = [];
  const finalUnit = new Map<string, string>();
  const categories = ['profit_driven', 'non_standard', 'rigid', 'rough'];
  for (let n = 0; n < count; n++) {
    const start = Date.parse('2023-04-01T01:00:00.000Z') + Math.floor(random() * 60) * DAY;
    const unit = pick(units);
    let deadline: string | null = null;
    let longTerm = false;
    let category: string | null = null;
    let t = start;
    runtime.clock.set(iso(t));
    const created = await runtime.engine.create(
      'item',
      {
        campaignId,
        reportedUnitId: unit,
        source: 'hotline12328',
        description: `线索 ${n}`,
        receivedAt: iso(t),
      },
      officer,
    );
    const id = created.streamId;
    finalUnit.set(id, unit);
    log.push({
      itemId: id,
      campaignId,
      at: iso(t),
      type: 'REGISTER',
      state: created.state,
      deadline,
      longTerm,
      category,
    });
    const run = async (days: number, command: Record<string, unknown> & { type: string }) => {
      t += days * DAY;
      runtime.clock.set(iso(t));
      const result = await runtime.engine.execute(id, command, officer);
      log.push({
        itemId: id,
        campaignId,
        at: iso(t),
        type: command.type,
        state: result.state,
        deadline,
        longTerm,
        category,
      });
    };
    const fate = random();
    if (fate < 0.1) continue;
    deadline = iso(t + (1 + 10) * DAY);
    await run(1, { type: 'ASSIGN_VERIFICATION', unitId: unit, officerId: 'u-officer', deadline });
    if (fate < 0.2) continue;
    if (fate < 0.3) {
      await run(2, { type: 'PROPOSE_DISMISSAL', reason: '查无实据', handlerId: 'u-officer' });
      await run(1 + Math.floor(random() * 5), {
        type: 'APPROVE_DISMISSAL',
        principalId: 'u-principal',
        principalOfUnitId: unit,
      });
      continue;
    }
    if (fate < 0.37) {
      await run(2, { type: 'TRANSFER', to: '公安机关', reason: '涉嫌违法犯罪' });
      continue;
    }
    category = pick(categories);
    await run(2, { type: 'CONFIRM', category, severity: 'general', findings: '查实' });
    const responsible = pick(units);
    deadline = iso(t + (1 + 10 + Math.floor(random() * 30)) * DAY);
    await run(1, {
      type: 'START_RECTIFICATION',
      manifestation: `问题表现 ${n}`,
      measures: '整改',
      responsibleUnitId: responsible,
      responsiblePerson: '负责人',
      deadline,
    });
    finalUnit.set(id, responsible);
    const next = random();
    if (next < 0.25) continue;
    if (next < 0.4) {
      deadline = iso(Date.parse(deadline) + 20 * DAY);
      await run(5, { type: 'EXTEND_DEADLINE', deadline, reason: '情况复杂' });
      continue;
    }
    if (next < 0.5) {
      longTerm = true;
      await run(5, { type: 'MARK_LONG_TERM', currentResult: '阶段性完成', longTermMeasures: '长期推进' });
      continue;
    }
    await run(3 + Math.floor(random() * 20), {
      type: 'SUBMIT_FOR_ACCEPTANCE',
      result: '已整改',
      evidence: ['照片.jpg'],
    });
    await run(1 + Math.floor(random() * 5), { type: 'ACCEPT' });
  }
  return { log, finalUnit };
}

/** The test's own state groups (the bulletin's definitions, README "ledgers"). */
const groups: Record<string, string[]> = {
  verifying: ['registered', 'verifying', 'dismissalPending'],
  rectifying: ['confirmed', 'rectifying', 'awaitingAcceptance', 'reopened'],
  closed: ['closed', 'lookBack'],
  dismissed: ['dismissed'],
  transferred: ['transferred'],
};

/** Counts from the log alone: the latest entry of each item at or before `at`. */
export function expectedFigures(
  log: LogEntry[],
  at: string,
  keep: (entry: LogEntry) => boolean = () => true,
): Record<string, number> {
  const latest = new Map<string, LogEntry>();
  for (const entry of log) if (Date.parse(entry.at) <= Date.parse(at)) latest.set(entry.itemId, entry);
  const figures: Record<string, number> = {
    clues: 0,
    verifying: 0,
    confirmed: 0,
    dismissed: 0,
    transferred: 0,
    rectifying: 0,
    closed: 0,
    overdue: 0,
  };
  for (const entry of latest.values()) {
    if (!keep(entry)) continue;
    figures.clues! += 1;
    for (const [group, states] of Object.entries(groups))
      if (states.includes(entry.state)) figures[group]! += 1;
    if (groups.rectifying!.includes(entry.state) || groups.closed!.includes(entry.state))
      figures.confirmed! += 1;
    if (
      ['verifying', 'rectifying'].includes(entry.state) &&
      entry.deadline &&
      Date.parse(entry.deadline) < Date.parse(at) &&
      !entry.longTerm
    )
      figures.overdue! += 1;
  }
  return figures;
}
