import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import { buildBulletin } from '../../src/bulletins/bulletin';
import { createRuntime, type Runtime } from '../../src/runtime/runtime';
import { cellDateOf } from '../../src/ledgers/cells';
import { exportRectificationLedger } from '../../src/ledgers/ledger-export';
import { importRectificationLedger } from '../../src/ledgers/ledger-import';
import { xiningLedgerLayout } from '../../src/ledgers/vocabulary';
import { LedgerSheetWriter } from '../../src/ledgers/workbook-writer';
import { campaignTemplates } from '../../src/machines/campaign-templates';
import { currentDefinition } from '../../src/machines/registry';
import { start, step, type PersistedState } from '../../src/machines/step';
import { openDatabase } from '../../src/persistence/database';
import { canonicalEventBody, chainHash, GENESIS_HASH } from '../../src/persistence/event-hash';
import { ManualClock } from '../../src/shared/clock';
import type { BenchMetric, BenchSuite } from '../types';
import { throwawayPostgres } from '../support/databases';
import { seededRandom } from '../../src/shared/seeded-random';

const DAY = 86_400_000;
const NOW = Date.parse('2023-10-31T00:00:00.000Z');
const actor = { userId: 'bench-officer', unitId: 'bc' };

/** Sample values the template lives are run with; each is replaced per item (unique strings). */
const T = (k: number) => `2001-01-0${k}T00:00:00.000Z`;
const TPL = {
  item: 'TPLITEM',
  campaign: 'TPLCAMP',
  unit: 'TPLUNIT',
  category: 'TPLCAT',
  description: 'TPLDESC',
  received: '2000-12-31T00:00:00.000Z',
  verifyBy: '2002-01-01T00:00:00.000Z',
  rectifyBy: '2002-02-01T00:00:00.000Z',
};

export type Fate =
  'registered' | 'verifying' | 'dismissed' | 'transferred' | 'rectifying' | 'closed' | 'longTerm';

interface TemplateLife {
  fate: Fate;
  state: PersistedState;
  events: Array<{ type: string; payload: Record<string, unknown> }>;
}

/**
 * Runs one life per fate through the pure machine functions (`start`/`step`), with sample values that
 * are then replaced per item: the bulk fixture holds the snapshots the machine itself computes.
 */
export function templateLives(): Map<Fate, TemplateLife> {
  const definition = currentDefinition('item');
  const commands: Record<Fate, Array<Record<string, unknown> & { type: string }>> = {
    registered: [],
    verifying: [
      { type: 'ASSIGN_VERIFICATION', unitId: TPL.unit, officerId: 'bench-officer', deadline: TPL.verifyBy },
    ],
    dismissed: [],
    transferred: [],
    rectifying: [],
    closed: [],
    longTerm: [],
  };
  const confirmAndStart = [
    ...commands.verifying,
    { type: 'CONFIRM', category: TPL.category, severity: 'general', findings: '查实' },
    {
      type: 'START_RECTIFICATION',
      manifestation: TPL.description,
      measures: '制定整改方案，开展培训',
      responsibleUnitId: TPL.unit,
      responsiblePerson: '负责人',
      deadline: TPL.rectifyBy,
    },
    { type: 'RECORD_PROGRESS', note: '已完成阶段性整改' },
  ];
  commands.dismissed = [
    ...commands.verifying,
    { type: 'PROPOSE_DISMISSAL', reason: '查无实据', handlerId: 'bench-officer' },
    { type: 'APPROVE_DISMISSAL', principalId: 'bench-principal', principalOfUnitId: TPL.unit },
  ];
  commands.transferred = [...commands.verifying, { type: 'TRANSFER', to: '公安机关', reason: '涉嫌犯罪' }];
  commands.rectifying = confirmAndStart;
  commands.closed = [
    ...confirmAndStart,
    { type: 'SUBMIT_FOR_ACCEPTANCE', result: '整改完成', evidence: ['照片.jpg'] },
    { type: 'ACCEPT' },
  ];
  commands.longTerm = [
    ...confirmAndStart,
    { type: 'MARK_LONG_TERM', currentResult: '阶段性完成', longTermMeasures: '长期推进' },
  ];
  const lives = new Map<Fate, TemplateLife>();
  for (const fate of Object.keys(commands) as Fate[]) {
    const input = {
      itemId: TPL.item,
      campaignId: TPL.campaign,
      reportedUnitId: TPL.unit,
      source: 'hotline12328',
      description: TPL.description,
      receivedAt: TPL.received,
      at: T(1),
    };
    const started = start(definition, input);
    if (!started.ok) throw new Error(started.rejection.message);
    let state = started.state;
    const { at: _at, ...registration } = input;
    const events: TemplateLife['events'] = [{ type: 'REGISTER', payload: { ...registration, at: T(1) } }];
    commands[fate].forEach((command, index) => {
      const event = { ...command, at: T(index + 2) };
      const result = step(definition, state, event);
      if (!result.ok) throw new Error(`${fate}: ${result.rejection.message}`);
      state = result.state;
      const { type, ...payload } = event;
      events.push({ type, payload });
    });
    lives.set(fate, { fate, state, events });
  }
  return lives;
}

