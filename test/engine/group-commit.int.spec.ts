import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime, type Runtime } from '../../src/runtime/runtime';
import type { AppendHook } from '../../src/engine/engine';
import { verifyDatabase } from '../../src/audit/verify';
import { openDatabase, type Database } from '../../src/persistence/database';
import { createThrowawayDatabase } from '../../src/persistence/throwaway-database';
import { CommandRejectedError } from '../../src/shared/errors';
import { createTestDatabase, testAdminUrl, testDatabaseKind } from '../support/database';
import { campaignInput, clueInput, officer, supervisor } from '../support/fixtures';

/** A hook that fails after the event is written, for commands whose note says so (an injected fault). */
const failingHook: AppendHook = {
  name: 'injected-fault',
  async afterAppend(_tx, { event }) {
    if (event.payload.note === '注入故障') throw new Error('injected failure after the write');
    return [];
  },
};

let database: Database;
let runtime: Runtime;
let campaignId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  // One lane and room for 16: commands sent in the same tick share one transaction.
  runtime = createRuntime(database, { hooks: [failingHook], groupCommit: { lanes: 1, maxBatch: 16 } });
  await runtime.directory.createUnit({ id: 'xn-city', name: '西宁市交通运输局', level: 'city' });
  await runtime.directory.createUnit({
    id: 'xn-county-hz',
    name: '湟中区交通运输局',
    level: 'county',
    parentId: 'xn-city',
  });
  campaignId = (await runtime.engine.create('campaign', campaignInput, supervisor)).streamId;
});
afterAll(() => database.close());

async function newItems(n: number): Promise<string[]> {
  const created = await Promise.all(
    Array.from({ length: n }, () => runtime.engine.create('item', clueInput(campaignId), officer)),
  );
  return created.map((c) => c.streamId);
}

/** The transaction (xmin) that wrote each stream's latest event, and how many events the stream has. */
async function lastWrites(ids: string[]): Promise<Map<string, { xmin: string; events: number }>> {
  const rows = (await database.dataSource.query(
    `SELECT stream_id, max(sequence)::int AS events,
            (array_agg(xmin::text ORDER BY sequence DESC))[1] AS xmin
       FROM events WHERE stream_id = ANY($1) GROUP BY stream_id`,
    [ids],
  )) as Array<{ stream_id: string; events: number; xmin: string }>;
  return new Map(rows.map((r) => [r.stream_id, { xmin: r.xmin, events: r.events }]));
}

const progress = (note: string) => ({ type: 'RECORD_PROGRESS', note });
const complaint = { type: 'RECORD_COMPLAINT', receivedAt: '2023-05-01T00:00:00.000Z' };

describe('group commit on ' + testDatabaseKind, () => {
  it('commits a batch in one transaction, answering a refused command alone with its refusal', async () => {
    const ids = await newItems(5);
    // Sent in the same tick: one batch. The third is refused by the machine (a registered item has no
    // ledger to accept), before it writes anything.
    const outcomes = await Promise.allSettled(
      ids.map((id, i) => runtime.engine.execute(id, i === 2 ? { type: 'ACCEPT' } : complaint, officer)),
    );
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(CommandRejectedError);
    const writes = await lastWrites(ids);
    const committed = [0, 1, 3, 4].map((i) => writes.get(ids[i]!)!);
    // Each command is its own event (sequence 2 of its stream), all four written by one transaction.
    expect(committed.map((w) => w.events)).toEqual([2, 2, 2, 2]);
    expect(new Set(committed.map((w) => w.xmin)).size).toBe(1);
    expect(writes.get(ids[2]!)!.events).toBe(1);
  });

  it('two commands on one stream in one batch apply in order, each its own event', async () => {
    const [id] = await newItems(1);
    const [first, second] = await Promise.all([
      runtime.engine.execute(id!, complaint, officer),
      runtime.engine.execute(id!, { ...complaint, receivedAt: '2023-05-02T00:00:00.000Z' }, officer),
    ]);
    expect([first.version, second.version]).toEqual([2, 3]);
    expect((second.snapshot.context as { complaints: string[] }).complaints).toHaveLength(2);
  });

  it('a command failing after its write rolls the batch back; the others are retried alone and commit', async () => {
    const ids = await newItems(4);
    await Promise.all(
      ids.map((id) =>
        runtime.engine.execute(
          id,
          {
            type: 'ASSIGN_VERIFICATION',
            unitId: 'xn-county-hz',
            officerId: 'u-officer',
            deadline: '2030-05-01T00:00:00.000Z',
          },
          officer,
        ),
      ),
    );
    await Promise.all(
      ids.map((id) =>
        runtime.engine.execute(
          id,
          { type: 'CONFIRM', category: 'non_standard', severity: 'general', findings: '查实' },
          officer,
        ),
      ),
    );
    await Promise.all(
      ids.map((id) =>
        runtime.engine.execute(
          id,
          {
            type: 'START_RECTIFICATION',
            manifestation: '随意拦车',
            measures: '培训',
            responsibleUnitId: 'xn-county-hz',
            responsiblePerson: '张三',
            deadline: '2030-08-01T00:00:00.000Z',
          },
          officer,
        ),
      ),
    );
    const outcomes = await Promise.allSettled(
      ids.map((id, i) => runtime.engine.execute(id, progress(i === 1 ? '注入故障' : '推进中'), officer)),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toContain('injected failure');
    const writes = await lastWrites(ids);
    expect(ids.map((id) => writes.get(id)!.events)).toEqual([5, 4, 5, 5]);
    // Retried alone: each in a transaction of its own.
    expect(new Set([0, 2, 3].map((i) => writes.get(ids[i]!)!.xmin)).size).toBe(3);
  });
});

const register = join(__dirname, '..', 'support', 'swc-register.cjs');
const writer = join(__dirname, '..', 'support', 'group-commit-writer.ts');

/** Starts the writer, waits for `acks` acknowledged commands, kills it with SIGKILL, returns what was acked. */
function writeThenKill(target: { url: string } | { dataDir: string }, acks: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', register, writer, 'dataDir' in target ? target.dataDir : ''],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NODE_OPTIONS: '', DATABASE_URL: 'url' in target ? target.url : '' },
      },
    );
    const acked: string[] = [];
    let buffered = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the writer did not acknowledge ${acks} commands in time: ${stderr}`));
    }, 100_000);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) if (/^\S+ \d+$/.test(line)) acked.push(line);
      if (acked.length >= acks && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`the writer exited by itself: ${stderr}`));
    });
  });
}

describe('group commit under kill -9 on ' + testDatabaseKind, () => {
  it('every acknowledged command is there after the process dies mid-batch, and the chains verify', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'zz-group-commit-'));
    const throwaway =
      testDatabaseKind === 'postgres' ? await createThrowawayDatabase('zz_test', testAdminUrl) : null;
    try {
      const acked = await writeThenKill(throwaway ? { url: throwaway.url } : { dataDir }, 300);
      expect(acked.length).toBeGreaterThanOrEqual(300);
      const reopened = await openDatabase(throwaway ? { url: throwaway.url } : { dataDir });
      try {
        const rows = (await reopened.dataSource.query(
          `SELECT stream_id || ' ' || sequence AS ack FROM events WHERE type = 'RECORD_COMPLAINT'`,
        )) as Array<{ ack: string }>;
        const stored = new Set(rows.map((r) => r.ack));
        expect(acked.filter((a) => !stored.has(a))).toEqual([]);
        const report = await verifyDatabase(reopened);
        expect(report.ok).toBe(true);
      } finally {
        await reopened.close();
      }
    } finally {
      await throwaway?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 150_000);
});
