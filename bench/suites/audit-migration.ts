import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import { initialTransition } from 'xstate';
import { checkSnapshots } from '../../src/audit/replay-check';
import { createRuntime } from '../../src/runtime/runtime';
import { migrateStreams } from '../../src/engine/migration';
import { campaignTemplates } from '../../src/machines/campaign-templates';
import { definitionFor } from '../../src/machines/registry';
import type { PersistedState } from '../../src/machines/step';
import type { Database } from '../../src/persistence/database';
import { canonicalEventBody, chainHash, GENESIS_HASH } from '../../src/persistence/event-hash';
import { ManualClock } from '../../src/shared/clock';
import type { BenchMetric } from '../types';
import { runConcurrently, throwawayPostgres } from '../support/databases';
import { copyText, EVENT_COLUMNS, STREAM_COLUMNS } from '../support/copy-rows';

const actor = { userId: 'bench', unitId: 'bench-city' };
const ITEMS = Number(process.env.ZZ_BENCH_MIGRATION_ITEMS ?? 100_000);
const ENGINE_ITEMS = Number(process.env.ZZ_BENCH_MIGRATION_ENGINE_ITEMS ?? 5_000);
const seconds = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e9;

/** COPY-loads `count` registered items on item machine version 1 (the registration through the pure machine). */
async function loadVersion1Items(database: Database, campaignId: string, count: number): Promise<void> {
  const pool = database.pool();
  const v1 = definitionFor('item', 1);
  for (let b = 0; b < count; b += 5000) {
    const streams: unknown[][] = [];
    const events: unknown[][] = [];
    for (let i = b; i < Math.min(count, b + 5000); i++) {
      const itemId = `v1-${String(i).padStart(7, '0')}`;
      const at = new Date(Date.parse('2023-04-10T00:00:00.000Z') + i * 1000).toISOString();
      const input = {
        campaignId,
        reportedUnitId: 'bench-city',
        source: 'hotline12328',
        description: `线索 ${i}`,
        receivedAt: at,
        itemId,
        at,
      };
      const state = v1.machine.getPersistedSnapshot(
        initialTransition(v1.machine, input)[0],
      ) as PersistedState;
      const body = canonicalEventBody({
        streamId: itemId,
        sequence: 1,
        type: 'REGISTER',
        payload: input,
        actorId: actor.userId,
        unitId: actor.unitId,
        occurredAt: at,
        machineVersion: 1,
      });
      const hash = chainHash(GENESIS_HASH, body);
      events.push([
        itemId,
        1,
        'REGISTER',
        JSON.stringify(input),
        actor.userId,
        actor.unitId,
        at,
        at,
        1,
        body,
        GENESIS_HASH,
        hash,
      ]);
      streams.push([
        itemId,
        'item',
        1,
        1,
        state.value,
        JSON.stringify(state),
        campaignId,
        'bench-city',
        '/bench-city/',
        null,
        null,
        false,
        hash,
        at,
        at,
      ]);
    }
    const client = await pool.connect();
    try {
      await pipeline(
        Readable.from([copyText(streams)]),
        client.query(copyFrom(`COPY streams (${STREAM_COLUMNS}) FROM STDIN`)),
      );
      await pipeline(
        Readable.from([copyText(events)]),
        client.query(copyFrom(`COPY events (${EVENT_COLUMNS}) FROM STDIN`)),
      );
    } finally {
      client.release();
    }
  }
  await database.dataSource.query('ANALYZE streams');
}

/**
 * Live migration of 100,000 items from version 1 to 2 (MIGRATED appended to each, compare-and-set, in
 * batches of 500 per transaction) against the engine's durable transition rate measured in the same run
 * on the same database (ASSIGN_VERIFICATION through the whole pipeline, 10 workers, one transaction each).
 */
export async function migrationBench(): Promise<BenchMetric[]> {
  const database = await throwawayPostgres(10);
  try {
    const runtime = createRuntime(database, { clock: new ManualClock('2023-04-10T00:00:00.000Z') });
    await runtime.directory.createUnit({ id: 'bench-city', name: '市局', level: 'city' });
    const campaign = await runtime.engine.create(
      'campaign',
      { ...campaignTemplates['xining-2023']!, unitId: 'bench-city' },
      actor,
    );
    let started = process.hrtime.bigint();
    await loadVersion1Items(database, campaign.streamId, ITEMS);
    console.log(`  loaded ${ITEMS} version-1 items in ${seconds(started).toFixed(1)} s`);

    const engineItems: string[] = [];
    await runConcurrently(ENGINE_ITEMS, 10, async (i) => {
      const created = await runtime.engine.create(
        'item',
        {
          campaignId: campaign.streamId,
          reportedUnitId: 'bench-city',
          source: 'hotline12328',
          description: `引擎 ${i}`,
          receivedAt: '2023-04-09T00:00:00.000Z',
        },
        actor,
      );
      engineItems[i] = created.streamId;
    });
    const engineSeconds = await runConcurrently(ENGINE_ITEMS, 10, (i) =>
      runtime.engine.execute(
        engineItems[i]!,
        {
          type: 'ASSIGN_VERIFICATION',
          unitId: 'bench-city',
          officerId: 'officer',
          deadline: '2023-05-10T00:00:00.000Z',
        },
        actor,
      ),
    );
    const engineRate = ENGINE_ITEMS / engineSeconds;
    console.log(`  engine: ${engineRate.toFixed(0)} durable transitions/s`);

    started = process.hrtime.bigint();
    const dry = await migrateStreams(runtime.store, runtime.clock, actor, {
      streamType: 'item',
      toVersion: 2,
      dryRun: true,
    });
    const planSeconds = seconds(started);
    started = process.hrtime.bigint();
    const report = await migrateStreams(runtime.store, runtime.clock, actor, {
      streamType: 'item',
      toVersion: 2,
    });
    const migrateSeconds = seconds(started);
    if (report.migrated !== ITEMS || dry.migratable !== ITEMS)
      throw new Error(`migrated ${report.migrated} of ${ITEMS} (plan said ${dry.migratable})`);
    const migrateRate = report.migrated / migrateSeconds;
    console.log(`  migration: ${migrateRate.toFixed(0)} streams/s`);
    // The migrated streams replay through version 1 and the MIGRATED event to exactly their stored state.
    const sample = await checkSnapshots(database, {
      streamIds: ['v1-0000000', `v1-${String(ITEMS - 1).padStart(7, '0')}`],
    });
    if (sample.findings.length > 0)
      throw new Error(`migrated streams do not replay: ${JSON.stringify(sample.findings)}`);
    const ratio = migrateRate / engineRate;
    return [
      {
        metric: `live migration of ${ITEMS} items v1 → v2 (MIGRATED appended, batches of 500)`,
        value: migrateRate,
        unit: 'streams/s',
        baseline: {
          name: 'engine durable transitions/s, same run, same database (10 workers)',
          value: engineRate,
        },
        ratio,
        target: '>= 0.5 of the engine durable transition rate',
        met: ratio >= 0.5,
      },
      {
        metric: `migration dry run (plan: counts per state) over ${ITEMS + ENGINE_ITEMS} items`,
        value: planSeconds,
        unit: 's',
      },
    ];
  } finally {
    await database.close();
  }
}
