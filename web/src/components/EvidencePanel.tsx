import { FilePdfOutlined, FileOutlined, EnvironmentOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Image, List, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { currentToken, get } from '../api';
import { formatTime } from '../labels';
import { useT } from '../session';

/** An evidence file as `GET /items/:id/evidence` lists it. */
interface EvidenceFile {
  sha256: string;
  size: number;
  mediaType: string;
  name: string;
  uploadedAt: string;
  takenAt: string | null;
  location: { latitude: number; longitude: number } | null;
  href: string;
  thumbnailHref: string | null;
}

/** A piece of evidence as an event cites it: a stored file, or (older records) a name. */
type Cited = string | { sha256: string; name: string; mediaType: string; size: number };

/** Files need the access token, which an <img src> cannot carry: fetch them and hand the browser a blob URL. */
async function blobUrl(href: string): Promise<string> {
  const response = await fetch(href, { headers: { authorization: `Bearer ${currentToken() ?? ''}` } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return URL.createObjectURL(await response.blob());
}

function Thumbnail({ file }: { file: EvidenceFile }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    if (!file.thumbnailHref) return;
    let url: string | null = null;
    blobUrl(file.thumbnailHref)
      .then((u) => setSrc((url = u)))
      .catch(() => setSrc(null));
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [file.thumbnailHref]);
  if (!file.thumbnailHref)
    return file.mediaType === 'application/pdf' ? (
      <FilePdfOutlined style={{ fontSize: 32 }} />
    ) : (
      <FileOutlined style={{ fontSize: 32 }} />
    );
  return src ? (
    <Image src={src} width={64} height={64} style={{ objectFit: 'cover' }} alt={file.name} preview={false} />
  ) : (
    <div style={{ width: 64, height: 64 }} />
  );
}

/** Opens a file in a new tab (images and PDFs show in the browser; others download). */
async function openFile(href: string): Promise<void> {
  const url = await blobUrl(href);
  window.open(url, '_blank', 'noopener');
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * The item's evidence: every stored file with its thumbnail, the time and place a photo was taken (EXIF)
 * beside the upload time, and, per step (progress, submissions), what that step cited.
 */
export function EvidencePanel({
  itemId,
  steps,
}: {
  itemId: string;
  steps: Array<{ at: string; label: string; text: string; evidence: Cited[] }>;
}) {
  const t = useT();
  const files = useQuery({
    queryKey: ['items', itemId, 'evidence'],
    queryFn: () => get<{ items: EvidenceFile[] }>(`/items/${encodeURIComponent(itemId)}/evidence`),
  });
  const bySha = new Map((files.data?.items ?? []).map((f) => [f.sha256, f]));
  return (
    <div data-testid="evidence-panel">
      <List
        size="small"
        header={t('佐证文件', 'Evidence files')}
        loading={files.isLoading}
        dataSource={files.data?.items ?? []}
        locale={{ emptyText: t('暂无', 'none') }}
        renderItem={(f) => (
          <List.Item data-testid="evidence-file">
            <Space align="start">
              <Thumbnail file={f} />
              <div>
                <Button type="link" style={{ padding: 0 }} onClick={() => void openFile(f.href)}>
                  {f.name}
                </Button>
                <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                  {Math.max(1, Math.round(f.size / 1024))} KB · {t('上传', 'uploaded')}{' '}
                  {formatTime(f.uploadedAt)}
                  {f.takenAt && (
                    <>
                      {' '}
                      · {t('拍摄', 'taken')} {formatTime(f.takenAt)}
                    </>
                  )}
                </Typography.Text>
                {f.location && (
                  <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                    <EnvironmentOutlined /> {f.location.latitude.toFixed(5)},{' '}
                    {f.location.longitude.toFixed(5)}
                  </Typography.Text>
                )}
                <Typography.Text type="secondary" copyable={{ text: f.sha256 }} style={{ fontSize: 11 }}>
                  SHA-256 {f.sha256.slice(0, 12)}…
                </Typography.Text>
              </div>
            </Space>
          </List.Item>
        )}
      />
      {steps.length > 0 && (
        <List
          size="small"
          header={t('各环节佐证', 'Evidence per step')}
          dataSource={steps}
          renderItem={(step) => (
            <List.Item data-testid="evidence-step">
              <div>
                <Typography.Text strong>
                  {step.label} · {formatTime(step.at)}
                </Typography.Text>
                <div>{step.text}</div>
                <Space wrap size={4}>
                  {step.evidence.map((e, i) =>
                    typeof e === 'string' ? (
                      <Typography.Text key={i} type="secondary">
                        {e}
                      </Typography.Text>
                    ) : (
                      <Button
                        key={e.sha256}
                        size="small"
                        onClick={() => {
                          const file = bySha.get(e.sha256);
                          void openFile(
                            file?.href ?? `/items/${encodeURIComponent(itemId)}/evidence/${e.sha256}`,
                          );
                        }}
                      >
                        {e.name}
                      </Button>
                    ),
                  )}
                </Space>
              </div>
            </List.Item>
          )}
        />
      )}
    </div>
  );
}
