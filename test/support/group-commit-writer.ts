/**
 * Child process of test/engine/group-commit.int.spec.ts: opens the database (DATABASE_URL, or the embedded
 * one in the directory given as argv[2]), sets up units, a campaign and 20 items, then sends commands from
 * 10 concurrent workers through the engine's group commit forever, printing `<streamId> <version>` once a
 * command's promise has resolved (an acknowledgement, given only after COMMIT). The test kills it with
 * SIGKILL in the middle of batches.
 */
import { createRuntime } from '../../src/runtime/runtime';
import { openDatabase } from '../../src/persistence/database';
import { campaignInput, clueInput, officer, supervisor } from './fixtures';

async function main(): Promise<void> {
  const database = await openDatabase(
    process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : { dataDir: process.argv[2]! },
  );
  const runtime = createRuntime(database);
  await runtime.directory.createUnit({ id: 'xn-city', name: '西宁市交通运输局', level: 'city' });
  await runtime.directory.createUnit({
    id: 'xn-county-hz',
    name: '湟中区交通运输局',
    level: 'county',
    parentId: 'xn-city',
  });
  const campaign = await runtime.engine.create('campaign', campaignInput, supervisor);
  const items = await Promise.all(
    Array.from({ length: 20 }, () => runtime.engine.create('item', clueInput(campaign.streamId), officer)),
  );
  process.stdout.write('ready\n');
  let n = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      for (;;) {
        const item = items[n++ % items.length]!;
        const result = await runtime.engine.execute(
          item.streamId,
          { type: 'RECORD_COMPLAINT', receivedAt: '2023-05-01T00:00:00.000Z', note: `第${n}次` },
          officer,
        );
        process.stdout.write(`${result.streamId} ${result.version}\n`);
      }
    }),
  );
}

void main();
