import { Typography } from 'antd';

export default function LedgersPage() {
  return (
    <Typography.Title level={3} style={{ marginTop: 0 }}>
      Ledgers
    </Typography.Title>
  );
}
