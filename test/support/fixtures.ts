import { createRuntime, type Runtime } from '../../src/runtime/runtime';
import { categories2023 } from '../../src/machines/campaign-templates';
import { ManualClock, SequentialIds } from '../../src/shared/clock';
import { createTestDatabase } from './database';

export const T0 = '2023-04-10T09:00:00.000Z';
export const officer = { userId: 'u-officer', unitId: 'xn-county-hz' };
export const supervisor = { userId: 'u-supervisor', unitId: 'xn-city' };

/** A runtime on a fresh test database with a small unit tree (city → two counties → a detachment). */
export async function createTestRuntime(): Promise<
  Runtime & { clock: ManualClock; databaseUrl: string | null }
> {
  const database = await createTestDatabase();
  const clock = new ManualClock(T0);
  const runtime = createRuntime(database, { clock, ids: new SequentialIds() });
  const { directory } = runtime;
  await directory.createUnit({ id: 'xn-city', name: '西宁市交通运输局', level: 'city' });
  await directory.createUnit({
    id: 'xn-county-hz',
    name: '湟中区交通运输局',
    level: 'county',
    parentId: 'xn-city',
  });
  await directory.createUnit({
    id: 'xn-county-dt',
    name: '大通县交通运输局',
    level: 'county',
    parentId: 'xn-city',
  });
  await directory.createUnit({
    id: 'xn-hz-det',
    name: '湟中区综合执法大队',
    level: 'detachment',
    parentId: 'xn-county-hz',
  });
  return { ...runtime, clock, databaseUrl: database.url };
}

export const campaignInput = {
  name: '西宁市专项整治 2023',
  unitId: 'xn-city',
  categories: categories2023,
  checklist: [
    { number: 1, area: '一', heading: '(一)', text: '下达罚没指标' },
    { number: 2, area: '一', heading: '(一)', text: '乱罚款、滥收费' },
  ],
  deadlines: {
    mobilize: '2023-04-20T15:59:59.000Z',
    identify: '2023-05-10T15:59:59.000Z',
    rectify: '2023-09-30T15:59:59.000Z',
  },
};

export const clueInput = (campaignId: string) => ({
  campaignId,
  reportedUnitId: 'xn-county-hz',
  source: 'hotline12328',
  description: '执法人员随意拦车、扣车',
  receivedAt: '2023-04-09T02:00:00.000Z',
});

/** Drives an item from registration to `rectifying` and returns its stream id. */
export async function itemInRectification(runtime: Runtime, campaignId: string): Promise<string> {
  const { engine } = runtime;
  const item = await engine.create('item', clueInput(campaignId), officer);
  const id = item.streamId;
  await engine.execute(
    id,
    {
      type: 'ASSIGN_VERIFICATION',
      unitId: 'xn-county-hz',
      officerId: 'u-officer',
      deadline: '2023-05-01T00:00:00.000Z',
    },
    officer,
  );
  await engine.execute(
    id,
    { type: 'CONFIRM', category: 'non_standard', severity: 'general', findings: '查实', checklistItem: 2 },
    officer,
  );
  await engine.execute(
    id,
    {
      type: 'START_RECTIFICATION',
      manifestation: '随意拦车',
      measures: '开展培训',
      responsibleUnitId: 'xn-county-hz',
      responsiblePerson: '张三',
      deadline: '2023-08-01T00:00:00.000Z',
    },
    officer,
  );
  return id;
}
