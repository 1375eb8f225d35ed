import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Drawer, Space, Table, Tag, Typography } from 'antd';
import { get } from '../api';
import { CommandDialog, type CommandSpec } from '../components/CommandDialog';
import { ProblemAlert } from '../components/Problem';
import { eventLabel, formatDate, phaseLabel } from '../labels';
import { bodySchema, useOpenApi } from '../openapi';
import { can, useSession, useT, useUser } from '../session';
import { useCampaigns, type CampaignSummary } from './shared';

/** The campaign machine's commands the API exposes (POST /campaigns/:id/commands/<segment>). */
const COMMANDS: [string, string][] = [
  ['SET_PHASE_DEADLINE', 'set-phase-deadline'],
  ['SET_CATEGORIES', 'set-categories'],
  ['SET_CHECKLIST', 'set-checklist'],
  ['ADD_OBLIGATION', 'add-obligation'],
  ['FULFIL_OBLIGATION', 'fulfil-obligation'],
  ['ADVANCE_PHASE', 'advance-phase'],
  ['FINISH', 'finish'],
];

interface CampaignView {
  streamId: string;
  state: string;
  version: number;
  unitId: string;
  acceptedEvents: string[];
  context: Record<string, unknown>;
}

function show(value: unknown): string {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'string') return /^\d{4}-\d\d-\d\dT/.test(value) ? formatDate(value) : value;
  return JSON.stringify(value);
}

function Configure({ id, onClose }: { id: string; onClose(): void }) {
  const t = useT();
  const { lang } = useSession();
  const client = useQueryClient();
  const { message } = App.useApp();
  const openapi = useOpenApi();
  const [dialog, setDialog] = useState<CommandSpec | null>(null);
  const campaign = useQuery({
    queryKey: ['campaign', id],
    queryFn: ({ signal }) => get<CampaignView>(`/campaigns/${encodeURIComponent(id)}`, signal),
  });
  const view = campaign.data;
  const ctx = view?.context ?? {};
  return (
    <Drawer
      open
      title={`${t('行动配置', 'Configure')} · ${String(ctx.name ?? id)}`}
      width={640}
      onClose={onClose}
    >
      <ProblemAlert error={campaign.error} />
      {view && (
        <>
          <Descriptions size="small" column={1} bordered style={{ marginBottom: 12 }}>
            <Descriptions.Item label={t('当前阶段', 'Phase')}>
              {phaseLabel(view.state, lang)}
            </Descriptions.Item>
            <Descriptions.Item label={t('阶段时限', 'Phase deadlines')}>
              {show(ctx.phaseDeadlines ?? ctx.deadlines)}
            </Descriptions.Item>
            <Descriptions.Item label={t('问题类别', 'Categories')}>
              {Array.isArray(ctx.categories)
                ? (ctx.categories as { code?: string; label?: string }[]).map((c) => (
                    <Tag key={c.code ?? c.label}>{c.label ?? c.code}</Tag>
                  ))
                : show(ctx.categories)}
            </Descriptions.Item>
            <Descriptions.Item label={t('检查清单', 'Checklist')}>
              {Array.isArray(ctx.checklist)
                ? t(
                    `${(ctx.checklist as unknown[]).length} 条`,
                    `${(ctx.checklist as unknown[]).length} entries`,
                  )
                : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('阶段任务', 'Obligations')}>
              {show(ctx.obligations)}
            </Descriptions.Item>
            <Descriptions.Item label={t('报送频次', 'Reporting')}>{show(ctx.reporting)}</Descriptions.Item>
          </Descriptions>
          <Space wrap>
            {COMMANDS.filter(([event]) => view.acceptedEvents.includes(event)).map(([event, segment]) => (
              <Button
                key={event}
                onClick={() =>
                  setDialog({
                    label: eventLabel(event, lang),
                    path: `/campaigns/${encodeURIComponent(id)}/commands/${segment}`,
                    schema: bodySchema(openapi.data, 'post', `/campaigns/{id}/commands/${segment}`),
                    version: view.version,
                  })
                }
              >
                {eventLabel(event, lang)}
              </Button>
            ))}
          </Space>
        </>
      )}
      <CommandDialog
        spec={dialog}
        onClose={() => setDialog(null)}
        onDone={() => {
          setDialog(null);
          void message.success(t('已保存', 'Saved'));
          void client.invalidateQueries({
            predicate: (q) => q.queryKey.includes(id) || q.queryKey[0] === 'campaigns',
          });
        }}
      />
    </Drawer>
  );
}

/** Campaigns the caller can read, each opening its dashboard; supervisors configure them here. */
export default function CampaignsPage() {
  const t = useT();
  const { lang } = useSession();
  const user = useUser();
  const campaigns = useCampaigns();
  const [params, setParams] = useSearchParams();
  const configuring = params.get('configure');
  return (
    <section aria-labelledby="campaigns-title">
      <Typography.Title level={3} id="campaigns-title" style={{ marginTop: 0 }}>
        {t('专项行动', 'Campaigns')}
      </Typography.Title>
      <ProblemAlert error={campaigns.error} />
      <Card size="small">
        <Table<CampaignSummary>
          rowKey="id"
          size="small"
          loading={campaigns.isLoading}
          dataSource={campaigns.data ?? []}
          pagination={false}
          columns={[
            { title: t('编号', 'Id'), dataIndex: 'id', width: 140 },
            {
              title: t('名称', 'Title'),
              dataIndex: 'title',
              render: (title: string, row) => (
                <Link to={`/campaigns/${encodeURIComponent(row.id)}`}>{title}</Link>
              ),
            },
            {
              title: t('阶段', 'Phase'),
              dataIndex: 'state',
              width: 120,
              render: (s: string) => <Tag>{phaseLabel(s, lang)}</Tag>,
            },
            { title: t('牵头单位', 'Unit'), dataIndex: 'unitId', width: 120 },
            {
              title: '',
              width: 200,
              render: (_: unknown, row) => (
                <Space>
                  <Link to={`/campaigns/${encodeURIComponent(row.id)}`}>{t('看板', 'Dashboard')}</Link>
                  {can(user, 'configure') && (
                    <Button size="small" onClick={() => setParams({ configure: row.id })}>
                      {t('配置', 'Configure')}
                    </Button>
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      {configuring && can(user, 'configure') && <Configure id={configuring} onClose={() => setParams({})} />}
    </section>
  );
}
