import fc from 'fast-check';
import { OPEN_ITEM_STATES, RECOUNT_SQL } from '../../src/persistence/unit-item-counts';
import { campaignInput, clueInput, createTestRuntime, officer, supervisor } from '../support/fixtures';

type TestRuntime = Awaited<ReturnType<typeof createTestRuntime>>;

let runtime: TestRuntime;
let campaignId: string;

beforeAll(async () => {
  runtime = await createTestRuntime();
  campaignId = (await runtime.engine.create('campaign', campaignInput, supervisor)).streamId;
});
afterAll(() => runtime.database.close());

const UNITS = ['xn-county-hz', 'xn-county-dt', 'xn-hz-det'];
const at = (day: number) => new Date(Date.UTC(2023, 5, 1 + day)).toISOString();

const HAPPY_PATH = [
  'ASSIGN_VERIFICATION',
  'CONFIRM',
  'START_RECTIFICATION',
  'RECORD_COMPLAINT',
  'SUBMIT_FOR_ACCEPTANCE',
  'ACCEPT',
];

/** The commands an officer sends, with the units and instants drawn by fast-check. */
const command = fc.oneof(
  fc.record({ type: fc.constant('ASSIGN_VERIFICATION'), unit: fc.constantFrom(...UNITS) }),
  fc.constant({ type: 'CONFIRM' }),
  fc.record({ type: fc.constant('START_RECTIFICATION'), unit: fc.constantFrom(...UNITS) }),
  fc.record({ type: fc.constant('RECORD_COMPLAINT'), day: fc.integer({ min: 0, max: 60 }) }),
  fc.constant({ type: 'RECTIFICATION_OVERDUE' }),
  fc.constant({ type: 'RECORD_PROGRESS' }),
  fc.constant({ type: 'SUBMIT_FOR_ACCEPTANCE' }),
  fc.constant({ type: 'ACCEPT' }),
  fc.constant({ type: 'REJECT' }),
  fc.constant({ type: 'PROPOSE_DISMISSAL' }),
);

function payload(c: {
  type: string;
  unit?: string;
  day?: number;
}): Record<string, unknown> & { type: string } {
  switch (c.type) {
    case 'ASSIGN_VERIFICATION':
      return { type: c.type, unitId: c.unit, officerId: 'u-officer', deadline: '2023-06-10T00:00:00.000Z' };
    case 'CONFIRM':
      return { type: c.type, category: 'non_standard', severity: 'general', findings: '查实' };
    case 'START_RECTIFICATION':
      return {
        type: c.type,
        manifestation: '随意拦车',
        measures: '培训',
        responsibleUnitId: c.unit,
        responsiblePerson: '张三',
        deadline: '2023-08-01T00:00:00.000Z',
      };
    case 'RECORD_COMPLAINT':
      return { type: c.type, receivedAt: at(c.day ?? 0) };
    case 'RECTIFICATION_OVERDUE':
      return { type: c.type, deadline: '2023-08-01T00:00:00.000Z' };
    case 'RECORD_PROGRESS':
      return { type: c.type, note: '推进中' };
    case 'SUBMIT_FOR_ACCEPTANCE':
      return { type: c.type, result: '已完成', evidence: ['材料.pdf'] };
    case 'REJECT':
      return { type: c.type, reason: '证据不足' };
    case 'PROPOSE_DISMISSAL':
      return { type: c.type, reason: '经核查不属实', handlerId: 'u-officer' };
    default:
      return { type: c.type };
  }
}

const sortRows = (rows: Array<Record<string, unknown>>) =>
  rows
    .map((r) => ({
      campaignId: String(r.campaign_id),
      unitId: String(r.unit_id),
      open: Number(r.open_count),
      overdue: Number(r.overdue_count),
      rectified: Number(r.rectified_count),
      complaints: [...(r.complaint_times as string[])].sort(),
    }))
    .filter((r) => r.open + r.overdue + r.rectified + r.complaints.length > 0)
    .sort((a, b) => `${a.campaignId}/${a.unitId}`.localeCompare(`${b.campaignId}/${b.unitId}`));

describe('unit_item_counts projection on ' + (process.env.ZZ_TEST_DB ?? 'postgres'), () => {
  it('equals a recount from the stream heads after a generated workload (items run concurrently)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: HAPPY_PATH.length }),
            fc.constantFrom(...UNITS),
            fc.array(command, { minLength: 1, maxLength: 10 }),
          ),
          { minLength: 2, maxLength: 6 },
        ),
        async (walks) => {
          // A prefix of the usual path (so closed and overdue items occur), then random commands.
          const perItem = walks.map(([k, unit, rest]) => [
            ...HAPPY_PATH.slice(0, k).map((type) => ({ type, unit })),
            ...rest,
          ]);
          // Each item's commands in order; the items side by side, so group commit batches them together.
          await Promise.all(
            perItem.map(async (commands, i) => {
              const { streamId } = await runtime.engine.create(
                'item',
                { ...clueInput(campaignId), reportedUnitId: UNITS[i % UNITS.length] },
                officer,
              );
              for (const c of commands) {
                await runtime.engine.execute(streamId, payload(c), officer).catch(() => undefined);
              }
            }),
          );
          const kept = (await runtime.database.dataSource.query('SELECT * FROM unit_item_counts')) as Array<
            Record<string, unknown>
          >;
          const recounted = (await runtime.database.dataSource.query(RECOUNT_SQL, [
            OPEN_ITEM_STATES,
          ])) as Array<Record<string, unknown>>;
          expect(sortRows(kept)).toEqual(sortRows(recounted));
        },
      ),
      { numRuns: Number(process.env.ZZ_FUZZ_RUNS ?? 8) },
    );
  });
});
