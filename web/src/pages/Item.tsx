import { lazy, Suspense, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  List,
  Row,
  Space,
  Spin,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { get, type Page } from '../api';
import { CommandDialog, type CommandSpec } from '../components/CommandDialog';
import { CorrectionMarks, eventAnchor, type CorrectionLink } from '../components/CorrectionLinks';
import { ProblemAlert } from '../components/Problem';
import { EvidencePanel } from '../components/EvidencePanel';
import type { JsonSchema } from '../components/SchemaForm';
import {
  channelLabel,
  eventLabel,
  fieldLabel,
  formatDate,
  formatTime,
  itemStateLabel,
  measureLabel,
  stateLabel,
} from '../labels';
import { pathOf, useMachine } from '../machine';
import { bodySchema, useOpenApi } from '../openapi';
import { can, useSession, useT, useUser } from '../session';
import { useCampaignCategories, useUnits, useUsers } from './shared';

const Statechart = lazy(() => import('../components/Statechart'));

interface ItemView {
  streamId: string;
  state: string;
  version: number;
  campaignId: string;
  unitId: string;
  category: string | null;
  deadline: string | null;
  overdue: boolean;
  createdAt: string;
  updatedAt: string;
  acceptedEvents: string[];
  context: Record<string, unknown>;
}

interface Action {
  event: string;
  command: string;
  label: string;
  method: string;
  path: string;
  schema?: JsonSchema;
  enabled: boolean;
  reason?: string;
}

interface HistoryEvent {
  sequence: number;
  type: string;
  actorId: string;
  occurredAt: string;
  machineVersion: number;
  payload: Record<string, unknown>;
  correction?: CorrectionLink;
}

interface Escalation {
  streamId: string;
  state: string;
  version: number;
  measure?: string;
  context?: Record<string, unknown>;
}

const LEDGER_FIELDS: [string, string][] = [
  ['category', '问题类别'],
  ['manifestation', '具体表现'],
  ['measures', '整改措施'],
  ['responsibleUnitId', '责任单位'],
  ['responsiblePerson', '责任人'],
  ['deadline', '整改时限'],
  ['progress', '整改进度及可验证成果'],
  ['accountability', '问责情况'],
];

/** The steps that cited evidence: progress records (整改进展) and submissions for acceptance (提请验收). */
function evidenceSteps(ctx: Record<string, unknown>, t: (zh: string, en: string) => string) {
  type Step = {
    at: string;
    note?: string;
    result?: string;
    evidence?: Array<string | { sha256: string; name: string; mediaType: string; size: number }>;
  };
  const progress = ((ctx.ledger as { progress?: Step[] } | null)?.progress ?? []).map((p) => ({
    at: p.at,
    label: t('整改进展', 'Progress'),
    text: p.note ?? '',
    evidence: p.evidence ?? [],
  }));
  const submissions = ((ctx.submissions as Step[] | undefined) ?? []).map((s) => ({
    at: s.at,
    label: t('提请验收', 'Submitted for acceptance'),
    text: s.result ?? '',
    evidence: s.evidence ?? [],
  }));
  return [...progress, ...submissions]
    .filter((s) => s.evidence.length > 0)
    .sort((a, b) => a.at.localeCompare(b.at));
}

function text(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.map(text).join('；');
  if (typeof value === 'object') {
    // A recorded step (progress, submission, complaint): when, what was said, and the evidence it cites.
    const step = value as { at?: unknown; note?: unknown; result?: unknown; evidence?: unknown };
    const said = step.note ?? step.result;
    if (typeof said !== 'string') return JSON.stringify(value);
    const files = Array.isArray(step.evidence)
      ? step.evidence.map((e) => (typeof e === 'string' ? e : String((e as { name?: unknown }).name ?? '')))
      : [];
    return [
      typeof step.at === 'string' ? formatTime(step.at) : '',
      said,
      files.length ? `（佐证：${files.join('、')}）` : '',
    ]
      .filter(Boolean)
      .join(' ');
  }
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value)) return formatTime(value);
  return String(value);
}

