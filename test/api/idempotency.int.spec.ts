import { DEFAULT_LEASE_MS, IdempotencyStore, withIdempotencyKey } from '../../src/api/idempotency';
import {
  clue,
  command,
  createXiningCampaign,
  problemType,
  registerItem,
  startApi,
  type ApiHarness,
} from './support';

let api: ApiHarness;
let campaignId: string;

beforeAll(async () => {
  api = await startApi();
  campaignId = await createXiningCampaign(api);
});
afterAll(() => api.close());

const eventCount = async (streamId: string) =>
  Number(
    (
      (await api.runtime.database.dataSource.query('SELECT count(*) AS n FROM events WHERE stream_id = $1', [
        streamId,
      ])) as Array<{ n: string }>
    )[0]!.n,
  );

const assign = { unitId: 'xn-hz', officerId: 'u-officer', deadline: '2023-05-01T00:00:00.000Z' };

describe('Idempotency-Key', () => {
  it('returns the first result on a retried command and appends one event', async () => {
    const id = await registerItem(api, campaignId);
    const first = await command(api, 'officer', id, 'assign-verification', assign)
      .set('Idempotency-Key', 'k-assign-1')
      .expect(200);
    const retry = await command(api, 'officer', id, 'assign-verification', assign)
      .set('Idempotency-Key', 'k-assign-1')
      .expect(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await eventCount(id)).toBe(2);
    const linked = (await api.runtime.database.dataSource.query(
      `SELECT stream_id, sequence, status FROM idempotency_keys WHERE key = 'k-assign-1'`,
    )) as Array<Record<string, unknown>>;
    expect(linked[0]).toMatchObject({ stream_id: id, sequence: 2, status: 'completed' });
  });

  it('registers one item for a retried registration', async () => {
    const first = await api.http
      .post('/items')
      .set(api.as('officer'))
      .set('Idempotency-Key', 'k-register')
      .send(clue(campaignId))
      .expect(201);
    const retry = await api.http
      .post('/items')
      .set(api.as('officer'))
      .set('Idempotency-Key', 'k-register')
      .send(clue(campaignId))
      .expect(201);
    expect(retry.body.streamId).toBe(first.body.streamId);
  });

  it('refuses the same key with a different body (422) and on another route', async () => {
    const id = await registerItem(api, campaignId);
    await command(api, 'officer', id, 'add-tag', { tag: 'a' }).set('Idempotency-Key', 'k-tag').expect(200);
    const different = await command(api, 'officer', id, 'add-tag', { tag: 'b' })
      .set('Idempotency-Key', 'k-tag')
      .expect(422);
    expect(different.body.type).toBe(problemType('idempotency-key-reused'));
    expect(await eventCount(id)).toBe(2);
  });

  it('keys are per user', async () => {
    const id = await registerItem(api, campaignId);
    await command(api, 'officer', id, 'add-tag', { tag: 'a' }).set('Idempotency-Key', 'k-shared').expect(200);
    const other = await command(api, 'supervisor', id, 'add-tag', { tag: 'b' })
      .set('Idempotency-Key', 'k-shared')
      .expect(200);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(await eventCount(id)).toBe(3);
  });

  it('releases the key when the command fails, so the corrected retry runs', async () => {
    const id = await registerItem(api, campaignId);
    await command(api, 'officer', id, 'assign-verification', { ...assign, expectedVersion: 5 })
      .set('Idempotency-Key', 'k-fail')
      .expect(409);
    await command(api, 'officer', id, 'assign-verification', { ...assign, expectedVersion: 5 })
      .set('Idempotency-Key', 'k-fail')
      .expect(409);
    expect(await eventCount(id)).toBe(1);
  });

  it('concurrent duplicates run once: one result, the other replays it or is told to retry', async () => {
    const id = await registerItem(api, campaignId);
    const responses = await Promise.all(
      Array.from({ length: 5 }, () =>
        command(api, 'officer', id, 'add-tag', { tag: 'concurrent' }).set('Idempotency-Key', 'k-race'),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    expect(statuses).toContain(200);
    for (const r of responses.filter((r) => r.status === 409))
      expect(r.body.type).toBe(problemType('idempotency-in-progress'));
    expect(await eventCount(id)).toBe(2);
  });

  const tagFingerprint = (id: string, tag: string) =>
    IdempotencyStore.fingerprint('POST', `/items/${id}/commands/add-tag`, { tag });
  const keyRow = async (key: string) =>
    (
      (await api.runtime.database.dataSource.query(
        `SELECT status, holder, stream_id, sequence FROM idempotency_keys WHERE key = $1`,
        [key],
      )) as Array<Record<string, unknown>>
    )[0];
  /** Runs `work` with the clock moved past the lease, then moves it back (other tests use T0). */
  const afterLease = async <T>(work: () => Promise<T>): Promise<T> => {
    api.runtime.clock.advance(DEFAULT_LEASE_MS + 1_000);
    try {
      return await work();
    } finally {
      api.runtime.clock.advance(-(DEFAULT_LEASE_MS + 1_000));
    }
  };

  it('a holder that died before its commit loses the key after the lease; the retry runs the command', async () => {
    const id = await registerItem(api, campaignId);
    // A process claimed the key and died before its command ran: nothing finishes or releases the claim.
    const dead = await api.idempotency().claim('u-officer', 'k-dead', tagFingerprint(id, 'dead'));
    expect(dead.outcome).toBe('claimed');
    const early = await command(api, 'officer', id, 'add-tag', { tag: 'dead' })
      .set('Idempotency-Key', 'k-dead')
      .expect(409);
    expect(early.body.type).toBe(problemType('idempotency-in-progress'));
    expect(Number(early.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(early.headers['retry-after'])).toBeLessThanOrEqual(DEFAULT_LEASE_MS / 1000);
    const retried = await afterLease(() =>
      command(api, 'officer', id, 'add-tag', { tag: 'dead' }).set('Idempotency-Key', 'k-dead').expect(200),
    );
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(retried.body).toMatchObject({ version: 2, event: { type: 'ADD_TAG' } });
    expect(await eventCount(id)).toBe(2);
    expect(await keyRow('k-dead')).toMatchObject({ status: 'completed', stream_id: id, sequence: 2 });
    // From now on the key replays the retry's answer.
    const again = await command(api, 'officer', id, 'add-tag', { tag: 'dead' })
      .set('Idempotency-Key', 'k-dead')
      .expect(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await eventCount(id)).toBe(2);
  });

  it('a holder that died after its commit: the retry after the lease answers from the linked event', async () => {
    const id = await registerItem(api, campaignId);
    const claim = await api.idempotency().claim('u-officer', 'k-crash', tagFingerprint(id, 'crash'));
    if (claim.outcome !== 'claimed') throw new Error('expected a claim');
    // What a crash between the command's commit and the recording of its response leaves behind.
    await withIdempotencyKey(claim.held, () =>
      api.runtime.engine.execute(
        id,
        { type: 'ADD_TAG', tag: 'crash' },
        { userId: 'u-officer', unitId: 'xn-hz' },
      ),
    );
    await command(api, 'officer', id, 'add-tag', { tag: 'crash' })
      .set('Idempotency-Key', 'k-crash')
      .expect(409);
    const recovered = await afterLease(() =>
      command(api, 'officer', id, 'add-tag', { tag: 'crash' }).set('Idempotency-Key', 'k-crash').expect(200),
    );
    expect(recovered.body).toMatchObject({
      streamId: id,
      version: 2,
      state: 'registered',
      recovered: true,
      event: { type: 'ADD_TAG' },
    });
    expect(await eventCount(id)).toBe(2);
  });

  it('a stalled holder whose lease was taken over cannot commit its command a second time', async () => {
    const id = await registerItem(api, campaignId);
    const stalled = await api.idempotency().claim('u-officer', 'k-stall', tagFingerprint(id, 'stall'));
    if (stalled.outcome !== 'claimed') throw new Error('expected a claim');
    await afterLease(() =>
      command(api, 'officer', id, 'add-tag', { tag: 'stall' }).set('Idempotency-Key', 'k-stall').expect(200),
    );
    // The stalled request wakes up and runs its command (another tag, so that the machine itself would
    // accept it): the link fails and its transaction rolls back.
    await expect(
      withIdempotencyKey(stalled.held, () =>
        api.runtime.engine.execute(
          id,
          { type: 'ADD_TAG', tag: 'stall-late' },
          { userId: 'u-officer', unitId: 'xn-hz' },
        ),
      ),
    ).rejects.toMatchObject({ kind: 'idempotencyInProgress' });
    expect(await eventCount(id)).toBe(2);
    expect(await keyRow('k-stall')).toMatchObject({ status: 'completed', sequence: 2 });
  });

  it('refuses malformed keys', async () => {
    const id = await registerItem(api, campaignId);
    const response = await command(api, 'officer', id, 'add-tag', { tag: 'a' })
      .set('Idempotency-Key', 'x'.repeat(201))
      .expect(400);
    expect(response.body.type).toBe(problemType('validation-failed'));
  });
});

describe('optimistic concurrency', () => {
  it('two concurrent commands with the same If-Match: one 2xx, one 409, one event stored', async () => {
    const id = await registerItem(api, campaignId);
    const [a, b] = await Promise.all([
      command(api, 'officer', id, 'assign-verification', assign).set('If-Match', '"1"'),
      command(api, 'supervisor', id, 'transfer', { to: '公安机关', reason: '移送' }).set('If-Match', '"1"'),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const conflict = a.status === 409 ? a : b;
    expect(conflict.body).toMatchObject({ type: problemType('version-conflict'), currentVersion: 2 });
    expect(await eventCount(id)).toBe(2);
  });
});
