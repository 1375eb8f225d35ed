// DTO decorators record their property types only if reflect-metadata is loaded before the DTO modules.
import 'reflect-metadata';
import { clue, createXiningCampaign, startApi, type ApiHarness, type Login } from './support';

/**
 * One way to page (src/persistence/paging.ts): every list walks the same way — pages in a stable order,
 * together exactly the whole list, the same total on every page, and a page past the end that is empty but
 * still tells the total.
 */
let api: ApiHarness;

beforeAll(async () => {
  api = await startApi();
  const campaignId = await createXiningCampaign(api);
  for (let i = 0; i < 7; i += 1) {
    await api.http
      .post('/items')
      .set(api.as('officer'))
      .send({ ...clue(campaignId, i % 2 === 0 ? 'xn-hz' : 'xn-hz-det'), description: `第${i}条线索` })
      .expect(201);
  }
});

afterAll(() => api.close());

interface Listed {
  items: Array<Record<string, unknown>>;
  total: number;
  limit: number;
  offset: number;
}

const list = async (login: Login, path: string, limit: number, offset: number): Promise<Listed> =>
  (
    await api.http
      .get(`${path}${path.includes('?') ? '&' : '?'}limit=${limit}&offset=${offset}`)
      .set(api.as(login))
      .expect(200)
  ).body as Listed;

const keyOf = (row: Record<string, unknown>) => String(row.streamId ?? row.id);

describe.each([
  ['/items', 'supervisor'],
  ['/campaigns', 'supervisor'],
  ['/users', 'supervisor'],
  ['/worklist', 'officer'],
] as const)('%s pages one way', (path, login) => {
  it('pages of 2 add up to the whole list, in the same order, each with the same total', async () => {
    const whole = await list(login, path, 100, 0);
    expect(whole.total).toBe(whole.items.length);
    expect(whole.total).toBeGreaterThan(0);
    const walked: string[] = [];
    for (let offset = 0; offset < whole.total; offset += 2) {
      const page = await list(login, path, 2, offset);
      expect(page).toMatchObject({ total: whole.total, limit: 2, offset });
      expect(page.items.length).toBe(Math.min(2, whole.total - offset));
      walked.push(...page.items.map(keyOf));
    }
    expect(walked).toEqual(whole.items.map(keyOf));
  });

  it('a page past the end is empty and still tells the total', async () => {
    const whole = await list(login, path, 100, 0);
    const beyond = await list(login, path, 5, whole.total + 10);
    expect(beyond.items).toEqual([]);
    expect(beyond.total).toBe(whole.total);
  });
});
