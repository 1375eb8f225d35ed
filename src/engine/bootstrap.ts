import type { Database } from '../persistence/database';
import { Directory } from '../persistence/directory';
import { EventStore } from '../persistence/event-store';
import { randomIds, systemClock, type Clock, type IdGenerator } from '../shared/clock';
import { Engine, type AppendHook } from './engine';

/** The engine and what it stands on, wired for one database. */
export interface Runtime {
  database: Database;
  store: EventStore;
  directory: Directory;
  engine: Engine;
  clock: Clock;
  ids: IdGenerator;
}

export function createRuntime(
  database: Database,
  options: { clock?: Clock; ids?: IdGenerator; hooks?: AppendHook[] } = {},
): Runtime {
  const store = new EventStore(database);
  const directory = new Directory(database.dataSource);
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIds;
  const engine = new Engine({ store, directory, clock, ids, hooks: options.hooks });
  return { database, store, directory, engine, clock, ids };
}
