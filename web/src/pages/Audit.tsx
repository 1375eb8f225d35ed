import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Input,
  List,
  Row,
  Select,
  Slider,
  Space,
  Spin,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { download, get } from '../api';
import { CorrectionMarks, eventAnchor, type CorrectionLink } from '../components/CorrectionLinks';
import { ProblemAlert } from '../components/Problem';
import { eventLabel, formatTime, measureLabel, stateLabel } from '../labels';
import { useMachine } from '../machine';
import { useSession, useT } from '../session';
import { useCampaigns } from './shared';

const Statechart = lazy(() => import('../components/Statechart'));

interface TimelineEntry {
  sequence: number;
  type: string;
  actorId: string;
  unitId: string;
  occurredAt: string;
  machineVersion: number;
  payload: Record<string, unknown>;
  stateBefore: string | null;
  stateAfter: string;
  escalations: { escalationId: string; measure?: string; ruleId?: string; ruleSetVersion?: number }[];
  correction?: CorrectionLink;
}
interface Timeline {
  streamId: string;
  streamType: string;
  entries: TimelineEntry[];
}
interface StateAt {
  version: number;
  state: { value: unknown; context: Record<string, unknown> } | null;
  lastEvent: { sequence: number; type: string; actorId: string; occurredAt: string } | null;
}
interface Explanation {
  state: string;
  waitingFor: string[];
  deadlines: { what: string; due: string; overdue: boolean }[];
  enteredBy: { sequence: number; type: string; actorId: string; occurredAt: string } | null;
  measure?: unknown;
  reason?: unknown;
  rule?: { id: unknown; title: unknown; ruleSetId: unknown; ruleSetVersion: unknown; text: string | null };
  facts?: { name: string; value: unknown }[];
  conditions?: { depth: number; text: string; holds: boolean }[];
  trigger?: unknown;
  overridden?: unknown;
}
interface VerifyReport {
  ok: boolean;
  findings: {
    kind?: string;
    code?: string;
    streamId?: string;
    sequence?: number;
    message?: string;
    detail?: string;
  }[];
  streamsChecked: number;
  eventsChecked: number;
}

const json = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v, null, 1));

