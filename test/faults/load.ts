/**
 * Clients of the fault suite: each registers items and issues commands through the balancer, every request
 * with its own Idempotency-Key, and retries (connection errors, 5xx, 409 idempotency-in-progress) until it
 * gets a definitive answer — the way a well-behaved integration does. Every command carries a unique tag or
 * description, so the database can be asked afterwards whether it holds each one exactly once.
 */
import { randomUUID } from 'node:crypto';

export interface Acknowledged {
  key: string;
  kind: 'register' | 'tag' | 'assign';
  /** The unique marker: the description of a registration, the tag of ADD_TAG. */
  marker: string;
  streamId: string;
  version: number;
}

export interface LoadResult {
  acknowledged: Acknowledged[];
  /** Definitive refusals (4xx other than in-progress): none are expected. */
  refused: Array<{ status: number; body: unknown }>;
  retries: number;
  /** How many answers of each 5xx status the clients saw before retrying (0 = a connection error). */
  retriedStatuses: Record<number, number>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** POSTs until a definitive answer or `deadline`; returns the status and body. */
async function postUntilDefinitive(
  url: string,
  token: string,
  body: unknown,
  key: string,
  deadline: number,
  counters: { retries: number; statuses: Record<number, number> },
): Promise<{ status: number; body: Record<string, unknown> }> {
  let last = 'nothing';
  for (;;) {
    if (Date.now() > deadline)
      throw new Error(`no definitive answer for ${key} before the deadline (stuck); last: ${last}`);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          'idempotency-key': key,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      const parsed = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      const inProgress =
        response.status === 409 && parsed.type === 'urn:zhengzhi:problem:idempotency-in-progress';
      if (response.status < 500 && !inProgress) return { status: response.status, body: parsed };
      last = `${response.status} ${JSON.stringify(parsed).slice(0, 300)}`;
      counters.statuses[response.status] = (counters.statuses[response.status] ?? 0) + 1;
      const retryAfter = Number(response.headers.get('retry-after') ?? 0);
      counters.retries++;
      await sleep(Math.min(1000, Math.max(100, retryAfter * 1000 > 0 ? 250 : 100)));
    } catch (error) {
      last = String(error);
      counters.statuses[0] = (counters.statuses[0] ?? 0) + 1;
      counters.retries++;
      await sleep(150);
    }
  }
}

export async function login(base: string, username: string, password: string): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const response = await fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      if (response.ok) return ((await response.json()) as { accessToken: string }).accessToken;
    } catch {
      // retry
    }
    await sleep(200);
  }
  throw new Error(`cannot log in as ${username}`);
}

/**
 * Runs `clients` loops until `shouldStop()`: register an item, tag it three times, then assign its
 * verification with a deadline 8 s ahead (the scheduler must fire VERIFICATION_OVERDUE exactly once).
 */
export async function runLoad(options: {
  base: string;
  token: string;
  campaignId: string;
  clients: number;
  shouldStop: () => boolean;
  deadline: number;
}): Promise<LoadResult> {
  const result: LoadResult = { acknowledged: [], refused: [], retries: 0, retriedStatuses: {} };
  const counters = { retries: 0, statuses: result.retriedStatuses };
  const run = async (client: number) => {
    for (let round = 0; !options.shouldStop(); round++) {
      const marker = `fault-${client}-${round}-${randomUUID().slice(0, 8)}`;
      const key = randomUUID();
      const registered = await postUntilDefinitive(
        `${options.base}/items`,
        options.token,
        {
          campaignId: options.campaignId,
          reportedUnitId: 'xn-hz',
          source: 'hotline12328',
          description: marker,
          receivedAt: '2023-04-09T02:00:00.000Z',
        },
        key,
        options.deadline,
        counters,
      );
      if (registered.status !== 201) {
        result.refused.push(registered);
        continue;
      }
      const streamId = registered.body.streamId as string;
      result.acknowledged.push({
        key,
        kind: 'register',
        marker,
        streamId,
        version: Number(registered.body.version),
      });
      const tags = [1, 2, 3].map((n) => ({
        kind: 'tag' as const,
        segment: 'add-tag',
        body: { tag: `${marker}-t${n}` },
        marker: `${marker}-t${n}`,
      }));
      // The assignment comes last: its deadline passes 8 s later, and the scheduler fires VERIFICATION_OVERDUE.
      const assign = {
        kind: 'assign' as const,
        segment: 'assign-verification',
        body: {
          unitId: 'xn-hz',
          officerId: 'u-officer',
          deadline: new Date(Date.now() + 1_500).toISOString(),
        },
        marker: `${marker}-assign`,
      };
      const steps = [...tags, assign];
      for (const step of steps) {
        const stepKey = randomUUID();
        if (step.kind === 'assign') step.body.deadline = new Date(Date.now() + 8_000).toISOString();
        const answer = await postUntilDefinitive(
          `${options.base}/items/${streamId}/commands/${step.segment}`,
          options.token,
          step.body,
          stepKey,
          options.deadline,
          counters,
        );
        if (answer.status !== 200) {
          result.refused.push(answer);
          continue;
        }
        result.acknowledged.push({
          key: stepKey,
          kind: step.kind,
          marker: step.marker,
          streamId,
          version: Number(answer.body.version),
        });
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, client) => run(client)));
  result.retries = counters.retries;
  return result;
}