/** One item: ledger fields, clue, evidence, complaints, escalations, the statechart with its path, and actions. */
export default function ItemPage() {
  const { id = '' } = useParams();
  const user = useUser();
  const { lang } = useSession();
  const t = useT();
  const client = useQueryClient();
  const { message } = App.useApp();
  const [dialog, setDialog] = useState<CommandSpec | null>(null);
  const [focused, setFocused] = useState<number | null>(null);
  const openapi = useOpenApi();
  /** Follows a correction link: scrolls the event's row into view and highlights it. */
  const goToEvent = (sequence: number) => {
    setFocused(sequence);
    document.getElementById(eventAnchor(sequence))?.scrollIntoView({ block: 'center' });
  };

  const item = useQuery({
    queryKey: ['item', id],
    queryFn: ({ signal }) => get<ItemView>(`/items/${encodeURIComponent(id)}`, signal),
  });
  const history = useQuery({
    queryKey: ['history', id],
    queryFn: ({ signal }) =>
      get<{ events: HistoryEvent[] }>(`/items/${encodeURIComponent(id)}/history`, signal),
    enabled: item.isSuccess,
  });
  const actions = useQuery({
    queryKey: ['actions', id, item.data?.version],
    queryFn: ({ signal }) => get<Action[]>(`/items/${encodeURIComponent(id)}/actions`, signal),
    enabled: item.isSuccess && can(user, 'act'),
  });
  const escalations = useQuery({
    queryKey: ['escalations', 'item', id],
    queryFn: ({ signal }) =>
      get<Page<Escalation>>(`/escalations?itemId=${encodeURIComponent(id)}&limit=50`, signal),
    enabled: item.isSuccess,
  });
  const units = useUnits();
  const users = useUsers();
  const categories = useCampaignCategories(item.data?.campaignId);
  const unitOptions = (units.data ?? []).map((u) => ({ value: u.id, label: u.name }));
  /** Units by name, as people know them (an id only when the unit lies outside the reader's list). */
  const unitName = (id: unknown): string => (units.data ?? []).find((u) => u.id === id)?.name ?? text(id);
  /** People by name (the id only for someone outside the reader's subtree, or the system's own actors). */
  const userName = (id: unknown): string => {
    const found = (users.data ?? []).find((u) => u.id === id);
    return found ? (found.displayName ?? found.username) : text(id);
  };
  /** A field's value as people read it: the API's label beside a code, units and people by name, times local. */
  const shown = (key: string, value: unknown, row: Record<string, unknown>): string => {
    const label = row[`${key}Label`];
    if (typeof label === 'string' && lang === 'zh') return label;
    if (key === 'unitId' || key.endsWith('UnitId')) return unitName(value);
    if (key === 'coUnitIds' && Array.isArray(value)) return value.map(unitName).join('、');
    if (key === 'officerId' || key === 'handlerId' || key === 'principalId') return userName(value);
    if (key === 'source' || key === 'channel') return channelLabel(String(value ?? ''), lang);
    if (typeof value === 'boolean') return value ? t('是', 'yes') : t('否', 'no');
    return text(value);
  };
  /** The fields of a clue or payload worth showing (not the API's *Label twins, not the event's own instant). */
  const fieldsOf = (row: Record<string, unknown>) =>
    Object.entries(row).filter(([key]) => !key.endsWith('Label') && key !== 'at');
  const formOptions = {
    unitId: unitOptions,
    responsibleUnitId: unitOptions,
    officerId: (users.data ?? [])
      .filter((u) => u.role === 'officer')
      .map((u) => ({ value: u.id, label: `${u.displayName ?? u.username}（${u.unitId}）` })),
    category: (categories.data ?? []).map((c) => ({ value: c.code, label: c.label })),
  };
  const machineVersion = history.data?.events.at(-1)?.machineVersion;
  const machine = useMachine('item', machineVersion);

  if (item.isLoading) return <Spin />;
  if (item.error) return <ProblemAlert error={item.error} />;
  const view = item.data!;
  const ctx = view.context;
  const clue = (ctx.clue ?? {}) as Record<string, unknown>;
  const ledger = (ctx.ledger ?? {}) as Record<string, unknown>;
  const complaints = (ctx.complaints ?? []) as Record<string, unknown>[];
  const path = machine.data && history.data ? pathOf(machine.data, history.data.events) : [];

  const refresh = () => void client.invalidateQueries({ predicate: (q) => q.queryKey.includes(id) });
  const escalationCommand = (e: Escalation, command: string, label: string) =>
    setDialog({
      label,
      path: `/escalations/${encodeURIComponent(e.streamId)}/commands/${command}`,
      schema: bodySchema(openapi.data, 'post', `/escalations/{id}/commands/${command}`),
      version: e.version,
    });

  return (
    <section aria-labelledby="item-title">
      <Space align="baseline" wrap>
        <Typography.Title level={3} id="item-title" style={{ marginTop: 0 }}>
          {String(ctx.title ?? clue.description ?? view.streamId).slice(0, 60)}
        </Typography.Title>
        <Tag color="red" data-testid="item-state">
          {itemStateLabel(view.state, lang)}
        </Tag>
        {view.overdue && <Tag color="volcano">{t('已逾期', 'overdue')}</Tag>}
        <Typography.Text type="secondary">
          {view.streamId} · v{view.version}
        </Typography.Text>
        {can(user, 'audit') && (
          <Link to={`/audit/${encodeURIComponent(view.streamId)}`}>{t('审计追溯', 'Audit trail')}</Link>
        )}
      </Space>

      {can(user, 'act') && (
        <Card
          size="small"
          title={t('可办理事项', 'Actions')}
          style={{ marginBottom: 12 }}
          data-testid="actions"
        >
          {actions.error ? (
            <ProblemAlert error={actions.error} />
          ) : actions.isLoading ? (
            <Spin />
          ) : (actions.data ?? []).length === 0 ? (
            <Typography.Text type="secondary">
              {t('当前状态下您无可办理的操作', 'Nothing for you to do in this state')}
            </Typography.Text>
          ) : (
            <Space wrap>
              {(actions.data ?? []).map((a) => (
                <Tooltip key={a.event} title={a.enabled ? undefined : a.reason}>
                  <Button
                    type={a.enabled ? 'primary' : 'default'}
                    ghost={a.enabled}
                    data-event={a.event}
                    onClick={() =>
                      setDialog({
                        label: lang === 'en' ? a.event : a.label,
                        path: a.path,
                        schema: a.schema,
                        version: view.version,
                        options: formOptions,
                      })
                    }
                  >
                    {lang === 'en' ? a.event : a.label}
                  </Button>
                </Tooltip>
              ))}
            </Space>
          )}
        </Card>
      )}

      <Row gutter={12}>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('台账信息', 'Ledger')} style={{ marginBottom: 12 }}>
            <Descriptions size="small" column={1} bordered>
              <Descriptions.Item label={t('专项行动', 'Campaign')}>{view.campaignId}</Descriptions.Item>
              <Descriptions.Item label={t('单位', 'Unit')}>{unitName(view.unitId)}</Descriptions.Item>
              <Descriptions.Item label={t('时限', 'Deadline')}>{formatDate(view.deadline)}</Descriptions.Item>
              {LEDGER_FIELDS.map(([key, label]) => (
                <Descriptions.Item key={key} label={label}>
                  {key === 'category'
                    ? ((categories.data ?? []).find((c) => c.code === (ledger.category ?? view.category))
                        ?.label ?? text(ledger.category ?? view.category))
                    : key === 'responsibleUnitId'
                      ? unitName(ledger[key])
                      : key === 'deadline'
                        ? formatDate(ledger[key] as string | undefined)
                        : text(ledger[key])}
                </Descriptions.Item>
              ))}
            </Descriptions>
          </Card>
          <Card size="small" title={t('线索', 'Clue')} style={{ marginBottom: 12 }}>
            <Descriptions size="small" column={1}>
              {fieldsOf(clue).map(([key, value]) => (
                <Descriptions.Item key={key} label={fieldLabel(key, lang)}>
                  {shown(key, value, clue)}
                </Descriptions.Item>
              ))}
            </Descriptions>
          </Card>
          <Card
            size="small"
            title={t('佐证材料与投诉', 'Evidence and complaints')}
            style={{ marginBottom: 12 }}
          >
            <EvidencePanel itemId={view.streamId} steps={evidenceSteps(ctx, t)} />
            <List
              size="small"
              header={t('投诉', 'Complaints')}
              dataSource={complaints}
              locale={{ emptyText: t('暂无', 'none') }}
              renderItem={(c) => (
                <List.Item>
                  {text(c.note ?? c)} · {text(c.receivedAt)}
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card
            size="small"
            title={t('状态图（红色为办理路径）', 'Statechart (path in red)')}
            style={{ marginBottom: 12 }}
          >
            {machine.error ? (
              <ProblemAlert error={machine.error} />
            ) : machine.data ? (
              <Suspense fallback={<Spin />}>
                <Statechart machine={machine.data} current={view.state} path={path} lang={lang} />
              </Suspense>
            ) : (
              <Spin />
            )}
          </Card>
          <Card size="small" title={t('督办问责', 'Escalations')} style={{ marginBottom: 12 }}>
            {escalations.error && <ProblemAlert error={escalations.error} />}
            {(escalations.data?.items ?? []).length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('无', 'none')} />
            ) : (
              <List
                size="small"
                dataSource={escalations.data?.items ?? []}
                renderItem={(e) => (
                  <List.Item
                    actions={
                      can(user, 'act')
                        ? [
                            e.state === 'issued' && (
                              <Button
                                size="small"
                                key="ack"
                                onClick={() => escalationCommand(e, 'acknowledge', '签收')}
                              >
                                {t('签收', 'Acknowledge')}
                              </Button>
                            ),
                            (e.state === 'issued' || e.state === 'acknowledged') && (
                              <Button
                                size="small"
                                key="respond"
                                onClick={() => escalationCommand(e, 'respond', '反馈')}
                              >
                                {t('反馈', 'Respond')}
                              </Button>
                            ),
                          ].filter(Boolean)
                        : []
                    }
                  >
                    <Space>
                      <Tag color="orange">
                        {measureLabel(String(e.measure ?? e.context?.measure ?? ''), lang)}
                      </Tag>
                      {stateLabel(e.state, lang)}
                      <Typography.Text type="secondary">
                        {String(e.context?.ruleTitle ?? e.context?.ruleId ?? '')}
                      </Typography.Text>
                    </Space>
                  </List.Item>
                )}
              />
            )}
          </Card>
        </Col>
      </Row>

      <Card size="small" title={t('办理记录', 'History')}>
        <Table<HistoryEvent>
          size="small"
          rowKey="sequence"
          pagination={false}
          loading={history.isLoading}
          dataSource={history.data?.events ?? []}
          onRow={(e) => ({ id: eventAnchor(e.sequence) })}
          rowClassName={(e) => (e.sequence === focused ? 'ant-table-row-selected' : '')}
          columns={[
            { title: '#', dataIndex: 'sequence', width: 50 },
            { title: t('时间', 'Time'), dataIndex: 'occurredAt', width: 150, render: formatTime },
            {
              title: t('事件', 'Event'),
              dataIndex: 'type',
              width: 140,
              render: (type: string) => eventLabel(type, lang),
            },
            { title: t('办理人', 'Actor'), dataIndex: 'actorId', width: 140, render: userName },
            {
              title: t('更正', 'Corrections'),
              width: 190,
              render: (_: unknown, e) => (
                <CorrectionMarks type={e.type} link={e.correction} goTo={goToEvent} />
              ),
            },
            {
              title: t('内容', 'Payload'),
              dataIndex: 'payload',
              ellipsis: true,
              render: (p: Record<string, unknown>) =>
                fieldsOf(p)
                  .map(([k, v]) => `${fieldLabel(k, lang)}：${shown(k, v, p)}`)
                  .join('；'),
            },
          ]}
        />
      </Card>

      <CommandDialog
        spec={dialog}
        onClose={() => setDialog(null)}
        onDone={() => {
          setDialog(null);
          void message.success(t('已提交', 'Done'));
          refresh();
        }}
      />
    </section>
  );
}
