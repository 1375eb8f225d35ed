import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDemoTemplate, type DemoTemplate } from '../../src/demo/demo-template';
import { demoLogins } from '../../src/demo/load-demo';
import { openDatabase } from '../../src/persistence/database';

/**
 * `serve` (what `npm start` runs) on an unstarted embedded data directory, as a real process from the
 * sources: once from the build's demo database (a template built here by the same code), once loading the
 * demo through the engine. In both, /healthz answers only when the demo can be read, and both give the same
 * record. The embedded database is what `npm start` uses whichever database the suite runs on.
 */
const root = join(__dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'zz-fresh-start-'));
let template: DemoTemplate;
const children: ChildProcess[] = [];

beforeAll(async () => {
  template = await buildDemoTemplate(join(dir, 'pglite-demo'));
}, 180_000);
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

interface Started {
  output: string;
  /** Items of the demo campaign the supervisor could read right after /healthz first answered. */
  itemsAtFirstHealthz: number;
  stop(): Promise<void>;
}

/** Starts `zhengzhi serve` on `dataDir`, polls /healthz from the moment it is spawned, then reads the demo. */
async function serve(dataDir: string, demoTemplate: string): Promise<Started> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      join(root, 'test', 'support', 'zhengzhi-source.cjs'),
      'serve',
      '--port',
      String(port),
      '--no-scheduler',
      '--no-notifications',
    ],
    {
      env: {
        ...process.env,
        DATABASE_URL: '',
        ZHENGZHI_DATA_DIR: dataDir,
        ZHENGZHI_DEMO_TEMPLATE: demoTemplate,
        ZHENGZHI_JWT_SECRET: 'fresh-start-test-secret-0123456789abcdef',
        NODE_OPTIONS: '',
        // the assertions read the English start-up lines
        LANG: 'C.UTF-8',
        LC_ALL: '',
        LC_MESSAGES: '',
      },
      stdio: 'pipe',
    },
  );
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 150_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}: ${output}`);
    if (Date.now() > deadline) throw new Error(`/healthz never answered: ${output}`);
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  const login = (await (
    await fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'supervisor', password: demoLogins.password }),
    })
  ).json()) as { accessToken?: string };
  const listed = (await (
    await fetch(`${base}/items?campaignId=xn-2023&limit=100`, {
      headers: { authorization: `Bearer ${login.accessToken}` },
    })
  ).json()) as { items?: unknown[] };
  return {
    output,
    itemsAtFirstHealthz: listed.items?.length ?? 0,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const RECORD = {
  streams: `SELECT stream_id, stream_type, state, version, campaign_id, unit_id, category, deadline
              FROM streams ORDER BY stream_id`,
  events: `SELECT stream_id, sequence, type, payload, actor_id, unit_id, occurred_at, body
             FROM events ORDER BY stream_id, sequence`,
  users: `SELECT id, username, role, unit_id FROM users ORDER BY id`,
  jobs: `SELECT kind, stream_id, due_at, status FROM scheduled_jobs ORDER BY stream_id, kind, due_at`,
  notifications: `SELECT kind, recipient_id, stream_id, subject, body FROM notifications
                    ORDER BY kind, recipient_id, stream_id, subject, body`,
};

/** Escalations the rules issue get random ids (and so do their events' hashes): compared without them. */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

async function recordOf(dataDir: string): Promise<Record<string, string[]>> {
  const database = await openDatabase({ dataDir });
  try {
    const record: Record<string, string[]> = {};
    for (const [name, sql] of Object.entries(RECORD)) {
      const rows = (await database.dataSource.query(sql)) as unknown[];
      record[name] = rows.map((row) => JSON.stringify(row).replace(UUID, '<uuid>')).sort();
    }
    return record;
  } finally {
    await database.close();
  }
}

describe('npm start on an unstarted embedded database', () => {
  it('starts from the build’s demo database, answers /healthz only with the demo readable, and holds what loading the demo through the engine gives', async () => {
    expect(template).toMatchObject({ campaignId: 'xn-2023', items: 30 });

    const seededDir = join(dir, 'seeded');
    const seeded = await serve(seededDir, template.dir);
    expect(seeded.output).toContain("demo data loaded from the build's demo database");
    expect(seeded.itemsAtFirstHealthz).toBe(30);
    await seeded.stop();
    // The copy is the server's; the template is untouched and still usable.
    expect(existsSync(join(template.dir, 'PG_VERSION'))).toBe(true);

    const loadedDir = join(dir, 'loaded');
    const loaded = await serve(loadedDir, 'none');
    expect(loaded.output).toContain('loading the demo data into an empty database');
    expect(loaded.output).not.toContain("from the build's demo database");
    expect(loaded.itemsAtFirstHealthz).toBe(30);
    await loaded.stop();

    const [fromTemplate, fromEngine] = [await recordOf(seededDir), await recordOf(loadedDir)];
    expect(fromTemplate.streams!.length).toBeGreaterThan(30);
    expect(fromTemplate).toEqual(fromEngine);

    // Started once, the directory is no longer unstarted: a restart keeps its data and loads nothing.
    const again = await serve(seededDir, template.dir);
    expect(again.output).toContain('demo data not loaded: the database is not empty');
    expect(again.itemsAtFirstHealthz).toBe(30);
    await again.stop();
  }, 400_000);
});
