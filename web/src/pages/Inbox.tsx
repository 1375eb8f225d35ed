import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Badge, Button, Popconfirm, Segmented, Space, Table, Tabs, Tag, Typography } from 'antd';
import { get, post, qs } from '../api';
import { ProblemAlert } from '../components/Problem';
import { INBOX_KEY, inboxTarget, type InboxEntry } from '../inbox';
import { formatTime, notificationKindLabel } from '../labels';
import { useSession, useT, useUser } from '../session';

const PAGE = 20;

interface InboxPage {
  total: number;
  unread: number;
  entries: InboxEntry[];
}

/** A delivery of the queue (`GET /notification-deliveries`), as the dead-letter list shows it. */
interface Delivery {
  id: number;
  messageId: string;
  channel: 'email' | 'webhook' | 'amqp';
  target: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  lastError: string | null;
  createdAt: string;
}

/** 我的消息: the caller's notifications, unread first in weight, with read marks and links to the item. */
function Messages() {
  const t = useT();
  const { lang } = useSession();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const unreadOnly = params.get('unread') === 'true';
  const page = Number(params.get('page') ?? 1);
  const list = useQuery({
    queryKey: [INBOX_KEY, 'list', unreadOnly, page],
    queryFn: ({ signal }) =>
      get<InboxPage>(
        `/notifications${qs({ unread: unreadOnly || undefined, limit: PAGE, offset: (page - 1) * PAGE })}`,
        signal,
      ),
    placeholderData: keepPreviousData,
  });
  const refresh = () => void client.invalidateQueries({ queryKey: [INBOX_KEY] });
  const markOne = useMutation({
    mutationFn: (id: string) => post(`/notifications/${encodeURIComponent(id)}/read`),
    onSuccess: refresh,
  });
  const markAll = useMutation({
    mutationFn: () => post('/notifications/read', { all: true }),
    onSuccess: refresh,
  });
  const open = (entry: InboxEntry) => {
    const target = inboxTarget(entry);
    if (!entry.readAt) markOne.mutate(entry.id);
    if (target) void navigate(target);
  };
  const setParam = (key: string, value?: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key !== 'page') next.delete('page');
    setParams(next);
  };

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented
          value={unreadOnly ? 'unread' : 'all'}
          onChange={(v) => setParam('unread', v === 'unread' ? 'true' : undefined)}
          options={[
            { label: t('全部', 'All'), value: 'all' },
            { label: t('未读', 'Unread'), value: 'unread' },
          ]}
          aria-label={t('筛选', 'Filter')}
        />
        <Typography.Text data-testid="inbox-unread">
          {t(`未读 ${list.data?.unread ?? 0} 条`, `${list.data?.unread ?? 0} unread`)}
        </Typography.Text>
        <Button onClick={() => markAll.mutate()} disabled={!list.data?.unread} loading={markAll.isPending}>
          {t('全部标为已读', 'Mark all read')}
        </Button>
      </Space>
      {list.error && <ProblemAlert error={list.error} />}
      {markOne.error && <ProblemAlert error={markOne.error} />}
      <Table<InboxEntry>
        size="small"
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.entries ?? []}
        locale={{ emptyText: t('暂无消息', 'No notifications') }}
        pagination={{
          current: page,
          pageSize: PAGE,
          total: list.data?.total ?? 0,
          showSizeChanger: false,
          onChange: (p) => setParam('page', String(p)),
        }}
        onRow={(e) =>
          ({ 'data-testid': `notification-${e.id}`, 'data-read': e.readAt ? 'true' : 'false' }) as never
        }
        columns={[
          {
            title: '',
            width: 28,
            render: (_: unknown, e) =>
              e.readAt ? null : <Badge status="processing" aria-label={t('未读', 'unread')} />,
          },
          {
            title: t('类别', 'Kind'),
            dataIndex: 'kind',
            width: 120,
            render: (kind: string) => <Tag color="blue">{notificationKindLabel(kind, lang)}</Tag>,
          },
          {
            title: t('消息', 'Message'),
            render: (_: unknown, e) => (
              <Space direction="vertical" size={0}>
                <Typography.Link
                  strong={!e.readAt}
                  onClick={() => open(e)}
                  data-testid="notification-subject"
                >
                  {e.subject}
                </Typography.Link>
                <Typography.Text type="secondary" style={{ whiteSpace: 'pre-line', fontSize: 12 }}>
                  {e.body}
                </Typography.Text>
              </Space>
            ),
          },
          { title: t('时间', 'Time'), dataIndex: 'createdAt', width: 150, render: formatTime },
          {
            title: t('操作', 'Actions'),
            width: 170,
            render: (_: unknown, e) => {
              const target = inboxTarget(e);
              return (
                <Space size={4}>
                  {target && (
                    <Link to={target} onClick={() => !e.readAt && markOne.mutate(e.id)}>
                      {target.startsWith('/items/')
                        ? t('查看事项', 'Open item')
                        : t('督办问责', 'Escalations')}
                    </Link>
                  )}
                  {!e.readAt && (
                    <Button size="small" type="link" onClick={() => markOne.mutate(e.id)}>
                      {t('标为已读', 'Mark read')}
                    </Button>
                  )}
                </Space>
              );
            },
          },
        ]}
      />
    </>
  );
}

