import { campaignMachine } from '../../src/machines/campaign-machine';
import { escalationMachine } from '../../src/machines/escalation-machine';
import { itemMachine } from '../../src/machines/item-machine';
import { currentDefinition } from '../../src/machines/registry';
import { ENUMS, enumValueOf } from '../../src/rules/fact-enums';
import { MEASURES, measureOf } from '../../src/rules/vocabulary';
import { ClueSource } from '../../src/machines/item-types';
import { codeFor, codesOf, labelOf, langOf, termOf, VOCABULARY } from '../../src/vocabulary/labels';

type Node = { transitions: Map<string, unknown> };
const eventTypesOf = (machine: { states: Record<string, unknown> }): string[] =>
  Object.values(machine.states).flatMap((n) => [...(n as Node).transitions.keys()]);

describe('one vocabulary', () => {
  it('labels every state and event type of every machine', () => {
    const tables = [
      ['itemState', itemMachine],
      ['campaignState', campaignMachine],
      ['escalationState', escalationMachine],
    ] as const;
    for (const [table, machine] of tables) {
      for (const state of Object.keys(machine.states)) expect(termOf(table, state)).toBeDefined();
      expect(codesOf(table).sort()).toEqual(Object.keys(machine.states).sort());
      for (const type of eventTypesOf(machine))
        expect([type, termOf('eventType', type)?.zh]).toEqual([type, expect.any(String)]);
    }
    for (const kind of ['item', 'campaign', 'escalation'] as const)
      expect(termOf('eventType', currentDefinition(kind).creationEventType)).toBeDefined();
  });

  it('resolves the disagreements: the seeds wording, old spellings read as aliases', () => {
    expect(labelOf('itemState', 'dismissalPending')).toBe('查否待签批');
    expect(labelOf('itemState', 'confirmed')).toBe('查实');
    expect(labelOf('itemState', 'reopened')).toBe('反弹重启');
    expect(enumValueOf('itemState', '已查实')).toBe('confirmed');
    expect(enumValueOf('itemState', '待审批查否')).toBe('dismissalPending');
    expect(enumValueOf('itemState', '已重启')).toBe('reopened');
    expect(ENUMS.itemState.values.find((v) => v.code === 'confirmed')?.zh).toBe('查实');
  });

  it('has one channel code in the API (ClueSource) and the rules', () => {
    expect(ENUMS.channel.values.map((v) => v.code)).toEqual(Object.keys(ClueSource));
    expect(enumValueOf('channel', 'hotline12328')).toBe('hotline12328');
    expect(enumValueOf('channel', 'hotline_12328')).toBeUndefined();
    expect(enumValueOf('channel', '12328热线')).toBe('hotline12328');
  });

  it('keeps measures light to heavy with their rules spellings', () => {
    expect(MEASURES.map((m) => m.code)).toEqual(codesOf('measure'));
    expect(measureOf('挂牌督办')).toBe('listed_supervision');
    expect(measureOf('移交纪检监察机关')).toBe('refer_to_discipline');
    expect(labelOf('measure', 'listed_supervision', 'en')).toBe('listed supervision');
  });

  it('gives unknown codes back as their own label and reads every spelling', () => {
    expect(labelOf('category', 'campaign_own')).toBe('campaign_own');
    expect(codeFor('category', '执法“寻租”')).toBe('rent_seeking');
    expect(codeFor('role', 'Supervisor')).toBe('supervisor');
    for (const [name, table] of Object.entries(VOCABULARY)) {
      for (const [code, term] of Object.entries(table)) {
        expect([name, code, codeFor(name as keyof typeof VOCABULARY, term.zh)]).toEqual([name, code, code]);
      }
    }
  });

  it('reads the language a client or shell asks for', () => {
    expect(langOf('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh');
    expect(langOf('en-US,en;q=0.9')).toBe('en');
    expect(langOf('zh_CN.UTF-8')).toBe('zh');
    expect(langOf(undefined)).toBe('en');
    expect(langOf('fr-FR, zh-CN;q=0.5')).toBe('zh');
  });
});
