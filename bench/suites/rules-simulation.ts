import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import { simulate } from '../../src/escalation/simulation';
import { buildSimulationReport } from '../../src/escalation/simulation-report';
import { startItem, stepItem, type ItemReplayState } from '../../src/machines/item-stepper';
import type { ItemInput } from '../../src/machines/item-types';
import { currentDefinition } from '../../src/machines/registry';
import {
  campaignHistory,
  readOnlySnapshot,
  recordedIssueTriggers,
  recordedRuleSweeps,
} from '../../src/persistence/campaign-history';
import type { Database } from '../../src/persistence/database';
import { canonicalEventBody, chainHash, GENESIS_HASH } from '../../src/persistence/event-hash';
import { compileRuleSet, type RuleSet } from '../../src/rules';
import { createRuntime } from '../../src/runtime/runtime';
import { ManualClock } from '../../src/shared/clock';
import { copyText, EVENT_COLUMNS, STREAM_COLUMNS } from '../support/copy-rows';
import { throwawayPostgres } from '../support/databases';
import type { BenchMetric } from '../types';

/**
 * Issue 10 benchmark: simulate a campaign of 100,000 items and 1,000,000 events under the 30 bench rules
 * (< 30 s), against replaying the same history with a rule set of no rules in the same run (the same reads,
 * the same replay and sweep walk, no evaluation). `ZZ_BENCH_SIM_ITEMS` scales it down for dev runs.
 *
 * The history is generated in time order (items registered over 30 days, ten events each over about five
 * weeks: verification, confirmation, rectification with progress notes, a complaint or a tag for some, the
 * scheduler's overdue mark for the late third, submission and acceptance), stepped through the item machine
 * (item-stepper.ts) and hash-chained per stream, then COPY-loaded. Stream heads are left at registration: the
 * simulation reads only the events. No scheduler record exists, so every day is swept at the cadence instant.
 */

