import type { Logger } from 'pino';
import {
  listenToAppends,
  localAppendBus,
  type AppendListener,
  type AppendNotice,
} from '../../persistence/append-notifications';
import type { Database } from '../../persistence/database';

type Subscriber = (notice: AppendNotice) => void;

/**
 * The appends this process hears, fanned out to live subscribers (`GET /live`). On PostgreSQL one
 * dedicated `LISTEN` connection per process, opened with the first subscriber and closed with the last,
 * hears every server process's commits; on PGlite the in-process bus does.
 */
export class LiveFeed {
  readonly #subscribers = new Set<Subscriber>();
  readonly #closers = new Set<() => void>();
  #listener: AppendListener | null = null;
  #closed = false;

  constructor(
    private readonly database: Database,
    private readonly logger: Logger,
  ) {}

  /** How many live connections this process serves. */
  get size(): number {
    return this.#subscribers.size;
  }

  /**
   * Adds a subscriber; `close` is called when the process shuts down (the connection must then end).
   * Returns the function that removes it.
   */
  subscribe(onNotice: Subscriber, close: () => void): () => void {
    if (this.#closed) {
      close();
      return () => undefined;
    }
    this.#subscribers.add(onNotice);
    this.#closers.add(close);
    this.#start();
    return () => {
      this.#subscribers.delete(onNotice);
      this.#closers.delete(close);
      if (this.#subscribers.size === 0) void this.#stop();
    };
  }

  /** Ends every live connection and stops listening (server shutdown). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const close of [...this.#closers]) close();
    this.#subscribers.clear();
    this.#closers.clear();
    await this.#stop();
  }

  readonly #deliver = (notice: AppendNotice): void => {
    for (const subscriber of [...this.#subscribers]) subscriber(notice);
  };

  #start(): void {
    if (this.#listener) return;
    if (this.database.kind === 'pglite') {
      const bus = localAppendBus(this.database);
      bus.on('append', this.#deliver);
      this.#listener = { close: async () => void bus.off('append', this.#deliver) };
      return;
    }
    const url = (this.database.dataSource.options as { url?: string }).url;
    if (!url) throw new Error('live updates need the PostgreSQL connection URL');
    this.#listener = listenToAppends(url, this.#deliver, {
      onGap: (error) => this.logger.warn({ err: error }, 'live feed: LISTEN connection lost; reconnecting'),
    });
  }

  async #stop(): Promise<void> {
    const listener = this.#listener;
    this.#listener = null;
    await listener?.close();
  }
}
