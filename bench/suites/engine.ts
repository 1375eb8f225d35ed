import { openDatabase, type Database } from '../../src/persistence/database';
import { createRuntime } from '../../src/runtime/runtime';
import { ManualClock } from '../../src/shared/clock';
import type { BenchMetric, BenchSuite } from '../types';
import { throwawayPostgres } from '../support/databases';
import { dbosPeer, rawFloor } from '../support/dbos-peer';
import { runOfficerCommands, seedCampaign, seedItems, UNIT_COUNT } from '../support/officer-workload';

const CONCURRENCY = 10;
const ROUNDS = 2;

interface Measured {
  engine: number;
  floor: number;
  dbos: number | null;
}

/**
 * One database: seed the campaign (rules on or off) and items over 50 units in every state, warm up the
 * engine and the floor alike, then measure them in alternating rounds (load from elsewhere on the machine
 * hits both), and DBOS on the same database and items when asked.
 */
async function measure(
  database: Database & { url?: string },
  options: { rules: boolean; items: number; commands: number; peers: boolean },
): Promise<Measured> {
  const runtime = createRuntime(database, { clock: new ManualClock('2023-06-01T00:00:00.000Z') });
  const campaignId = await seedCampaign(runtime, options.rules);
  const items = await seedItems(runtime, campaignId, options.items);
  const ids = items.map((i) => i.id);
  const warmUp = Math.min(500, Math.ceil(options.commands / 5));
  const perRound = Math.ceil(options.commands / ROUNDS);
  await runOfficerCommands(runtime, items, warmUp, CONCURRENCY);
  if (options.peers) await rawFloor(database.url!, ids, warmUp, CONCURRENCY);
  let engineSeconds = 0;
  let floorRate = 0;
  for (let round = 0; round < ROUNDS; round++) {
    engineSeconds += await runOfficerCommands(
      runtime,
      items,
      perRound,
      CONCURRENCY,
      warmUp + round * perRound,
    );
    if (options.peers) floorRate += (await rawFloor(database.url!, ids, perRound, CONCURRENCY)) / ROUNDS;
  }
  const dbos = options.peers ? await dbosPeer(database.url!, ids, perRound, CONCURRENCY, warmUp) : null;
  return { engine: (perRound * ROUNDS) / engineSeconds, floor: floorRate, dbos };
}

export const engineSuite: BenchSuite = {
  name: 'engine',
  async run(): Promise<BenchMetric[]> {
    const items = Number(process.env.BENCH_ENGINE_ITEMS ?? 3_000);
    const commands = Number(process.env.BENCH_ENGINE_COMMANDS ?? 6_000);
    const sizes = `${items} items over ${UNIT_COUNT} units in every state, ${commands} officer commands, ${CONCURRENCY} workers`;

    const withRules = await throwawayPostgres(CONCURRENCY);
    let rules: Measured;
    try {
      rules = await measure(withRules, { rules: true, items, commands, peers: true });
    } finally {
      await withRules.close();
    }
    const noRulesDb = await throwawayPostgres(CONCURRENCY);
    let bare: Measured;
    try {
      bare = await measure(noRulesDb, { rules: false, items, commands, peers: true });
    } finally {
      await noRulesDb.close();
    }
    const liteItems = Math.min(items, 1_000);
    const liteCommands = Math.min(commands, 2_000);
    const lite = await openDatabase({ dataDir: 'memory://' });
    let pglite: Measured;
    try {
      pglite = await measure(lite, { rules: true, items: liteItems, commands: liteCommands, peers: false });
    } finally {
      await lite.close();
    }

    const floorRatio = rules.engine / rules.floor;
    const dbosRatio = rules.engine / rules.dbos!;
    const bareRatio = bare.engine / bare.floor;
    return [
      {
        metric: `engine officer commands/s, Xining rule set published, PostgreSQL (${sizes})`,
        value: rules.engine,
        unit: 'commands/s',
        baseline: {
          name: 'raw pg floor (read, compare-and-set update, insert event), same run',
          value: rules.floor,
        },
        ratio: floorRatio,
        target: '>= 0.7 of the raw floor',
        met: floorRatio >= 0.7,
      },
      {
        metric: `engine vs DBOS Transact (one-step durable workflow doing the floor's transaction), rules on (${sizes})`,
        value: rules.engine,
        unit: 'commands/s',
        baseline: { name: 'DBOS Transact 5.3 workflows/s, same PostgreSQL, same run', value: rules.dbos! },
        ratio: dbosRatio,
        target: '>= 3x DBOS',
        met: dbosRatio >= 3,
      },
      {
        metric: `engine officer commands/s, no rule set, PostgreSQL (${sizes})`,
        value: bare.engine,
        unit: 'commands/s',
        baseline: { name: 'raw pg floor, same run', value: bare.floor },
        ratio: bareRatio,
        target: '>= 1.0 of the raw floor',
        met: bareRatio >= 1,
      },
      {
        metric: `DBOS Transact workflows/s (no-rules database, same run)`,
        value: bare.dbos!,
        unit: 'workflows/s',
      },
      {
        metric: `engine officer commands/s, Xining rule set published, embedded PGlite (${liteItems} items over ${UNIT_COUNT} units, ${liteCommands} commands, ${CONCURRENCY} workers)`,
        value: pglite.engine,
        unit: 'commands/s',
        target: '>= 1000 commands/s',
        met: pglite.engine >= 1000,
      },
    ];
  },
};
