import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import { createApiRuntime } from '../../src/api/runtime';
import { listen } from '../../src/api/server';
import { loadDemoDirectory, demoLogins } from '../../src/demo/load-demo';
import { EvidenceService } from '../../src/evidence/evidence-service';
import { FileSystemBlobStore } from '../../src/persistence/blob-store';
import type { BenchMetric, BenchSuite } from '../types';
import { runConcurrently, throwawayPostgres } from '../support/databases';
import { itemsInRectification } from '../support/rectifying-items';

const PHOTOS = Number(process.env.BENCH_EVIDENCE_PHOTOS ?? 1000);
const PHOTO_MB = Number(process.env.BENCH_EVIDENCE_PHOTO_MB ?? 3);
const CITED = Number(process.env.BENCH_EVIDENCE_CITED ?? 10_000);
const CITED_KB = 64;
const UPLOAD_CONCURRENCY = 4;
const officer = { userId: 'u-officer', unitId: 'xn-hz' };
const hashing = { logN: 10, blockSize: 8, parallelism: 1 };

/** A "photo": a JPEG signature and random bytes (random data defeats any compression or caching). */
const photo = (bytes: number): Buffer => {
  const b = randomBytes(bytes);
  b[0] = 0xff;
  b[1] = 0xd8;
  b[2] = 0xff;
  return b;
};

/** sha256sum over the files (page cache warmed by a first pass): MB/s. */
function sha256sumRate(paths: string[], totalBytes: number): number {
  const run = () => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < paths.length; i += 500) {
      const out = spawnSync('sha256sum', paths.slice(i, i + 500), { maxBuffer: 64 * 1024 * 1024 });
      if (out.status !== 0) throw new Error(`sha256sum failed: ${out.stderr}`);
    }
    return Number(process.hrtime.bigint() - started) / 1e9;
  };
  run();
  return totalBytes / 2 ** 20 / run();
}

/**
 * Evidence: upload-and-hash throughput of 3 MB photos through `POST /items/:id/evidence` (a real server on
 * loopback, content sniffing, SHA-256, the filesystem store, the database rows) against `sha256sum` of the same
 * files in the same run; then `verify`'s re-hashing of 10,000 cited files against `sha256sum` of those files.
 */
async function run(): Promise<BenchMetric[]> {
  const dir = mkdtempSync(join(tmpdir(), 'zz-bench-evidence-'));
  const database = await throwawayPostgres();
  const runtime = await createApiRuntime(database);
  const store = new FileSystemBlobStore(join(dir, 'store'));
  try {
    await loadDemoDirectory(runtime, hashing);
    const items = (await itemsInRectification(runtime, 100)).itemIds;
    const app = createApp(runtime, {
      auth: { jwtSecret: randomBytes(32), passwordHashing: hashing },
      logger: pino({ level: 'silent' }),
      loginRateLimit: { limit: 1000, windowMs: 60_000 },
      evidenceStore: store,
      consoleDir: false,
    });
    const server = await listen(app, 0);
    const login = await fetch(`${server.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'officer', password: demoLogins.password }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const upload = async (itemId: string, bytes: Buffer, name: string): Promise<string> => {
      const response = await fetch(`${server.url}/items/${itemId}/evidence?name=${name}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'image/jpeg' },
        body: bytes,
      });
      if (response.status !== 201) throw new Error(`upload ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { sha256: string }).sha256;
    };

    // The photos, on disk for sha256sum, in memory for the uploads (a phone's bytes are already in hand).
    const photoDir = join(dir, 'photos');
    spawnSync('mkdir', ['-p', photoDir]);
    const photoPaths = Array.from({ length: PHOTOS }, (_, i) => join(photoDir, `IMG_${i}.jpg`));
    for (const path of photoPaths) writeFileSync(path, photo(PHOTO_MB * 2 ** 20));
    const photoBytes = PHOTOS * PHOTO_MB * 2 ** 20;
    const baselineUpload = sha256sumRate(photoPaths, photoBytes);
    for (let i = 0; i < 10; i++) await upload(items[i]!, photo(PHOTO_MB * 2 ** 20), `warm-${i}.jpg`); // warm-up
    const started = process.hrtime.bigint();
    await runConcurrently(PHOTOS, UPLOAD_CONCURRENCY, async (i) => {
      await upload(items[i % items.length]!, readFileSync(photoPaths[i]!), `IMG_${i}.jpg`);
    });
    const uploadRate = photoBytes / 2 ** 20 / (Number(process.hrtime.bigint() - started) / 1e9);
    await server.close();

    // 10,000 distinct cited files (64 kB scans), cited 100 per RECORD_PROGRESS event.
    const service = new EvidenceService(runtime.database, store, runtime.clock);
    const citedDir = join(dir, 'cited');
    spawnSync('mkdir', ['-p', citedDir]);
    const citedPaths: string[] = [];
    await runConcurrently(CITED, 8, async (i) => {
      const bytes = photo(CITED_KB * 1024);
      const path = join(citedDir, `scan_${i}.jpg`);
      writeFileSync(path, bytes);
      citedPaths[i] = path;
      await service.upload(items[Math.floor(i / 100) % items.length]!, bytes, `scan_${i}.jpg`, 'u-officer');
    });
    for (let event = 0; event * 100 < CITED; event++) {
      const itemId = items[event % items.length]!;
      const shas = (await service.list(itemId))
        .filter((f) => f.name.startsWith('scan_'))
        .map((f) => f.sha256);
      const refs = await service.resolve(itemId, shas.slice(0, 100), 'files');
      await runtime.engine.execute(
        itemId,
        { type: 'RECORD_PROGRESS', note: '佐证', evidence: refs },
        officer,
      );
    }
    const citedBytes = CITED * CITED_KB * 1024;
    const baselineVerify = sha256sumRate(citedPaths, citedBytes);
    await service.check(); // warm-up
    const verifyStarted = process.hrtime.bigint();
    const checked = await service.check();
    const verifySeconds = Number(process.hrtime.bigint() - verifyStarted) / 1e9;
    if (checked.problems.length > 0)
      throw new Error(`verification found ${checked.problems.length} problems`);
    const verifyRate = citedBytes / 2 ** 20 / verifySeconds;
    const load = `load ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores${loadavg()[0]! > cpus().length ? ' (noisy)' : ''}`;
    return [
      {
        metric: `upload and hash, ${PHOTOS} photos of ${PHOTO_MB} MB through HTTP (${UPLOAD_CONCURRENCY} clients; ${load})`,
        value: uploadRate,
        unit: 'MB/s',
        baseline: { name: 'sha256sum of the same files', value: baselineUpload },
        ratio: uploadRate / baselineUpload,
        target: '>= 0.5 of sha256sum',
        met: uploadRate / baselineUpload >= 0.5,
      },
      {
        metric: `verify: re-read and re-hash ${checked.checked} cited files of ${CITED_KB} kB (${load})`,
        value: checked.checked / verifySeconds,
        unit: 'files/s',
        baseline: { name: 'sha256sum of the same files, MB/s', value: baselineVerify },
        ratio: verifyRate / baselineVerify,
      },
    ];
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const evidenceSuite: BenchSuite = { name: 'evidence', run };
