import { itemPeople, principalsOf, supervisorsAbove, usersNamed } from '../persistence/notification-store';
import type { RecipientRule } from './intents';
import { type QueryExecutor } from '../persistence/database';

/** Why a user receives a notification (kept in the notification's data, shown in the inbox). */
export type RecipientRole = 'handler' | 'responsible' | 'principal' | 'supervisorAbove' | 'person';

/**
 * Turns the record's recipient rules into user ids, in the caller's transaction. A user reached by
 * several rules is told once (with every reason). A name that matches nobody reaches nobody: the
 * responsible person of an imported ledger row may not have an account.
 */
export async function resolveRecipients(
  q: QueryExecutor,
  rules: readonly RecipientRule[],
): Promise<Map<string, RecipientRole[]>> {
  const found = new Map<string, RecipientRole[]>();
  const add = (ids: string[], role: RecipientRole) => {
    for (const id of ids) {
      const roles = found.get(id) ?? [];
      if (!roles.includes(role)) roles.push(role);
      found.set(id, roles);
    }
  };
  for (const rule of rules) {
    switch (rule.role) {
      case 'person':
        add(await usersNamed(q, rule.ref, rule.unitId), rule.as ?? 'person');
        break;
      case 'principal':
        add(await principalsOf(q, rule.unitId), 'principal');
        break;
      case 'supervisorAbove':
        add(await supervisorsAbove(q, rule.unitId), 'supervisorAbove');
        break;
      case 'itemPeople': {
        const { handler, responsible } = await itemPeople(q, rule.itemId);
        if (handler) add(await usersNamed(q, handler.ref, handler.unitId), 'handler');
        if (responsible) add(await usersNamed(q, responsible.ref, responsible.unitId), 'responsible');
        break;
      }
    }
  }
  return found;
}
