import { lazy, Suspense, useMemo } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { Card, Col, List, Row, Space, Spin, Statistic, Steps, Tag, Typography } from 'antd';
import { get, qs } from '../api';
import { ProblemAlert } from '../components/Problem';
import { categoryLabel, formatDate, itemStateLabel, measureLabel, phaseLabel } from '../labels';
import { can, useSession, useT, useUser } from '../session';

const Chart = lazy(() => import('../components/Chart'));

export interface Dashboard {
  campaign: {
    id: string;
    title: string;
    phase: string;
    phaseLabel?: string;
    phases: { phase: string; label?: string; deadline: string | null; reached: boolean; current: boolean }[];
    openObligations: { id?: string; label?: string; title?: string; phase?: string }[];
  };
  byState: { state: string; label?: string; count: number }[];
  byCategory: { category: string; label?: string; count: number }[];
  byUnit: { unitId: string; unitName?: string; total: number; open: number; overdue: number }[];
  escalationsByMeasure: { measure: string; label?: string; count: number }[];
  trend: { day: string; registered: number; closed: number }[];
}

const bar = (names: string[], values: number[], color: string) => ({
  tooltip: { trigger: 'axis' },
  grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
  xAxis: { type: 'category', data: names, axisLabel: { interval: 0, rotate: names.length > 6 ? 30 : 0 } },
  yAxis: { type: 'value', minInterval: 1 },
  series: [{ type: 'bar', data: values, itemStyle: { color }, cursor: 'pointer' }],
});

