import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, DatePicker, Input, Select, Space, Table, Typography, Upload } from 'antd';
import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { download, get, post, qs } from '../api';
import { ProblemAlert } from '../components/Problem';
import { can, useT, useUser } from '../session';
import { useCampaigns } from './shared';

interface LocatedProblem {
  sheet: string;
  row: number;
  column?: string;
  cell?: string;
  reason: string;
}
interface Preview {
  file: string;
  sheet: string;
  rows: number;
  problems: LocatedProblem[];
}
interface ImportReport extends Preview {
  created: number;
  updated: number;
  unchanged: number;
  applied: boolean;
  failures: LocatedProblem[];
}

async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

const problemColumns = [
  { title: '工作表', dataIndex: 'sheet', width: 140 },
  { title: '行', dataIndex: 'row', width: 60 },
  { title: '单元格', dataIndex: 'cell', width: 80 },
  { title: '问题', dataIndex: 'reason' },
];

/** Ledger import (drag-and-drop, preview of every located error, then confirm), downloads, bulletin preview. */
export default function LedgersPage() {
  const t = useT();
  const user = useUser();
  const client = useQueryClient();
  const { message } = App.useApp();
  const campaigns = useCampaigns();
  const [campaignId, setCampaignId] = useState<string>();
  const campaign = campaignId ?? campaigns.data?.[0]?.id;
  const [file, setFile] = useState<{ name: string; data: string } | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [period, setPeriod] = useState<[string, string] | null>(null);
  const [issue, setIssue] = useState('');
  const [bulletin, setBulletin] = useState<string | null>(null);

  const choose = async (chosen: File) => {
    setError(null);
    setReport(null);
    setPreview(null);
    setBusy(true);
    try {
      const data = await base64Of(chosen);
      setFile({ name: chosen.name, data });
      setPreview(
        await post<Preview>(`/campaigns/${encodeURIComponent(campaign!)}/ledger/import`, {
          file: data,
          fileName: chosen.name,
          dryRun: true,
        }),
      );
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
    return false;
  };
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      setReport(
        await post<ImportReport>(`/campaigns/${encodeURIComponent(campaign!)}/ledger/import`, {
          file: file!.data,
          fileName: file!.name,
        }),
      );
      setPreview(null);
      void message.success(t('导入完成', 'Imported'));
      void client.invalidateQueries({
        predicate: (q) => ['items', 'worklist', 'dashboard'].includes(String(q.queryKey[0])),
      });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const showBulletin = async () => {
    setError(null);
    try {
      const answer = (await get<string>(
        `/campaigns/${encodeURIComponent(campaign!)}/bulletin${qs({ from: period![0], to: period![1], format: 'html', issue: issue || undefined })}`,
      )) as unknown;
      setBulletin(typeof answer === 'string' ? answer : JSON.stringify(answer));
    } catch (caught) {
      setError(caught);
    }
  };
  const files = campaign ? `/campaigns/${encodeURIComponent(campaign)}` : '';

  return (
    <section aria-labelledby="ledgers-title">
      <Typography.Title level={3} id="ledgers-title" style={{ marginTop: 0 }}>
        {t('台账与简报', 'Ledgers and bulletins')}
      </Typography.Title>
      <Space style={{ marginBottom: 12 }}>
        <span>{t('专项行动', 'Campaign')}</span>
        <Select
          style={{ width: 280 }}
          aria-label={t('专项行动', 'Campaign')}
          value={campaign}
          onChange={setCampaignId}
          options={(campaigns.data ?? []).map((c) => ({ value: c.id, label: c.title ?? c.id }))}
        />
      </Space>
      <ProblemAlert error={error} style={{ marginBottom: 12 }} />
      <Card size="small" title={t('下载台账', 'Downloads')} style={{ marginBottom: 12 }}>
        <Space wrap>
          {[
            ['ledger.xlsx', t('整改工作台账', 'Rectification ledger')],
            ['clues.xlsx', t('线索台账', 'Clue ledger')],
            ['supervision.xlsx', t('督办台账', 'Supervision ledger')],
          ].map(([name, label]) => (
            <Button
              key={name}
              icon={<DownloadOutlined />}
              disabled={!campaign}
              onClick={() => void download(`${files}/${name}`, `${campaign}-${name}`).catch(setError)}
            >
              {label}
            </Button>
          ))}
        </Space>
      </Card>
      {can(user, 'act') && (
        <Card
          size="small"
          title={t('导入整改工作台账', 'Import the rectification ledger')}
          style={{ marginBottom: 12 }}
        >
          <Upload.Dragger
            accept=".xlsx"
            multiple={false}
            showUploadList={false}
            beforeUpload={(f) => choose(f)}
            disabled={!campaign || busy}
            data-testid="ledger-drop"
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p>
              {t(
                '将 .xlsx 台账拖到此处，或点击选择文件；先预览校验结果，确认后才写入',
                'Drop an .xlsx ledger here; it is checked first and written only when you confirm',
              )}
            </p>
          </Upload.Dragger>
          {preview && (
            <div data-testid="ledger-preview" style={{ marginTop: 12 }}>
              {preview.problems.length > 0 ? (
                <Alert
                  type="error"
                  showIcon
                  message={t(
                    `${preview.file}：共 ${preview.rows} 行，${preview.problems.length} 处问题，未写入任何数据`,
                    `${preview.file}: ${preview.rows} rows, ${preview.problems.length} problems; nothing written`,
                  )}
                />
              ) : (
                <Alert
                  type="success"
                  showIcon
                  message={t(
                    `${preview.file}：共 ${preview.rows} 行，校验通过，尚未写入`,
                    `${preview.file}: ${preview.rows} rows valid; not written yet`,
                  )}
                />
              )}
              {preview.problems.length > 0 && (
                <Table
                  size="small"
                  rowKey={(p) => `${p.row}-${p.cell}-${p.reason}`}
                  columns={problemColumns}
                  dataSource={preview.problems}
                  pagination={false}
                  style={{ marginTop: 8 }}
                />
              )}
              <Space style={{ marginTop: 8 }}>
                <Button
                  type="primary"
                  onClick={() => void confirm()}
                  loading={busy}
                  disabled={preview.problems.length > 0}
                >
                  {t('确认导入', 'Confirm import')}
                </Button>
                <Button onClick={() => setPreview(null)}>{t('取消', 'Cancel')}</Button>
              </Space>
            </div>
          )}
          {report && (
            <Alert
              style={{ marginTop: 12 }}
              type={report.failures.length ? 'warning' : 'success'}
              showIcon
              data-testid="ledger-report"
              message={t(
                `已导入：新增 ${report.created}，更新 ${report.updated}，未变 ${report.unchanged}，失败 ${report.failures.length}`,
                `Imported: ${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.failures.length} failed`,
              )}
            />
          )}
        </Card>
      )}
      <Card size="small" title={t('工作简报', 'Bulletin')}>
        <Space wrap>
          <DatePicker.RangePicker
            onChange={(range) =>
              setPeriod(
                range?.[0] && range[1]
                  ? [range[0].startOf('day').toISOString(), range[1].endOf('day').toISOString()]
                  : null,
              )
            }
            aria-label={t('简报周期', 'Period')}
          />
          <Input
            placeholder={t('期号，如 2023年第8期', 'Issue')}
            value={issue}
            onChange={(e) => setIssue(e.target.value)}
            style={{ width: 200 }}
          />
          <Button disabled={!period || !campaign} onClick={() => void showBulletin()}>
            {t('预览', 'Preview')}
          </Button>
          <Button
            icon={<DownloadOutlined />}
            disabled={!period || !campaign}
            onClick={() =>
              void download(
                `${files}/bulletin${qs({ from: period![0], to: period![1], format: 'pdf', issue: issue || undefined })}`,
                `${campaign}-bulletin.pdf`,
              ).catch(setError)
            }
          >
            PDF
          </Button>
        </Space>
        {bulletin && (
          <iframe
            title={t('简报预览', 'Bulletin preview')}
            sandbox=""
            srcDoc={bulletin}
            style={{ width: '100%', height: 600, border: '1px solid #eee', marginTop: 12 }}
          />
        )}
      </Card>
    </section>
  );
}
