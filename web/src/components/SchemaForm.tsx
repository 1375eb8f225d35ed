import { DatePicker, Form, Input, InputNumber, Select, Switch, type FormInstance } from 'antd';
import { channelLabel } from '../labels';
import { EvidenceUpload } from './EvidenceUpload';

/** The subset of JSON Schema the API's DTOs produce (class-validator-jsonschema). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  format?: string;
  title?: string;
  description?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  $ref?: string;
}

/** Chinese names of the request fields the DTOs use (the schema carries only English property names). */
const FIELD_LABELS: Record<string, string> = {
  accountability: '问责情况',
  area: '领域',
  at: '时间',
  campaignId: '专项行动',
  category: '问题类别',
  checklistItem: '检查清单条目',
  currentResult: '阶段性成果',
  deadline: '时限',
  description: '问题描述',
  evidence: '佐证材料',
  files: '佐证文件',
  findings: '核查情况',
  itemId: '事项',
  label: '名称',
  longTermMeasures: '长期措施',
  manifestation: '具体表现',
  measure: '措施',
  measures: '整改措施',
  name: '名称',
  note: '说明',
  number: '序号',
  officerId: '核查人员',
  outcome: '处理结果',
  phase: '阶段',
  reason: '理由',
  receivedAt: '收到时间',
  reportedUnitId: '被反映单位',
  reporter: '反映人',
  response: '反馈内容',
  responsiblePerson: '责任人',
  responsibleUnitId: '责任单位',
  result: '整改结果',
  severity: '严重程度',
  source: '线索来源',
  channel: '渠道',
  tag: '标记',
  text: '内容',
  title: '标题',
  to: '移送至',
  unitId: '单位',
  ledgerNumber: '台账序号',
  code: '编号',
  heading: '标题',
};

const LONG_TEXT = new Set([
  'note',
  'reason',
  'description',
  'result',
  'measures',
  'manifestation',
  'currentResult',
  'longTermMeasures',
  'accountability',
  'response',
  'outcome',
  'findings',
  'text',
]);
const HIDDEN = new Set(['expectedVersion', 'type']);

export function fieldLabel(name: string, schema?: JsonSchema): string {
  return FIELD_LABELS[name] ?? schema?.title ?? name;
}

function typeOf(schema: JsonSchema): string {
  const variant = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  return type ?? (variant ? typeOf(variant) : 'string');
}

function isInstant(name: string, schema: JsonSchema): boolean {
  return schema.format === 'date-time' || schema.format === 'date' || /deadline|At$|^at$/.test(name);
}

function control(
  name: string,
  schema: JsonSchema,
  options: Record<string, { value: string; label: string }[]>,
  uploadPath?: string,
) {
  const type = typeOf(schema);
  // Evidence files are uploaded as themselves (camera or file picker); the form keeps their SHA-256 ids.
  if (name === 'files' && uploadPath) return <EvidenceUpload uploadPath={uploadPath} />;
  if (options[name]) return <Select showSearch optionFilterProp="label" options={options[name]} />;
  if (schema.enum)
    return (
      <Select
        options={schema.enum.map((v) => ({
          value: v as string,
          label: name === 'source' ? channelLabel(String(v)) : String(v),
        }))}
      />
    );
  if (type === 'boolean') return <Switch />;
  if (type === 'integer' || type === 'number')
    return <InputNumber style={{ width: '100%' }} min={schema.minimum} />;
  if (type === 'array')
    return <Select mode="tags" open={false} tokenSeparators={[',', '，']} placeholder="输入后回车" />;
  if (isInstant(name, schema)) return <DatePicker showTime needConfirm={false} style={{ width: '100%' }} />;
  if (LONG_TEXT.has(name))
    return <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={schema.maxLength} />;
  return <Input maxLength={schema.maxLength} />;
}

/** Fields generated from a request body's JSON schema; values are converted back by `schemaValues`. */
export function SchemaFields({
  schema,
  options = {},
  uploadPath,
}: {
  schema: JsonSchema;
  options?: Record<string, { value: string; label: string }[]>;
  /** Where `files` fields upload to (an item's evidence). */
  uploadPath?: string;
}) {
  const required = new Set(schema.required ?? []);
  return (
    <>
      {Object.entries(schema.properties ?? {})
        .filter(([name]) => !HIDDEN.has(name))
        .map(([name, property]) => (
          <Form.Item
            key={name}
            name={name}
            label={fieldLabel(name, property)}
            tooltip={property.description}
            valuePropName={typeOf(property) === 'boolean' ? 'checked' : 'value'}
            rules={
              required.has(name) ? [{ required: true, message: `请填写${fieldLabel(name, property)}` }] : []
            }
          >
            {control(name, property, options, uploadPath)}
          </Form.Item>
        ))}
    </>
  );
}

/** Objects and lists of objects are edited as JSON text (campaign categories, checklists, cadences). */
function isStructured(schema: JsonSchema): boolean {
  const type = typeOf(schema);
  return (
    type === 'object' || (type === 'array' && schema.items !== undefined && typeOf(schema.items) === 'object')
  );
}

/** Form values → request body: dates as ISO instants, JSON fields parsed, empty optional values dropped. */
export function schemaValues(values: Record<string, unknown>, schema?: JsonSchema): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null || value === '') continue;
    const property = schema?.properties?.[key];
    if (property && isStructured(property) && typeof value === 'string') {
      try {
        body[key] = JSON.parse(value);
      } catch {
        body[key] = value; // the API names the field as invalid
      }
      continue;
    }
    // DatePicker values are dayjs objects (antd's date library): send them as ISO instants.
    if (
      typeof (value as { toISOString?: unknown }).toISOString === 'function' &&
      typeof value === 'object' &&
      !Array.isArray(value)
    )
      body[key] = (value as { toISOString(): string }).toISOString();
    else body[key] = value;
  }
  return body;
}

/** Puts the API's `invalidFields` on the form's fields; returns the ones no field shows. */
export function showFieldErrors(
  form: FormInstance,
  invalid: { field: string; messages: string[] }[],
): string[] {
  const known = new Set(Object.keys(form.getFieldsValue(true) ?? {}));
  const rest: string[] = [];
  const fields = invalid
    .filter((f) => {
      const name = f.field.split('.')[0]!;
      if (known.has(name) || form.getFieldInstance(name)) return true;
      rest.push(`${f.field}: ${f.messages.join('；')}`);
      return false;
    })
    .map((f) => ({ name: f.field.split('.')[0]!, errors: f.messages }));
  form.setFields(fields);
  return rest;
}
