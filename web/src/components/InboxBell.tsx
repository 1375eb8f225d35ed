import { Badge, Button, Tooltip } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router';
import { useUnreadCount } from '../inbox';
import { useT } from '../session';

/** The header's bell: the caller's unread notifications, kept current by the live feed (and a slow poll). */
export function InboxBell() {
  const t = useT();
  const navigate = useNavigate();
  const unread = useUnreadCount().data?.unread ?? 0;
  const label = t(`我的消息，未读 ${unread} 条`, `Notifications, ${unread} unread`);
  return (
    <Tooltip title={label}>
      <Badge count={unread} overflowCount={99} size="small" data-testid="inbox-badge">
        <Button
          type="text"
          shape="circle"
          icon={<BellOutlined />}
          aria-label={label}
          onClick={() => void navigate('/inbox')}
        />
      </Badge>
    </Tooltip>
  );
}
