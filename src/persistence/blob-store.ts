import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as S3 from '@aws-sdk/client-s3';

let s3Module: typeof S3 | undefined;

/**
 * The AWS SDK, loaded when the first S3 store is made: it is among the heaviest modules to load, and the
 * embedded default (files under ./data/evidence) never needs it.
 */
const s3 = (): typeof S3 => (s3Module ??= createRequire(__filename)('@aws-sdk/client-s3') as typeof S3);

/**
 * Where evidence bytes live, addressed by their SHA-256 (hex). Content addressing makes a second upload of
 * the same file a no-op and lets verification re-hash what it reads: a swapped file cannot hide behind its
 * name. Keys are `<prefix>/<aa>/<sha256>` so no directory grows past a few thousand entries.
 */
export interface BlobStore {
  readonly kind: 'filesystem' | 's3';
  /** Stores the bytes under `key` unless something is already there; returns whether it wrote. */
  put(key: string, bytes: Buffer, mediaType: string): Promise<boolean>;
  /** The bytes, or undefined when nothing is stored under `key`. */
  get(key: string): Promise<Buffer | undefined>;
  has(key: string): Promise<boolean>;
}

/** The key of a file's bytes, and of derived renditions (thumbnails). */
export const blobKey = (sha256: string, rendition: 'original' | 'thumbnail' = 'original'): string =>
  `${rendition === 'original' ? 'files' : 'thumbnails'}/${sha256.slice(0, 2)}/${sha256}`;

export const sha256Hex = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Files under a directory (the embedded default: `./data/evidence`). */
export class FileSystemBlobStore implements BlobStore {
  readonly kind = 'filesystem' as const;
  constructor(private readonly root: string) {}

  pathOf(key: string): string {
    return join(this.root, ...key.split('/'));
  }

  async put(key: string, bytes: Buffer): Promise<boolean> {
    if (await this.has(key)) return false;
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    // Write then rename: a crash never leaves a half-written file under the final name.
    const temporary = `${path}.${process.pid}.${Date.now()}.part`;
    await writeFile(temporary, bytes, { flush: true });
    await rename(temporary, path);
    return true;
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      await stat(this.pathOf(key));
      return true;
    } catch {
      return false;
    }
  }
}

export interface S3BlobStoreOptions {
  bucket: string;
  endpoint?: string;
  region?: string;
  /** Path-style addressing (MinIO, Ceph, s3rver …). */
  forcePathStyle?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  prefix?: string;
}

/** S3-compatible object storage for production (AWS S3, MinIO, Ceph RGW, OSS/COS with S3 APIs). */
export class S3BlobStore implements BlobStore {
  readonly kind = 's3' as const;
  private readonly client: S3.S3Client;
  constructor(private readonly options: S3BlobStoreOptions) {
    this.client = new (s3().S3Client)({
      endpoint: options.endpoint,
      region: options.region ?? 'us-east-1',
      forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
      credentials: options.credentials,
    });
  }

  private key(key: string): string {
    return this.options.prefix ? `${this.options.prefix}/${key}` : key;
  }

  async put(key: string, bytes: Buffer, mediaType: string): Promise<boolean> {
    if (await this.has(key)) return false;
    await this.client.send(
      new (s3().PutObjectCommand)({
        Bucket: this.options.bucket,
        Key: this.key(key),
        Body: bytes,
        ContentType: mediaType,
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    return true;
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      const out = await this.client.send(
        new (s3().GetObjectCommand)({ Bucket: this.options.bucket, Key: this.key(key) }),
      );
      return out.Body ? Buffer.from(await out.Body.transformToByteArray()) : undefined;
    } catch (error) {
      if (error instanceof s3().NoSuchKey || error instanceof s3().NotFound) return undefined;
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
        return undefined;
      throw error;
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      await this.client.send(
        new (s3().HeadObjectCommand)({ Bucket: this.options.bucket, Key: this.key(key) }),
      );
      return true;
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
        return false;
      throw error;
    }
  }

  destroy(): void {
    this.client.destroy();
  }
}

/**
 * The store the environment names: `ZHENGZHI_EVIDENCE_S3_BUCKET` (+ `ZHENGZHI_EVIDENCE_S3_ENDPOINT`,
 * `AWS_REGION`, and the SDK's usual credential chain) selects S3; otherwise files under
 * `ZHENGZHI_EVIDENCE_DIR` (default `./data/evidence`).
 */
export function blobStoreFromEnvironment(env: NodeJS.ProcessEnv = process.env): BlobStore {
  const bucket = env.ZHENGZHI_EVIDENCE_S3_BUCKET;
  if (bucket)
    return new S3BlobStore({
      bucket,
      endpoint: env.ZHENGZHI_EVIDENCE_S3_ENDPOINT || undefined,
      region: env.AWS_REGION || undefined,
      prefix: env.ZHENGZHI_EVIDENCE_S3_PREFIX || undefined,
    });
  return new FileSystemBlobStore(env.ZHENGZHI_EVIDENCE_DIR || 'data/evidence');
}
