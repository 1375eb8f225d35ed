import { randomUUID } from 'node:crypto';

/** Where the engine gets "now". Injected everywhere so that tests and replays control time. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start: string | Date) {
    this.#now = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#now);
  }
  set(instant: string | Date): void {
    this.#now = new Date(instant).getTime();
  }
  advance(milliseconds: number): void {
    this.#now += milliseconds;
  }
}

/** Where new ids come from; injected so tests can predict them. */
export interface IdGenerator {
  next(prefix: string): string;
}

export const randomIds: IdGenerator = { next: (prefix) => `${prefix}-${randomUUID()}` };

export class SequentialIds implements IdGenerator {
  #counter = 0;
  next(prefix: string): string {
    this.#counter += 1;
    return `${prefix}-${String(this.#counter).padStart(6, '0')}`;
  }
}
