import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { generateKeyPairSync } from 'node:crypto';
import { createCheckpoint } from '../../src/audit/checkpoint';
import { parseSigningKey } from '../../src/audit/keys';
import { copyLines, copyRows } from '../../src/audit/event-scan';
import { createHash } from 'node:crypto';
import { verifyDatabase } from '../../src/audit/verify';
import { createRuntime } from '../../src/runtime/runtime';
import { replayEvents } from '../../src/engine/replay';
import { campaignTemplates } from '../../src/machines/campaign-templates';
import { definitionFor } from '../../src/machines/registry';
import type { PersistedState } from '../../src/machines/step';
import { openDatabase, type Database } from '../../src/persistence/database';
import { canonicalEventBody, chainHash, GENESIS_HASH } from '../../src/persistence/event-hash';
import type { StoredEvent } from '../../src/persistence/event-store';
import { ManualClock } from '../../src/shared/clock';
import type { BenchMetric, BenchSuite } from '../types';
import { copyText, EVENT_COLUMNS, STREAM_COLUMNS } from '../support/copy-rows';
import { throwawayPostgres } from '../support/databases';
import { migrationBench } from './audit-migration';

const STREAMS = Number(process.env.ZZ_BENCH_AUDIT_STREAMS ?? 10_000);
const EVENTS_PER_STREAM = 100;
const BATCH = 500;
const T0 = Date.parse('2023-04-10T00:00:00.000Z');
const actor = { userId: 'bench', unitId: 'bench-city' };

const seconds = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e9;

