/**
 * A Xining campaign with `count` items in rectification in 湟中区 (demo directory loaded first), the state in
 * which officers record progress and upload evidence: shared by the evidence and cluster benchmarks.
 */
import { campaignTemplates } from '../../src/machines/campaign-templates';
import type { Runtime } from '../../src/runtime/runtime';
import { runConcurrently } from './databases';

const officer = { userId: 'u-officer', unitId: 'xn-hz' };

export async function itemsInRectification(
  runtime: Runtime,
  count: number,
): Promise<{ campaignId: string; itemIds: string[] }> {
  const campaign = await runtime.engine.create(
    'campaign',
    { ...campaignTemplates['xining-2023']!, unitId: 'xn-city' },
    { userId: 'u-supervisor', unitId: 'xn-city' },
  );
  const ids: string[] = [];
  await runConcurrently(count, 8, async (i) => {
    const { streamId } = await runtime.engine.create(
      'item',
      {
        campaignId: campaign.streamId,
        reportedUnitId: 'xn-hz',
        source: 'hotline12328',
        description: `线索 ${i}`,
        receivedAt: '2023-04-09T00:00:00.000Z',
      },
      officer,
    );
    for (const command of [
      {
        type: 'ASSIGN_VERIFICATION',
        unitId: 'xn-hz',
        officerId: 'u-officer',
        deadline: '2030-05-01T00:00:00.000Z',
      },
      { type: 'CONFIRM', category: 'non_standard', severity: 'general', findings: '查实' },
      {
        type: 'START_RECTIFICATION',
        manifestation: '随意拦车',
        measures: '培训',
        responsibleUnitId: 'xn-hz',
        responsiblePerson: '张三',
        deadline: '2030-08-01T00:00:00.000Z',
      },
    ])
      await runtime.engine.execute(streamId, command, officer);
    ids[i] = streamId;
  });
  return { campaignId: campaign.streamId, itemIds: ids };
}
