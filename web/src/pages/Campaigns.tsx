import { Typography } from 'antd';

export default function CampaignsPage() {
  return (
    <Typography.Title level={3} style={{ marginTop: 0 }}>
      Campaigns
    </Typography.Title>
  );
}
