import { labelOf, type Lang } from '../vocabulary/labels';
import type { EscalationExplanation, StateExplanation } from './explain';
import type { Timeline } from './timeline';

/**
 * `audit timeline` and `audit explain` as an auditor reads them: labels instead of codes, local time
 * (Asia/Shanghai, where the bureaus are), the words a person gave (a rejection's reason, a dismissal's
 * reason, a progress note) and the trigger of an escalation in words. English keeps the codes and UTC.
 */

const SHANGHAI = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** An instant as Asia/Shanghai wall time, e.g. `2023-05-01 08:00`. */
export function shanghaiTime(iso: string): string {
  const parts = Object.fromEntries(SHANGHAI.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

const when = (iso: string, lang: Lang): string => (lang === 'zh' ? shanghaiTime(iso) : iso);

const stateLabel = (code: string | null, lang: Lang): string => {
  if (code === null) return lang === 'zh' ? '（无）' : '∅';
  if (lang === 'en') return code;
  for (const table of ['itemState', 'campaignState', 'escalationState'] as const) {
    const label = labelOf(table, code);
    if (label !== code) return label;
  }
  return code;
};

const eventLabel = (type: string, lang: Lang): string => (lang === 'zh' ? labelOf('eventType', type) : type);

/** The payload fields in which a person wrote why (in the order they are worth showing). */
const SAID_FIELDS: ReadonlyArray<[field: string, zh: string]> = [
  ['reason', '理由'],
  ['note', '说明'],
  ['findings', '核查情况'],
  ['result', '整改结果'],
  ['response', '反馈'],
  ['outcome', '处理结果'],
  ['accountability', '问责情况'],
  ['measures', '整改措施'],
];

/** What the person who caused an event said (reason, note, findings …), or null. */
export function saidIn(payload: Record<string, unknown>, lang: Lang): string | null {
  const parts = SAID_FIELDS.filter(
    ([field]) => typeof payload[field] === 'string' && payload[field] !== '',
  ).map(([field, zh]) => `${lang === 'zh' ? zh : field}: ${String(payload[field])}`);
  return parts.length ? parts.join('; ') : null;
}

/** An escalation's trigger in words: the event that caused it, or the clock sweep at an instant. */
export function triggerInWords(trigger: unknown, lang: Lang): string {
  const t = (trigger ?? {}) as Record<string, unknown>;
  if (t.kind === 'clock' && typeof t.tick === 'string')
    return lang === 'zh' ? `定时检查（${when(t.tick, lang)}）` : `clock sweep at ${t.tick}`;
  if (t.kind === 'event' && typeof t.eventType === 'string') {
    return lang === 'zh'
      ? `${String(t.streamId)} 第 ${String(t.sequence)} 个事件「${eventLabel(t.eventType, lang)}」`
      : `event ${String(t.sequence)} ${t.eventType} of ${String(t.streamId)}`;
  }
  return JSON.stringify(trigger);
}

/**
 * The correction lines under one event: a correction names the event it corrects by its sequence (更正 #6
 * 「验收通过」) and its decision; the corrected event says which approval corrected it (已被 #9 更正).
 */
function correctionLines(t: Timeline, e: Timeline['entries'][number], lang: Lang): string[] {
  const link = e.correction;
  if (!link) return [];
  const zh = lang === 'zh';
  const typeOf = (sequence: number) => t.entries.find((x) => x.sequence === sequence)?.type ?? '?';
  const lines: string[] = [];
  if (link.corrects !== undefined) {
    const target = `#${link.corrects}（${eventLabel(typeOf(link.corrects), lang)}）`;
    const targetEn = `#${link.corrects} (${typeOf(link.corrects)})`;
    if (e.type === 'REQUEST_CORRECTION') {
      const to = stateLabel(String(e.payload.targetState ?? ''), lang);
      const decided = link.decidedBy;
      lines.push(
        zh
          ? `       ↳ 更正 ${target}：申请改为「${to}」，${decided ? `已由 #${decided.sequence} ${decided.outcome === 'approved' ? '批准' : '驳回'}` : '待审批'}`
          : `       ↳ corrects ${targetEn}: to ${to}, ${decided ? `${decided.outcome} by #${decided.sequence}` : 'awaiting approval'}`,
      );
    } else if (e.type === 'APPROVE_CORRECTION') {
      lines.push(
        zh
          ? `       ↳ 更正 ${target}生效（#${link.request} 的申请）`
          : `       ↳ correction of ${targetEn} takes effect (request #${link.request})`,
      );
    } else {
      lines.push(
        zh
          ? `       ↳ 不予更正 ${target}（#${link.request} 的申请被驳回）`
          : `       ↳ correction of ${targetEn} refused (request #${link.request})`,
      );
    }
  }
  for (const by of link.correctedBy ?? [])
    lines.push(zh ? `       ⚠ 已被 #${by} 更正` : `       ⚠ corrected by #${by}`);
  if (link.correctionPending !== undefined)
    lines.push(
      zh
        ? `       ⚠ 更正申请 #${link.correctionPending} 待审批`
        : `       ⚠ correction requested by #${link.correctionPending}, awaiting approval`,
    );
  return lines;
}

/** The timeline as lines of text. */
export function timelineText(t: Timeline, lang: Lang): string[] {
  const measure = (m: string | null) => (m && lang === 'zh' ? labelOf('measure', m) : String(m));
  const lines = [`${t.streamId} (${lang === 'zh' ? labelOf('streamKind', t.streamType) : t.streamType})`];
  for (const e of t.entries) {
    const said = saidIn(e.payload, lang);
    lines.push(
      `${String(e.sequence).padStart(4)} ${when(e.occurredAt, lang)} ${eventLabel(e.type, lang)}  ${e.actorId}@${e.unitId}  ${stateLabel(e.stateBefore, lang)} → ${stateLabel(e.stateAfter, lang)}  (machine v${e.machineVersion})`,
    );
    if (said) lines.push(`       ${said}`);
    lines.push(...correctionLines(t, e, lang));
    for (const x of e.escalations) {
      lines.push(
        lang === 'zh'
          ? `       ⤷ 升级措施 ${x.escalationId}：${measure(x.measure)}，依据规则 ${x.ruleId}（规则集 ${x.ruleSetId} 第 ${x.ruleSetVersion} 版），现${stateLabel(x.currentState, lang)}`
          : `       ⤷ escalation ${x.escalationId}: ${x.measure} by rule ${x.ruleId} (rule set ${x.ruleSetId} v${x.ruleSetVersion}), now ${x.currentState}`,
      );
    }
  }
  for (const x of t.otherEscalations) {
    lines.push(
      lang === 'zh'
        ? `     ⤷ 升级措施 ${x.escalationId}（${x.trigger}）：${measure(x.measure)}，依据规则 ${x.ruleId} 第 ${x.ruleSetVersion} 版，现${stateLabel(x.currentState, lang)}`
        : `     ⤷ escalation ${x.escalationId} (${x.trigger}): ${x.measure} by rule ${x.ruleId} v${x.ruleSetVersion}, now ${x.currentState}`,
    );
  }
  return lines;
}

/** Why the stream is in its state, as lines of text. */
export function explainText(x: StateExplanation | EscalationExplanation, lang: Lang): string[] {
  const zh = lang === 'zh';
  const b = x.enteredBy;
  const lines = [
    zh
      ? `${x.streamId}（${labelOf('streamKind', x.streamType)}）当前状态：${stateLabel(x.state, lang)}${x.finished ? '（已终结）' : ''}`
      : `${x.streamId} (${x.streamType}) is ${x.state}${x.finished ? ' (final)' : ''}`,
    b
      ? zh
        ? `  原因：${when(b.occurredAt, lang)} ${b.actorId}@${b.unitId} 执行「${eventLabel(b.type, lang)}」（第 ${b.sequence} 个事件），由「${stateLabel(b.from, lang)}」转入`
        : `  since event ${b.sequence} ${b.type} by ${b.actorId}@${b.unitId} at ${b.occurredAt} (from ${b.from ?? 'nothing'})`
      : zh
        ? '  自创建以来'
        : '  since its creation',
  ];
  const said = b ? saidIn(b.words, lang) : null;
  if (said) lines.push(`  ${zh ? '当事人所述' : 'they said'}: ${said}`);
  const waiting = x.waitingFor.map((e) => eventLabel(e, lang));
  lines.push(
    `  ${zh ? '等待' : 'waiting for'}: ${waiting.join(zh ? '、' : ', ') || (zh ? '无' : 'nothing')}`,
  );
  for (const d of x.deadlines)
    lines.push(
      `  ${zh ? '时限' : 'deadline'}: ${d.what} ${when(d.due, lang)}${d.overdue ? (zh ? '（已超期）' : ' (OVERDUE)') : ''}`,
    );
  for (const j of x.scheduled)
    lines.push(
      `  ${zh ? '定时任务' : 'scheduled'}: ${eventLabel(j.kind, lang)} ${zh ? '于' : 'at'} ${when(j.dueAt, lang)}`,
    );
  if ('rule' in x) lines.push(...ruleLines(x, lang));
  return lines;
}

function ruleLines(x: EscalationExplanation, lang: Lang): string[] {
  const zh = lang === 'zh';
  const lines = [
    zh
      ? `  措施：${labelOf('measure', String(x.measure))}；理由：${String(x.reason ?? '')}`
      : `  measure ${String(x.measure)}: ${String(x.reason ?? '')}`,
    `  ${zh ? '规则' : 'rule'} ${String(x.rule.id)} ${String(x.rule.title ?? '')} — ${zh ? '规则集' : 'rule set'} ${String(x.rule.ruleSetId)} v${String(x.rule.ruleSetVersion)}`,
  ];
  if (x.rule.text) lines.push(...x.rule.text.split('\n').map((l) => `    | ${l}`));
  lines.push(...x.facts.map((f) => `  ${zh ? '事实' : 'fact'} ${f.name} = ${JSON.stringify(f.value)}`));
  lines.push(...x.conditions.map((c) => `  ${'  '.repeat(c.depth)}${c.holds ? '✓' : '✗'} ${c.text}`));
  lines.push(`  ${zh ? '触发' : 'trigger'}: ${triggerInWords(x.trigger, lang)}`);
  return lines;
}