/** Multi-row INSERTs (for PGlite, whose socket server does not take COPY FROM STDIN). */
async function insertRows(
  database: Database,
  columns: string,
  rows: unknown[][],
  chunk: number,
): Promise<void> {
  const width = columns.split(',').length;
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    const values = part
      .map((_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`)
      .join(', ');
    await database.dataSource.query(
      `INSERT INTO ${columns.includes('snapshot') ? 'streams' : 'events'} (${columns}) VALUES ${values}`,
      part.flat(),
    );
  }
}

/** The commands of one item's life: register, verify, confirm, rectify, then progress notes, complaints and extensions. */
function commandsFor(i: number, campaignId: string): Array<Record<string, unknown> & { type: string }> {
  const commands: Array<Record<string, unknown> & { type: string }> = [
    {
      type: 'ASSIGN_VERIFICATION',
      unitId: 'bench-city',
      officerId: 'officer',
      deadline: '2023-05-10T00:00:00.000Z',
    },
    {
      type: 'CONFIRM',
      category: 'non_standard',
      severity: 'general',
      findings: `查实 ${i}`,
      checklistItem: null,
    },
    {
      type: 'START_RECTIFICATION',
      manifestation: '随意拦车',
      measures: '开展培训',
      responsibleUnitId: 'bench-city',
      responsiblePerson: '张三',
      deadline: '2023-08-01T00:00:00.000Z',
    },
  ];
  for (let n = 0; commands.length < EVENTS_PER_STREAM - 1; n++) {
    if (n % 10 === 9)
      commands.push({ type: 'RECORD_COMPLAINT', receivedAt: '2023-05-01T00:00:00.000Z', note: `投诉 ${n}` });
    else if (n % 25 === 24)
      commands.push({
        type: 'EXTEND_DEADLINE',
        deadline: `2023-${String(9 + Math.floor(n / 25)).padStart(2, '0')}-01T00:00:00.000Z`,
        reason: '延期',
      });
    else
      commands.push({
        type: 'RECORD_PROGRESS',
        note: `整改进展 ${n}：已完成 ${n * 3} 处`,
        evidence: n % 5 === 0 ? [`证据-${i}-${n}.pdf`] : [],
      });
  }
  void campaignId;
  return commands;
}

/**
 * Generates 1M events over 10k item streams with the pure machine functions and the real hash functions,
 * and bulk-loads them with COPY, batch by batch (streams before their events, for the foreign key).
 */
export async function generate(
  database: Database,
  campaignId: string,
  streams = STREAMS,
  load: 'copy' | 'insert' = 'copy',
): Promise<number> {
  const pool = database.pool();
  const definition = definitionFor('item', 1);
  let position = 0;
  for (let b = 0; b < streams; b += BATCH) {
    const streamRows: unknown[][] = [];
    const eventRows: unknown[][] = [];
    for (let i = b; i < Math.min(streams, b + BATCH); i++) {
      const itemId = `item-${String(i).padStart(6, '0')}`;
      const base = T0 + i * 1000;
      const at0 = new Date(base).toISOString();
      const input = {
        campaignId,
        reportedUnitId: 'bench-city',
        source: 'hotline12328',
        description: `线索 ${i}`,
        receivedAt: at0,
        itemId,
        at: at0,
      };
      const problem = definition.inputProblem(input as never);
      if (problem) throw new Error(problem);
      // The pure machine, carried live from event to event (persisted once at the end, as replayStream does).
      let snapshot = initialTransition(definition.machine, input)[0] as AnyMachineSnapshot;
      let prev = GENESIS_HASH;
      const append = (sequence: number, type: string, payload: Record<string, unknown>, at: string): void => {
        const body = canonicalEventBody({
          streamId: itemId,
          sequence,
          type,
          payload,
          actorId: actor.userId,
          unitId: actor.unitId,
          occurredAt: at,
          machineVersion: 1,
        });
        const hash = chainHash(prev, body);
        eventRows.push([
          itemId,
          sequence,
          type,
          JSON.stringify(payload),
          actor.userId,
          actor.unitId,
          at,
          at,
          1,
          body,
          prev,
          hash,
        ]);
        prev = hash;
        position++;
      };
      append(1, 'REGISTER', input, at0);
      commandsFor(i, campaignId).forEach((command, k) => {
        const at = new Date(base + (k + 1) * 60_000).toISOString();
        const event = { ...command, at };
        const [next] = transition(definition.machine, snapshot, event as never);
        if (next === snapshot) throw new Error(`${itemId} ${command.type} was refused`);
        snapshot = next as AnyMachineSnapshot;
        const { type, ...payload } = event;
        append(k + 2, type, payload, at);
      });
      const state = definition.machine.getPersistedSnapshot(snapshot) as PersistedState;
      const p = definition.project(state.value, state.context as never);
      const last = new Date(base + (EVENTS_PER_STREAM - 1) * 60_000).toISOString();
      streamRows.push([
        itemId,
        'item',
        1,
        EVENTS_PER_STREAM,
        state.value,
        JSON.stringify(state),
        campaignId,
        p.unitId,
        '/bench-city/',
        p.category,
        p.deadline,
        p.overdue,
        prev,
        at0,
        last,
      ]);
    }
    if (load === 'insert') {
      await insertRows(database, STREAM_COLUMNS, streamRows, 200);
      await insertRows(database, EVENT_COLUMNS, eventRows, 400);
      continue;
    }
    const client = await pool.connect();
    try {
      await pipeline(
        Readable.from([copyText(streamRows)]),
        client.query(copyFrom(`COPY streams (${STREAM_COLUMNS}) FROM STDIN`)),
      );
      await pipeline(
        Readable.from([copyText(eventRows)]),
        client.query(copyFrom(`COPY events (${EVENT_COLUMNS}) FROM STDIN`)),
      );
    } finally {
      client.release();
    }
  }
  await database.dataSource.query('ANALYZE events');
  await database.dataSource.query('ANALYZE streams');
  return position;
}

/** Reads every item event back (COPY) and hands them over stream batch by stream batch. */
async function readBatches(database: Database, onBatch: (streams: StoredEvent[][]) => void): Promise<void> {
  let batch: StoredEvent[][] = [];
  let current: StoredEvent[] = [];
  const iso = (c: string): string => `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  await copyRows(
    database,
    `SELECT global_position, stream_id, sequence, type, payload::text, actor_id, unit_id, ${iso('occurred_at')}, ${iso('recorded_at')}, machine_version, body, prev_hash, hash
     FROM events WHERE stream_id LIKE 'item-%' ORDER BY stream_id, sequence`,
    (f) => {
      const e: StoredEvent = {
        globalPosition: Number(f[0]),
        streamId: f[1]!,
        sequence: Number(f[2]),
        type: f[3]!,
        payload: JSON.parse(f[4]!) as Record<string, unknown>,
        actorId: f[5]!,
        unitId: f[6]!,
        occurredAt: f[7]!,
        recordedAt: f[8]!,
        machineVersion: Number(f[9]),
        body: f[10]!,
        prevHash: f[11]!,
        hash: f[12]!,
      };
      if (current.length > 0 && current[0]!.streamId !== e.streamId) {
        batch.push(current);
        current = [];
        if (batch.length === 1000) {
          onBatch(batch);
          batch = [];
        }
      }
      current.push(e);
    },
  );
  if (current.length > 0) batch.push(current);
  if (batch.length > 0) onBatch(batch);
}

/** The bare XState floor: initialTransition + transition() over the same events, no persistence between steps. */
function bareTransitions(streams: StoredEvent[][]): number {
  const machine = definitionFor('item', 1).machine;
  const prepared = streams.map((events) => events.map((e) => ({ ...e.payload, type: e.type })));
  const started = process.hrtime.bigint();
  for (const events of prepared) {
    let [snapshot] = initialTransition(machine, events[0]) as [AnyMachineSnapshot, unknown];
    for (let k = 1; k < events.length; k++) {
      const [next] = transition(machine, snapshot, events[k] as never);
      if (next === snapshot) throw new Error('bare transition rejected a stored event');
      snapshot = next;
    }
  }
  return seconds(started);
}

function timeReplay(
  streams: StoredEvent[][],
  replay: (streamType: string, events: readonly StoredEvent[]) => PersistedState | null,
): { seconds: number; states: Array<PersistedState | null> } {
  const states: Array<PersistedState | null> = [];
  const started = process.hrtime.bigint();
  for (const events of streams) states.push(replay('item', events));
  return { seconds: seconds(started), states };
}

const PGLITE_STREAMS = Math.min(STREAMS, 1000);

/** On the embedded PGlite: full-chain verification through COPY and through keyset SELECT pages. */
async function pgliteVerification(): Promise<BenchMetric[]> {
  const database = await openDatabase({ dataDir: 'memory://' });
  try {
    const runtime = createRuntime(database, { clock: new ManualClock('2023-04-09T00:00:00.000Z') });
    await runtime.directory.createUnit({ id: 'bench-city', name: '市局', level: 'city' });
    const campaign = await runtime.engine.create(
      'campaign',
      { ...campaignTemplates['xining-2023']!, unitId: 'bench-city' },
      actor,
    );
    const generated = await generate(database, campaign.streamId, PGLITE_STREAMS, 'insert');
    const rate = async (mode: 'copy' | 'select'): Promise<number> => {
      const started = process.hrtime.bigint();
      const report = await verifyDatabase(database, { snapshots: false, columns: false, mode });
      if (!report.ok) throw new Error(`PGlite log does not verify (${mode})`);
      return report.eventsChecked / seconds(started);
    };
    await rate('select'); // warm-up
    const select = await rate('select');
    const copy = await rate('copy');
    return [
      {
        metric: `full-chain verification on embedded PGlite with COPY (${generated} events)`,
        value: copy,
        unit: 'events/s',
        baseline: { name: 'keyset SELECT pages on PGlite, same run', value: select },
        ratio: copy / select,
      },
      {
        metric: `full-chain verification on embedded PGlite with keyset SELECT pages (${generated} events)`,
        value: select,
        unit: 'events/s',
      },
    ];
  } finally {
    await database.close();
  }
}

export const auditSuite: BenchSuite = {
  name: 'audit',
  async run(): Promise<BenchMetric[]> {
    // ZZ_BENCH_AUDIT_PARTS=migration runs only the live-migration figure (the replay part takes minutes).
    // ZZ_BENCH_AUDIT_PARTS=verify skips the replay comparison (minutes at full size) and the migration part.
    const parts = process.env.ZZ_BENCH_AUDIT_PARTS;
    if (parts === 'migration') return migrationBench();
    const replayPart = parts !== 'verify';
    const database = await throwawayPostgres(4);
    try {
      const runtime = createRuntime(database, { clock: new ManualClock('2023-04-09T00:00:00.000Z') });
      await runtime.directory.createUnit({ id: 'bench-city', name: '市局', level: 'city' });
      const campaign = await runtime.engine.create(
        'campaign',
        { ...campaignTemplates['xining-2023']!, unitId: 'bench-city' },
        actor,
      );

      let started = process.hrtime.bigint();
      const generated = await generate(database, campaign.streamId);
      const generationSeconds = seconds(started);
      console.log(
        `  generated and loaded ${generated} events over ${STREAMS} streams in ${generationSeconds.toFixed(1)} s`,
      );

      let bare = 0;
      let engineSeconds = 0;
      let auditSeconds = 0;
      let events = 0;
      let round = 0;
      started = process.hrtime.bigint();
      const everyStep = (streamType: string, stored: readonly StoredEvent[]): PersistedState | null =>
        replayEvents(streamType, stored, () => undefined);
      if (replayPart)
        await readBatches(database, (streams) => {
          events += streams.reduce((n, s) => n + s.length, 0);
          // Rotate the order so that no side always runs on a warmer (or fuller) heap.
          const runs = [
            () => (bare += bareTransitions(streams)),
            () => (engineSeconds += timeReplay(streams, everyStep).seconds),
            () => {
              const replayed = timeReplay(streams, replayEvents);
              auditSeconds += replayed.seconds;
              // Persisting at every step must give the same end state (checked outside the timing, on a sample).
              const sample = streams.slice(0, 20).map((s) => everyStep('item', s));
              if (JSON.stringify(sample) !== JSON.stringify(replayed.states.slice(0, 20)))
                throw new Error('replay with and without intermediate states disagree');
            },
          ];
          for (let k = 0; k < runs.length; k++) runs[(k + round) % runs.length]!();
          round++;
        });
      const readAndReplaySeconds = seconds(started);
      const replayRate = events / auditSeconds;
      const engineRate = events / engineSeconds;
      const bareRate = events / bare;

      started = process.hrtime.bigint();
      const beforeCheckpoint = await verifyDatabase(database, { snapshots: false, mode: 'copy' });
      const beforeCheckpointSeconds = seconds(started);
      if (!beforeCheckpoint.ok)
        throw new Error(
          `generated log does not verify: ${JSON.stringify(beforeCheckpoint.findings.slice(0, 3))}`,
        );

      const key = parseSigningKey(
        generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        'bench key',
      );
      started = process.hrtime.bigint();
      await createCheckpoint(database, key, runtime.clock);
      const checkpointSeconds = seconds(started);

      // The floor: the same columns read with COPY and run through one SHA-256 (`psql -c COPY | sha256sum`).
      const floor = async (): Promise<number> => {
        const at = process.hrtime.bigint();
        const digest = createHash('sha256');
        let rows = 0;
        await copyLines(
          database,
          'SELECT global_position, stream_id, sequence, prev_hash, hash, body FROM events ORDER BY global_position',
          (chunk, start, end) => {
            digest.update(chunk.subarray(start, end));
            rows++;
          },
        );
        digest.digest();
        return rows / seconds(at);
      };
      const chainOnly = async (): Promise<{ rate: number; ok: boolean }> => {
        const at = process.hrtime.bigint();
        const report = await verifyDatabase(database, { snapshots: false, columns: false, mode: 'copy' });
        return { rate: report.eventsChecked / seconds(at), ok: report.ok };
      };
      // Same warm-up for both; then alternate, best of three each.
      await floor();
      await chainOnly();
      let floorRate = 0;
      let chainRate = 0;
      for (let k = 0; k < 3; k++) {
        floorRate = Math.max(floorRate, await floor());
        const run = await chainOnly();
        if (!run.ok) throw new Error('chain-only verification found something');
        chainRate = Math.max(chainRate, run.rate);
      }

      started = process.hrtime.bigint();
      const full = await verifyDatabase(database, { snapshots: false, mode: 'copy' });
      const fullSeconds = seconds(started);
      if (!full.ok)
        throw new Error(`checkpointed log does not verify: ${JSON.stringify(full.findings.slice(0, 3))}`);

      started = process.hrtime.bigint();
      const paged = await verifyDatabase(database, { snapshots: false, columns: false, mode: 'select' });
      const pagedSeconds = seconds(started);

      const ratio = replayRate / bareRate;
      return [
        {
          metric: `generate and COPY-load ${generated} events over ${STREAMS} streams`,
          value: generationSeconds,
          unit: 's',
        },
        ...(replayPart
          ? [
              {
                metric: `replay of ${events} stored events through the machines (replayEvents, the one path of live reads, replay --check and verify: recorded machine versions, persisted once per stream)`,
                value: replayRate,
                unit: 'events/s',
                baseline: { name: 'bare XState transition() on the same events, same run', value: bareRate },
                ratio,
                target: '>= 0.7 of bare transition()',
                met: ratio >= 0.7,
              },
              {
                metric:
                  'the same replay persisting every intermediate state (what a timeline asks for with onStep)',
                value: engineRate,
                unit: 'events/s',
                baseline: { name: 'bare XState transition() on the same events, same run', value: bareRate },
                ratio: engineRate / bareRate,
              },
              {
                metric: 'read all events back with COPY and replay three ways (wall clock)',
                value: readAndReplaySeconds,
                unit: 's',
              },
            ]
          : []),
        {
          metric:
            'full-chain verification from PostgreSQL (COPY): every sequence, link and hash, stream heads, signed checkpoint (heads, range digest, signature)',
          value: chainRate,
          unit: 'events/s',
          baseline: {
            name: 'COPY of the same columns into one SHA-256 (sha256sum of the raw read), same run',
            value: floorRate,
          },
          ratio: chainRate / floorRate,
          target: '>= 200000 events/s',
          met: chainRate >= 200_000,
        },
        {
          metric:
            'the same plus column checks (payload, actor, unit, time, type, version columns vs the hashed bodies)',
          value: full.eventsChecked / fullSeconds,
          unit: 'events/s',
        },
        {
          metric: 'verification with column checks before any checkpoint (COPY)',
          value: beforeCheckpoint.eventsChecked / beforeCheckpointSeconds,
          unit: 'events/s',
        },
        {
          metric: 'full-chain verification with keyset-paginated SELECTs (the PGlite path), with checkpoint',
          value: paged.eventsChecked / pagedSeconds,
          unit: 'events/s',
        },
        { metric: `signing a checkpoint over ${generated + 1} events`, value: checkpointSeconds, unit: 's' },
        ...(await pgliteVerification().catch((error: unknown) => {
          console.error(`  PGlite part failed: ${(error as Error).message}`);
          return [];
        })),
        ...(replayPart ? await migrationBench() : []),
      ];
    } finally {
      await database.close();
    }
  },
};
