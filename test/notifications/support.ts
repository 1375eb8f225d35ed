import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Runtime } from '../../src/runtime/runtime';
import { createTestRuntime } from '../support/fixtures';

export type NotificationTestRuntime = Awaited<ReturnType<typeof createTestRuntime>>;

/**
 * The people of the fixture tree (city → 湟中 county → detachment): the city's supervisor and principal,
 * the county's principal, the handling officer and 张三, the responsible person named by ledger rows.
 */
export const people = [
  { id: 'u-supervisor', displayName: '市局督导', role: 'supervisor', unitId: 'xn-city', isPrincipal: false },
  { id: 'u-city-chief', displayName: '市局局长', role: 'supervisor', unitId: 'xn-city', isPrincipal: true },
  {
    id: 'u-hz-chief',
    displayName: '湟中局长',
    role: 'supervisor',
    unitId: 'xn-county-hz',
    isPrincipal: true,
  },
  { id: 'u-officer', displayName: '李四', role: 'officer', unitId: 'xn-county-hz', isPrincipal: false },
  { id: 'u-zhang', displayName: '张三', role: 'officer', unitId: 'xn-county-hz', isPrincipal: false },
  {
    id: 'u-dt-chief',
    displayName: '大通局长',
    role: 'supervisor',
    unitId: 'xn-county-dt',
    isPrincipal: true,
  },
] as const;

export async function addPeople(runtime: Runtime): Promise<void> {
  for (const p of people) await runtime.directory.createUser({ ...p, username: p.id }, runtime.clock.now());
}

export async function rows<T = Record<string, unknown>>(
  runtime: Runtime,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  return (await runtime.database.dataSource.query(sql, params)) as T[];
}

/** A webhook receiver on a loopback port; `fail(n)` makes the next n requests answer 500. */
export interface Receiver {
  url: string;
  received: Array<{ headers: IncomingMessage['headers']; body: string; at: number }>;
  failNext(n: number): void;
  failAlways(on: boolean): void;
  delayMs: number;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  let failures = 0;
  let always = false;
  const receiver = {
    received: [] as Receiver['received'],
    delayMs: 0,
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = () => {
        if (always || failures > 0) {
          failures = Math.max(0, failures - 1);
          res.writeHead(500).end('failing on purpose');
          return;
        }
        receiver.received.push({
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        });
        res.writeHead(204).end();
      };
      if (receiver.delayMs > 0) setTimeout(reply, receiver.delayMs);
      else reply();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hook`,
    failNext: (n: number) => (failures = n),
    failAlways: (on: boolean) => (always = on),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

export { createTestRuntime };
