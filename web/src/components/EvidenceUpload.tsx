import { CameraOutlined, DeleteOutlined, PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { Button, List, Space, Typography } from 'antd';
import { useRef, useState } from 'react';
import { ApiProblem, currentToken, refreshSession } from '../api';

/** A file as the API answered its upload. */
interface Uploaded {
  sha256: string;
  name: string;
  size: number;
}

const ACCEPT = 'image/*,application/pdf,.docx,.xlsx';

/**
 * Uploads one file as itself (its own media type). A weak connection may drop it: it is retried a few
 * times, and because the server stores files by their SHA-256 a repeated upload never duplicates evidence.
 */
async function uploadFile(path: string, file: File, attempts = 3): Promise<Uploaded> {
  for (let attempt = 1; ; attempt++) {
    try {
      const send = () =>
        fetch(path, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${currentToken() ?? ''}`,
            'content-type': file.type || 'application/octet-stream',
            'x-file-name': encodeURIComponent(file.name),
            accept: 'application/json',
          },
          body: file,
        });
      let response = await send();
      if (response.status === 401 && (await refreshSession())) response = await send();
      const body = (await response.json()) as Record<string, unknown>;
      if (!response.ok) throw new ApiProblem(response.status, body);
      return { sha256: String(body.sha256), name: String(body.name), size: Number(body.size) };
    } catch (error) {
      if (error instanceof ApiProblem || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

/**
 * The `files` of a command: take a photo with the phone's camera or choose files; each is uploaded to the
 * item's evidence at once and the form keeps its SHA-256 id.
 */
export function EvidenceUpload({
  uploadPath,
  value = [],
  onChange,
}: {
  uploadPath: string;
  value?: string[];
  onChange?(value: string[]): void;
}) {
  const [files, setFiles] = useState<Uploaded[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const camera = useRef<HTMLInputElement>(null);
  const picker = useRef<HTMLInputElement>(null);

  const add = async (list: FileList | null) => {
    if (!list || list.length === 0) return;
    setBusy(true);
    setError(null);
    const added: Uploaded[] = [];
    try {
      for (const file of Array.from(list)) added.push(await uploadFile(uploadPath, file));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      const next = [...files, ...added.filter((a) => !files.some((f) => f.sha256 === a.sha256))];
      setFiles(next);
      onChange?.([...new Set([...value, ...added.map((a) => a.sha256)])]);
      setBusy(false);
    }
  };

  const remove = (sha256: string) => {
    setFiles(files.filter((f) => f.sha256 !== sha256));
    onChange?.(value.filter((v) => v !== sha256));
  };

  return (
    <div data-testid="evidence-upload">
      <Space wrap>
        <Button icon={<CameraOutlined />} loading={busy} onClick={() => camera.current?.click()}>
          拍照
        </Button>
        <Button icon={<UploadOutlined />} loading={busy} onClick={() => picker.current?.click()}>
          选择文件
        </Button>
      </Space>
      <input
        ref={camera}
        type="file"
        accept="image/*"
        capture="environment"
        aria-label="拍照上传佐证"
        hidden
        onChange={(e) => void add(e.target.files).then(() => (e.target.value = ''))}
      />
      <input
        ref={picker}
        type="file"
        accept={ACCEPT}
        multiple
        aria-label="上传佐证文件"
        hidden
        onChange={(e) => void add(e.target.files).then(() => (e.target.value = ''))}
      />
      {error && (
        <Typography.Text type="danger" role="alert" style={{ display: 'block', marginTop: 4 }}>
          上传失败：{error}
        </Typography.Text>
      )}
      {files.length > 0 && (
        <List
          size="small"
          dataSource={files.filter((f) => value.includes(f.sha256))}
          renderItem={(f) => (
            <List.Item
              data-testid="evidence-uploaded"
              actions={[
                <Button
                  key="remove"
                  size="small"
                  type="text"
                  aria-label={`移除 ${f.name}`}
                  icon={<DeleteOutlined />}
                  onClick={() => remove(f.sha256)}
                />,
              ]}
            >
              <PaperClipOutlined /> {f.name}（{Math.max(1, Math.round(f.size / 1024))} KB）
            </List.Item>
          )}
        />
      )}
    </div>
  );
}
