import {
  leaseDeliveries,
  listEndpoints,
  markDelivered,
  markFailed,
  type DeliveryRow,
  type EndpointRow,
} from '../persistence/notification-store';
import type { Clock } from '../shared/clock';
import { type QueryExecutor } from '../persistence/database';
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from './backoff';
import type { Channel } from './channels/channel';

export interface DispatcherOptions {
  query: QueryExecutor;
  clock: Clock;
  /** This dispatcher's name, written as the lease owner (unique per process). */
  name: string;
  channels: Channel[];
  /** Deliveries claimed per lease (default 200). */
  batchSize?: number;
  /** How long a lease lasts before another dispatcher may take the delivery over (default 60 s). */
  leaseMs?: number;
  /** Sends in flight at once (default 32). */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  random?: () => number;
  /** Called after each send (tests and the benchmark observe progress). */
  onSent?: (delivery: DeliveryRow) => void;
}

/** What one pass did. */
export interface DispatchReport {
  leased: number;
  delivered: number;
  retried: number;
  dead: number;
}

/**
 * The dispatcher (issue 14 §4). It leases due deliveries (SKIP LOCKED; the lease commits at once), sends
 * them, and records each confirmed send right away — a dispatcher killed mid-batch leaves only the
 * unconfirmed rest of its lease, which another dispatcher takes once the lease expires. Delivery is
 * at-least-once: a send confirmed by the receiver but not yet recorded is sent again, with the same id.
 */
export class Dispatcher {
  readonly #o: Required<Omit<DispatcherOptions, 'retry' | 'onSent'>> & Pick<DispatcherOptions, 'onSent'>;
  readonly #retry: RetryPolicy;
  readonly #channels: Map<string, Channel>;

  constructor(options: DispatcherOptions) {
    this.#o = { batchSize: 200, leaseMs: 60_000, concurrency: 32, random: Math.random, ...options };
    this.#retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.#channels = new Map(options.channels.map((c) => [c.name, c]));
  }

  get name(): string {
    return this.#o.name;
  }

  /** Leases one batch and sends it. */
  async dispatchOnce(): Promise<DispatchReport> {
    const { query: q, clock, name } = this.#o;
    const now = clock.now();
    const leased = await leaseDeliveries(
      q,
      name,
      now.toISOString(),
      new Date(now.getTime() + this.#o.leaseMs).toISOString(),
      this.#o.batchSize,
      [...this.#channels.keys()],
    );
    const report: DispatchReport = { leased: leased.length, delivered: 0, retried: 0, dead: 0 };
    if (leased.length === 0) return report;
    const endpoints = new Map((await listEndpoints(q)).map((e) => [e.id, e]));
    const confirmed = new ConfirmationBuffer(q, name, clock);
    let next = 0;
    const worker = async () => {
      while (next < leased.length) {
        const delivery = leased[next++]!;
        const outcome = await this.#sendOne(delivery, endpoints.get(delivery.target) ?? null);
        if (outcome === 'delivered') {
          report.delivered++;
          await confirmed.add(delivery.id);
          this.#o.onSent?.(delivery);
        } else report[outcome]++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#o.concurrency, leased.length) }, worker));
    await confirmed.flush();
    return report;
  }

  /** Dispatches until nothing is due (or `maxBatches` passes); returns the totals. */
  async drain(maxBatches = Infinity): Promise<DispatchReport> {
    const total: DispatchReport = { leased: 0, delivered: 0, retried: 0, dead: 0 };
    for (let i = 0; i < maxBatches; i++) {
      const report = await this.dispatchOnce();
      for (const key of Object.keys(total) as Array<keyof DispatchReport>) total[key] += report[key];
      if (report.leased === 0) break;
    }
    return total;
  }

  async #sendOne(
    delivery: DeliveryRow,
    endpoint: EndpointRow | null,
  ): Promise<'delivered' | 'retried' | 'dead'> {
    const channel = this.#channels.get(delivery.channel)!;
    try {
      if (endpoint && !endpoint.active) throw new Error(`endpoint ${endpoint.id} is inactive`);
      await channel.send(delivery, endpoint);
      return 'delivered';
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const dead = delivery.attempts >= this.#retry.maxAttempts;
      const retryAt = dead
        ? null
        : new Date(
            this.#o.clock.now().getTime() + retryDelayMs(this.#retry, delivery.attempts, this.#o.random),
          ).toISOString();
      await markFailed(
        this.#o.query,
        this.#o.name,
        delivery.id,
        `attempt ${delivery.attempts}: ${message}`,
        retryAt,
      );
      return dead ? 'dead' : 'retried';
    }
  }
}

/**
 * Records confirmed sends in small groups (one UPDATE per few dozen, or after a few milliseconds), so a
 * busy dispatcher does not spend a round trip per message; at most one group is unrecorded at a crash.
 */
class ConfirmationBuffer {
  #ids: number[] = [];
  #flushing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly q: QueryExecutor,
    private readonly owner: string,
    private readonly clock: Clock,
    private readonly size = 25,
  ) {}

  async add(id: number): Promise<void> {
    this.#ids.push(id);
    if (this.#ids.length >= this.size) await this.flush();
  }

  async flush(): Promise<void> {
    const ids = this.#ids;
    this.#ids = [];
    const previous = this.#flushing;
    this.#flushing = previous.then(() =>
      ids.length ? markDelivered(this.q, this.owner, ids, this.clock.now().toISOString()) : 0,
    );
    await this.#flushing;
  }
}
