import { Badge, Button, Layout, Menu, Segmented, Space, Tag, Typography } from 'antd';
import {
  AuditOutlined,
  BellOutlined,
  DashboardOutlined,
  FileExcelOutlined,
  FormOutlined,
  LogoutOutlined,
  NotificationOutlined,
  OrderedListOutlined,
  PlusCircleOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import { useSyncExternalStore } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { sandboxClock, subscribe } from './api';
import { InboxBell } from './components/InboxBell';
import { SandboxBar } from './components/SandboxBar';
import { roleLabel } from './labels';
import { useLiveUpdates } from './live';
import { can, useSession, useT, useUser } from './session';

const { Header, Sider, Content } = Layout;

/** The frame of every signed-in page: role-aware menu, user, language switch, live status, sandbox banner. */
export function Shell() {
  const user = useUser();
  const { logout, lang, setLang } = useSession();
  const t = useT();
  const navigate = useNavigate();
  const location = useLocation();
  const sandbox = useSyncExternalStore(subscribe, sandboxClock);
  const live = useLiveUpdates(true);

  const items = [
    can(user, 'act') && {
      key: '/worklist',
      icon: <OrderedListOutlined />,
      label: t('我的待办', 'My worklist'),
    },
    { key: '/items', icon: <UnorderedListOutlined />, label: t('问题事项', 'Items') },
    { key: '/inbox', icon: <BellOutlined />, label: t('我的消息', 'Notifications') },
    can(user, 'register') && {
      key: '/register',
      icon: <PlusCircleOutlined />,
      label: t('线索登记', 'Register a clue'),
    },
    { key: '/campaigns', icon: <DashboardOutlined />, label: t('专项行动', 'Campaigns') },
    { key: '/escalations', icon: <NotificationOutlined />, label: t('督办问责', 'Escalations') },
    user.role !== 'auditor' && {
      key: '/ledgers',
      icon: <FileExcelOutlined />,
      label: t('台账与简报', 'Ledgers'),
    },
    user.role === 'supervisor' && {
      key: '/rules',
      icon: <FormOutlined />,
      label: t('规则编辑', 'Rule editor'),
    },
    can(user, 'audit') && { key: '/audit', icon: <AuditOutlined />, label: t('审计追溯', 'Audit') },
  ].filter(Boolean) as { key: string; icon: React.ReactNode; label: string }[];
  const selected = items.find((i) => location.pathname.startsWith(i.key))?.key;

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider width={184} theme="dark" breakpoint="lg" collapsedWidth={56}>
        <div
          style={{ color: '#fff', padding: '16px 20px', fontSize: 18, fontWeight: 600, whiteSpace: 'nowrap' }}
        >
          整治 {t('工作平台', 'console')}
        </div>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={selected ? [selected] : []}
          items={items}
          onClick={({ key }) => navigate(key)}
        />
      </Sider>
      <Layout>
        <Header
          style={{
            background: '#fff',
            padding: '0 20px',
            display: 'flex',
            justifyContent: 'flex-end',
            alignItems: 'center',
            gap: 16,
            borderBottom: '1px solid #eee',
          }}
        >
          <Badge
            status={live === 'live' ? 'success' : live === 'connecting' ? 'processing' : 'default'}
            text={
              live === 'live'
                ? t('实时', 'live')
                : live === 'connecting'
                  ? t('连接中', 'connecting')
                  : t('离线', 'offline')
            }
            data-testid="live-status"
          />
          <InboxBell />
          <Space>
            <Typography.Text strong>{user.displayName ?? user.username}</Typography.Text>
            <Tag color="red">{roleLabel(user.role, lang)}</Tag>
            <Typography.Text type="secondary">{user.unitId}</Typography.Text>
          </Space>
          <Segmented
            size="small"
            value={lang}
            onChange={(v) => setLang(v as 'zh' | 'en')}
            options={[
              { label: '中文', value: 'zh' },
              { label: 'EN', value: 'en' },
            ]}
            aria-label="language"
          />
          <Button icon={<LogoutOutlined />} onClick={() => void logout().then(() => navigate('/login'))}>
            {t('退出', 'Log out')}
          </Button>
        </Header>
        {sandbox && <SandboxBar clock={sandbox} canMove={user.role === 'supervisor'} />}
        <Content style={{ padding: 16, overflow: 'auto' }}>
          <Outlet />
        </Content>
      </Layout>
    </Layout>
  );
}
