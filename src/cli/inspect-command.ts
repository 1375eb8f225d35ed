import type { Command } from 'commander';
import { feedInspector } from '../audit/inspection-feed';
import { openDatabaseFromEnvironment, type Database } from '../persistence/database';
import { EventStore } from '../persistence/event-store';
import { currentLang } from './lang';
import { CliError, say } from './messages';

/** What `zhengzhi inspect` needs from outside; tests pass their own database and output. */
export interface InspectCommandEnvironment {
  openDatabase?: () => Promise<Database>;
  out?: (line: string) => void;
}

/**
 * `zhengzhi inspect <streamId>`: a stream's history as an @statelyai/inspect feed — the inspection events
 * (`@xstate.actor`, `@xstate.event`, `@xstate.snapshot`) of `createInspector`, as JSON Lines on stdout.
 * Works offline; the lines can be saved and replayed into any tool that reads Stately inspection events.
 */
export function registerInspectCommand(program: Command, environment: InspectCommandEnvironment = {}): void {
  const out = environment.out ?? ((line: string) => console.log(line));
  const open = environment.openDatabase ?? (() => openDatabaseFromEnvironment());
  program
    .command('inspect <streamId>')
    .description('a stream’s history as @statelyai/inspect inspection events (JSON Lines on stdout)')
    .action(async (streamId: string) => {
      const database = await open();
      try {
        const store = new EventStore(database);
        const stream = await store.loadStream(streamId);
        if (!stream) throw new CliError(say(currentLang(), 'noSuchStream', { streamId }));
        const events = await store.readStream(streamId);
        // An ES module: loaded when the command runs (the CLI itself is CommonJS).
        const { createInspector } = await import('@statelyai/inspect');
        const inspector = createInspector({ send: (event) => out(JSON.stringify(event)) });
        feedInspector(inspector, stream.streamType, events);
        inspector.stop();
      } finally {
        await database.close();
      }
    });
}