/** Time travel over one stream: the slider picks a sequence; state, context and diagram are replayed to it. */
function TimeTravel({ streamId }: { streamId: string }) {
  const t = useT();
  const { lang } = useSession();
  const timeline = useQuery({
    queryKey: ['timeline', streamId],
    queryFn: ({ signal }) => get<Timeline>(`/audit/streams/${encodeURIComponent(streamId)}/timeline`, signal),
  });
  const entries = useMemo(() => timeline.data?.entries ?? [], [timeline.data]);
  const [sequence, setSequence] = useState<number | null>(null);
  const last = entries.at(-1)?.sequence ?? 0;
  const at = sequence ?? last;
  useEffect(() => setSequence(null), [streamId]);
  const stateAt = useQuery({
    queryKey: ['state-at', streamId, at],
    enabled: entries.length > 0,
    queryFn: ({ signal }) =>
      get<StateAt>(`/audit/streams/${encodeURIComponent(streamId)}/state?sequence=${at}`, signal),
  });
  const entry = entries.find((e) => e.sequence === at);
  const machine = useMachine(timeline.data?.streamType, entry?.machineVersion);
  const path = entries
    .filter((e) => e.sequence <= at && e.stateBefore !== null && e.stateBefore !== e.stateAfter)
    .map((e) => ({ from: e.stateBefore!, to: e.stateAfter, event: e.type, sequence: e.sequence }));
  const current =
    typeof stateAt.data?.state?.value === 'string' ? stateAt.data.state.value : entry?.stateAfter;

  if (timeline.isLoading) return <Spin />;
  if (timeline.error) return <ProblemAlert error={timeline.error} />;
  return (
    <>
      <Card size="small" title={t('时间回溯', 'Time travel')} style={{ marginBottom: 12 }}>
        <div style={{ padding: '0 12px' }}>
          <div data-testid="time-slider" style={{ width: '100%' }}>
            <Slider
              min={1}
              max={Math.max(1, last)}
              value={at}
              onChange={(v) => setSequence(v)}
              marks={Object.fromEntries(entries.map((e) => [e.sequence, String(e.sequence)]))}
              tooltip={{
                formatter: (v) => `#${v} ${eventLabel(entries.find((e) => e.sequence === v)?.type, lang)}`,
              }}
              aria-label={t('事件序号', 'Event sequence')}
              style={{ width: '100%' }}
            />
          </div>
          <Typography.Text data-testid="time-position">
            {t(`第 ${at} / ${last} 个事件`, `event ${at} of ${last}`)} ·{' '}
            {entry
              ? `${eventLabel(entry.type, lang)} · ${formatTime(entry.occurredAt)} · ${entry.actorId}`
              : ''}{' '}
            · {t('状态', 'state')}：
            <Tag color="red" data-testid="state-at">
              {stateLabel(current, lang)}
            </Tag>
          </Typography.Text>
        </div>
      </Card>
      <Row gutter={12}>
        <Col span={14}>
          <Card
            size="small"
            title={t('状态图（截至所选事件）', 'Statechart as of the chosen event')}
            style={{ marginBottom: 12 }}
          >
            {machine.data ? (
              <Suspense fallback={<Spin />}>
                <Statechart machine={machine.data} current={current} path={path} lang={lang} height={340} />
              </Suspense>
            ) : machine.error ? (
              <ProblemAlert error={machine.error} />
            ) : (
              <Spin />
            )}
          </Card>
        </Col>
        <Col span={10}>
          <Card size="small" title={t('当时的上下文', 'Context then')} style={{ marginBottom: 12 }}>
            {stateAt.error && <ProblemAlert error={stateAt.error} />}
            <pre style={{ maxHeight: 340, overflow: 'auto', fontSize: 12, margin: 0 }}>
              {json(stateAt.data?.state?.context ?? {})}
            </pre>
          </Card>
        </Col>
      </Row>
      <Card size="small" title={t('时间线', 'Timeline')}>
        <Table<TimelineEntry>
          size="small"
          rowKey="sequence"
          pagination={false}
          dataSource={entries}
          rowClassName={(e) => (e.sequence === at ? 'ant-table-row-selected' : '')}
          onRow={(e) => ({ id: eventAnchor(e.sequence), onClick: () => setSequence(e.sequence) })}
          columns={[
            { title: '#', dataIndex: 'sequence', width: 50 },
            { title: t('时间', 'Time'), dataIndex: 'occurredAt', width: 150, render: formatTime },
            {
              title: t('事件', 'Event'),
              dataIndex: 'type',
              width: 140,
              render: (type: string) => eventLabel(type, lang),
            },
            { title: t('办理人', 'Actor'), dataIndex: 'actorId', width: 130 },
            {
              title: t('状态变化', 'State'),
              width: 200,
              render: (_: unknown, e) =>
                `${stateLabel(e.stateBefore, lang)} → ${stateLabel(e.stateAfter, lang)}`,
            },
            { title: t('版本', 'Machine'), dataIndex: 'machineVersion', width: 60 },
            {
              title: t('更正', 'Corrections'),
              width: 190,
              // A link travels to the linked event: the slider, diagram and context follow.
              render: (_: unknown, e) => (
                <CorrectionMarks
                  type={e.type}
                  link={e.correction}
                  goTo={(sequence) => {
                    setSequence(sequence);
                    document.getElementById(eventAnchor(sequence))?.scrollIntoView({ block: 'center' });
                  }}
                />
              ),
            },
            {
              title: t('引发的督办问责', 'Escalations'),
              dataIndex: 'escalations',
              render: (list: TimelineEntry['escalations']) =>
                list.map((x) => (
                  <Tag key={x.escalationId} color="orange">
                    {measureLabel(x.measure, lang)} · {String(x.ruleId ?? '')} v
                    {String(x.ruleSetVersion ?? '')}
                  </Tag>
                )),
            },
          ]}
        />
      </Card>
    </>
  );
}

