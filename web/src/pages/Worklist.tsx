import { Input, Select, Space, Table, Tag, Typography } from 'antd';
import { usePagedList } from './paged-list';
import { useState } from 'react';
import { Link } from 'react-router';
import { ProblemAlert } from '../components/Problem';
import { formatDate, ITEM_STATE_CODES, itemStateLabel } from '../labels';
import { useSession, useT } from '../session';
import { useCampaigns } from './shared';

export interface WorkRow {
  id: string;
  title?: string;
  state: string;
  stateLabel?: string;
  unitId: string;
  unitName?: string;
  category?: string | null;
  deadline: string | null;
  overdue: boolean;
  dueSoon?: boolean;
  version: number;
}

/** 我的待办: items in the caller's subtree that need an action from their role, by deadline (server paged). */
export function WorklistPage() {
  const t = useT();
  const { lang } = useSession();
  const {
    list,
    filters,
    setFilter: set,
    pagination,
  } = usePagedList<WorkRow>('/worklist', ['q', 'state', 'campaignId']);
  const [search, setSearch] = useState(filters.q ?? '');
  const campaigns = useCampaigns();

  return (
    <section aria-labelledby="worklist-title">
      <Typography.Title level={3} id="worklist-title" style={{ marginTop: 0 }}>
        {t('我的待办', 'My worklist')}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          placeholder={t('搜索编号、标题或描述', 'Search id, title, description')}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          onSearch={(v) => set('q', v.trim() || undefined)}
          allowClear
          style={{ width: 300 }}
          aria-label={t('搜索', 'Search')}
        />
        <Select
          allowClear
          placeholder={t('状态', 'State')}
          style={{ width: 160 }}
          value={filters.state}
          onChange={(v?: string) => set('state', v)}
          options={ITEM_STATE_CODES.map((code) => ({ value: code, label: itemStateLabel(code, lang) }))}
          aria-label={t('状态', 'State')}
        />
        <Select
          allowClear
          placeholder={t('专项行动', 'Campaign')}
          style={{ width: 240 }}
          value={filters.campaignId}
          onChange={(v?: string) => set('campaignId', v)}
          options={(campaigns.data ?? []).map((c) => ({ value: c.id, label: c.title ?? c.id }))}
          aria-label={t('专项行动', 'Campaign')}
        />
      </Space>
      <ProblemAlert error={list.error} style={{ marginBottom: 12 }} />
      <Table<WorkRow>
        data-testid="worklist"
        rowKey="id"
        size="small"
        virtual
        scroll={{ y: 520, x: 900 }}
        loading={list.isFetching && !list.data}
        dataSource={list.data?.items ?? []}
        pagination={pagination((total) => t(`共 ${total} 条`, `${total} items`))}
        columns={[
          {
            title: t('编号', 'Id'),
            dataIndex: 'id',
            width: 150,
            render: (id: string) => <Link to={`/items/${encodeURIComponent(id)}`}>{id}</Link>,
          },
          { title: t('问题', 'Item'), dataIndex: 'title', ellipsis: true },
          {
            title: t('状态', 'State'),
            dataIndex: 'state',
            width: 110,
            render: (state: string, row) => (
              <Tag>{lang === 'zh' ? (row.stateLabel ?? itemStateLabel(state)) : state}</Tag>
            ),
          },
          {
            title: t('单位', 'Unit'),
            dataIndex: 'unitName',
            width: 170,
            render: (n: string, row) => n ?? row.unitId,
          },
          {
            title: t('时限', 'Deadline'),
            dataIndex: 'deadline',
            width: 150,
            render: (deadline: string | null, row) => (
              <Space size={4}>
                {formatDate(deadline)}
                {row.overdue && <Tag color="red">{t('已逾期', 'overdue')}</Tag>}
                {!row.overdue && row.dueSoon && <Tag color="orange">{t('即将到期', 'due soon')}</Tag>}
              </Space>
            ),
          },
        ]}
      />
    </section>
  );
}