/** 投递失败: dead-lettered webhook, e-mail and RabbitMQ deliveries, with redelivery (top-level supervisors). */
function DeadLetters() {
  const t = useT();
  const client = useQueryClient();
  const { message } = App.useApp();
  const [selected, setSelected] = useState<number[]>([]);
  const dead = useQuery({
    queryKey: [INBOX_KEY, 'dead'],
    queryFn: ({ signal }) =>
      get<{ deliveries: Delivery[] }>(
        `/notification-deliveries${qs({ status: 'dead', limit: 200 })}`,
        signal,
      ),
    retry: false,
  });
  const redeliver = useMutation({
    mutationFn: (body: { ids?: number[]; dead?: boolean }) =>
      post<{ queued: number }>('/notification-deliveries/redeliver', body),
    onSuccess: (r) => {
      void message.success(t(`已重新排队 ${r.queued} 条`, `${r.queued} queued again`));
      setSelected([]);
      void client.invalidateQueries({ queryKey: [INBOX_KEY, 'dead'] });
    },
  });
  if (dead.error) return <ProblemAlert error={dead.error} />;
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Button
          disabled={selected.length === 0}
          onClick={() => redeliver.mutate({ ids: selected })}
          loading={redeliver.isPending}
        >
          {t(`重新投递所选（${selected.length}）`, `Redeliver selected (${selected.length})`)}
        </Button>
        <Popconfirm
          title={t('全部失败投递重新排队？', 'Queue every dead delivery again?')}
          onConfirm={() => redeliver.mutate({ dead: true })}
        >
          <Button danger disabled={!dead.data?.deliveries.length}>
            {t('全部重新投递', 'Redeliver all')}
          </Button>
        </Popconfirm>
      </Space>
      {redeliver.error && <ProblemAlert error={redeliver.error} />}
      <Table<Delivery>
        size="small"
        rowKey="id"
        loading={dead.isLoading}
        dataSource={dead.data?.deliveries ?? []}
        locale={{ emptyText: t('没有投递失败的消息', 'No dead letters') }}
        rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys as number[]) }}
        pagination={{ pageSize: 50, showSizeChanger: false }}
        columns={[
          { title: '#', dataIndex: 'id', width: 70 },
          { title: t('渠道', 'Channel'), dataIndex: 'channel', width: 90 },
          { title: t('目标', 'Target'), dataIndex: 'target', ellipsis: true },
          { title: t('消息编号', 'Message id'), dataIndex: 'messageId', ellipsis: true },
          { title: t('尝试次数', 'Attempts'), dataIndex: 'attempts', width: 90 },
          { title: t('最后错误', 'Last error'), dataIndex: 'lastError', ellipsis: true },
          { title: t('创建时间', 'Created'), dataIndex: 'createdAt', width: 150, render: formatTime },
        ]}
      />
    </>
  );
}

/** 消息中心: the inbox for everyone; supervisors also see the delivery dead letters. */
export default function InboxPage() {
  const t = useT();
  const user = useUser();
  const messages = <Messages />;
  return (
    <section aria-labelledby="inbox-title">
      <Typography.Title level={3} id="inbox-title" style={{ marginTop: 0 }}>
        {t('我的消息', 'My notifications')}
      </Typography.Title>
      {user.role === 'supervisor' ? (
        <Tabs
          items={[
            { key: 'inbox', label: t('消息', 'Notifications'), children: messages },
            { key: 'dead', label: t('投递失败', 'Dead letters'), children: <DeadLetters /> },
          ]}
        />
      ) : (
        messages
      )}
    </section>
  );
}
