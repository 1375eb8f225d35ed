import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { campaignTemplates } from '../../src/machines/campaign-templates';
import type { Runtime } from '../../src/runtime/runtime';
import { runConcurrently } from './databases';

/**
 * The workload officers send, for the engine and API suites: a campaign with the Xining seed rule set
 * published (unless `rules: false`), items spread over 50 units in every state of the usual path, and a
 * mix of the commands officers send — progress, ledger updates, complaints, submissions, acceptances and
 * rejections, and the verification steps of new items — each command the one the item's state calls for.
 */
export const UNIT_COUNT = 50;
export const supervisor = { userId: 'u-supervisor', unitId: 'bench-city' };
export const unitIds = Array.from({ length: UNIT_COUNT }, (_, i) => `bench-unit-${i}`);
export const officerOf = (unitId: string) => ({ userId: `u-officer-${unitId}`, unitId });

/** The states the seed spreads items over, and the commands that take an item from each to the next. */
const PATH = ['registered', 'verifying', 'confirmed', 'rectifying', 'awaitingAcceptance', 'closed'] as const;
type PathState = (typeof PATH)[number];

export interface WorkloadItem {
  id: string;
  unitId: string;
  state: PathState;
  /** How many commands this item has had (drives the mix in `rectifying`). */
  turns: number;
  /** How many of its submissions were sent back. */
  rejections: number;
}

const FAR = '2030-12-31T00:00:00.000Z';

/** The command an officer sends next to an item in `state`; mutates the item's tracked state. */
export function nextCommand(item: WorkloadItem): Record<string, unknown> & { type: string } {
  const turn = item.turns++;
  switch (item.state) {
    case 'registered':
      item.state = 'verifying';
      return {
        type: 'ASSIGN_VERIFICATION',
        unitId: item.unitId,
        officerId: `u-officer-${item.unitId}`,
        deadline: FAR,
      };
    case 'verifying':
      item.state = 'confirmed';
      return {
        type: 'CONFIRM',
        category: 'non_standard',
        severity: 'general',
        findings: '查实',
        checklistItem: 2,
      };
    case 'confirmed':
      item.state = 'rectifying';
      return {
        type: 'START_RECTIFICATION',
        manifestation: '随意拦车',
        measures: '开展培训',
        responsibleUnitId: item.unitId,
        responsiblePerson: '张三',
        deadline: FAR,
      };
    case 'rectifying': {
      // Several commands in rectification for each submission, as in the ledgers.
      const step = turn % 4;
      if (step === 0) return { type: 'RECORD_PROGRESS', note: '整改推进中', evidence: ['照片.jpg'] };
      if (step === 1) return { type: 'UPDATE_LEDGER', measures: '开展培训并建立制度' };
      if (step === 2) return { type: 'RECORD_COMPLAINT', receivedAt: '2023-05-20T00:00:00.000Z' };
      item.state = 'awaitingAcceptance';
      return { type: 'SUBMIT_FOR_ACCEPTANCE', result: '已完成', evidence: ['材料.pdf'] };
    }
    case 'awaitingAcceptance':
      // The first submission goes back with a reason (验收退回), the next is accepted (销号).
      if (item.rejections === 0) {
        item.rejections++;
        item.state = 'rectifying';
        return { type: 'REJECT', reason: '证据不足' };
      }
      item.state = 'closed';
      return { type: 'ACCEPT', note: '验收通过' };
    case 'closed':
      return { type: 'RECORD_COMPLAINT', receivedAt: '2023-06-01T00:00:00.000Z' };
  }
}

/** The 50 units under a city bureau, and a campaign over them; with the seed rules when `rules`. */
export async function seedCampaign(runtime: Runtime, rules: boolean): Promise<string> {
  await runtime.directory.createUnit({ id: 'bench-city', name: '市局', level: 'city' });
  for (const [i, id] of unitIds.entries())
    await runtime.directory.createUnit({
      id,
      name: `第${i + 1}执法大队`,
      level: 'county',
      parentId: 'bench-city',
    });
  const template = campaignTemplates['xining-2023']!;
  const campaign = await runtime.engine.create('campaign', { ...template, unitId: 'bench-city' }, supervisor);
  if (rules) {
    const source = readFileSync(join(process.cwd(), 'rules', 'xining-2023.rules'), 'utf8');
    await runtime.ruleSets.publish(campaign.streamId, source, supervisor, '2023-04-01T00:00:00.000Z');
  }
  return campaign.streamId;
}

/**
 * `count` items over the 50 units, walked to the states of the path in turn (registered, verifying, …,
 * closed), so the measured run meets every state.
 */
export async function seedItems(
  runtime: Runtime,
  campaignId: string,
  count: number,
): Promise<WorkloadItem[]> {
  const items: WorkloadItem[] = [];
  await runConcurrently(count, 10, async (i) => {
    const unitId = unitIds[i % UNIT_COUNT]!;
    const officer = officerOf(unitId);
    const created = await runtime.engine.create(
      'item',
      {
        campaignId,
        reportedUnitId: unitId,
        source: 'hotline12328',
        description: `线索 ${i}`,
        receivedAt: '2023-04-09T00:00:00.000Z',
      },
      officer,
    );
    const item: WorkloadItem = { id: created.streamId, unitId, state: 'registered', turns: 0, rejections: 0 };
    const target = PATH[i % PATH.length]!;
    while (item.state !== target) await runtime.engine.execute(item.id, nextCommand(item), officer);
    items[i] = item;
  });
  return items;
}

/**
 * Runs `count` officer commands on `concurrency` workers, round-robin over the items (so concurrent
 * commands hit different streams); returns elapsed seconds.
 */
export function runOfficerCommands(
  runtime: Runtime,
  items: WorkloadItem[],
  count: number,
  concurrency: number,
  offset = 0,
): Promise<number> {
  return runConcurrently(count, concurrency, async (i) => {
    const item = items[(offset + i) % items.length]!;
    await runtime.engine.execute(item.id, nextCommand(item), officerOf(item.unitId));
  });
}