function Explain({ streamId }: { streamId: string }) {
  const t = useT();
  const { lang } = useSession();
  const explain = useQuery({
    queryKey: ['explain', streamId],
    queryFn: ({ signal }) =>
      get<Explanation>(`/audit/streams/${encodeURIComponent(streamId)}/explain`, signal),
  });
  if (explain.isLoading) return <Spin />;
  if (explain.error) return <ProblemAlert error={explain.error} />;
  const e = explain.data!;
  return (
    <div data-testid="explain">
      <Descriptions size="small" bordered column={1} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('当前状态', 'State')}>{stateLabel(e.state, lang)}</Descriptions.Item>
        <Descriptions.Item label={t('进入方式', 'Entered by')}>
          {e.enteredBy
            ? `#${e.enteredBy.sequence} ${eventLabel(e.enteredBy.type, lang)} · ${e.enteredBy.actorId} · ${formatTime(e.enteredBy.occurredAt)}`
            : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('等待', 'Waiting for')}>
          {e.waitingFor.map((w) => (
            <Tag key={w}>{eventLabel(w, lang)}</Tag>
          ))}
        </Descriptions.Item>
        {e.measure !== undefined && (
          <Descriptions.Item label={t('措施', 'Measure')}>
            {measureLabel(String(e.measure), lang)}
          </Descriptions.Item>
        )}
        {e.reason !== undefined && (
          <Descriptions.Item label={t('理由', 'Reason')}>{json(e.reason)}</Descriptions.Item>
        )}
        {e.rule && (
          <Descriptions.Item label={t('规则', 'Rule')}>
            {String(e.rule.id)} “{String(e.rule.title)}” · {String(e.rule.ruleSetId)} {t('第', 'v')}
            {String(e.rule.ruleSetVersion)}
            {t('版', '')}
          </Descriptions.Item>
        )}
        {e.trigger !== undefined && (
          <Descriptions.Item label={t('触发', 'Trigger')}>{json(e.trigger)}</Descriptions.Item>
        )}
        {e.overridden !== undefined && e.overridden !== null && (
          <Descriptions.Item label={t('被覆盖', 'Overrode')}>{json(e.overridden)}</Descriptions.Item>
        )}
      </Descriptions>
      {e.rule?.text && (
        <pre style={{ background: '#fafafa', padding: 8, border: '1px solid #eee' }}>{e.rule.text}</pre>
      )}
      {e.conditions && (
        <List
          size="small"
          header={t('条件', 'Conditions')}
          dataSource={e.conditions}
          renderItem={(c) => (
            <List.Item style={{ paddingLeft: 8 + c.depth * 16 }}>
              {c.holds ? (
                <Tag color="green">✓ {t('成立', 'holds')}</Tag>
              ) : (
                <Tag color="default">✗ {t('不成立', 'fails')}</Tag>
              )}{' '}
              {c.text}
            </List.Item>
          )}
        />
      )}
      {e.facts && (
        <Table
          size="small"
          rowKey="name"
          pagination={false}
          dataSource={e.facts}
          columns={[
            { title: t('事实', 'Fact'), dataIndex: 'name' },
            { title: t('取值', 'Value'), dataIndex: 'value', render: json },
          ]}
        />
      )}
    </div>
  );
}

function Verify({ streamId }: { streamId: string }) {
  const t = useT();
  const [run, setRun] = useState(false);
  const verify = useQuery({
    queryKey: ['verify', streamId],
    enabled: run,
    queryFn: ({ signal }) =>
      get<VerifyReport>(`/audit/verify?streamId=${encodeURIComponent(streamId)}`, signal),
  });
  return (
    <div>
      <Button onClick={() => (run ? void verify.refetch() : setRun(true))} loading={verify.isFetching}>
        {t('校验哈希链', 'Verify the chain')}
      </Button>
      <ProblemAlert error={verify.error} style={{ marginTop: 12 }} />
      {verify.data && (
        <Alert
          style={{ marginTop: 12 }}
          type={verify.data.ok ? 'success' : 'error'}
          showIcon
          message={
            verify.data.ok
              ? t(
                  `未发现篡改：${verify.data.streamsChecked} 条流，${verify.data.eventsChecked} 个事件`,
                  `No findings: ${verify.data.eventsChecked} events`,
                )
              : t(`发现 ${verify.data.findings.length} 处问题`, `${verify.data.findings.length} findings`)
          }
          description={verify.data.findings.map((f, i) => (
            <div key={i}>{f.message ?? f.detail ?? JSON.stringify(f)}</div>
          ))}
        />
      )}
    </div>
  );
}

