import ExcelJS from 'exceljs';
import pino from 'pino';
import request from 'supertest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/api/app';
import { createApiRuntime } from '../../src/api/runtime';
import { listen, type RunningServer } from '../../src/api/server';
import { demoLogins, loadDemo, type DemoResult } from '../../src/demo/load-demo';
import { xiningChecklist } from '../../src/demo/xining-checklist';
import { FileSystemBlobStore } from '../../src/persistence/blob-store';
import type { Runtime } from '../../src/runtime/runtime';
import { createTestDatabase } from '../support/database';
import { testHashing } from './support';

let runtime: Runtime;
let result: DemoResult;
let server: RunningServer;
let http: ReturnType<typeof request>;
let token: string;
beforeAll(async () => {
  runtime = await createApiRuntime(await createTestDatabase());
  result = await loadDemo(runtime, testHashing);
  // The demo as `npm start` serves it: a real server on a loopback port, read by the demo supervisor.
  const app = createApp(runtime, {
    auth: {
      jwtSecret: new TextEncoder().encode('test-secret-that-is-at-least-32-bytes-long'),
      passwordHashing: testHashing,
    },
    logger: pino({ level: 'silent' }),
    evidenceStore: new FileSystemBlobStore(join(tmpdir(), 'zz-test-evidence')),
  });
  server = await listen(app, 0);
  http = request(server.url);
  const login = await http
    .post('/auth/login')
    .send({ username: 'supervisor', password: demoLogins.password })
    .expect(200);
  token = login.body.accessToken as string;
});
afterAll(async () => {
  await server.close();
  await runtime.database.close();
});

/** Collects a binary response body (supertest buffers only known text types by default). */
const binary = (res: request.Response, done: (error: Error | null, body: Buffer) => void) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
};

/** A ledger export over HTTP as {header → values of the data rows} (row 4 holds the headers). */
async function exportedColumns(path: string): Promise<Map<string, string[]>> {
  const response = await http
    .get(path)
    .set({ Authorization: `Bearer ${token}` })
    .buffer(true)
    .parse(binary)
    .expect(200)
    .expect('Content-Type', /spreadsheetml/);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(response.body as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0]!;
  const columns = new Map<string, string[]>();
  sheet.getRow(4).eachCell((cell, col) => {
    const values: string[] = [];
    for (let row = 5; row <= sheet.rowCount; row++) {
      const value = sheet.getRow(row).getCell(col).value;
      values.push(value === null || value === undefined ? '' : String(value).trim());
    }
    columns.set(String(cell.value), values);
  });
  return columns;
}

