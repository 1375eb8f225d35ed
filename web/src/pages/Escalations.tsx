import { Typography } from 'antd';

export default function EscalationsPage() {
  return (
    <Typography.Title level={3} style={{ marginTop: 0 }}>
      Escalations
    </Typography.Title>
  );
}
