import { currentDefinition, definitionFor } from '../machines/registry';
import { start, step, type PersistedState } from '../machines/step';
import { problemAt, type ImportProblem } from './import-problems';
import type { PlannedCommand } from './xining-plan';

/**
 * Runs planned commands through the pure machine (`start`/`step`, no I/O) to find the ones the engine
 * would refuse, before anything is written. Returns the first refusal located at its cell, or null.
 */
export function dryRun(
  sheet: string,
  row: number,
  begin: { input: Record<string, unknown> } | { snapshot: PersistedState; machineVersion: number },
  commands: PlannedCommand[],
  at: string,
): ImportProblem | null {
  let definition = currentDefinition('item');
  let state: PersistedState;
  if ('input' in begin) {
    const started = start(definition, { ...begin.input, itemId: `dry-run-row-${row}`, at });
    if (!started.ok) return problemAt(sheet, 'A', row, started.rejection.message);
    state = started.state;
  } else {
    definition = definitionFor('item', begin.machineVersion);
    state = begin.snapshot;
  }
  for (const planned of commands) {
    const result = step(definition, state, { ...planned.command, at });
    if (!result.ok) return problemAt(sheet, planned.column, row, result.rejection.message);
    state = result.state;
  }
  return null;
}
