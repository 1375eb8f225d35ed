import { createRuntime, type Runtime } from '../runtime/runtime';
import type { AppendHook } from '../engine/engine';
import type { Database } from '../persistence/database';
import type { Clock, IdGenerator } from '../shared/clock';
import { idempotencyHook } from './idempotency';

export interface ApiRuntimeOptions {
  clock?: Clock;
  ids?: IdGenerator;
  /** Append hooks besides the escalation rules (tests). */
  hooks?: AppendHook[];
}

/** The runtime the server runs on: the engine (with the escalation rules) plus the API's idempotency hook. */
export async function createApiRuntime(
  database: Database,
  options: ApiRuntimeOptions = {},
): Promise<Runtime> {
  const runtime = createRuntime(database, { clock: options.clock, ids: options.ids, hooks: options.hooks });
  runtime.engine.addHook(idempotencyHook());
  return runtime;
}
