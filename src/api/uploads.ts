import busboy from 'busboy';
import type { Request } from 'express';
import { HttpProblem } from './problem';

/**
 * Files go up as themselves — the body is the file with its own media type, or one part of a
 * multipart/form-data form (a browser's <input type=file>, a phone's camera) — never base64 inside JSON.
 * Routes that take files declare `upload` in their endpoint spec; the JSON-only rule of the app skips them.
 */
export interface UploadSpec {
  /** Largest file accepted, in bytes (413 above it, judged while reading: nothing larger is buffered). */
  maxBytes: number;
  description: string;
}

export interface UploadedFile {
  bytes: Buffer;
  /** The name the client gave (multipart filename, `?name=`, `X-File-Name` or Content-Disposition). */
  name: string;
  declaredType: string;
}

const tooLarge = (limit: number) =>
  new HttpProblem('payloadTooLarge', `the file exceeds the limit of ${limit} bytes`, { limit });

/** Paths of the endpoints that take uploads, as regular expressions over `req.path`. */
export function uploadPaths(operations: {
  readonly operations: ReadonlyArray<{ path: string; upload?: unknown }>;
}): () => RegExp[] {
  let cache: { count: number; patterns: RegExp[] } | undefined;
  return () => {
    if (cache?.count !== operations.operations.length) {
      const patterns = operations.operations
        .filter((op) => op.upload)
        .map((op) => new RegExp(`^${op.path.replace(/:[A-Za-z]+/g, '[^/]+')}$`));
      cache = { count: operations.operations.length, patterns };
    }
    return cache.patterns;
  };
}

function nameFromHeaders(req: Request): string {
  const query = typeof req.query.name === 'string' ? req.query.name : undefined;
  if (query) return query;
  const header = req.get('X-File-Name');
  if (header) {
    try {
      return decodeURIComponent(header);
    } catch {
      return header;
    }
  }
  const disposition = req.get('Content-Disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1]!);
    } catch {
      /* fall through to the plain filename */
    }
  }
  return /filename="?([^";]+)"?/i.exec(disposition)?.[1] ?? '';
}

/** Reads the request body as one file, refusing it as soon as it passes `maxBytes`. */
export function readUpload(req: Request, spec: UploadSpec): Promise<UploadedFile> {
  if (req.is('multipart/form-data')) return readMultipart(req, spec);
  const declared = Number(req.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > spec.maxBytes) return Promise.reject(tooLarge(spec.maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > spec.maxBytes) {
        failed = true;
        chunks.length = 0;
        req.resume();
        reject(tooLarge(spec.maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (failed) return;
      if (size === 0)
        return reject(
          new HttpProblem('validationFailed', 'the body is empty: send the file itself', {
            invalidFields: [{ field: 'file', messages: ['is required'] }],
          }),
        );
      resolve({
        bytes: Buffer.concat(chunks),
        name: nameFromHeaders(req),
        declaredType: req.get('content-type') ?? '',
      });
    });
    req.on('error', (error) => {
      if (!failed) reject(error);
    });
  });
}

function readMultipart(req: Request, spec: UploadSpec): Promise<UploadedFile> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        // Browsers send a file name's UTF-8 bytes as they are: 中文 names must not come back as mojibake.
        defParamCharset: 'utf8',
        limits: { files: 1, fileSize: spec.maxBytes, fields: 20, parts: 25 },
      });
    } catch (error) {
      reject(new HttpProblem('validationFailed', `malformed multipart body: ${(error as Error).message}`));
      return;
    }
    let file: UploadedFile | undefined;
    let failure: HttpProblem | undefined;
    const fieldName: { name?: string } = {};
    parser.on('file', (_field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        failure = tooLarge(spec.maxBytes);
        chunks.length = 0;
      });
      stream.on('close', () => {
        if (!failure)
          file = {
            bytes: Buffer.concat(chunks),
            name: info.filename ?? '',
            declaredType: info.mimeType ?? '',
          };
      });
    });
    parser.on('field', (name, value) => {
      if (name === 'name') fieldName.name = value;
    });
    parser.on('error', (error: Error) =>
      reject(new HttpProblem('validationFailed', `malformed multipart body: ${error.message}`)),
    );
    parser.on('close', () => {
      if (failure) return reject(failure);
      if (!file || file.bytes.length === 0)
        return reject(
          new HttpProblem('validationFailed', 'the form carries no file', {
            invalidFields: [{ field: 'file', messages: ['is required'] }],
          }),
        );
      resolve({ ...file, name: fieldName.name ?? file.name });
    });
    req.pipe(parser);
  });
}
