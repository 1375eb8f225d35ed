import { mkdtemp, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import S3rver from 's3rver';
import { blobKey, FileSystemBlobStore, S3BlobStore } from '../../src/persistence/blob-store';
import { exportCampaign } from '../../src/audit/export';
import ExcelJS from 'exceljs';
import { exportRectificationLedger } from '../../src/ledgers/ledger-export';
import { checkExportFiles, copyExportFiles } from '../../src/audit/export-files';
import {
  command,
  createXiningCampaign,
  itemInRectification,
  samplePhoto,
  startApi,
  uploadEvidence,
  type ApiHarness,
} from '../api/support';

/** A JPEG as a phone writes it: EXIF time (Beijing) and GPS position (湟中区). */
async function phonePhoto(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a6' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'zhengzhi-test' },
      IFD2: { DateTimeOriginal: '2023:09:30 14:05:00' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '36/1 30/1 0/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '101/1 30/1 0/1',
      },
    })
    .toBuffer();
}

const count = async (api: ApiHarness, table: string): Promise<number> =>
  Number(
    (
      (await api.runtime.database.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`)) as Array<{
        n: number;
      }>
    )[0]!.n,
  );

describe('evidence files: upload, dedup, citation, access, verification', () => {
  let api: ApiHarness;
  let dir: string;
  let store: FileSystemBlobStore;
  let campaignId: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zz-evidence-'));
    store = new FileSystemBlobStore(dir);
    api = await startApi({ evidenceStore: store });
    campaignId = await createXiningCampaign(api);
  });
  afterAll(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores a photo once by SHA-256, with its EXIF time and place; a retry and a second item do not store it twice', async () => {
    const item = await itemInRectification(api, campaignId);
    const other = await itemInRectification(api, campaignId);
    const photo = await phonePhoto();
    const first = await api.http
      .post(`/items/${item}/evidence`)
      .set(api.as('officer'))
      .set('Content-Type', 'image/jpeg')
      .set('X-File-Name', encodeURIComponent('现场照片.jpg'))
      .send(photo)
      .expect(201);
    expect(first.body).toMatchObject({
      size: photo.length,
      mediaType: 'image/jpeg',
      name: '现场照片.jpg',
      stored: true,
      alreadyUploaded: false,
      takenAt: '2023-09-30T06:05:00.000Z',
    });
    expect(first.body.location.latitude).toBeCloseTo(36.5, 4);
    expect(first.body.location.longitude).toBeCloseTo(101.5, 4);
    const retry = await api.http
      .post(`/items/${item}/evidence?name=x.jpg`)
      .set(api.as('officer'))
      .set('Content-Type', 'image/jpeg')
      .send(photo)
      .expect(200);
    expect(retry.body).toMatchObject({ sha256: first.body.sha256, alreadyUploaded: true, stored: false });
    const elsewhere = await api.http
      .post(`/items/${other}/evidence`)
      .set(api.as('officer'))
      .attach('file', photo, { filename: '另一张.jpg', contentType: 'image/jpeg' })
      .expect(201);
    expect(elsewhere.body).toMatchObject({ sha256: first.body.sha256, stored: false, name: '另一张.jpg' });
    expect(await readdir(join(dir, 'files', first.body.sha256.slice(0, 2)))).toEqual([first.body.sha256]);
    const listed = await api.http.get(`/items/${item}/evidence`).set(api.as('officer')).expect(200);
    expect(listed.body.items.map((f: { sha256: string }) => f.sha256)).toEqual([first.body.sha256]);
  });

  it('judges the type by content: a renamed executable is refused with 415 and nothing is written', async () => {
    const item = await itemInRectification(api, campaignId);
    const before = [await count(api, 'evidence_files'), await count(api, 'evidence_links')];
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(512, 7)]);
    const refused = await api.http
      .post(`/items/${item}/evidence?name=photo.jpg`)
      .set(api.as('officer'))
      .set('Content-Type', 'image/jpeg')
      .send(exe)
      .expect(415);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body.detail).toMatch(/Windows executable/);
    expect([await count(api, 'evidence_files'), await count(api, 'evidence_links')]).toEqual(before);
  });

  it('refuses an oversized file with 413 before storing anything', async () => {
    const item = await itemInRectification(api, campaignId);
    const before = await count(api, 'evidence_files');
    const huge = Buffer.alloc(26 * 1024 * 1024, 0);
    huge.write('%PDF-1.7', 0, 'latin1');
    const refused = await api.http
      .post(`/items/${item}/evidence?name=big.pdf`)
      .set(api.as('officer'))
      .set('Content-Type', 'application/pdf')
      .send(huge);
    expect(refused.status).toBe(413);
    expect(await count(api, 'evidence_files')).toBe(before);
  });

  it('acceptance needs a stored file: a name alone is refused, a file id is cited with hash, size, type and name', async () => {
    const item = await itemInRectification(api, campaignId);
    const namesOnly = await command(api, 'officer', item, 'submit-for-acceptance', {
      result: '已整改',
      evidence: ['签到表.pdf'],
    }).expect(400);
    expect(namesOnly.body.invalidFields.map((f: { field: string }) => f.field)).toContain('files');
    const notHere = await command(api, 'officer', item, 'submit-for-acceptance', {
      result: '已整改',
      files: ['0'.repeat(64)],
    }).expect(400);
    expect(notHere.body.detail).toMatch(/was uploaded to item/);
    const sha = await uploadEvidence(api, 'officer', item, 7);
    const submitted = await command(api, 'officer', item, 'submit-for-acceptance', {
      result: '已整改',
      files: [sha],
      evidence: ['会议签到表（纸质，存档）'],
    }).expect(200);
    const photo = await samplePhoto(7);
    expect(submitted.body.event.payload.evidence).toEqual([
      { sha256: sha, size: photo.length, mediaType: 'image/png', name: '整改照片.png' },
      '会议签到表（纸质，存档）',
    ]);
  });

  it('a file is readable by exactly those who may read the item; downloads are logged; images have thumbnails', async () => {
    const item = await itemInRectification(api, campaignId);
    const photo = await phonePhoto();
    const sha = (
      await api.http
        .post(`/items/${item}/evidence?name=p.jpg`)
        .set(api.as('officer'))
        .set('Content-Type', 'image/jpeg')
        .send(photo)
    ).body.sha256 as string;
    await api.http.get(`/items/${item}/evidence/${sha}`).set(api.as('officer.dt')).expect(403);
    await api.http
      .post(`/items/${item}/evidence?name=p.jpg`)
      .set(api.as('auditor'))
      .set('Content-Type', 'image/jpeg')
      .send(photo)
      .expect(403);
    const download = await api.http
      .get(`/items/${item}/evidence/${sha}`)
      .set(api.as('auditor'))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(Buffer.compare(download.body as Buffer, photo)).toBe(0);
    expect(download.headers['content-disposition']).toMatch(/^inline/);
    const logged = (await api.runtime.database.dataSource.query(
      `SELECT reader_id, subject FROM audit_reads WHERE action = 'evidence'`,
    )) as Array<{ reader_id: string; subject: string }>;
    expect(logged).toContainEqual({ reader_id: 'u-auditor', subject: item });
    const thumb = await api.http
      .get(`/items/${item}/evidence/${sha}/thumbnail`)
      .set(api.as('officer'))
      .expect(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    // No probing of the store: a file of another item is not found through this one.
    const other = await itemInRectification(api, campaignId);
    await api.http.get(`/items/${other}/evidence/${sha}`).set(api.as('officer')).expect(404);
    await api.http.get('/evidence').set(api.as('auditor')).expect(404);
  });

  it('verify names the item, event and file when a cited file is missing or altered', async () => {
    const item = await itemInRectification(api, campaignId);
    const sha = await uploadEvidence(api, 'officer', item, 99);
    const submitted = await command(api, 'officer', item, 'submit-for-acceptance', {
      result: '已整改',
      files: [sha],
    }).expect(200);
    const sequence = submitted.body.event.sequence as number;
    const verify = () =>
      api.http.get(`/audit/verify?streamId=${item}&snapshots=false`).set(api.as('auditor')).expect(200);
    expect((await verify()).body).toMatchObject({ ok: true });

    await writeFile(store.pathOf(blobKey(sha)), await samplePhoto(100));
    const altered = (await verify()).body;
    expect(altered.ok).toBe(false);
    expect(altered.findings).toContainEqual(
      expect.objectContaining({
        kind: 'evidence-altered',
        streamId: item,
        sequence,
        sha256: sha,
        name: '整改照片.png',
      }),
    );

    await rm(store.pathOf(blobKey(sha)));
    const missing = (await verify()).body;
    expect(missing.findings).toContainEqual(
      expect.objectContaining({ kind: 'evidence-missing', streamId: item, sequence, sha256: sha }),
    );
  });

  it('an export carries the files it cites (--with-files) and offline verification re-hashes them', async () => {
    const item = await itemInRectification(api, campaignId);
    const sha = await uploadEvidence(api, 'officer', item, 555);
    await command(api, 'officer', item, 'submit-for-acceptance', { result: '已整改', files: [sha] }).expect(
      200,
    );
    const out = await mkdtemp(join(tmpdir(), 'zz-export-files-'));
    try {
      const file = join(out, 'export.jsonl');
      await exportCampaign(api.runtime.database, campaignId, file, {
        clock: api.runtime.clock,
        exportedBy: 'u-auditor',
      });
      const files = join(out, 'files');
      const copied = await copyExportFiles(file, files, (s) => store.get(blobKey(s)));
      // (An earlier case removed another item's file from the store on purpose; this item's file is there.)
      expect(copied.missing).not.toContain(sha);
      expect(copied.copied).toBeGreaterThanOrEqual(1);
      const clean = await checkExportFiles(file, files);
      expect(clean.findings.filter((f) => 'streamId' in f && f.streamId === item)).toEqual([]);
      expect(clean.checked).toBeGreaterThanOrEqual(1);

      await writeFile(join(files, sha), 'swapped');
      const swapped = await checkExportFiles(file, files);
      expect(swapped.findings).toContainEqual(
        expect.objectContaining({
          kind: 'evidence-altered',
          streamId: item,
          sha256: sha,
          eventType: 'SUBMIT_FOR_ACCEPTANCE',
        }),
      );
      await rm(join(files, sha));
      expect((await checkExportFiles(file, files)).findings).toContainEqual(
        expect.objectContaining({ kind: 'evidence-missing', streamId: item, sha256: sha }),
      );

      // The 整改工作台账 gives the number of stored evidence files per item.
      const ledgerFile = join(out, 'ledger.xlsx');
      await exportRectificationLedger(api.runtime, ledgerFile, { campaignId });
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(ledgerFile);
      const sheet = workbook.worksheets[0]!;
      const header = (sheet.getRow(4).values as unknown[]).map(String);
      const column = header.indexOf('佐证文件数');
      expect(column).toBeGreaterThan(0);
      const counts: number[] = [];
      sheet.eachRow((row, n) => {
        if (n > 4) counts.push(Number(row.getCell(column).value ?? 0));
      });
      expect(Math.max(...counts)).toBeGreaterThanOrEqual(1);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

describe('evidence in S3-compatible object storage (a local s3rver)', () => {
  let s3: S3rver;
  let dir: string;
  let api: ApiHarness;
  let store: S3BlobStore;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zz-s3-'));
    s3 = new S3rver({
      port: 0,
      address: '127.0.0.1',
      directory: dir,
      silent: true,
      configureBuckets: [{ name: 'evidence', configs: [] }],
    });
    const address = (await s3.run()) as { port: number };
    store = new S3BlobStore({
      bucket: 'evidence',
      endpoint: `http://127.0.0.1:${address.port}`,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    api = await startApi({ evidenceStore: store });
  });
  afterAll(async () => {
    await api.close();
    store.destroy();
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('uploads, deduplicates and downloads through the S3 API', async () => {
    const campaignId = await createXiningCampaign(api);
    const item = await itemInRectification(api, campaignId);
    const photo = await samplePhoto(3);
    const sha = await uploadEvidence(api, 'officer', item, 3);
    expect(await store.has(blobKey(sha))).toBe(true);
    expect(await store.put(blobKey(sha), photo, 'image/png')).toBe(false);
    const back = await store.get(blobKey(sha));
    expect(back && Buffer.compare(back, photo)).toBe(0);
    expect(await store.get(blobKey('f'.repeat(64)))).toBeUndefined();
    const download = await api.http.get(`/items/${item}/evidence/${sha}`).set(api.as('officer'));
    expect([download.status, download.body.detail]).toEqual([200, undefined]);
    expect(Number(download.headers['content-length'])).toBe(photo.length);
  });
});
