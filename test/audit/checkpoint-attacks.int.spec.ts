import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { keyIdOf } from '../../src/audit/keys';
import { registerAuditCommands } from '../../src/cli/audit-commands';
import { chainHash } from '../../src/persistence/event-hash';
import { campaignInput, createTestRuntime, supervisor } from '../support/fixtures';
import { itemWithProgress, tamper } from './support';

type TestRuntime = Awaited<ReturnType<typeof createTestRuntime>>;

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const keyId = keyIdOf(publicPem);
const dir = mkdtempSync(join(tmpdir(), 'zz-attacks-'));
const env = {
  ZHENGZHI_AUDIT_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  ZHENGZHI_STATE_DIR: join(dir, 'state'),
};

let runtime: TestRuntime;
let campaignId: string;

async function freshRuntime(): Promise<void> {
  runtime = await createTestRuntime();
  campaignId = (await runtime.engine.create('campaign', campaignInput, supervisor)).streamId;
  rmSync(env.ZHENGZHI_STATE_DIR, { recursive: true, force: true });
}
afterEach(() => {
  process.exitCode = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `zhengzhi <args>` against the test database; `withKey: false` runs as an auditor without the signing key. */
async function zz(args: string[], withKey = true): Promise<{ lines: string[]; exitCode: number }> {
  const lines: string[] = [];
  process.exitCode = undefined;
  const program = new Command('zhengzhi').exitOverride();
  registerAuditCommands(program, {
    openDatabase: async () => ({ ...runtime.database, close: async () => undefined }),
    clock: runtime.clock,
    out: (line) => lines.push(line),
    env: withKey ? env : { ZHENGZHI_STATE_DIR: env.ZHENGZHI_STATE_DIR },
  });
  await program.parseAsync(['node', 'zhengzhi', ...args]);
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { lines, exitCode };
}

/** The DBA's move: recompute a stream's whole chain after an edit so every hash is valid again. */
async function rechain(streamId: string, from: string, to: string): Promise<void> {
  const rows = (await runtime.database.dataSource.query(
    'SELECT sequence, body FROM events WHERE stream_id = $1 ORDER BY sequence',
    [streamId],
  )) as Array<{ sequence: number; body: string }>;
  let previous = '0'.repeat(64);
  for (const row of rows) {
    const body = row.body.replace(from, to);
    const hash = chainHash(previous, body);
    await tamper(
      runtime,
      `UPDATE events SET body = $3::text, prev_hash = $4, hash = $5, payload = ($3::text::jsonb)->'payload' WHERE stream_id = $1 AND sequence = $2`,
      [streamId, row.sequence, body, previous, hash],
    );
    previous = hash;
  }
  await runtime.database.dataSource.query(
    `UPDATE streams SET last_hash = $2, snapshot = replace(snapshot::text, $3, $4)::jsonb WHERE stream_id = $1`,
    [streamId, previous, from, to],
  );
}

/** The DBA's other move: with the append-only triggers disabled, delete checkpoint rows. */
async function deleteCheckpoints(where = 'true'): Promise<void> {
  const ds = runtime.database.dataSource;
  for (const table of ['audit_checkpoints', 'audit_checkpoint_heads'])
    await ds.query(`ALTER TABLE ${table} DISABLE TRIGGER ${table}_append_only`);
  try {
    await ds.query(
      `DELETE FROM audit_checkpoint_heads WHERE checkpoint_id IN (SELECT id FROM audit_checkpoints WHERE ${where})`,
    );
    await ds.query(`DELETE FROM audit_checkpoints WHERE ${where}`);
  } finally {
    for (const table of ['audit_checkpoints', 'audit_checkpoint_heads'])
      await ds.query(`ALTER TABLE ${table} ENABLE TRIGGER ${table}_append_only`);
  }
}

const missing = (lines: string[]): string[] => lines.filter((l) => l.includes('missing:'));

describe('checkpoints that cannot be quietly removed, on ' + (process.env.ZZ_TEST_DB ?? 'postgres'), () => {
  // Every attack destroys its database: each test gets a fresh one.
  beforeEach(freshRuntime);
  afterEach(() => runtime.database.close());

  it('a chain rewritten with valid hashes, then every checkpoint row deleted: a pinned verify fails', async () => {
    const id = await itemWithProgress(runtime, campaignId);
    expect((await zz(['audit', 'checkpoint'])).exitCode).toBe(0);
    await rechain(id, '已整改 12 处', '已整改 120 处');
    await deleteCheckpoints();
    // Without a pin nothing contradicts the rewritten log (this is the hole); with the pin it fails.
    expect((await zz(['verify', '--no-remember', '--no-snapshots'], false)).lines[0]).toMatch(/^OK: /);
    const pinned = await zz(['verify', '--trusted-key-id', keyId, '--no-snapshots', '--no-remember'], false);
    expect(pinned.exitCode).toBe(1);
    expect(pinned.lines[0]).toBe('TAMPERED: 7 events in 2 streams, 0 checkpoint(s)');
    expect(missing(pinned.lines)).toEqual([
      `  ✗ checkpoint ? missing: no checkpoint signed by the trusted key ${keyId} covers the log (0 checkpoint(s) in the database)`,
    ]);
  });

  it('a stream deleted, then every checkpoint row deleted: a pinned verify fails', async () => {
    const id = await itemWithProgress(runtime, campaignId);
    await itemWithProgress(runtime, campaignId);
    expect((await zz(['audit', 'checkpoint'])).exitCode).toBe(0);
    await tamper(runtime, 'DELETE FROM events WHERE stream_id = $1', [id]);
    await runtime.database.dataSource.query('DELETE FROM streams WHERE stream_id = $1', [id]);
    await deleteCheckpoints();
    const pinned = await zz(['verify', '--trusted-key-id', keyId, '--no-remember'], false);
    expect(pinned.exitCode).toBe(1);
    expect(missing(pinned.lines)).toHaveLength(1);
  });

  it('only the newest checkpoint deleted: the one the auditor holds (given, in a file, or remembered) is missing', async () => {
    await itemWithProgress(runtime, campaignId);
    const first = await zz(['audit', 'checkpoint']);
    const firstHash = /hash ([0-9a-f]{64})/.exec(first.lines[1]!)![1]!;
    const later = await itemWithProgress(runtime, campaignId);
    const anchorFile = join(dir, 'anchor.json');
    const second = await zz(['audit', 'checkpoint', '--out', anchorFile]);
    expect(second.lines[0]).toMatch(/^checkpoint 2: /);
    const secondHash = /hash ([0-9a-f]{64})/.exec(second.lines[1]!)![1]!;
    expect(JSON.parse(readFileSync(anchorFile, 'utf8'))).toMatchObject({ id: 2, hash: secondHash, keyId });
    // The auditor's regular run: clean, and it remembers checkpoint 2 outside the database.
    const clean = await zz(['verify', '--trusted-key-id', keyId], false);
    expect(clean.exitCode).toBe(0);
    const stateFile = join(env.ZHENGZHI_STATE_DIR, 'checkpoints', `${keyId}.json`);
    expect(clean.lines[1]).toBe(
      `  latest checkpoint 2 (2023-04-10T09:00:00.000Z, key ${keyId}) hash ${secondHash} — remembered in ${stateFile}`,
    );

    // The DBA rewrites the stream appended after checkpoint 1 and deletes checkpoint 2: checkpoint 1 alone is consistent.
    await rechain(later, '已整改 12 处', '已整改 120 处');
    await deleteCheckpoints('id = 2');
    expect((await zz(['verify', '--trusted-key-id', keyId, '--no-remember'], false)).exitCode).toBe(0);

    const remembered = await zz(['verify', '--trusted-key-id', keyId], false);
    expect(remembered.exitCode).toBe(1);
    expect(missing(remembered.lines)).toEqual([
      `  ✗ checkpoint 2 missing: the checkpoint held outside the database (hash ${secondHash}) is not in the database; the latest there is checkpoint 1 — checkpoints were removed`,
    ]);
    // A failed run does not overwrite what it remembers.
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({ hash: secondHash });
    for (const expect_ of [secondHash, anchorFile]) {
      const given = await zz(
        ['verify', '--trusted-key-id', keyId, '--no-remember', '--expect-checkpoint', expect_],
        false,
      );
      expect(given.exitCode).toBe(1);
      expect(missing(given.lines)).toHaveLength(1);
    }
    // Holding the older checkpoint is still fine: it is there.
    const older = await zz(
      ['verify', '--trusted-key-id', keyId, '--no-remember', '--expect-checkpoint', firstHash],
      false,
    );
    expect(older.exitCode).toBe(0);
  });
});

describe('export attacks, on ' + (process.env.ZZ_TEST_DB ?? 'postgres'), () => {
  const pub = join(dir, 'key.pub');
  const file = join(dir, 'export.jsonl');
  let lines: Array<Record<string, unknown>>;

  beforeAll(async () => {
    await freshRuntime();
    writeFileSync(pub, publicPem);
    await itemWithProgress(runtime, campaignId);
    await itemWithProgress(runtime, campaignId);
    expect((await zz(['audit', 'export', '--campaign', campaignId, '--out', file])).exitCode).toBe(0);
    lines = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  });
  afterAll(() => runtime.database.close());

  /** Verifies an edited copy of the export offline, pinned to the public key. */
  async function exportAndVerify(
    edit: (lines: Array<Record<string, unknown>>) => Array<Record<string, unknown>>,
  ) {
    const edited = join(dir, 'edited.jsonl');
    const copy = lines.map((l) => structuredClone(l));
    writeFileSync(
      edited,
      edit(copy)
        .map((l) => JSON.stringify(l))
        .join('\n') + '\n',
    );
    return { report: await zz(['verify', '--file', edited, '--public-key', pub], false) };
  }

  it('the untouched export verifies pinned to the public key', async () => {
    const report = await zz(['verify', '--file', file, '--public-key', pub], false);
    expect(report.exitCode).toBe(0);
  });

  it('the checkpoint line removed and a stream re-chained with valid hashes', async () => {
    const { report } = await exportAndVerify((lines) => {
      const kept = lines.filter((l) => l.kind !== 'checkpoint');
      let previous = '0'.repeat(64);
      const target = kept.find((l) => l.kind === 'event' && l.sequence === 2)!.streamId;
      for (const l of kept) {
        if (l.kind !== 'event' || l.streamId !== target) continue;
        l.body = String(l.body).replace('已整改 12 处', '已整改 120 处');
        l.prevHash = previous;
        l.hash = previous = chainHash(previous, String(l.body));
      }
      for (const l of kept) if (l.kind === 'stream' && l.streamId === target) l.lastHash = previous;
      return kept;
    });
    expect(report.exitCode).toBe(1);
    expect(report.lines).toContainEqual(
      expect.stringMatching(
        /^ {2}✗ checkpoint \d+ missing: the header names checkpoint \d+ \(hash [0-9a-f]{64}\), the file holds no checkpoint line$/,
      ),
    );
  });

  it('the header stripped of its signature and checkpoint reference too', async () => {
    const { report } = await exportAndVerify((lines) => {
      const header = { ...lines[0]! };
      for (const k of ['signature', 'publicKey', 'keyId']) delete header[k];
      header.checkpointId = null;
      header.checkpointHash = null;
      return [header, ...lines.slice(1).filter((l) => l.kind !== 'checkpoint')];
    });
    expect(report.exitCode).toBe(1);
    expect(report.lines).toEqual(
      expect.arrayContaining([
        `  ✗ export header signature: the header is not signed — expected a signature by ${keyId}, found null`,
        `  ✗ checkpoint ? missing: no checkpoint signed by the trusted key ${keyId} covers the export`,
      ]),
    );
  });

  it('edited header fields: exportedBy, and the counts', async () => {
    const by = await exportAndVerify((lines) => [
      { ...lines[0]!, exportedBy: 'u-someone-else' },
      ...lines.slice(1),
    ]);
    expect(by.report.exitCode).toBe(1);
    expect(by.report.lines).toContainEqual(
      expect.stringContaining('export header signature: the header was edited after signing'),
    );
    const counts = await exportAndVerify((lines) => [{ ...lines[0]!, events: 999 }, ...lines.slice(1)]);
    expect(counts.report.exitCode).toBe(1);
    expect(counts.report.lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^ {2}✗ export header events: the header does not count the event lines in the file — expected \d+, found 999$/,
        ),
        expect.stringContaining('export header signature: the header was edited after signing'),
      ]),
    );
  });

  it('a checkpoint anchor is sent where the auditor chooses', async () => {
    await itemWithProgress(runtime, campaignId);
    const received: unknown[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ method: req.method, path: req.url, body: JSON.parse(body) as unknown });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/anchors`;
      const signed = await zz(['audit', 'checkpoint', '--post', url]);
      expect(signed.lines[2]).toBe(`  sent to ${url}`);
      const hash = /hash ([0-9a-f]{64})/.exec(signed.lines[1]!)![1]!;
      expect(received).toEqual([
        {
          method: 'POST',
          path: '/anchors',
          body: expect.objectContaining({ format: 'zhengzhi-checkpoint-anchor/1', id: 2, hash, keyId }),
        },
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    await expect(zz(['verify', '--expect-checkpoint', join(dir, 'nope.json')])).rejects.toThrow(
      /checkpoint anchor file .*nope.json cannot be read/,
    );
  });
});
