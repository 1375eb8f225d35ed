import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { createRuntime, type Runtime } from '../../src/runtime/runtime';
import { campaignTemplates } from '../../src/machines/campaign-templates';
import { openDatabase, type Database } from '../../src/persistence/database';
import { ManualClock } from '../../src/shared/clock';
import type { BenchMetric, BenchSuite } from '../types';
import { runConcurrently, throwawayPostgres } from '../support/databases';

const actor = { userId: 'bench', unitId: 'bench-city' };

async function seed(
  database: Database,
  items: number,
  ruleSource?: string,
): Promise<{ runtime: Runtime; itemIds: string[] }> {
  const runtime = createRuntime(database, { clock: new ManualClock('2023-04-10T00:00:00.000Z') });
  await runtime.directory.createUnit({ id: 'bench-city', name: '市局', level: 'city' });
  const template = campaignTemplates['xining-2023']!;
  const campaign = await runtime.engine.create('campaign', { ...template, unitId: 'bench-city' }, actor);
  if (ruleSource)
    await runtime.ruleSets.publish(campaign.streamId, ruleSource, actor, '2023-04-01T00:00:00.000Z');
  const itemIds: string[] = [];
  await runConcurrently(items, 10, async (i) => {
    const created = await runtime.engine.create(
      'item',
      {
        campaignId: campaign.streamId,
        reportedUnitId: 'bench-city',
        source: 'hotline12328',
        description: `线索 ${i}`,
        receivedAt: '2023-04-09T00:00:00.000Z',
      },
      actor,
    );
    itemIds[i] = created.streamId;
  });
  return { runtime, itemIds };
}

/** Durable transitions through the whole engine pipeline: each a real state change with guard and hash. */
async function engineTransitions(runtime: Runtime, itemIds: string[], concurrency: number): Promise<number> {
  const seconds = await runConcurrently(itemIds.length, concurrency, (i) =>
    runtime.engine.execute(
      itemIds[i]!,
      {
        type: 'ASSIGN_VERIFICATION',
        unitId: 'bench-city',
        officerId: 'officer',
        deadline: '2023-05-10T00:00:00.000Z',
      },
      actor,
    ),
  );
  return itemIds.length / seconds;
}

/**
 * The floor: the same transaction shape with raw `pg` and no engine — read the stream row, compare-and-set
 * its version and snapshot, insert one event.
 */
async function rawFloor(url: string, itemIds: string[], concurrency: number): Promise<number> {
  const pool = new Pool({ connectionString: url, max: concurrency });
  const seconds = await runConcurrently(itemIds.length, concurrency, async (i) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query(
        'SELECT version, snapshot, last_hash FROM streams WHERE stream_id = $1',
        [itemIds[i]],
      );
      const version = rows[0].version as number;
      await client.query(
        'UPDATE streams SET version = $2, snapshot = $3, updated_at = now() WHERE stream_id = $1 AND version = $4',
        [itemIds[i], version + 1, rows[0].snapshot, version],
      );
      await client.query(
        `INSERT INTO events (stream_id, sequence, type, payload, actor_id, unit_id, occurred_at, recorded_at, machine_version, body, prev_hash, hash)
         VALUES ($1, $2, 'RAW', $3, 'bench', 'bench-city', now(), now(), 1, $4, $5, $5)`,
        [itemIds[i], version + 1, { note: 'raw' }, '{"raw":true}', rows[0].last_hash],
      );
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  });
  await pool.end();
  return itemIds.length / seconds;
}

export const engineSuite: BenchSuite = {
  name: 'engine',
  async run(): Promise<BenchMetric[]> {
    const items = Number(process.env.BENCH_ENGINE_ITEMS ?? 10_000);
    const pg = await throwawayPostgres(10);
    let engineRate: number;
    let floorRate: number;
    try {
      const { runtime, itemIds } = await seed(pg, items * 2);
      // Warm up both paths, then measure each on its own half of the items.
      engineRate = await engineTransitions(runtime, itemIds.slice(0, items), 10);
      floorRate = await rawFloor(pg.url, itemIds.slice(items), 10);
    } finally {
      await pg.close();
    }
    // The same pipeline with the Xining seed rule set published: every transition also evaluates the rules.
    const withRules = await throwawayPostgres(10);
    let rulesRate: number;
    try {
      const { runtime, itemIds } = await seed(
        withRules,
        items,
        readFileSync(join(process.cwd(), 'rules', 'xining-2023.rules'), 'utf8'),
      );
      rulesRate = await engineTransitions(runtime, itemIds, 10);
    } finally {
      await withRules.close();
    }
    const pgliteItems = Math.min(items, 3_000);
    const lite = await openDatabase({ dataDir: 'memory://' });
    let pgliteRate: number;
    try {
      const { runtime, itemIds } = await seed(lite, pgliteItems);
      pgliteRate = await engineTransitions(runtime, itemIds, 10);
    } finally {
      await lite.close();
    }
    const ratio = engineRate / floorRate;
    return [
      {
        metric: 'engine durable transitions/s on PostgreSQL (10 workers, 10k items)',
        value: engineRate,
        unit: 'transitions/s',
        baseline: { name: 'raw pg floor, same transaction shape, same run', value: floorRate },
        ratio,
        target: '>= 0.7 of the raw floor',
        met: ratio >= 0.7,
      },
      {
        metric: 'raw pg floor (read, compare-and-set update, insert event)',
        value: floorRate,
        unit: 'txn/s',
      },
      {
        metric: 'engine durable transitions/s on PostgreSQL with the Xining rule set evaluated per event',
        value: rulesRate,
        unit: 'transitions/s',
        baseline: { name: 'raw pg floor, same run', value: floorRate },
        ratio: rulesRate / floorRate,
      },
      {
        metric: 'engine durable transitions/s on embedded PGlite',
        value: pgliteRate,
        unit: 'transitions/s',
        target: '>= 1000 transitions/s',
        met: pgliteRate >= 1000,
      },
    ];
  },
};
