import { Command } from 'commander';
import { registerCorrectionCommands } from '../../src/cli/correction-commands';
import { buildBulletin } from '../../src/bulletins/bulletin';
import { renderBulletinHtml } from '../../src/bulletins/bulletin-html';
import { checkSnapshots } from '../../src/audit/replay-check';
import { timelineText } from '../../src/audit/auditor-text';
import { timeline } from '../../src/audit/timeline';
import { verifyDatabase } from '../../src/audit/verify';
import { replayEvents } from '../../src/engine/replay';
import type { CorrectableContext } from '../../src/machines/item-corrections';
import {
  campaignInput,
  createTestRuntime,
  itemInRectification,
  officer,
  supervisor,
} from '../support/fixtures';

type TestRuntime = Awaited<ReturnType<typeof createTestRuntime>>;

/** An escalation on every closed item: the wrong acceptance below produces one. */
const rules = `规则集 correction-rules 版本 1
规则 closed-check "销号后函询核实" 优先级 50
  当 事项.状态 = 已销号
  则 函询 事项 期限 10 天 理由 "销号核实"
`;
const principal = { userId: 'u-principal-hz', unitId: 'xn-county-hz' };
const otherOfficer = { userId: 'u-officer-dt', unitId: 'xn-county-dt' };

let runtime: TestRuntime;
let campaignId: string;

beforeAll(async () => {
  runtime = await createTestRuntime();
  const { directory } = runtime;
  await directory.createUser(
    { id: 'u-officer', username: 'officer', displayName: '办事员', role: 'officer', unitId: 'xn-county-hz' },
    new Date(),
  );
  await directory.createUser(
    {
      id: 'u-supervisor',
      username: 'supervisor',
      displayName: '督导',
      role: 'supervisor',
      unitId: 'xn-city',
    },
    new Date(),
  );
  await directory.createUser(
    {
      id: principal.userId,
      username: 'principal',
      displayName: '局长',
      role: 'officer',
      unitId: 'xn-county-hz',
      isPrincipal: true,
    },
    new Date(),
  );
  await directory.createUser(
    {
      id: otherOfficer.userId,
      username: 'officer.dt',
      displayName: '大通',
      role: 'officer',
      unitId: 'xn-county-dt',
    },
    new Date(),
  );
  campaignId = (await runtime.engine.create('campaign', campaignInput, supervisor)).streamId;
  await runtime.ruleSets.publish(campaignId, rules, supervisor, runtime.clock.now().toISOString());
});
afterAll(() => runtime.database.close());

/** An item wrongly accepted (销号): sequences 1–4 to rectifying, 5 submit, 6 ACCEPT (escalation issued), 7 progress. */
async function wronglyAccepted(): Promise<{ id: string; escalationId: string }> {
  const { engine } = runtime;
  const id = await itemInRectification(runtime, campaignId);
  await engine.execute(
    id,
    { type: 'SUBMIT_FOR_ACCEPTANCE', result: '已整改', evidence: ['照片.jpg'] },
    officer,
  );
  const accepted = await engine.execute(id, { type: 'ACCEPT', note: '同意销号' }, supervisor);
  const issued = accepted.effects.rules as Array<{ escalationId?: string; streamId?: string }>;
  expect(issued).toHaveLength(1);
  const escalationId = issued[0]!.escalationId ?? issued[0]!.streamId!;
  return { id, escalationId };
}

const request = (id: string, escalationId: string, requestedBy = officer.userId) =>
  runtime.engine.execute(
    id,
    {
      type: 'REQUEST_CORRECTION',
      corrects: 6,
      targetState: 'awaitingAcceptance',
      reason: '验收单位错误：应由湟中区验收',
      requestedBy,
      voidEscalations: [escalationId],
    },
    officer,
  );

