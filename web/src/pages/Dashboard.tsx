import { Typography } from 'antd';

export default function DashboardPage() {
  return (
    <Typography.Title level={3} style={{ marginTop: 0 }}>
      Dashboard
    </Typography.Title>
  );
}
