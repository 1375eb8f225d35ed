import { Typography } from 'antd';

export default function RulesPage() {
  return (
    <Typography.Title level={3} style={{ marginTop: 0 }}>
      Rules
    </Typography.Title>
  );
}
