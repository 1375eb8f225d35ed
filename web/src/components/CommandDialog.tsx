import { Alert, Form, Modal } from 'antd';
import { useState } from 'react';
import { ApiProblem, post } from '../api';
import { ProblemAlert } from './Problem';
import { schemaValues, SchemaFields, showFieldErrors, type JsonSchema } from './SchemaForm';

export interface CommandSpec {
  label: string;
  path: string;
  schema?: JsonSchema;
  /** Sent as If-Match: the version the user saw. */
  version?: number;
  options?: Record<string, { value: string; label: string }[]>;
  initial?: Record<string, unknown>;
}

/**
 * A form generated from the command's JSON schema. The API's answer decides: a guard's refusal or field
 * errors are shown in place (fields marked, the machine's reason above the buttons), nothing is retried.
 */
export function CommandDialog({
  spec,
  onClose,
  onDone,
}: {
  spec: CommandSpec | null;
  onClose(): void;
  onDone(result: unknown): void;
}) {
  const [form] = Form.useForm();
  const [error, setError] = useState<unknown>(null);
  const [others, setOthers] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    let values: Record<string, unknown>;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    setOthers([]);
    try {
      const result = await post(
        spec!.path,
        schemaValues(values, spec!.schema),
        spec!.version !== undefined ? { 'If-Match': `"${spec!.version}"` } : undefined,
      );
      form.resetFields();
      onDone(result);
    } catch (caught) {
      setError(caught);
      if (caught instanceof ApiProblem) setOthers(showFieldErrors(form, caught.invalidFields));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={spec !== null}
      title={spec?.label}
      okText="提交"
      cancelText="取消"
      confirmLoading={busy}
      onOk={() => void submit()}
      onCancel={() => {
        setError(null);
        form.resetFields();
        onClose();
      }}
      destroyOnHidden
      width={560}
    >
      {spec && (
        <Form form={form} layout="vertical" initialValues={spec.initial} preserve={false}>
          {spec.schema ? (
            <SchemaFields
              schema={spec.schema}
              options={spec.options}
              uploadPath={
                /^\/items\/[^/]+\/commands\//.test(spec.path)
                  ? spec.path.replace(/\/commands\/.*$/, '/evidence')
                  : undefined
              }
            />
          ) : (
            <Alert type="info" message="此操作无需填写内容" />
          )}
        </Form>
      )}
      {error !== null && <ProblemAlert error={error} />}
      {others.length > 0 && <Alert type="error" style={{ marginTop: 8 }} message={others.join('\n')} />}
    </Modal>
  );
}
