/**
 * Real processes for the fault suite (test/faults) and the `cluster` benchmark: a PostgreSQL 15 instance the
 * caller owns so that it can kill it (initdb/pg_ctl on a temporary directory and port), `zhengzhi serve
 * --cluster` nodes, and HAProxy in front of them. Everything is started and stopped by the caller.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PG_BIN = '/usr/lib/postgresql/15/bin';
export const HAPROXY = ['/usr/sbin/haproxy', '/usr/bin/haproxy'].find((path) => existsSync(path));
export const clusterToolsPresent = existsSync(join(PG_BIN, 'initdb')) && HAPROXY !== undefined;

/** `zhengzhi` from the TypeScript sources (tests); the benchmark passes the compiled `bin/zhengzhi.js`. */
const sourceEntry = join(__dirname, '..', '..', 'test', 'support', 'zhengzhi-source.cjs');
export const JWT_SECRET = 'fault-suite-secret-that-is-at-least-32-bytes';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs a PostgreSQL tool as the postgres user when we are root (initdb refuses root). */
function asPostgres(tool: string, args: string[]): void {
  const command = join(PG_BIN, tool);
  if (process.getuid?.() === 0)
    execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'pipe' });
  else execFileSync(command, args, { stdio: 'pipe' });
}

export interface OwnPostgres {
  port: number;
  url(database?: string): string;
  restart(): void;
  stop(): void;
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'zz-faults-pg-'));
  const owner =
    process.getuid?.() === 0 ? Number(execFileSync('id', ['-u', 'postgres']).toString()) : undefined;
  if (owner !== undefined) {
    const group = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, owner, group);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  asPostgres('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=120 -c fsync=on`;
  const start = () =>
    asPostgres('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '30', 'start']);
  start();
  return {
    port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    restart: () =>
      asPostgres('pg_ctl', [
        '-D',
        data,
        '-o',
        options,
        '-l',
        join(dir, 'log'),
        '-m',
        'fast',
        '-w',
        '-t',
        '30',
        'restart',
      ]),
    stop: () => {
      try {
        asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export interface Node {
  port: number;
  process: ChildProcess;
  output: string[];
}

/** Starts `zhengzhi serve --cluster` on `port` and resolves once /healthz answers. */
export async function startNode(
  databaseUrl: string,
  port: number,
  extraEnv: Record<string, string> = {},
  options: { entry?: string; args?: string[] } = {},
): Promise<Node> {
  const child = spawn(
    process.execPath,
    [
      options.entry ?? sourceEntry,
      'serve',
      '--cluster',
      '--no-demo',
      '--no-notifications',
      '--port',
      String(port),
      '--scheduler-interval',
      '1',
      '--trust-proxy',
      'loopback',
      ...(options.args ?? []),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        DATABASE_URL: databaseUrl,
        ZHENGZHI_JWT_SECRET: JWT_SECRET,
        ZHENGZHI_IDEMPOTENCY_LEASE_MS: '2000',
        ...extraEnv,
      },
    },
  );
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`node on ${port} exited: ${output.join('').slice(-2000)}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) return { port, process: child, output };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`node on ${port} did not start: ${output.join('').slice(-2000)}`);
}

export function stopNode(node: Node): Promise<void> {
  return new Promise((resolve) => {
    if (node.process.exitCode !== null || node.process.signalCode !== null) return resolve();
    node.process.once('exit', () => resolve());
    node.process.kill('SIGKILL');
  });
}

export interface Balancer {
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** HAProxy round-robin over the nodes, health-checked on /readyz, retrying requests that never reached one. */
export async function startBalancer(nodePorts: number[]): Promise<Balancer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'zz-faults-lb-'));
  const config = join(dir, 'haproxy.cfg');
  writeFileSync(
    config,
    [
      'global',
      '  maxconn 512',
      'defaults',
      '  mode http',
      '  timeout connect 1s',
      '  timeout client 30s',
      '  timeout server 30s',
      '  retries 3',
      '  option redispatch',
      '  retry-on conn-failure empty-response',
      'frontend api',
      `  bind 127.0.0.1:${port}`,
      '  option forwardfor',
      '  default_backend zhengzhi',
      'backend zhengzhi',
      '  balance roundrobin',
      '  option httpchk GET /readyz',
      ...nodePorts.map((p, i) => `  server n${i + 1} 127.0.0.1:${p} check inter 500 fall 2 rise 1`),
      '',
    ].join('\n'),
  );
  const child = spawn(HAPROXY!, ['-f', config, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
    } catch {
      // starting
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    port,
    process: child,
    stop: async () => {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
