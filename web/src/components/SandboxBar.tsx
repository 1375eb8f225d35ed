import { Alert, Button, DatePicker, Space, Typography } from 'antd';
import { useState, type ComponentProps } from 'react';
import { post } from '../api';
import { formatTime } from '../labels';
import { useT } from '../session';
import { ProblemAlert } from './Problem';

const DAY = 86_400_000;
/** antd's date value (a dayjs instance; dayjs itself is antd's dependency, not ours). */
type PickedDate = NonNullable<ComponentProps<typeof DatePicker>['value']> & { toISOString(): string };

interface SandboxMove {
  from: string;
  to: string;
  firedJobs: number;
  notifications: number;
}

/**
 * The banner of a drill server (演练, issue 10): on every page, the sandbox clock the server runs at (read
 * from the `X-Zhengzhi-Sandbox` header of every response) and, for supervisors, the control that moves it
 * forward (`POST /sandbox/clock`); what fell due on the way fires on the server, in order.
 */
export function SandboxBar({ clock, canMove }: { clock: string; canMove: boolean }) {
  const t = useT();
  const [target, setTarget] = useState<PickedDate | null>(null);
  const [busy, setBusy] = useState(false);
  const [moved, setMoved] = useState<SandboxMove | null>(null);
  const [error, setError] = useState<unknown>(null);

  const moveTo = async (to: string) => {
    setBusy(true);
    setError(null);
    try {
      setMoved(await post<SandboxMove>('/sandbox/clock', { to }));
      setTarget(null);
    } catch (problem) {
      setError(problem);
    } finally {
      setBusy(false);
    }
  };
  const forward = (days: number) => moveTo(new Date(Date.parse(clock) + days * DAY).toISOString());

  return (
    <Alert
      banner
      type="warning"
      data-testid="sandbox-banner"
      message={
        <Space wrap>
          <Typography.Text strong data-testid="sandbox-clock" data-instant={clock}>
            {t('演练模式 — 时钟', 'Drill (sandbox) — clock')} {formatTime(clock)}
          </Typography.Text>
          <Typography.Text type="secondary">
            {t('此处的操作不影响正式数据', 'nothing here touches production data')}
          </Typography.Text>
          {canMove && (
            <>
              <Button
                size="small"
                loading={busy}
                onClick={() => void forward(1)}
                data-testid="sandbox-plus-1d"
              >
                {t('推进 1 天', '+1 day')}
              </Button>
              <Button size="small" loading={busy} onClick={() => void forward(7)}>
                {t('推进 7 天', '+7 days')}
              </Button>
              <DatePicker
                size="small"
                showTime
                needConfirm={false}
                value={target}
                onChange={(value) => setTarget((value as PickedDate | null) ?? null)}
                placeholder={t('推进到…', 'Move to…')}
                aria-label={t('推进到', 'Move to')}
              />
              <Button
                size="small"
                type="primary"
                disabled={!target}
                loading={busy}
                onClick={() => target && void moveTo(target.toISOString())}
              >
                {t('推进时钟', 'Move clock')}
              </Button>
            </>
          )}
          {moved && (
            <Typography.Text data-testid="sandbox-moved">
              {t(
                `已从 ${formatTime(moved.from)} 推进到 ${formatTime(moved.to)}，依次触发 ${moved.firedJobs} 项到期任务`,
                `moved ${formatTime(moved.from)} → ${formatTime(moved.to)}; ${moved.firedJobs} due job(s) fired in order`,
              )}
            </Typography.Text>
          )}
          {error ? <ProblemAlert error={error} /> : null}
        </Space>
      }
    />
  );
}