function Reads() {
  const t = useT();
  const reads = useQuery({
    queryKey: ['reads'],
    queryFn: ({ signal }) => get<unknown>('/audit/reads?limit=50', signal),
  });
  const rows = (
    Array.isArray(reads.data) ? reads.data : ((reads.data as { items?: unknown[] })?.items ?? [])
  ) as Record<string, unknown>[];
  return (
    <>
      <ProblemAlert error={reads.error} />
      <Table
        size="small"
        rowKey={(r) => String(r.id ?? JSON.stringify(r))}
        dataSource={rows}
        pagination={false}
        columns={[
          {
            title: t('时间', 'Time'),
            dataIndex: 'readAt',
            render: (v: string, r) => formatTime(v ?? String(r.at ?? '')),
          },
          { title: t('操作', 'Action'), dataIndex: 'action' },
          { title: t('对象', 'Subject'), dataIndex: 'subject' },
          { title: t('结果', 'Outcome'), dataIndex: 'outcome', render: (v: unknown) => json(v ?? '') },
        ]}
      />
    </>
  );
}

/** The auditor's view: pick a stream; timeline with time travel, explanation, verification; exports; read log. */
export default function AuditPage() {
  const { streamId } = useParams();
  const t = useT();
  const navigate = useNavigate();
  const campaigns = useCampaigns();
  const [exportCampaign, setExportCampaign] = useState<string>();
  const [error, setError] = useState<unknown>(null);
  return (
    <section aria-labelledby="audit-title">
      <Typography.Title level={3} id="audit-title" style={{ marginTop: 0 }}>
        {t('审计追溯', 'Audit')}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          key={streamId}
          defaultValue={streamId}
          placeholder={t('事项、行动或督办编号', 'Item, campaign or escalation id')}
          enterButton={t('查看', 'Open')}
          onSearch={(v) => v.trim() && navigate(`/audit/${encodeURIComponent(v.trim())}`)}
          style={{ width: 380 }}
          aria-label={t('流编号', 'Stream id')}
        />
        <Select
          style={{ width: 240 }}
          placeholder={t('导出专项行动', 'Export a campaign')}
          aria-label={t('导出专项行动', 'Export a campaign')}
          value={exportCampaign}
          onChange={setExportCampaign}
          options={(campaigns.data ?? []).map((c) => ({ value: c.id, label: c.title ?? c.id }))}
        />
        <Button
          disabled={!exportCampaign}
          onClick={() =>
            void download(
              `/audit/campaigns/${encodeURIComponent(exportCampaign!)}/export`,
              `${exportCampaign}.jsonl`,
            ).catch(setError)
          }
        >
          {t('下载可校验导出', 'Download verifiable export')}
        </Button>
      </Space>
      <ProblemAlert error={error} style={{ marginBottom: 12 }} />
      {streamId ? (
        <Tabs
          items={[
            { key: 'timeline', label: t('时间线', 'Timeline'), children: <TimeTravel streamId={streamId} /> },
            { key: 'explain', label: t('解释', 'Explain'), children: <Explain streamId={streamId} /> },
            { key: 'verify', label: t('校验', 'Verify'), children: <Verify streamId={streamId} /> },
            { key: 'reads', label: t('查阅记录', 'Read log'), children: <Reads /> },
          ]}
        />
      ) : (
        <Tabs
          items={[
            {
              key: 'none',
              label: t('时间线', 'Timeline'),
              children: <Empty description={t('输入编号查看其历史', 'Enter an id to see its history')} />,
            },
            { key: 'reads', label: t('查阅记录', 'Read log'), children: <Reads /> },
          ]}
        />
      )}
    </section>
  );
}
