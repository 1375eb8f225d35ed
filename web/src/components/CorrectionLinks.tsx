import { Space, Tag, Typography } from 'antd';
import { useT } from '../session';

/** The correction links the API puts on an event (src/machines/correction-links.ts). */
export interface CorrectionLink {
  corrects?: number;
  request?: number;
  decidedBy?: { sequence: number; outcome: 'approved' | 'refused' };
  correctedBy?: number[];
  correctionPending?: number;
}

/** The DOM id of an event's row, the target of the links below. */
export const eventAnchor = (sequence: number): string => `event-${sequence}`;

/**
 * A correction shows the event it corrects (更正 #6) and how it was decided; the corrected event shows the
 * approval that corrected it (已被 #8 更正). Each mark is a link: `goTo` moves to that event's row.
 */
export function CorrectionMarks({
  type,
  link,
  goTo,
}: {
  type: string;
  link: CorrectionLink | undefined;
  goTo: (sequence: number) => void;
}) {
  const t = useT();
  if (!link) return null;
  const jump = (sequence: number, text: string, testId: string) => (
    <Typography.Link
      href={`#${eventAnchor(sequence)}`}
      data-testid={testId}
      onClick={(e) => {
        e.preventDefault();
        e.stopPropagation();
        goTo(sequence);
      }}
    >
      {text}
    </Typography.Link>
  );
  const decided = link.decidedBy;
  return (
    <Space size={4} wrap>
      {link.corrects !== undefined && (
        <Tag color="purple">
          {type === 'REFUSE_CORRECTION' ? t('不予更正 ', 'not correcting ') : t('更正 ', 'corrects ')}
          {jump(link.corrects, `#${link.corrects}`, `corrects-${link.corrects}`)}
        </Tag>
      )}
      {type === 'REQUEST_CORRECTION' && (
        <Tag color={decided ? (decided.outcome === 'approved' ? 'green' : 'default') : 'gold'}>
          {decided
            ? jump(
                decided.sequence,
                decided.outcome === 'approved'
                  ? t(`#${decided.sequence} 已批准`, `approved by #${decided.sequence}`)
                  : t(`#${decided.sequence} 已驳回`, `refused by #${decided.sequence}`),
                `decided-by-${decided.sequence}`,
              )
            : t('待审批', 'awaiting approval')}
        </Tag>
      )}
      {link.request !== undefined && (
        <Tag>
          {jump(
            link.request,
            t(`申请 #${link.request}`, `request #${link.request}`),
            `request-${link.request}`,
          )}
        </Tag>
      )}
      {(link.correctedBy ?? []).map((by) => (
        <Tag color="red" key={by}>
          {jump(by, t(`已被 #${by} 更正`, `corrected by #${by}`), `corrected-by-${by}`)}
        </Tag>
      ))}
      {link.correctionPending !== undefined && (
        <Tag color="gold">
          {jump(
            link.correctionPending,
            t(`更正申请 #${link.correctionPending} 待审批`, `correction #${link.correctionPending} pending`),
            `correction-pending-${link.correctionPending}`,
          )}
        </Tag>
      )}
    </Space>
  );
}
