import { App, Button, Card, Form, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiProblem, post } from '../api';
import { ProblemAlert } from '../components/Problem';
import { schemaValues, SchemaFields, showFieldErrors } from '../components/SchemaForm';
import { bodySchema, useOpenApi } from '../openapi';
import { useT } from '../session';
import { useCampaigns, useUnits } from './shared';

/** 线索登记: the form is generated from POST /items' request schema. */
export default function RegisterPage() {
  const t = useT();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const openapi = useOpenApi();
  const campaigns = useCampaigns();
  const units = useUnits();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const schema = bodySchema(openapi.data, 'post', '/items');

  const submit = async (values: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    try {
      const result = await post<{ streamId: string }>('/items', schemaValues(values, schema));
      void message.success(t(`已登记 ${result.streamId}`, `Registered ${result.streamId}`));
      navigate(`/items/${encodeURIComponent(result.streamId)}`);
    } catch (caught) {
      setError(caught);
      if (caught instanceof ApiProblem) showFieldErrors(form, caught.invalidFields);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="register-title" style={{ maxWidth: 720 }}>
      <Typography.Title level={3} id="register-title" style={{ marginTop: 0 }}>
        {t('线索登记', 'Register a clue')}
      </Typography.Title>
      <Card>
        <ProblemAlert error={openapi.error} />
        {schema && (
          <Form form={form} layout="vertical" onFinish={submit}>
            <SchemaFields
              schema={schema}
              options={{
                campaignId: (campaigns.data ?? []).map((c) => ({ value: c.id, label: c.title ?? c.id })),
                reportedUnitId: (units.data ?? []).map((u) => ({ value: u.id, label: u.name })),
              }}
            />
            {error !== null && <ProblemAlert error={error} style={{ marginBottom: 12 }} />}
            <Button type="primary" htmlType="submit" loading={busy}>
              {t('登记', 'Register')}
            </Button>
          </Form>
        )}
      </Card>
    </section>
  );
}
