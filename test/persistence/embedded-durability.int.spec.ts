import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/persistence/database';
import { testDatabaseKind } from '../support/database';

const register = join(__dirname, '..', 'support', 'swc-register.cjs');
const writer = join(__dirname, '..', 'support', 'durability-writer.ts');

/** Starts the writer, waits for `acks` acknowledged commits, kills it with SIGKILL, returns the acked ids. */
function writeThenKill(dataDir: string, acks: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', register, writer, dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    const acked: number[] = [];
    let buffered = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the writer did not acknowledge ${acks} commits in time: ${stderr}`));
    }, 100_000);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) if (/^\d+$/.test(line)) acked.push(Number(line));
      if (acked.length >= acks && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`the writer exited by itself: ${stderr}`));
    });
  });
}

// The embedded database only: PostgreSQL's durability is PostgreSQL's (the fault suite kills it too).
const describeEmbedded = testDatabaseKind === 'pglite' ? describe : describe.skip;

describeEmbedded('embedded PGlite durability (runs under ZZ_TEST_DB=pglite)', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'zz-durability-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('every acknowledged commit survives kill -9 of the process mid-write, and the database reopens', async () => {
    const acked = await writeThenKill(dataDir, 100);
    expect(acked.length).toBeGreaterThanOrEqual(100);
    const database = await openDatabase({ dataDir, migrate: false });
    try {
      const rows = (await database.dataSource.query('SELECT id FROM durability_probe ORDER BY id')) as Array<{
        id: number;
      }>;
      const stored = new Set(rows.map((row) => Number(row.id)));
      expect(acked.filter((id) => !stored.has(id))).toEqual([]);
      const fsync = (await database.dataSource.query('SHOW fsync')) as Array<{ fsync: string }>;
      expect(fsync[0]!.fsync).toBe('on');
    } finally {
      await database.close();
    }
  }, 150_000);
});
