import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  List,
  Row,
  Select,
  Space,
  Spin,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { ApiProblem, get, post } from '../api';
import { ProblemAlert } from '../components/Problem';
import { formatTime } from '../labels';
import { useT } from '../session';
import { useCampaigns } from './shared';

const RuleEditor = lazy(() => import('../rules/RuleEditor'));

interface RuleDiagnostic {
  code: string;
  message: string;
  messageZh: string;
  hint?: string;
  range: { line: number; column: number; offset: number; length: number };
}
interface CheckAnswer {
  ok: boolean;
  version: number | null;
  ruleCount: number | null;
  diagnostics: RuleDiagnostic[];
}
interface Example {
  title: string;
  passed: boolean;
  failures: string[];
}
interface Published {
  version: number;
  publishedAt?: string;
  publishedBy?: string;
  ruleSetId?: string;
  source?: string;
}

const TEMPLATE = `规则集 my-rules 版本 1 "新规则集"

规则 overdue-remind "整改超期，提醒责任人" 优先级 10
  当 事项.状态 = 整改中 且 事项.超期天数 > 0
  则 提醒 责任人 期限 5 天 理由 "整改超期"
`;

/** The supervisor's rule editor: check as you type, run the examples, diff, publish with the version check. */
export default function RulesPage() {
  const t = useT();
  const client = useQueryClient();
  const { message } = App.useApp();
  const campaigns = useCampaigns();
  const [campaignId, setCampaignId] = useState<string>();
  const campaign = campaignId ?? campaigns.data?.[0]?.id;
  const [source, setSource] = useState<string | null>(null);
  const [diagnostics, setDiagnostics] = useState<RuleDiagnostic[] | null>(null);
  const [examples, setExamples] = useState<Example[] | null>(null);
  const [diff, setDiff] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const versions = useQuery({
    queryKey: ['rule-sets', campaign],
    enabled: campaign !== undefined,
    queryFn: ({ signal }) =>
      get<{ items: Published[] }>(`/campaigns/${encodeURIComponent(campaign!)}/rule-sets`, signal),
  });
  const latest = versions.data?.items.reduce<Published | undefined>(
    (a, b) => (!a || b.version > a.version ? b : a),
    undefined,
  );
  const publishedSource = useQuery({
    queryKey: ['rule-set', campaign, latest?.version],
    enabled: latest !== undefined,
    queryFn: ({ signal }) =>
      get<Published>(`/campaigns/${encodeURIComponent(campaign!)}/rule-sets/${latest!.version}`, signal),
  });
  const published = publishedSource.data?.source ?? null;
  const ready = versions.isSuccess && (latest === undefined || publishedSource.isSuccess);

  useEffect(() => {
    setSource(null);
    setExamples(null);
    setDiagnostics(null);
  }, [campaign]);
  useEffect(() => {
    if (ready && source === null) setSource(published ?? TEMPLATE);
  }, [ready, source, published]);

  const check = useCallback(async (text: string): Promise<CmDiagnostic[]> => {
    try {
      const answer = await post<CheckAnswer>('/rule-sets/check', { source: text });
      setDiagnostics(answer.diagnostics);
      return answer.diagnostics.map((d) => ({
        from: Math.min(d.range.offset, text.length),
        to: Math.min(d.range.offset + Math.max(d.range.length, 1), text.length),
        severity: 'error',
        source: d.code,
        message: `${d.code} ${d.messageZh}${d.hint ? `（${d.hint}）` : ''}`,
      }));
    } catch (caught) {
      setError(caught);
      return [];
    }
  }, []);

  const runExamples = async () => {
    setBusy(true);
    setError(null);
    try {
      const answer = await post<{ examples: Example[] }>('/rule-sets/test', { source });
      setExamples(answer.examples);
    } catch (caught) {
      setError(caught);
      if (caught instanceof ApiProblem && Array.isArray(caught.body.diagnostics))
        setDiagnostics(caught.body.diagnostics as RuleDiagnostic[]);
    } finally {
      setBusy(false);
    }
  };
  const publish = async () => {
    setBusy(true);
    setError(null);
    try {
      const answer = await post<Published>(
        `/campaigns/${encodeURIComponent(campaign!)}/rule-sets`,
        { source },
        { 'Idempotency-Key': crypto.randomUUID() },
      );
      void message.success(t(`已发布第 ${answer.version} 版`, `Published version ${answer.version}`));
      await client.invalidateQueries({ queryKey: ['rule-sets', campaign] });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const errorCount = diagnostics?.length ?? 0;
  return (
    <section aria-labelledby="rules-title">
      <Typography.Title level={3} id="rules-title" style={{ marginTop: 0 }}>
        {t('规则编辑', 'Rule editor')}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          style={{ width: 260 }}
          aria-label={t('专项行动', 'Campaign')}
          value={campaign}
          onChange={setCampaignId}
          options={(campaigns.data ?? []).map((c) => ({ value: c.id, label: c.title ?? c.id }))}
        />
        <Typography.Text type="secondary">
          {latest
            ? t(
                `已发布第 ${latest.version} 版 · ${formatTime(latest.publishedAt)}`,
                `published v${latest.version}`,
              )
            : t('尚未发布规则', 'nothing published')}
        </Typography.Text>
        <Space>
          <Switch
            checked={diff}
            onChange={setDiff}
            disabled={!published}
            aria-label={t('与已发布版本对比', 'Diff')}
          />
          {t('与已发布版本对比', 'Diff against published')}
        </Space>
      </Space>
      <Row gutter={12}>
        <Col span={16}>
          {source === null ? (
            <Spin />
          ) : (
            <Suspense fallback={<Spin />}>
              <RuleEditor
                key={campaign}
                value={source}
                onChange={setSource}
                check={check}
                published={diff ? published : null}
              />
            </Suspense>
          )}
          <Space style={{ marginTop: 12 }}>
            <Button onClick={() => void runExamples()} loading={busy} disabled={!source}>
              {t('运行示例', 'Run examples')}
            </Button>
            <Button
              type="primary"
              onClick={() => void publish()}
              loading={busy}
              disabled={!source || errorCount > 0}
            >
              {t('发布', 'Publish')}
            </Button>
          </Space>
          <ProblemAlert error={error} style={{ marginTop: 12 }} />
        </Col>
        <Col span={8}>
          <Card
            size="small"
            title={t('检查结果', 'Diagnostics')}
            style={{ marginBottom: 12 }}
            data-testid="diagnostics"
          >
            {diagnostics === null ? (
              <Typography.Text type="secondary">{t('输入时自动检查', 'Checked as you type')}</Typography.Text>
            ) : errorCount === 0 ? (
              <Alert type="success" showIcon message={t('编译通过', 'Compiles')} />
            ) : (
              <List
                size="small"
                dataSource={diagnostics}
                renderItem={(d) => (
                  <List.Item>
                    <div>
                      <Tag color="red">{d.code}</Tag>
                      {t(
                        `第 ${d.range.line} 行第 ${d.range.column} 列`,
                        `line ${d.range.line}, column ${d.range.column}`,
                      )}
                      ：{t(d.messageZh, d.message)}
                      {d.hint && <div style={{ color: '#666' }}>{d.hint}</div>}
                    </div>
                  </List.Item>
                )}
              />
            )}
          </Card>
          <Card size="small" title={t('示例', 'Examples')} data-testid="examples">
            {examples === null ? (
              <Typography.Text type="secondary">
                {t('点击“运行示例”', 'Press “Run examples”')}
              </Typography.Text>
            ) : (
              <Table<Example>
                size="small"
                rowKey="title"
                pagination={false}
                dataSource={examples}
                locale={{ emptyText: t('文件中没有示例', 'No examples in the file') }}
                columns={[
                  { title: t('示例', 'Example'), dataIndex: 'title' },
                  {
                    title: t('结果', 'Result'),
                    dataIndex: 'passed',
                    width: 80,
                    render: (passed: boolean, row) => (
                      <span title={row.failures.join('\n')}>
                        {passed ? (
                          <Tag color="green">{t('通过', 'pass')}</Tag>
                        ) : (
                          <Tag color="red">{t('未通过', 'fail')}</Tag>
                        )}
                      </span>
                    ),
                  },
                ]}
              />
            )}
          </Card>
        </Col>
      </Row>
    </section>
  );
}
