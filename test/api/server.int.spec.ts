import { Router } from 'express';
import { startApi, type ApiHarness } from './support';

let api: ApiHarness;
let release: () => void = () => {};
let entered: () => void = () => {};
const requestEntered = new Promise<void>((resolve) => (entered = resolve));

beforeAll(async () => {
  // A route that holds its response until the test releases it: an in-flight request during shutdown.
  const slowRouter = () =>
    Router().get('/slow', async (_req, res) => {
      entered();
      await new Promise<void>((resolve) => (release = resolve));
      res.json({ finished: true });
    });
  api = await startApi({ extraRouters: [slowRouter] });
});
afterAll(() => api.close());

describe('graceful shutdown', () => {
  it('finishes in-flight requests before the server closes, and refuses new connections', async () => {
    const inFlight = fetch(`${api.server.url}/slow`).then(async (r) => ({
      status: r.status,
      body: await r.json(),
    }));
    await requestEntered;
    let closed = false;
    const closing = api.server.close(5000).then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(false);
    await expect(fetch(`${api.server.url}/healthz`)).rejects.toThrow();
    release();
    expect(await inFlight).toEqual({ status: 200, body: { finished: true } });
    await closing;
    expect(closed).toBe(true);
  });
});