describe('demo data', () => {
  it('transcribes the 36-item checklist of seed 002 under 16 headings in 6 areas', () => {
    expect(xiningChecklist.map((c) => c.number)).toEqual(Array.from({ length: 36 }, (_, i) => i + 1));
    expect(new Set(xiningChecklist.map((c) => c.heading)).size).toBe(16);
    expect(new Set(xiningChecklist.map((c) => c.area)).size).toBe(6);
    expect(xiningChecklist[3]!.text).toContain('轻微违法免罚清单');
  });

  it('loads the Xining campaign, units, users, items across states and escalations into an empty database, once', async () => {
    expect(result).toMatchObject({ loaded: true, campaignId: 'xn-2023', items: 30 });
    const campaign = await runtime.store.loadStream('xn-2023');
    expect(campaign!.state).toBe('rectify');
    const context = campaign!.snapshot.context as {
      categories: unknown[];
      checklist: unknown[];
      deadlines: Record<string, string>;
    };
    expect(context.categories).toHaveLength(6);
    expect(context.checklist).toHaveLength(36);
    expect(Object.keys(context.deadlines)).toEqual(
      expect.arrayContaining(['mobilize', 'identify', 'rectify', 'summarize']),
    );
    const states = (await runtime.database.dataSource.query(
      `SELECT state, count(*)::int AS n FROM streams WHERE stream_type = 'item' GROUP BY state`,
    )) as Array<{ state: string; n: number }>;
    expect(states.map((s) => s.state).sort()).toEqual(
      [
        'awaitingAcceptance',
        'closed',
        'confirmed',
        'dismissalPending',
        'dismissed',
        'lookBack',
        'rectifying',
        'registered',
        'transferred',
        'verifying',
      ].sort(),
    );
    const measures = (await runtime.database.dataSource.query(
      `SELECT DISTINCT category FROM streams WHERE stream_type = 'escalation'`,
    )) as Array<{ category: string }>;
    expect(measures.map((m) => m.category)).toEqual(
      expect.arrayContaining(['hold_accountable', 'inquiry_letter']),
    );
    if (result.loaded) expect(result.escalations).toBeGreaterThanOrEqual(measures.length);
    // Every ledger column filled somewhere: 反映渠道 on every clue, 问责情况 on rectified and overdue items,
    // and a 挂牌督办 with its follow-up ledger.
    const [filled] = (await runtime.database.dataSource.query(
      `SELECT count(*) FILTER (WHERE snapshot #>> '{context,clue,channel}' IS NULL)::int AS without_channel,
              count(*) FILTER (WHERE snapshot #>> '{context,ledger,accountability}' IS NOT NULL)::int AS with_accountability
         FROM streams WHERE stream_type = 'item'`,
    )) as Array<{ without_channel: number; with_accountability: number }>;
    expect(filled!.without_channel).toBe(0);
    expect(filled!.with_accountability).toBeGreaterThan(0);
    const [listed] = (await runtime.database.dataSource.query(
      `SELECT jsonb_array_length(snapshot -> 'context' -> 'followUps')::int AS follow_ups FROM streams
        WHERE stream_type = 'escalation' AND category = 'listed_supervision' AND snapshot #>> '{context,itemId}' IS NOT NULL`,
    )) as Array<{ follow_ups: number }>;
    expect(listed!.follow_ups).toBe(2);
    const roles = (await runtime.database.dataSource.query(`SELECT DISTINCT role FROM users`)) as Array<{
      role: string;
    }>;
    expect(roles.map((r) => r.role).sort()).toEqual(['auditor', 'officer', 'supervisor']);
    expect(await loadDemo(runtime, testHashing)).toEqual({
      loaded: false,
      reason: 'the database is not empty',
    });
  });

  it('over HTTP: every column of the 整改工作台账 and the 线索台账 is filled somewhere, 问责情况 and 反映渠道 included', async () => {
    const ledger = await exportedColumns('/campaigns/xn-2023/ledger.xlsx');
    expect([...ledger.keys()]).toEqual(expect.arrayContaining(['问题类别', '整改措施', '问责情况']));
    for (const [header, values] of ledger)
      expect({ header, filled: values.some((v) => v !== '') }).toEqual({ header, filled: true });
    const clues = await exportedColumns('/campaigns/xn-2023/clues.xlsx');
    expect(clues.has('反映渠道')).toBe(true);
    // 反映渠道 on every clue; every other column on some row.
    expect(clues.get('反映渠道')!.every((v) => v !== '')).toBe(true);
    for (const [header, values] of clues)
      expect({ header, filled: values.some((v) => v !== '') }).toEqual({ header, filled: true });
  });

  it('over HTTP: the 督办台账 has the 挂牌督办 row with its follow-ups', async () => {
    const supervision = await exportedColumns('/campaigns/xn-2023/supervision.xlsx');
    const rows = [...supervision.values()][0]!.length;
    expect(rows).toBeGreaterThanOrEqual(1);
    for (const [header, values] of supervision)
      expect({ header, filled: values[0] !== '' }).toEqual({ header, filled: true });
    expect([...supervision.values()].flat().join('\n')).toContain('整改进度过半，继续跟踪督办');
  });

  it('over HTTP: the reporting status shows 湟源县’s missed 18 June report, and the cadence has ended', async () => {
    const status = await http
      .get('/campaigns/xn-2023/reporting')
      .set({ Authorization: `Bearer ${token}` })
      .expect(200);
    expect(status.body).toMatchObject({
      cadence: { kind: 'monthDays', days: [8, 18, 28], time: '18:00' },
      until: '2023-06-30T15:59:59.000Z',
      nextDue: null,
      dues: ['2023-06-08T10:00:00.000Z', '2023-06-18T10:00:00.000Z', '2023-06-28T10:00:00.000Z'],
    });
    const units = status.body.units as Array<{ unitId: string; missed: number; missedDues: string[] }>;
    expect(units.find((u) => u.unitId === 'xn-hy')).toMatchObject({
      missed: 1,
      missedDues: ['2023-06-18T10:00:00.000Z'],
    });
    expect(units.filter((u) => u.unitId !== 'xn-hy').map((u) => u.missed)).toEqual([0, 0]);
    // The rules answered the missed report (missed-report-inquiry: 函询 the unit's leader).
    const [inquiry] = (await runtime.database.dataSource.query(
      `SELECT count(*)::int AS n FROM streams WHERE stream_type = 'escalation'
          AND snapshot #>> '{context,ruleId}' = 'missed-report-inquiry' AND unit_id = 'xn-hy'`,
    )) as Array<{ n: number }>;
    expect(inquiry!.n).toBe(1);
    // Nothing left for a scheduler started later to catch up on.
    const [pending] = (await runtime.database.dataSource.query(
      `SELECT count(*)::int AS n FROM scheduled_jobs WHERE kind = 'REPORT_DUE' AND status = 'pending'
          AND due_at > '2023-06-28T10:00:00Z'`,
    )) as Array<{ n: number }>;
    expect(pending!.n).toBe(0);
  });

  it('over HTTP: an item’s history shows a correction (更正) of its category, approved by the principal', async () => {
    const history = await http
      .get('/items/xn-2023-003/history')
      .set({ Authorization: `Bearer ${token}` })
      .expect(200);
    const events = history.body.events as Array<{
      sequence: number;
      type: string;
      payload: Record<string, unknown>;
      correction?: Record<string, unknown>;
    }>;
    const types = events.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['CONFIRM', 'REQUEST_CORRECTION', 'APPROVE_CORRECTION']));
    const confirm = events.find((e) => e.type === 'CONFIRM')!;
    expect(confirm.payload.category).toBe('non_standard');
    const request = events.find((e) => e.type === 'REQUEST_CORRECTION')!;
    expect(request.payload).toMatchObject({ corrects: confirm.sequence, fields: { category: 'rigid' } });
    expect(confirm.correction).toBeDefined();
    const item = await http
      .get('/items/xn-2023-003')
      .set({ Authorization: `Bearer ${token}` })
      .expect(200);
    expect(JSON.stringify(item.body)).toContain('"category":"rigid"');
  });
});
