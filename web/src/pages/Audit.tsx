import { Typography } from 'antd';

export default function AuditPage() {
  return (
    <Typography.Title level={3} style={{ marginTop: 0 }}>
      Audit
    </Typography.Title>
  );
}