/** One generated item: which life, and the values that replace the template's samples. */
interface ItemPlan {
  id: string;
  fate: Fate;
  unit: string;
  unitPath: string;
  category: string;
  number: number;
  times: string[];
  verifyBy: string;
  rectifyBy: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const copyEscape = (text: string) => text.replace(/\\/g, '\\\\');

const TEMPLATE_SAMPLES = [
  TPL.item,
  TPL.campaign,
  TPL.unit,
  TPL.category,
  TPL.description,
  TPL.received,
  TPL.verifyBy,
  TPL.rectifyBy,
  ...[1, 2, 3, 4, 5, 6, 7].map(T),
];
const SAMPLE_PATTERN = new RegExp(
  TEMPLATE_SAMPLES.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
  'g',
);

function replacer(plan: ItemPlan, campaignId: string): (text: string) => string {
  const values = new Map<string, string>([
    [TPL.item, plan.id],
    [TPL.campaign, campaignId],
    [TPL.unit, plan.unit],
    [TPL.category, plan.category],
    [TPL.description, `问题 ${plan.number}：执法人员随意拦车`],
    [TPL.received, plan.times[0]!],
    [TPL.verifyBy, plan.verifyBy],
    [TPL.rectifyBy, plan.rectifyBy],
    ...plan.times.map((t, k) => [T(k + 1), t] as [string, string]),
  ]);
  return (text) => text.replace(SAMPLE_PATTERN, (match) => values.get(match) ?? match);
}

/** Writes items as stream heads and hash-chained events with COPY, in chunks (memory stays flat). */
export async function bulkInsert(
  client: PoolClient,
  lives: Map<Fate, TemplateLife>,
  campaignId: string,
  plans: (i: number) => ItemPlan,
  count: number,
): Promise<void> {
  const chunk = 5000;
  for (let first = 0; first < count; first += chunk) {
    const streamLines: string[] = [];
    const eventLines: string[] = [];
    for (let i = first; i < Math.min(count, first + chunk); i++) {
      const plan = plans(i);
      const life = lives.get(plan.fate)!;
      const replace = replacer(plan, campaignId);
      const snapshot = JSON.parse(replace(JSON.stringify(life.state))) as PersistedState;
      snapshot.context = { ...(snapshot.context as object), ledgerNumber: plan.number };
      let hash = GENESIS_HASH;
      life.events.forEach((event, index) => {
        const payload = JSON.parse(replace(JSON.stringify(event.payload))) as Record<string, unknown>;
        if (event.type === 'REGISTER') payload.ledgerNumber = plan.number;
        const occurredAt = plan.times[index]!;
        const fields = {
          streamId: plan.id,
          sequence: index + 1,
          type: event.type,
          payload,
          actorId: 'bench-officer',
          unitId: plan.unit,
          occurredAt,
          machineVersion: 1,
        };
        const body = canonicalEventBody(fields);
        const prev = hash;
        hash = chainHash(prev, body);
        eventLines.push(
          [
            plan.id,
            index + 1,
            event.type,
            copyEscape(JSON.stringify(payload)),
            'bench-officer',
            plan.unit,
            occurredAt,
            occurredAt,
            1,
            copyEscape(body),
            prev,
            hash,
          ].join('\t'),
        );
      });
      const state = snapshot.value;
      const confirmed = ['rectifying', 'closed', 'longTerm'].includes(plan.fate);
      const deadline =
        state === 'verifying' ? plan.verifyBy : state === 'rectifying' ? plan.rectifyBy : '\\N';
      const last = plan.times[life.events.length - 1]!;
      streamLines.push(
        [
          plan.id,
          'item',
          1,
          life.events.length,
          state,
          copyEscape(JSON.stringify(snapshot)),
          campaignId,
          plan.unit,
          plan.unitPath,
          confirmed ? plan.category : '\\N',
          deadline,
          'f',
          hash,
          plan.times[0],
          last,
        ].join('\t'),
      );
    }
    await pipeline(
      Readable.from([streamLines.join('\n') + '\n']),
      client.query(
        copyFrom(
          'COPY streams (stream_id, stream_type, machine_version, version, state, snapshot, campaign_id, unit_id, unit_path, category, deadline, overdue, last_hash, created_at, updated_at) FROM STDIN',
        ),
      ),
    );
    await pipeline(
      Readable.from([eventLines.join('\n') + '\n']),
      client.query(
        copyFrom(
          'COPY events (stream_id, sequence, type, payload, actor_id, unit_id, occurred_at, recorded_at, machine_version, body, prev_hash, hash) FROM STDIN',
        ),
      ),
    );
  }
}

const units = Array.from({ length: 10 }, (_, c) =>
  Array.from({ length: 5 }, (_, d) => ({ id: `bc-c${c}-d${d}`, path: `/bc/bc-c${c}/bc-c${c}-d${d}/` })),
).flat();
const categoryCodes = campaignTemplates['xining-2023']!.categories.map((c) => c.code);

/** A seeded item plan: which life, which unit and category, and when each of its events happened. */
export function planner(
  prefix: string,
  seed: number,
  fates: Array<[Fate, number]>,
  numberOffset: number,
): (i: number) => ItemPlan {
  return (i) => {
    const random = seededRandom(seed * 1_000_003 + i);
    let roll = random();
    const fate = fates.find(([, share]) => (roll -= share) < 0)?.[0] ?? fates[0]![0];
    const unit = units[Math.floor(random() * units.length)]!;
    const eventCount = {
      registered: 1,
      verifying: 2,
      dismissed: 4,
      transferred: 3,
      rectifying: 5,
      closed: 7,
      longTerm: 6,
    }[fate];
    // Registered over the 180 days before NOW, later events closer together near NOW: every event is
    // before NOW, and items registered lately change inside (and after) the reporting period.
    const t0 = NOW - Math.floor(random() * 180 * DAY) - 3_600_000;
    const gap = Math.min(10 * DAY, (NOW - t0) / eventCount);
    const times = [iso(t0)];
    for (let k = 1; k < eventCount; k++)
      times.push(iso(Date.parse(times[k - 1]!) + 1 + Math.floor(random() * gap)));
    return {
      id: `${prefix}-${String(i).padStart(7, '0')}`,
      fate,
      unit: unit.id,
      unitPath: unit.path,
      category: categoryCodes[Math.floor(random() * categoryCodes.length)]!,
      number: numberOffset + i + 1,
      times,
      verifyBy: iso(Date.parse(times[1] ?? times[0]!) + 10 * DAY),
      rectifyBy: iso(Date.parse(times[3] ?? times[0]!) + (10 + Math.floor(random() * 50)) * DAY),
    };
  };
}

export async function setUpDirectory(runtime: Runtime): Promise<void> {
  await runtime.directory.createUnit({ id: 'bc', name: '市交通运输局', level: 'city' });
  for (let c = 0; c < 10; c++) {
    await runtime.directory.createUnit({
      id: `bc-c${c}`,
      name: `第${c + 1}县交通运输局`,
      level: 'county',
      parentId: 'bc',
    });
    for (let d = 0; d < 5; d++)
      await runtime.directory.createUnit({
        id: `bc-c${c}-d${d}`,
        name: `第${c + 1}县执法大队${d + 1}中队`,
        level: 'detachment',
        parentId: `bc-c${c}`,
      });
  }
}

interface WorkerTask {
  task: 'export' | 'import';
  url: string;
  campaignId: string;
  file: string;
}

interface WorkerResult {
  seconds: number;
  rows: number;
  maxRssMb: number;
  detail: string;
}

/** Runs one export or import in a child process, so that its peak RSS is its own. */
function inWorker(task: WorkerTask): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [], {
      env: { ...process.env, ZZ_LEDGERS_BENCH_WORKER: JSON.stringify(task) },
    });
    child.once('message', (message) => resolve(message as WorkerResult));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? undefined : reject(new Error(`ledgers bench worker exited with ${code}`)),
    );
  });
}

