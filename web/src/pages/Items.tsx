import { Select, Space, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { ProblemAlert } from '../components/Problem';
import { formatDate, formatTime, ITEM_STATE_CODES, itemStateLabel } from '../labels';
import { useSession, useT } from '../session';
import { useCampaigns } from './shared';
import { usePagedList } from './paged-list';

interface ItemRow {
  streamId: string;
  state: string;
  version: number;
  campaignId: string;
  unitId: string;
  category: string | null;
  deadline: string | null;
  overdue: boolean;
  description: string | null;
  updatedAt: string;
}

/** Every item of the caller's subtree (GET /items), filterable; the dashboard's click-through lands here. */
export default function ItemsPage() {
  const t = useT();
  const { lang } = useSession();
  const {
    list,
    filters,
    setFilter: set,
    pagination,
  } = usePagedList<ItemRow>('/items', ['state', 'campaignId', 'unitId', 'category', 'overdue']);
  const campaigns = useCampaigns();
  return (
    <section aria-labelledby="items-title">
      <Typography.Title level={3} id="items-title" style={{ marginTop: 0 }}>
        {t('问题事项', 'Items')}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          allowClear
          placeholder={t('状态', 'State')}
          aria-label={t('状态', 'State')}
          style={{ width: 160 }}
          value={filters.state}
          onChange={(v?: string) => set('state', v)}
          options={ITEM_STATE_CODES.map((code) => ({ value: code, label: itemStateLabel(code, lang) }))}
        />
        <Select
          allowClear
          placeholder={t('专项行动', 'Campaign')}
          aria-label={t('专项行动', 'Campaign')}
          style={{ width: 240 }}
          value={filters.campaignId}
          onChange={(v?: string) => set('campaignId', v)}
          options={(campaigns.data ?? []).map((c) => ({ value: c.id, label: c.title ?? c.id }))}
        />
        <Select
          allowClear
          placeholder={t('是否逾期', 'Overdue')}
          aria-label={t('是否逾期', 'Overdue')}
          style={{ width: 120 }}
          value={filters.overdue}
          onChange={(v?: string) => set('overdue', v)}
          options={[
            { value: 'true', label: t('已逾期', 'overdue') },
            { value: 'false', label: t('未逾期', 'not overdue') },
          ]}
        />
        {filters.unitId && (
          <Tag closable onClose={() => set('unitId', undefined)}>
            {filters.unitId}
          </Tag>
        )}
        {filters.category && (
          <Tag closable onClose={() => set('category', undefined)}>
            {filters.category}
          </Tag>
        )}
      </Space>
      <ProblemAlert error={list.error} />
      <Table<ItemRow>
        rowKey="streamId"
        size="small"
        virtual
        scroll={{ y: 520, x: 900 }}
        loading={list.isFetching && !list.data}
        dataSource={list.data?.items ?? []}
        pagination={pagination((total) => t(`共 ${total} 条`, `${total} items`))}
        columns={[
          {
            title: t('编号', 'Id'),
            dataIndex: 'streamId',
            width: 150,
            render: (id: string) => <Link to={`/items/${encodeURIComponent(id)}`}>{id}</Link>,
          },
          { title: t('描述', 'Description'), dataIndex: 'description', ellipsis: true },
          {
            title: t('状态', 'State'),
            dataIndex: 'state',
            width: 110,
            render: (s: string) => <Tag>{itemStateLabel(s, lang)}</Tag>,
          },
          { title: t('单位', 'Unit'), dataIndex: 'unitId', width: 110 },
          {
            title: t('时限', 'Deadline'),
            dataIndex: 'deadline',
            width: 150,
            render: (d: string | null, row) => (
              <Space size={4}>
                {formatDate(d)}
                {row.overdue && <Tag color="red">{t('已逾期', 'overdue')}</Tag>}
              </Space>
            ),
          },
          { title: t('更新时间', 'Updated'), dataIndex: 'updatedAt', width: 150, render: formatTime },
        ]}
      />
    </section>
  );
}