describe('audited corrections on ' + (process.env.ZZ_TEST_DB ?? 'postgres'), () => {
  it('a wrong acceptance is corrected after a second person approves; its escalation is voided; later evidence is kept', async () => {
    const { id, escalationId } = await wronglyAccepted();
    await runtime.engine.execute(
      id,
      { type: 'RECORD_COMPLAINT', receivedAt: '2023-04-10T08:00:00.000Z', note: '仍有拦车' },
      officer,
    );
    const requested = await request(id, escalationId);
    expect(requested.state).toBe('closed');
    expect(requested.event.payload).toMatchObject({ corrects: 6, correctsType: 'ACCEPT' });
    const approved = await runtime.engine.execute(
      id,
      { type: 'APPROVE_CORRECTION', approvedBy: principal.userId },
      principal,
    );
    expect(approved.state).toBe('awaitingAcceptance');
    expect(approved.event.payload).toMatchObject({ fromState: 'closed', targetState: 'awaitingAcceptance' });
    expect(approved.effects.corrections).toEqual([escalationId]);
    const context = approved.snapshot.context as CorrectableContext;
    expect(context.closedAt).toBeNull();
    expect(context.complaints).toHaveLength(1);
    expect(context.submissions).toEqual([
      expect.objectContaining({ result: '已整改', evidence: ['照片.jpg'] }),
    ]);
    expect(context.corrections).toEqual([
      expect.objectContaining({
        corrects: 6,
        correctsType: 'ACCEPT',
        outcome: 'approved',
        decidedBy: principal.userId,
        fromState: 'closed',
      }),
    ]);
    const escalation = await runtime.store.loadStream(escalationId);
    expect(escalation!.state).toBe('voided');
    expect(escalation!.snapshot.context).toMatchObject({
      voided: {
        reason: expect.stringContaining('验收单位错误'),
        correction: { itemId: id, sequence: approved.version, corrects: 6 },
      },
    });
    // The record is only appended to: the ACCEPT is still there, followed by the correction.
    const events = await runtime.store.readStream(id);
    expect(events.map((e) => e.type)).toEqual([
      'REGISTER',
      'ASSIGN_VERIFICATION',
      'CONFIRM',
      'START_RECTIFICATION',
      'SUBMIT_FOR_ACCEPTANCE',
      'ACCEPT',
      'RECORD_COMPLAINT',
      'REQUEST_CORRECTION',
      'APPROVE_CORRECTION',
    ]);
    // The item goes on from the corrected state: the right unit accepts it now, and the rules run again.
    const reaccepted = await runtime.engine.execute(id, { type: 'ACCEPT', note: '湟中区验收' }, supervisor);
    expect(reaccepted.state).toBe('closed');
    expect((reaccepted.effects.rules as unknown[]).length).toBe(1);
  });

  it('refused without a second person, or by someone without the right; the refusal changes nothing', async () => {
    const { id, escalationId } = await wronglyAccepted();
    await request(id, escalationId);
    const version = (await runtime.store.loadStream(id))!.version;
    await expect(
      runtime.engine.execute(id, { type: 'APPROVE_CORRECTION', approvedBy: officer.userId }, officer),
    ).rejects.toThrow('a correction needs a second person: the requester cannot approve it');
    await expect(
      runtime.engine.execute(
        id,
        { type: 'APPROVE_CORRECTION', approvedBy: otherOfficer.userId },
        otherOfficer,
      ),
    ).rejects.toThrow(/u-officer-dt may not approve corrections of this item/);
    expect((await runtime.store.loadStream(id))!.version).toBe(version);
    expect((await runtime.store.loadStream(escalationId))!.state).toBe('issued');
    // A supervisor above may refuse it; then nothing is pending and the item stays closed.
    const refused = await runtime.engine.execute(
      id,
      { type: 'REFUSE_CORRECTION', refusedBy: 'u-supervisor', reason: '验收无误' },
      supervisor,
    );
    expect(refused.state).toBe('closed');
    expect((refused.snapshot.context as CorrectableContext).corrections).toEqual([
      expect.objectContaining({ outcome: 'refused', decidedBy: 'u-supervisor', note: '验收无误' }),
    ]);
    await expect(
      runtime.engine.execute(id, { type: 'APPROVE_CORRECTION', approvedBy: principal.userId }, principal),
    ).rejects.toThrow('there is no correction waiting for approval');
  });

  it('a request must name a real event and a reachable state; a wrong category is corrected with its field', async () => {
    const id = await itemInRectification(runtime, campaignId);
    const ask = (fields: Record<string, unknown>) =>
      runtime.engine.execute(
        id,
        { type: 'REQUEST_CORRECTION', requestedBy: officer.userId, reason: '录入错误', ...fields },
        officer,
      );
    await expect(ask({ corrects: 9, targetState: 'confirmed' })).rejects.toThrow(
      'corrects must name an event of this item (1–4)',
    );
    await expect(ask({ corrects: 1, targetState: 'confirmed' })).rejects.toThrow(
      'event 1 (REGISTER) cannot be corrected',
    );
    await expect(ask({ corrects: 3, targetState: 'dismissed' })).rejects.toThrow(
      /targetState must be one of/,
    );
    await expect(
      ask({ corrects: 3, targetState: 'rectifying', fields: { category: 'nope' } }),
    ).rejects.toThrow(/category nope is not one of/);
    await ask({ corrects: 3, targetState: 'rectifying', fields: { category: 'rough', severity: 'serious' } });
    const approved = await runtime.engine.execute(
      id,
      { type: 'APPROVE_CORRECTION', approvedBy: 'u-supervisor' },
      supervisor,
    );
    expect(approved.state).toBe('rectifying');
    expect((approved.snapshot.context as CorrectableContext).confirmation).toMatchObject({
      category: 'rough',
      severity: 'serious',
    });
    const row = await runtime.store.loadStream(id);
    expect(row!.category).toBe('rough');
  });

  it('replay and verify hold across corrections; the timeline links each correction to what it corrects', async () => {
    const { id, escalationId } = await wronglyAccepted();
    await request(id, escalationId);
    await runtime.engine.execute(id, { type: 'APPROVE_CORRECTION', approvedBy: principal.userId }, principal);
    const stored = await runtime.store.loadStream(id);
    expect(replayEvents('item', await runtime.store.readStream(id))).toEqual(stored!.snapshot);
    expect((await checkSnapshots(runtime.database)).findings).toEqual([]);
    expect((await verifyDatabase(runtime.database, { campaignId })).findings).toEqual([]);
    const t = await timeline(runtime.database, id);
    const approval = t.entries.find((e) => e.type === 'APPROVE_CORRECTION')!;
    expect(approval).toMatchObject({
      stateBefore: 'closed',
      stateAfter: 'awaitingAcceptance',
      machineVersion: 3,
      payload: expect.objectContaining({
        approvedBy: principal.userId,
        fromState: 'closed',
        targetState: 'awaitingAcceptance',
      }),
    });
    const requestEntry = t.entries.find((e) => e.type === 'REQUEST_CORRECTION')!;
    expect(requestEntry.payload).toMatchObject({
      corrects: 6,
      correctsType: 'ACCEPT',
      reason: '验收单位错误：应由湟中区验收',
    });
    expect(t.entries[5]!.type).toBe('ACCEPT');
    // Linked both ways: the request and the approval name event 6, and event 6 names the approval.
    expect(requestEntry.correction).toEqual({
      corrects: 6,
      decidedBy: { sequence: approval.sequence, outcome: 'approved' },
    });
    expect(approval.correction).toEqual({ corrects: 6, request: requestEntry.sequence });
    expect(t.entries[5]!.correction).toEqual({ correctedBy: [approval.sequence] });
    const text = timelineText(t, 'zh');
    const acceptLine = text.findIndex((l) => /^ {3}6 .* 验收销号 /.test(l));
    expect(text.slice(acceptLine + 1)).toContain(`       ⚠ 已被 #${approval.sequence} 更正`);
    expect(text).toContain(
      `       ↳ 更正 #6（验收销号）：申请改为「待验收」，已由 #${approval.sequence} 批准`,
    );
    expect(text).toContain(`       ↳ 更正 #6（验收销号）生效（#${requestEntry.sequence} 的申请）`);
  });

  it('the CLI requests, refuses the requester as approver, and approves as the principal', async () => {
    const { id, escalationId } = await wronglyAccepted();
    const zz = async (...args: string[]): Promise<string[]> => {
      const lines: string[] = [];
      const program = new Command('zhengzhi').exitOverride();
      registerCorrectionCommands(program, {
        openDatabase: async () => ({ ...runtime.database, close: async () => undefined }),
        clock: runtime.clock,
        out: (line) => lines.push(line),
      });
      await program.parseAsync(['node', 'zhengzhi', ...args]);
      return lines;
    };
    expect(
      await zz(
        'items',
        'correct',
        id,
        '--event',
        '6',
        '--to',
        'awaitingAcceptance',
        '--reason',
        '验收单位错误',
        '--void',
        escalationId,
        '--as',
        'u-officer',
      ),
    ).toEqual([
      `${id} event 7: correction of event 6 requested (→ awaitingAcceptance); it takes effect when a second person approves`,
    ]);
    await expect(zz('items', 'approve-correction', id, '--as', 'u-officer')).rejects.toThrow(
      'a correction needs a second person: the requester cannot approve it',
    );
    expect(await zz('items', 'approve-correction', id, '--as', principal.userId)).toEqual([
      `${id} event 8: correction of event 6 approved — now awaitingAcceptance`,
      `  voided escalation ${escalationId}`,
    ]);
    await expect(
      zz('items', 'correct', id, '--event', 'six', '--to', 'closed', '--reason', 'x', '--as', 'u-officer'),
    ).rejects.toThrow('--event must be a sequence number, not six');
  });

  it('a bulletin for a past period shows what was on record then and says a later correction exists', async () => {
    // Its own campaign, so that the figures are this item's alone.
    const own = (await runtime.engine.create('campaign', campaignInput, supervisor)).streamId;
    const start = runtime.clock.now().toISOString();
    const id = await itemInRectification(runtime, own);
    await runtime.engine.execute(
      id,
      { type: 'SUBMIT_FOR_ACCEPTANCE', result: '已整改', evidence: ['照片.jpg'] },
      officer,
    );
    await runtime.engine.execute(id, { type: 'ACCEPT' }, supervisor);
    runtime.clock.advance(3_600_000);
    const periodEnd = runtime.clock.now().toISOString();
    runtime.clock.advance(3_600_000);
    await runtime.engine.execute(
      id,
      {
        type: 'REQUEST_CORRECTION',
        corrects: 6,
        targetState: 'awaitingAcceptance',
        reason: '验收单位错误',
        requestedBy: officer.userId,
      },
      officer,
    );
    await runtime.engine.execute(id, { type: 'APPROVE_CORRECTION', approvedBy: principal.userId }, principal);
    runtime.clock.advance(3_600_000);
    const past = await buildBulletin(runtime, { campaignId: own, from: start, to: periodEnd });
    expect(past.totals.current).toMatchObject({ closed: 1, rectifying: 0 });
    expect(past.laterCorrections).toBe(1);
    expect(renderBulletinHtml(past)).toContain('本期末之后，有 1 项本期末已在案的记录经审批更正');
    const now = await buildBulletin(runtime, {
      campaignId: own,
      from: periodEnd,
      to: runtime.clock.now().toISOString(),
    });
    expect(now.totals.current).toMatchObject({ closed: 0, rectifying: 1 });
    expect(now.laterCorrections).toBe(0);
    // As of an instant between the approval and a later event, the corrected state counts (recorded time).
    runtime.clock.advance(60_000);
    const afterApproval = runtime.clock.now().toISOString();
    runtime.clock.advance(60_000);
    await runtime.engine.execute(id, { type: 'RECORD_ACCOUNTABILITY', accountability: '诫勉谈话' }, officer);
    const between = await buildBulletin(runtime, { campaignId: own, from: periodEnd, to: afterApproval });
    expect(between.totals.current).toMatchObject({ closed: 0, rectifying: 1 });
  });
});