const ITEMS = Number(process.env.ZZ_BENCH_SIM_ITEMS ?? 100_000);
const UNITS = 20;
const VERSION = currentDefinition('item').version;
const DAY = 86_400_000;
const T0 = Date.parse('2023-04-10T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

interface Planned {
  day: number;
  type: string;
  payload: (i: number, at: string) => Record<string, unknown>;
  actor?: string;
}

const severities = ['minor', 'general', 'serious'];
const deadlineOf = (i: number) => iso(T0 + ((i % 30) + 25) * DAY);
const late = (i: number) => i % 3 === 0;

/** The ten events of item i after registration, by day offset from its registration day. */
function plan(i: number): Planned[] {
  const unit = `bench-u${i % UNITS}`;
  const events: Planned[] = [
    {
      day: 1,
      type: 'ASSIGN_VERIFICATION',
      payload: () => ({ unitId: unit, officerId: 'officer', deadline: iso(T0 + ((i % 30) + 15) * DAY) }),
    },
    {
      day: 3,
      type: 'CONFIRM',
      payload: () => ({
        category: 'non_standard',
        severity: severities[i % 3],
        findings: `查实 ${i}`,
        checklistItem: null,
      }),
    },
    {
      day: 5,
      type: 'START_RECTIFICATION',
      payload: () => ({
        manifestation: '随意拦车',
        measures: '开展培训',
        responsibleUnitId: unit,
        responsiblePerson: `person-${i % 500}`,
        deadline: deadlineOf(i),
      }),
    },
    { day: 8, type: 'RECORD_PROGRESS', payload: () => ({ note: `整改进展 ${i}`, evidence: [] }) },
    i % 7 === 0
      ? { day: 10, type: 'ADD_TAG', payload: () => ({ tag: i % 14 === 0 ? '负面舆情' : '首次轻微' }) }
      : { day: 10, type: 'RECORD_COMPLAINT', payload: (_i, at) => ({ receivedAt: at, note: '投诉' }) },
    { day: 12, type: 'RECORD_PROGRESS', payload: () => ({ note: `整改进展二 ${i}`, evidence: [] }) },
  ];
  if (late(i)) {
    events.push(
      {
        day: 25,
        type: 'RECTIFICATION_OVERDUE',
        payload: () => ({ deadline: deadlineOf(i) }),
        actor: 'system:scheduler',
      },
      {
        day: 45,
        type: 'SUBMIT_FOR_ACCEPTANCE',
        payload: () => ({ result: '已整改', evidence: ['报告.pdf'] }),
      },
    );
  } else {
    events.push(
      { day: 15, type: 'RECORD_PROGRESS', payload: () => ({ note: '基本完成', evidence: [] }) },
      {
        day: 20,
        type: 'SUBMIT_FOR_ACCEPTANCE',
        payload: () => ({ result: '已整改', evidence: ['报告.pdf'] }),
      },
    );
  }
  events.push({ day: events[events.length - 1]!.day + 2, type: 'ACCEPT', payload: () => ({ note: '销号' }) });
  return events;
}

/** Generates and loads the history under `rulesSource` (published); returns the campaign id and event count. */
export async function generateHistory(
  database: Database,
  rulesSource: string,
): Promise<{ campaignId: string; events: number }> {
  const clock = new ManualClock(iso(T0));
  const runtime = createRuntime(database, { clock });
  await runtime.directory.createUnit({ id: 'bench-city', name: '基准市', level: 'city' });
  for (let u = 0; u < UNITS; u++)
    await runtime.directory.createUnit({
      id: `bench-u${u}`,
      name: `基准县${u}`,
      level: 'county',
      parentId: 'bench-city',
    });
  const actor = { userId: 'bench', unitId: 'bench-city' };
  const campaign = await runtime.engine.create(
    'campaign',
    {
      name: '基准专项行动',
      unitId: 'bench-city',
      categories: [{ code: 'non_standard', label: '执法不规范' }],
      deadlines: { mobilize: iso(T0 + 200 * DAY) },
    },
    actor,
  );
  await runtime.ruleSets.publish(campaign.streamId, rulesSource, actor, iso(T0));
  const pool = database.pool();
  const copy = async (sql: string, rows: unknown[][]) => {
    if (rows.length === 0) return;
    const client = await pool.connect();
    try {
      await pipeline(Readable.from([copyText(rows)]), client.query(copyFrom(sql)));
    } finally {
      client.release();
    }
  };
  const states: ItemReplayState[] = new Array(ITEMS);
  const prev: string[] = new Array(ITEMS).fill(GENESIS_HASH);
  const plans: Planned[][] = new Array(ITEMS);
  const cursor = new Int32Array(ITEMS);
  const streamRows: unknown[][] = [];
  let count = 0;
  const hashed = (
    i: number,
    sequence: number,
    type: string,
    payload: Record<string, unknown>,
    at: string,
    actorId: string,
  ) => {
    const streamId = `item-${String(i).padStart(6, '0')}`;
    const body = canonicalEventBody({
      streamId,
      sequence,
      type,
      payload,
      actorId,
      unitId: 'bench-city',
      occurredAt: at,
      machineVersion: VERSION,
    });
    const hash = chainHash(prev[i]!, body);
    const row = [
      streamId,
      sequence,
      type,
      JSON.stringify(payload),
      actorId,
      'bench-city',
      at,
      at,
      VERSION,
      body,
      prev[i],
      hash,
    ];
    prev[i] = hash;
    count++;
    return row;
  };
  for (let day = 0; day < 30 + 50; day++) {
    const eventRows: unknown[][] = [];
    for (let i = 0; i < ITEMS; i++) {
      const registered = i % 30;
      const at = iso(T0 + day * DAY + 3_600_000 + i * 100);
      if (day === registered) {
        const streamId = `item-${String(i).padStart(6, '0')}`;
        const input = {
          itemId: streamId,
          campaignId: campaign.streamId,
          reportedUnitId: `bench-u${i % UNITS}`,
          source: 'hotline12328',
          description: `线索 ${i}`,
          receivedAt: at,
          at,
        };
        states[i] = startItem(input as ItemInput, VERSION);
        plans[i] = plan(i);
        streamRows.push([
          streamId,
          'item',
          VERSION,
          1,
          'registered',
          JSON.stringify({ status: 'active', value: 'registered', context: states[i]!.context }),
          campaign.streamId,
          `bench-u${i % UNITS}`,
          `/bench-city/bench-u${i % UNITS}/`,
          null,
          null,
          false,
          '0'.repeat(64),
          at,
          at,
        ]);
        eventRows.push(hashed(i, 1, 'REGISTER', input, at, 'bench'));
        continue;
      }
      const next = plans[i]?.[cursor[i]!];
      if (!next || registered + next.day !== day) continue;
      const payload = { ...next.payload(i, at), at };
      states[i] = stepItem(states[i]!, { type: next.type, payload, machineVersion: VERSION });
      cursor[i]!++;
      eventRows.push(hashed(i, cursor[i]! + 1, next.type, payload, at, next.actor ?? 'bench'));
    }
    await copy(`COPY streams (${STREAM_COLUMNS}) FROM STDIN`, streamRows.splice(0));
    await copy(`COPY events (${EVENT_COLUMNS}) FROM STDIN`, eventRows);
  }
  await database.dataSource.query('ANALYZE events');
  await database.dataSource.query('ANALYZE streams');
  return { campaignId: campaign.streamId, events: count };
}

/** One timed simulation of the campaign under `ruleSet`, with the whole report (for equality checks). */
export async function timedSimulation(
  database: Database,
  campaignId: string,
  ruleSet: RuleSet,
): Promise<{
  seconds: number;
  summary: unknown;
  evaluations: number;
  events: number;
  report: ReturnType<typeof buildSimulationReport>;
}> {
  const started = process.hrtime.bigint();
  const report = await readOnlySnapshot(database, async (db) => {
    const outcome = await simulate({
      campaignId,
      ruleSet,
      history: campaignHistory(db, campaignId, 20_000),
      recordedSweeps: await recordedRuleSweeps(db, campaignId),
      recordedIssueTriggers: await recordedIssueTriggers(db, campaignId),
      from: null,
      to: null,
    });
    return buildSimulationReport(outcome, {
      candidate: {
        ruleSetId: ruleSet.id,
        version: ruleSet.version,
        ruleCount: ruleSet.rules.length,
        fileName: 'bench',
        sourceSha256: '',
      },
      published: [],
    });
  });
  return {
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    summary: report.summary,
    evaluations: report.evaluated.evaluations,
    events: report.evaluated.events,
    report,
  };
}

/** The simulation metric of `npm run bench -- rules`. */
export async function simulationBench(rulesSource: string): Promise<BenchMetric[]> {
  const database = await throwawayPostgres(4);
  try {
    const genStarted = process.hrtime.bigint();
    const { campaignId, events } = await generateHistory(database, rulesSource);
    const genSeconds = Number(process.hrtime.bigint() - genStarted) / 1e9;
    console.log(`  simulation: generated ${events} events over ${ITEMS} items in ${genSeconds.toFixed(1)} s`);
    const candidate = compileRuleSet(rulesSource, 'bench-30.rules');
    const empty = compileRuleSet('规则集 no-rules 版本 1\n', 'empty.rules');
    if (!candidate.ok || !empty.ok) throw new Error('bench rule sets do not compile');
    const baseline = await timedSimulation(database, campaignId, empty.ruleSet);
    const run = await timedSimulation(database, campaignId, candidate.ruleSet);
    console.log(`  simulation: ${JSON.stringify(run.summary)}, ${run.evaluations} evaluations`);
    const full = ITEMS >= 100_000;
    return [
      {
        metric: `what-if simulation: ${ITEMS} items, ${run.events} events, 30 rules (${run.evaluations} evaluations)`,
        value: run.seconds,
        unit: 's',
        baseline: {
          name: 'replay of the same history with a rule set of no rules (same reads, replay and sweep walk)',
          value: baseline.seconds,
        },
        ratio: run.seconds / baseline.seconds,
        target: full
          ? '< 30 s at 100,000 items / 1,000,000 events'
          : `dev size (ZZ_BENCH_SIM_ITEMS=${ITEMS}); target is for 100,000 items`,
        met: full ? run.seconds < 30 : undefined,
      },
      { metric: `what-if simulation: generate and COPY-load ${events} events`, value: genSeconds, unit: 's' },
    ];
  } finally {
    await database.close();
  }
}
