import { ITEM_STATES } from './fact-enums';
import type { IR } from './ir';
import type { CompiledRule } from './rule-set';

/**
 * An alpha index on item state (the Rete idea, reduced to the one fact nearly every rule tests): a rule
 * whose condition is `事项.状态 = X 且 …` or `事项.状态 属于 [X, Y] 且 …` can only fire in those states,
 * so it is skipped for items in other states. Rules without such a conjunct are candidates for every state.
 * Order (priority, id) is preserved within each list.
 */
export function indexByState(rules: readonly CompiledRule[]): ReadonlyMap<string, readonly CompiledRule[]> {
  const required = rules.map((rule) => requiredStates(rule.condition.ir));
  const index = new Map<string, readonly CompiledRule[]>();
  for (const state of ITEM_STATES) {
    index.set(
      state,
      Object.freeze(
        rules.filter((_, i) => required[i] === undefined || (required[i] as Set<unknown>).has(state)),
      ),
    );
  }
  return index;
}

/** The states a condition requires, or undefined when it can hold in any state. */
export function requiredStates(ir: IR): Set<unknown> | undefined {
  switch (ir.type) {
    case 'compare':
      if (ir.op !== '=') return undefined;
      if (isStateField(ir.left) && ir.right.type === 'const') return new Set([ir.right.value]);
      if (isStateField(ir.right) && ir.left.type === 'const') return new Set([ir.left.value]);
      return undefined;
    case 'in':
      if (ir.negated || !isStateField(ir.left) || !ir.items.every((i) => i.type === 'const'))
        return undefined;
      return new Set(ir.items.map((i) => (i as { value: unknown }).value));
    case 'and': {
      let result: Set<unknown> | undefined;
      for (const operand of ir.operands) {
        const states = requiredStates(operand);
        if (!states) continue;
        result = result ? new Set([...result].filter((s) => states.has(s))) : states;
      }
      return result;
    }
    default:
      return undefined;
  }
}

function isStateField(ir: IR): boolean {
  return ir.type === 'field' && ir.field.scope === 'item' && ir.field.en === 'state';
}
