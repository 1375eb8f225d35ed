import { useState } from 'react';
import { usePagedList } from './paged-list';
import { Link } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Select, Space, Table, Tag, Typography } from 'antd';
import { CommandDialog, type CommandSpec } from '../components/CommandDialog';
import { ProblemAlert } from '../components/Problem';
import {
  escalationStateLabel,
  formatDate,
  formatTime,
  MEASURE_CODES,
  measureLabel,
  targetLabel,
} from '../labels';
import { bodySchema, useOpenApi } from '../openapi';
import { can, useSession, useT, useUser } from '../session';

interface EscalationRow {
  streamId: string;
  state: string;
  version: number;
  measure: string;
  target: string | { kind?: string; id?: string };
  reason: string;
  ruleId: string;
  itemId: string | null;
  campaignId: string;
  unitId: string;
  respondBy: string | null;
  overdue: boolean;
  issuedAt: string;
}

/** Which escalation commands a state offers, and who may issue them (src/api/authz.ts). */
const COMMANDS: { segment: string; zh: string; en: string; states: string[]; supervisorOnly: boolean }[] = [
  { segment: 'acknowledge', zh: '签收', en: 'Acknowledge', states: ['issued'], supervisorOnly: false },
  {
    segment: 'respond',
    zh: '反馈',
    en: 'Respond',
    states: ['issued', 'acknowledged'],
    supervisorOnly: false,
  },
  {
    segment: 'record-follow-up',
    zh: '督办跟进',
    en: 'Follow-up',
    states: ['issued', 'acknowledged', 'responded'],
    supervisorOnly: false,
  },
  {
    segment: 'record-outcome',
    zh: '处理结果',
    en: 'Outcome',
    states: ['issued', 'acknowledged', 'responded'],
    supervisorOnly: true,
  },
  {
    segment: 'lift',
    zh: '解除',
    en: 'Lift',
    states: ['issued', 'acknowledged', 'responded'],
    supervisorOnly: true,
  },
];

/** 督办问责 inbox: escalations in the caller's subtree, with follow-up, outcome and lift. */
export default function EscalationsPage() {
  const t = useT();
  const { lang } = useSession();
  const user = useUser();
  const client = useQueryClient();
  const { message } = App.useApp();
  const openapi = useOpenApi();
  const {
    list,
    filters,
    setFilter: set,
    pagination,
  } = usePagedList<EscalationRow>('/escalations', ['state', 'measure', 'campaignId', 'overdue']);
  const [dialog, setDialog] = useState<CommandSpec | null>(null);
  return (
    <section aria-labelledby="escalations-title">
      <Typography.Title level={3} id="escalations-title" style={{ marginTop: 0 }}>
        {t('督办问责', 'Escalations')}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          allowClear
          placeholder={t('措施', 'Measure')}
          aria-label={t('措施', 'Measure')}
          style={{ width: 180 }}
          value={filters.measure}
          onChange={(v?: string) => set('measure', v)}
          options={MEASURE_CODES.map((m) => ({ value: m, label: measureLabel(m, lang) }))}
        />
        <Select
          allowClear
          placeholder={t('状态', 'State')}
          aria-label={t('状态', 'State')}
          style={{ width: 140 }}
          value={filters.state}
          onChange={(v?: string) => set('state', v)}
          options={['issued', 'acknowledged', 'responded', 'lifted', 'steppedUp'].map((s) => ({
            value: s,
            label: escalationStateLabel(s, lang),
          }))}
        />
        <Select
          allowClear
          placeholder={t('是否超期', 'Overdue')}
          aria-label={t('是否超期', 'Overdue')}
          style={{ width: 120 }}
          value={filters.overdue}
          onChange={(v?: string) => set('overdue', v)}
          options={[
            { value: 'true', label: t('已超期', 'overdue') },
            { value: 'false', label: t('未超期', 'not overdue') },
          ]}
        />
      </Space>
      <ProblemAlert error={list.error} />
      <Table<EscalationRow>
        rowKey="streamId"
        size="small"
        scroll={{ x: 1000 }}
        loading={list.isFetching && !list.data}
        dataSource={list.data?.items ?? []}
        pagination={pagination()}
        columns={[
          {
            title: t('措施', 'Measure'),
            dataIndex: 'measure',
            width: 120,
            render: (m: string) => <Tag color="orange">{measureLabel(m, lang)}</Tag>,
          },
          {
            title: t('对象', 'Target'),
            dataIndex: 'target',
            width: 150,
            render: (target: EscalationRow['target']) =>
              typeof target === 'string'
                ? targetLabel(target, lang)
                : `${targetLabel(target?.kind, lang)} ${target?.id ?? ''}`,
          },
          { title: t('理由', 'Reason'), dataIndex: 'reason', ellipsis: true },
          {
            title: t('事项', 'Item'),
            dataIndex: 'itemId',
            width: 130,
            render: (itemId: string | null) =>
              itemId ? <Link to={`/items/${encodeURIComponent(itemId)}`}>{itemId}</Link> : '—',
          },
          {
            title: t('状态', 'State'),
            dataIndex: 'state',
            width: 90,
            render: (s: string) => escalationStateLabel(s, lang),
          },
          {
            title: t('反馈期限', 'Respond by'),
            dataIndex: 'respondBy',
            width: 150,
            render: (d: string | null, row) => (
              <Space size={4}>
                {formatDate(d)}
                {row.overdue && <Tag color="red">{t('超期', 'overdue')}</Tag>}
              </Space>
            ),
          },
          { title: t('下达时间', 'Issued'), dataIndex: 'issuedAt', width: 140, render: formatTime },
          {
            title: t('操作', 'Actions'),
            width: 230,
            render: (_: unknown, row) =>
              can(user, 'act') ? (
                <Space size={4} wrap>
                  {COMMANDS.filter(
                    (c) => c.states.includes(row.state) && (!c.supervisorOnly || user.role === 'supervisor'),
                  ).map((c) => (
                    <Button
                      key={c.segment}
                      size="small"
                      onClick={() =>
                        setDialog({
                          label: `${lang === 'zh' ? c.zh : c.en} · ${measureLabel(row.measure, lang)}`,
                          path: `/escalations/${encodeURIComponent(row.streamId)}/commands/${c.segment}`,
                          schema: bodySchema(openapi.data, 'post', `/escalations/{id}/commands/${c.segment}`),
                          version: row.version,
                        })
                      }
                    >
                      {lang === 'zh' ? c.zh : c.en}
                    </Button>
                  ))}
                  {can(user, 'audit') && (
                    <Link to={`/audit/${encodeURIComponent(row.streamId)}`}>{t('依据', 'Why')}</Link>
                  )}
                </Space>
              ) : can(user, 'audit') ? (
                <Link to={`/audit/${encodeURIComponent(row.streamId)}`}>{t('依据', 'Why')}</Link>
              ) : null,
          },
        ]}
      />
      <CommandDialog
        spec={dialog}
        onClose={() => setDialog(null)}
        onDone={() => {
          setDialog(null);
          void message.success(t('已提交', 'Done'));
          void client.invalidateQueries({ queryKey: ['escalations'] });
        }}
      />
    </section>
  );
}
