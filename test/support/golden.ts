import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StoredEvent } from '../../src/persistence/event-store';

/** A recorded stream: its events and the snapshot the engine stored after the last one. */
export interface GoldenStream {
  streamType: string;
  events: StoredEvent[];
  snapshot: unknown;
}

const fixture = join(__dirname, '..', 'fixtures', 'golden', 'streams.json');

export const readGoldenFixture = (): GoldenStream[] =>
  JSON.parse(readFileSync(fixture, 'utf8')) as GoldenStream[];
export const writeGoldenFixture = (streams: GoldenStream[]): void =>
  writeFileSync(fixture, JSON.stringify(streams, null, 1) + '\n');
