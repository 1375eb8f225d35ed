import type { Command } from 'commander';
import { createRuntime, type Runtime } from '../runtime/runtime';
import { CORRECTABLE_STATES, type CorrectableContext } from '../machines/item-corrections';
import { openDatabaseFromEnvironment, type Database } from '../persistence/database';
import type { Clock } from '../shared/clock';
import { ErrorCode, ZhengzhiError } from '../shared/errors';
import { labelOf } from '../vocabulary/labels';
import { currentLang } from './lang';
import { say } from './messages';

/** What the correction commands need from outside; tests pass their own database, clock and output. */
export interface CorrectionCommandEnvironment {
  openDatabase?: () => Promise<Database>;
  clock?: Clock;
  out?: (line: string) => void;
}

const FIELDS = ['category', 'severity', 'deadline', 'responsibleUnitId', 'verificationUnitId'];

function invalid(message: string): ZhengzhiError {
  return new ZhengzhiError(ErrorCode.invalidInput, message);
}

/** `--set field=value` (repeatable) → the correction's fields. */
function parseFields(pairs: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const name = at > 0 ? pair.slice(0, at) : '';
    if (!FIELDS.includes(name))
      throw invalid(say(currentLang(), 'correctionField', { pair, fields: FIELDS.join(', ') }));
    fields[name] = pair.slice(at + 1);
  }
  return fields;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * `items correct`, `items approve-correction`, `items refuse-correction`: audited corrections from the
 * console. `--as` names the user (their unit is looked up); the engine checks the approver's right.
 */
export function registerCorrectionCommands(
  program: Command,
  environment: CorrectionCommandEnvironment = {},
): void {
  const out = environment.out ?? ((line: string) => console.log(line));
  const open = environment.openDatabase ?? (() => openDatabaseFromEnvironment());
  async function asUser<T>(
    userId: string,
    work: (runtime: Runtime, actor: { userId: string; unitId: string }) => Promise<T>,
  ) {
    const database = await open();
    try {
      const runtime = createRuntime(database, environment.clock ? { clock: environment.clock } : {});
      const user = await runtime.directory.findUser(userId);
      if (!user) throw invalid(say(currentLang(), 'noSuchUser', { option: '--as', userId }));
      return await work(runtime, { userId: user.id, unitId: user.unitId });
    } finally {
      await database.close();
    }
  }
  const items =
    program.commands.find((c) => c.name() === 'items') ??
    program.command('items').description('problem items');
  items
    .command('correct <itemId>')
    .description('request a correction of one event: the state and fields it should have led to, and why')
    .requiredOption('--event <sequence>', 'the sequence number of the event being corrected')
    .requiredOption('--to <state>', `the state it should lead to (${CORRECTABLE_STATES.join(', ')})`)
    .requiredOption('--reason <text>', 'why (更正理由)')
    .requiredOption('--as <userId>', 'the requesting user')
    .option('--set <field=value>', `a field to correct (${FIELDS.join(', ')}); repeatable`, collect, [])
    .option(
      '--void <escalationId>',
      'an escalation the corrected event produced, to void on approval; repeatable',
      collect,
      [],
    )
    .action(
      (
        itemId: string,
        o: { event: string; to: string; reason: string; as: string; set: string[]; void: string[] },
      ) => {
        const lang = currentLang();
        if (!/^\d+$/.test(o.event)) throw invalid(say(lang, 'notAnEventNumber', { value: o.event }));
        const fields = parseFields(o.set);
        return asUser(o.as, async (runtime, actor) => {
          const r = await runtime.engine.execute(
            itemId,
            {
              type: 'REQUEST_CORRECTION',
              corrects: Number(o.event),
              targetState: o.to,
              reason: o.reason,
              requestedBy: actor.userId,
              ...(Object.keys(fields).length > 0 ? { fields } : {}),
              ...(o.void.length > 0 ? { voidEscalations: o.void } : {}),
            },
            actor,
          );
          out(
            say(lang, 'correctionRequested', {
              itemId,
              version: r.version,
              event: o.event,
              to: o.to,
              toLabel: labelOf('itemState', o.to),
            }),
          );
        });
      },
    );
  items
    .command('approve-correction <itemId>')
    .description(
      "approve the pending correction (the handling unit's principal, or a supervisor above; not the requester)",
    )
    .requiredOption('--as <userId>', 'the approving user')
    .option('--note <text>', 'a note')
    .action((itemId: string, o: { as: string; note?: string }) =>
      asUser(o.as, async (runtime, actor) => {
        const r = await runtime.engine.execute(
          itemId,
          { type: 'APPROVE_CORRECTION', approvedBy: actor.userId, ...(o.note ? { note: o.note } : {}) },
          actor,
        );
        const lang = currentLang();
        const record = (r.snapshot.context as CorrectableContext).corrections.at(-1)!;
        out(
          say(lang, 'correctionApproved', {
            itemId,
            version: r.version,
            corrects: record.corrects,
            state: r.state,
            stateLabel: labelOf('itemState', r.state),
          }),
        );
        for (const id of (r.effects.corrections ?? []) as string[])
          out(say(lang, 'escalationVoided', { id }));
      }),
    );
  items
    .command('refuse-correction <itemId>')
    .description('refuse (someone with the right) or withdraw (the requester) the pending correction')
    .requiredOption('--as <userId>', 'the refusing user')
    .requiredOption('--reason <text>', 'why')
    .action((itemId: string, o: { as: string; reason: string }) =>
      asUser(o.as, async (runtime, actor) => {
        const r = await runtime.engine.execute(
          itemId,
          { type: 'REFUSE_CORRECTION', refusedBy: actor.userId, reason: o.reason },
          actor,
        );
        out(
          say(currentLang(), 'correctionRefused', {
            itemId,
            version: r.version,
            state: r.state,
            stateLabel: labelOf('itemState', r.state),
          }),
        );
      }),
    );
}
