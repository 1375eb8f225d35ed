import {
  clue,
  command,
  createXiningCampaign,
  itemInRectification,
  moveClock,
  problemType,
  registerItem,
  startApi,
  type ApiHarness,
  uploadEvidence,
} from './support';

let api: ApiHarness;
let campaignId: string;

beforeAll(async () => {
  api = await startApi();
  campaignId = await createXiningCampaign(api);
});
afterAll(() => api.close());

describe('items through the HTTP API', () => {
  it('registers a clue and answers with state, version, event and ETag', async () => {
    const response = await api.http.post('/items').set(api.as('officer')).send(clue(campaignId)).expect(201);
    expect(response.body).toMatchObject({
      streamType: 'item',
      state: 'registered',
      version: 1,
      event: { sequence: 1, type: 'REGISTER' },
      escalations: [],
    });
    expect(response.headers.etag).toBe('"1"');
    expect(response.headers.location).toBe(`/items/${response.body.streamId}`);
  });

  it('walks an item from registration to closure and shows its history', async () => {
    const id = await itemInRectification(api, campaignId);
    await command(api, 'officer', id, 'record-progress', {
      note: '已培训',
      evidence: ['培训签到表.pdf'],
    }).expect(200);
    const submitted = await command(api, 'officer', id, 'submit-for-acceptance', {
      result: '整改完成',
      files: [await uploadEvidence(api, 'officer', id)],
    }).expect(200);
    expect(submitted.body).toMatchObject({ state: 'awaitingAcceptance', version: 6 });
    const accepted = await command(api, 'supervisor', id, 'accept', { note: '同意销号' }).expect(200);
    expect(accepted.body.state).toBe('closed');

    const item = await api.http.get(`/items/${id}`).set(api.as('auditor')).expect(200);
    expect(item.body).toMatchObject({
      streamId: id,
      state: 'closed',
      version: 7,
      acceptedEvents: expect.arrayContaining(['START_LOOK_BACK']),
    });
    expect(item.headers.etag).toBe('"7"');

    const history = await api.http.get(`/items/${id}/history`).set(api.as('auditor')).expect(200);
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual([
      'REGISTER',
      'ASSIGN_VERIFICATION',
      'CONFIRM',
      'START_RECTIFICATION',
      'RECORD_PROGRESS',
      'SUBMIT_FOR_ACCEPTANCE',
      'ACCEPT',
    ]);
    expect(history.body.replayedState).toBe('closed');
    expect(history.body.events[1].prevHash).toBe(history.body.events[0].hash);
    const partial = await api.http
      .get(`/items/${id}/history?toSequence=3`)
      .set(api.as('auditor'))
      .expect(200);
    expect(partial.body.replayedState).toBe('confirmed');
  });

  it('accepts the generic { type, ...payload } command route', async () => {
    const id = await registerItem(api, campaignId);
    const response = await api.http
      .post(`/items/${id}/commands`)
      .set(api.as('officer'))
      .send({
        type: 'ASSIGN_VERIFICATION',
        unitId: 'xn-hz-det',
        officerId: 'u-officer-det',
        deadline: '2023-05-01T00:00:00.000Z',
      })
      .expect(200);
    expect(response.body).toMatchObject({ state: 'verifying', version: 2 });
    const unknown = await api.http
      .post(`/items/${id}/commands`)
      .set(api.as('officer'))
      .send({ type: 'FLY' })
      .expect(400);
    expect(unknown.body.type).toBe(problemType('validation-failed'));
    expect(unknown.body.invalidFields[0].field).toBe('type');
  });

  it('dismisses with the handler’s proposal and the handling unit principal’s sign-off, both taken from the caller', async () => {
    const id = await registerItem(api, campaignId);
    await command(api, 'officer', id, 'assign-verification', {
      unitId: 'xn-hz',
      officerId: 'u-officer',
      deadline: '2023-05-01T00:00:00.000Z',
    }).expect(200);
    await command(api, 'officer', id, 'propose-dismissal', { reason: '经核查不属实' }).expect(200);
    // A handlerId in the body is an unknown field: the API sets it from the caller.
    const spoof = await command(api, 'officer', id, 'approve-dismissal', {
      principalId: 'u-principal',
    }).expect(400);
    expect(spoof.body.invalidFields[0].field).toBe('principalId');
    await command(api, 'principal', id, 'approve-dismissal').expect(200);
    const history = await api.http.get(`/items/${id}/history`).set(api.as('auditor')).expect(200);
    const [proposal, approval] = history.body.events.slice(2);
    expect(proposal.payload.handlerId).toBe('u-officer');
    expect(approval.payload).toMatchObject({ principalId: 'u-principal', principalOfUnitId: 'xn-hz' });
    expect(history.body.replayedState).toBe('dismissed');
  });

  it('lists items with filters and pagination within the caller’s subtree', async () => {
    const other = await registerItem(api, campaignId, 'officer.dt', 'xn-dt');
    await itemInRectification(api, campaignId);
    const all = await api.http.get('/items?limit=200').set(api.as('supervisor')).expect(200);
    expect(all.body.total).toBe(all.body.items.length);
    expect(all.body.items.map((i: { streamId: string }) => i.streamId)).toContain(other);

    const hz = await api.http.get('/items?limit=200').set(api.as('officer')).expect(200);
    expect(hz.body.items.every((i: { unitId: string }) => i.unitId.startsWith('xn-hz'))).toBe(true);
    expect(hz.body.items.map((i: { streamId: string }) => i.streamId)).not.toContain(other);

    const dtOnly = await api.http.get('/items?unitId=xn-dt').set(api.as('supervisor')).expect(200);
    expect(dtOnly.body.items.map((i: { streamId: string }) => i.streamId)).toEqual([other]);

    const rectifying = await api.http
      .get(`/items?state=rectifying&campaignId=${campaignId}&category=non_standard&overdue=false`)
      .set(api.as('auditor'))
      .expect(200);
    expect(rectifying.body.items.length).toBeGreaterThan(0);
    expect(
      rectifying.body.items.every(
        (i: { state: string; category: string }) => i.state === 'rectifying' && i.category === 'non_standard',
      ),
    ).toBe(true);

    const page1 = await api.http.get('/items?limit=2&offset=0').set(api.as('supervisor')).expect(200);
    const page2 = await api.http.get('/items?limit=2&offset=2').set(api.as('supervisor')).expect(200);
    expect(page1.body.items).toHaveLength(2);
    expect(page2.body.items[0].streamId).not.toBe(page1.body.items[1].streamId);
    expect(page2.body.total).toBe(all.body.total);

    const bad = await api.http.get('/items?state=flying&limit=0').set(api.as('supervisor')).expect(400);
    expect(bad.body.invalidFields.map((f: { field: string }) => f.field).sort()).toEqual(['limit', 'state']);
  });

  it('reports a rectifying item as overdue once its deadline has passed (derived, scheduler or not)', async () => {
    const id = await itemInRectification(api, campaignId);
    const before = await api.http.get('/items?overdue=true').set(api.as('officer')).expect(200);
    expect(before.body.items.map((i: { streamId: string }) => i.streamId)).not.toContain(id);
    await moveClock(api, '2023-08-02T00:00:00.000Z', ['officer']);
    const overdue = await api.http.get('/items?overdue=true').set(api.as('officer')).expect(200);
    expect(overdue.body.items.map((i: { streamId: string }) => i.streamId)).toContain(id);
  });
});
