import busboy from 'busboy';
import type { Request } from 'express';
import { HttpProblem } from './problem';

/** The .xlsx media type: a workbook may be sent as the request body itself. */
export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Uploads have their own size limit, apart from the 100 kB JSON limit: a real ledger of a few hundred
 * rows with long cells is a few hundred kB to a few MB. ZHENGZHI_UPLOAD_LIMIT_MB overrides it.
 */
export function uploadLimitBytes(env: NodeJS.ProcessEnv = process.env): number {
  const mb = Number(env.ZHENGZHI_UPLOAD_LIMIT_MB ?? 10);
  return Math.round((Number.isFinite(mb) && mb > 0 ? mb : 10) * 1024 * 1024);
}

/** Whether a request carries an upload (multipart/form-data or the .xlsx media type) rather than JSON. */
export function isUpload(req: Pick<Request, 'is'>): boolean {
  return Boolean(req.is(['multipart/form-data', XLSX_MEDIA_TYPE]));
}

const tooLarge = (limit: number) =>
  new HttpProblem('payloadTooLarge', `the workbook exceeds the upload limit of ${limit} bytes`, { limit });

/** The raw body of an .xlsx upload, refused once it passes the limit. */
function readRawBody(req: Request, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(limit));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The one file of a multipart/form-data upload (field `file`), with the name the browser gave it. */
function readMultipart(req: Request, limit: number): Promise<{ bytes: Buffer; fileName: string | null }> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // Browsers send a file name such as 湟中区台账.xlsx as raw UTF-8 in the part's header (busboy reads latin1
      // by default, which garbles it in every report that names the file).
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { fileSize: limit, files: 1, fields: 20 },
      });
    } catch (error) {
      reject(
        new HttpProblem('validationFailed', `not a readable multipart body: ${(error as Error).message}`),
      );
      return;
    }
    let found: { bytes: Buffer; fileName: string | null } | null = null;
    let failure: unknown = null;
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => (failure = tooLarge(limit)));
      stream.on('end', () => {
        if (field === 'file') found = { bytes: Buffer.concat(chunks), fileName: info.filename || null };
      });
    });
    parser.on('error', (error: Error) =>
      reject(new HttpProblem('validationFailed', `multipart body: ${error.message}`)),
    );
    parser.on('close', () => {
      if (failure) reject(failure);
      else if (!found)
        reject(
          new HttpProblem('validationFailed', 'the multipart body has no file field named "file"', {
            invalidFields: [{ field: 'file', messages: ['is required'] }],
          }),
        );
      else resolve(found);
    });
    req.pipe(parser);
  });
}

/** Reads an uploaded workbook: multipart/form-data (field `file`) or an .xlsx body, within the limit. */
export async function readUpload(
  req: Request,
  limit = uploadLimitBytes(),
): Promise<{ bytes: Buffer; fileName: string | null }> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit + 64 * 1024) throw tooLarge(limit);
  if (req.is('multipart/form-data')) return readMultipart(req, limit);
  if (req.is(XLSX_MEDIA_TYPE)) return { bytes: await readRawBody(req, limit), fileName: null };
  throw new HttpProblem(
    'unsupportedMediaType',
    `upload the workbook as multipart/form-data (field "file") or as ${XLSX_MEDIA_TYPE}, not ${req.headers['content-type'] ?? 'untyped'}`,
  );
}