/** The supervisor's campaign dashboard: phase bar, counts, overdue by unit, escalations by measure, trend. */
export default function DashboardPage() {
  const { id = '' } = useParams();
  const t = useT();
  const { lang } = useSession();
  const user = useUser();
  const navigate = useNavigate();
  const dashboard = useQuery({
    queryKey: ['dashboard', id],
    queryFn: ({ signal }) => get<Dashboard>(`/campaigns/${encodeURIComponent(id)}/dashboard`, signal),
  });
  const data = dashboard.data;
  const charts = useMemo(() => {
    if (!data) return null;
    const trendDays = data.trend.map((d) => d.day);
    return {
      state: bar(
        data.byState.map((s) => (lang === 'zh' ? (s.label ?? itemStateLabel(s.state)) : s.state)),
        data.byState.map((s) => s.count),
        '#c62828',
      ),
      category: bar(
        data.byCategory.map((c) => (lang === 'zh' ? (c.label ?? categoryLabel(c.category)) : c.category)),
        data.byCategory.map((c) => c.count),
        '#6d4c41',
      ),
      unit: {
        tooltip: { trigger: 'axis' },
        legend: { top: 0 },
        grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
        xAxis: {
          type: 'category',
          data: data.byUnit.map((u) => u.unitName ?? u.unitId),
          axisLabel: { interval: 0, rotate: 20 },
        },
        yAxis: { type: 'value', minInterval: 1 },
        series: [
          {
            name: t('未办结', 'open'),
            type: 'bar',
            data: data.byUnit.map((u) => u.open),
            itemStyle: { color: '#90a4ae' },
          },
          {
            name: t('已逾期', 'overdue'),
            type: 'bar',
            data: data.byUnit.map((u) => u.overdue),
            itemStyle: { color: '#d32f2f' },
          },
        ],
      },
      measure: bar(
        data.escalationsByMeasure.map((m) =>
          lang === 'zh' ? (m.label ?? measureLabel(m.measure)) : m.measure,
        ),
        data.escalationsByMeasure.map((m) => m.count),
        '#ef6c00',
      ),
      trend: {
        tooltip: { trigger: 'axis' },
        legend: { top: 0 },
        grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
        xAxis: { type: 'category', data: trendDays },
        yAxis: { type: 'value', minInterval: 1 },
        series: [
          {
            name: t('登记', 'registered'),
            type: 'line',
            data: data.trend.map((d) => d.registered),
            smooth: true,
          },
          { name: t('销号', 'closed'), type: 'line', data: data.trend.map((d) => d.closed), smooth: true },
        ],
      },
    };
  }, [data, lang, t]);

  if (dashboard.isLoading) return <Spin />;
  if (dashboard.error || !data || !charts) return <ProblemAlert error={dashboard.error} />;
  const total = data.byState.reduce((sum, s) => sum + s.count, 0);
  const overdue = data.byUnit.reduce((sum, u) => sum + u.overdue, 0);
  const open = data.byUnit.reduce((sum, u) => sum + u.open, 0);
  const escalations = data.escalationsByMeasure.reduce((sum, m) => sum + m.count, 0);
  const current = data.campaign.phases.findIndex((p) => p.current);
  const items = (filter: Record<string, string>) => navigate(`/items${qs({ campaignId: id, ...filter })}`);

  return (
    <section aria-labelledby="dashboard-title" data-testid="dashboard">
      <Space align="baseline" wrap>
        <Typography.Title level={3} id="dashboard-title" style={{ marginTop: 0 }}>
          {data.campaign.title}
        </Typography.Title>
        <Tag color="red">{data.campaign.phaseLabel ?? phaseLabel(data.campaign.phase, lang)}</Tag>
        {can(user, 'configure') && (
          <Link to={`/campaigns?configure=${encodeURIComponent(id)}`}>{t('行动配置', 'Configure')}</Link>
        )}
      </Space>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Steps
          size="small"
          current={current < 0 ? data.campaign.phases.length : current}
          items={data.campaign.phases.map((p) => ({
            title: lang === 'zh' ? (p.label ?? phaseLabel(p.phase)) : p.phase,
            description: p.deadline ? `${t('时限', 'due')} ${formatDate(p.deadline)}` : undefined,
            status: p.current ? 'process' : p.reached ? 'finish' : 'wait',
          }))}
        />
        {data.campaign.openObligations.length > 0 && (
          <List
            size="small"
            header={t('本阶段未完成任务', 'Open obligations')}
            dataSource={data.campaign.openObligations}
            renderItem={(o) => <List.Item>{o.label ?? o.title ?? o.id}</List.Item>}
          />
        )}
      </Card>
      <Row gutter={12} style={{ marginBottom: 12 }}>
        {[
          [t('问题总数', 'Items'), total, () => items({})],
          [t('未办结', 'Open'), open, () => items({})],
          [t('已逾期', 'Overdue'), overdue, () => items({ overdue: 'true' })],
          [
            t('督办问责', 'Escalations'),
            escalations,
            () => navigate(`/escalations${qs({ campaignId: id })}`),
          ],
        ].map(([title, value, go]) => (
          <Col span={6} key={String(title)}>
            <Card
              size="small"
              hoverable
              onClick={go as () => void}
              role="link"
              tabIndex={0}
              onKeyDown={(e) => e.key === 'Enter' && (go as () => void)()}
            >
              <Statistic
                title={String(title)}
                value={Number(value)}
                valueStyle={title === t('已逾期', 'Overdue') ? { color: '#d32f2f' } : undefined}
              />
            </Card>
          </Col>
        ))}
      </Row>
      <Suspense fallback={<Spin />}>
        <Row gutter={12}>
          <Col span={12}>
            <Card size="small" title={t('按状态', 'By state')} style={{ marginBottom: 12 }}>
              <Chart
                label={t('按状态统计', 'Items by state')}
                option={charts.state}
                onClick={(c) => items({ state: data.byState[c.dataIndex]!.state })}
              />
            </Card>
          </Col>
          <Col span={12}>
            <Card
              size="small"
              title={t('分单位（未办结 / 逾期）', 'By unit (open / overdue)')}
              style={{ marginBottom: 12 }}
            >
              <Chart
                label={t('分单位统计', 'Items by unit')}
                option={charts.unit}
                onClick={(c) => items({ unitId: data.byUnit[c.dataIndex]!.unitId })}
              />
            </Card>
          </Col>
          <Col span={12}>
            <Card size="small" title={t('按类别', 'By category')} style={{ marginBottom: 12 }}>
              <Chart
                label={t('按类别统计', 'Items by category')}
                option={charts.category}
                onClick={(c) => items({ category: data.byCategory[c.dataIndex]!.category })}
              />
            </Card>
          </Col>
          <Col span={12}>
            <Card
              size="small"
              title={t('督办问责（按措施）', 'Escalations by measure')}
              style={{ marginBottom: 12 }}
            >
              <Chart
                label={t('督办问责按措施统计', 'Escalations by measure')}
                option={charts.measure}
                onClick={(c) =>
                  navigate(
                    `/escalations${qs({ campaignId: id, measure: data.escalationsByMeasure[c.dataIndex]!.measure })}`,
                  )
                }
              />
            </Card>
          </Col>
          <Col span={24}>
            <Card size="small" title={t('趋势（按日）', 'Trend (daily)')}>
              <Chart
                label={t('登记与销号趋势', 'Registered and closed per day')}
                option={charts.trend}
                height={220}
              />
            </Card>
          </Col>
        </Row>
      </Suspense>
    </section>
  );
}
