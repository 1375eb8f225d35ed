/**
 * Child process of test/persistence/embedded-durability.int.spec.ts: opens the embedded database in the
 * directory given as argv[2] and commits one row per transaction forever, printing each id once its
 * COMMIT has returned (an acknowledgement). The test kills it with SIGKILL mid-write.
 */
import { openDatabase } from '../../src/persistence/database';

async function main(): Promise<void> {
  const database = await openDatabase({ dataDir: process.argv[2]!, migrate: false });
  await database.dataSource.query(
    'CREATE TABLE IF NOT EXISTS durability_probe (id integer PRIMARY KEY, body text)',
  );
  process.stdout.write('ready\n');
  for (let id = 1; ; id++) {
    await database.dataSource.query('INSERT INTO durability_probe (id, body) VALUES ($1, $2)', [
      id,
      'x'.repeat(200),
    ]);
    process.stdout.write(`${id}\n`);
  }
}

void main();