async function runWorker(task: WorkerTask): Promise<void> {
  const database = await openDatabase({ url: task.url, migrate: false, poolSize: 4 });
  const runtime = createRuntime(database, { clock: new ManualClock(iso(NOW)) });
  const started = process.hrtime.bigint();
  let rows: number;
  let detail = '';
  if (task.task === 'export')
    rows = (await exportRectificationLedger(runtime, task.file, { campaignId: task.campaignId })).rows;
  else {
    const report = await importRectificationLedger(runtime, task.file, {
      campaignId: task.campaignId,
      actor,
    });
    rows = report.rows;
    detail = `${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.problems.length} problems`;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await database.close();
  process.send!({
    seconds,
    rows,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    detail,
  } satisfies WorkerResult);
}

/** A sheet of `count` new rows (numbers after every existing one) in the Xining layout. */
async function newRowsSheet(file: string, count: number, firstNumber: number): Promise<void> {
  const writer = new LedgerSheetWriter(file, xiningLedgerLayout, {
    dateLabel: '2023年10月31日',
    issuerName: '市交通运输局',
  });
  const labels = campaignTemplates['xining-2023']!.categories.map((c) => c.label);
  for (let i = 0; i < count; i++) {
    writer.addRow([
      firstNumber + i,
      labels[i % labels.length]!,
      `新发现问题 ${i}`,
      '开展专项整改',
      `第${(i % 10) + 1}县交通运输局`,
      cellDateOf('2023-12-31'),
      `已完成第一阶段 ${i}`,
      null,
    ]);
  }
  await writer.close();
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Ledgers and bulletins on PostgreSQL: a 100,000-row 整改工作台账 exported (streaming) and re-imported
 * (validation of every row, nothing to change), 10,000 new rows imported through the engine (extrapolated
 * to 100,000), and a bulletin over 1,000,000 items.
 */
export const ledgersSuite: BenchSuite = {
  name: 'ledgers',
  async run(): Promise<BenchMetric[]> {
    const ledgerRows = Number(process.env.ZZ_BENCH_LEDGER_ROWS ?? 100_000);
    const bulletinItems = Number(process.env.ZZ_BENCH_BULLETIN_ITEMS ?? 1_000_000);
    const importRows = Number(process.env.ZZ_BENCH_IMPORT_ROWS ?? 10_000);
    const database = await throwawayPostgres(10);
    const dir = mkdtempSync(join(tmpdir(), 'zz-bench-ledgers-'));
    const metrics: BenchMetric[] = [];
    try {
      const runtime = createRuntime(database, { clock: new ManualClock(iso(NOW)) });
      await setUpDirectory(runtime);
      const template = campaignTemplates['xining-2023']!;
      const ledgerCampaign = (
        await runtime.engine.create('campaign', { ...template, unitId: 'bc' }, actor, {
          at: '2023-04-01T00:00:00.000Z',
        })
      ).streamId;
      const cityCampaign = (
        await runtime.engine.create('campaign', { ...template, name: '市专项整治', unitId: 'bc' }, actor, {
          at: '2023-04-01T00:00:00.000Z',
        })
      ).streamId;
      const countyCampaign = (
        await runtime.engine.create(
          'campaign',
          { ...template, name: '县专项整治', unitId: 'bc-c0', parentCampaignId: cityCampaign },
          actor,
          { at: '2023-04-01T00:00:00.000Z' },
        )
      ).streamId;
      const lives = templateLives();
      const client = await database.pool().connect();
      const fixtureStarted = Date.now();
      try {
        await bulkInsert(
          client,
          lives,
          ledgerCampaign,
          planner(
            'lg',
            1,
            [
              ['rectifying', 0.6],
              ['closed', 0.3],
              ['longTerm', 0.1],
            ],
            0,
          ),
          ledgerRows,
        );
        const everything: Array<[Fate, number]> = [
          ['registered', 0.05],
          ['verifying', 0.1],
          ['dismissed', 0.1],
          ['transferred', 0.05],
          ['rectifying', 0.35],
          ['closed', 0.3],
          ['longTerm', 0.05],
        ];
        const countyShare = Math.floor(bulletinItems / 10);
        await bulkInsert(
          client,
          lives,
          cityCampaign,
          planner('bt', 2, everything, 0),
          bulletinItems - countyShare,
        );
        await bulkInsert(client, lives, countyCampaign, planner('bk', 3, everything, 0), countyShare);
        await client.query('VACUUM ANALYZE streams');
        await client.query('VACUUM ANALYZE events');
      } finally {
        client.release();
      }
      console.log(
        `  (fixture: ${ledgerRows + bulletinItems} items with their events written by COPY in ${((Date.now() - fixtureStarted) / 1000).toFixed(1)} s)`,
      );

      const exportFile = join(dir, 'ledger-100k.xlsx');
      const exported = await inWorker({
        task: 'export',
        url: database.url,
        campaignId: ledgerCampaign,
        file: exportFile,
      });
      metrics.push(
        {
          metric: `export ${exported.rows} rows: time`,
          value: exported.seconds,
          unit: 's',
          target: '< 10 s',
          met: exported.seconds < 10,
        },
        { metric: 'export: rows/s', value: exported.rows / exported.seconds, unit: 'rows/s' },
        {
          metric: 'export: peak RSS (worker process)',
          value: exported.maxRssMb,
          unit: 'MB',
          target: '< 500 MB',
          met: exported.maxRssMb < 500,
        },
      );
      const reimported = await inWorker({
        task: 'import',
        url: database.url,
        campaignId: ledgerCampaign,
        file: exportFile,
      });
      metrics.push(
        {
          metric: `import ${reimported.rows} rows, unchanged (read + validate every row, nothing to apply): time`,
          value: reimported.seconds,
          unit: 's',
        },
        { metric: 'import unchanged: rows/s', value: reimported.rows / reimported.seconds, unit: 'rows/s' },
        { metric: 'import unchanged: peak RSS (worker process)', value: reimported.maxRssMb, unit: 'MB' },
      );
      console.log(`  (re-import: ${reimported.detail})`);
      const newFile = join(dir, 'ledger-new.xlsx');
      await newRowsSheet(newFile, importRows, ledgerRows + 1);
      const created = await inWorker({
        task: 'import',
        url: database.url,
        campaignId: ledgerCampaign,
        file: newFile,
      });
      console.log(`  (new rows: ${created.detail})`);
      metrics.push(
        {
          metric: `import ${created.rows} new rows through the engine (5 events each): time`,
          value: created.seconds,
          unit: 's',
        },
        { metric: 'import new rows: rows/s', value: created.rows / created.seconds, unit: 'rows/s' },
        {
          metric: 'import new rows: extrapolated time for 100,000 rows',
          value: (created.seconds * 100_000) / created.rows,
          unit: 's',
        },
        { metric: 'import new rows: peak RSS (worker process)', value: created.maxRssMb, unit: 'MB' },
      );

      const period = { campaignId: cityCampaign, from: iso(NOW - 10 * DAY), to: iso(NOW - 3 * DAY) };
      const times: number[] = [];
      let clues = 0;
      for (let run = 0; run < 3; run++) {
        const started = process.hrtime.bigint();
        const bulletin = await buildBulletin(runtime, period);
        times.push(Number(process.hrtime.bigint() - started) / 1e9);
        clues = bulletin.totals.current.clues;
      }
      console.log(
        `  (bulletin over ${bulletinItems} items of a city campaign and its county campaign: ${clues} clues at the period end)`,
      );
      metrics.push(
        { metric: `bulletin over ${bulletinItems} items: first run`, value: times[0]!, unit: 's' },
        {
          metric: `bulletin over ${bulletinItems} items: median of 3`,
          value: median(times),
          unit: 's',
          target: '< 1 s',
          met: median(times) < 1,
        },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
      if (process.env.ZZ_BENCH_KEEP_DB) {
        console.log(`  (kept the benchmark database for inspection: ${database.url})`);
        await database.dataSource.destroy();
      } else await database.close();
    }
    return metrics;
  },
};

if (process.env.ZZ_LEDGERS_BENCH_WORKER && require.main === module) {
  runWorker(JSON.parse(process.env.ZZ_LEDGERS_BENCH_WORKER) as WorkerTask).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
