import { Router, type Response } from 'express';
import { EvidenceRefused, type EvidenceRef } from '../../evidence/evidence-service';
import type { EvidenceLinkRow } from '../../persistence/evidence-queries';
import { logRead } from '../../audit/access';
import { Permission, requireWithin } from '../authz';
import { loadStreamHead } from '../commands';
import type { ApiContext, AuthUser } from '../context';
import { endpoint } from '../endpoint';
import { HttpProblem, notFound } from '../problem';
import { readUpload } from '../uploads';

/** Largest evidence file (a phone photo is 3–8 MB; a scanned report up to a few tens). */
export const EVIDENCE_MAX_BYTES = Number(process.env.ZHENGZHI_EVIDENCE_MAX_BYTES ?? 25 * 1024 * 1024);

/** An uploaded file as the API shows it. */
function fileView(itemId: string, link: EvidenceLinkRow) {
  const base = `/items/${encodeURIComponent(itemId)}/evidence/${link.sha256}`;
  return {
    sha256: link.sha256,
    size: link.size,
    mediaType: link.mediaType,
    name: link.name,
    uploadedBy: link.uploadedBy,
    uploadedAt: link.uploadedAt,
    takenAt: link.takenAt,
    location: link.latitude === null ? null : { latitude: link.latitude, longitude: link.longitude },
    href: base,
    thumbnailHref: link.mediaType.startsWith('image/') ? `${base}/thumbnail` : null,
  };
}

/** Maps the evidence service's refusals to problem+json. */
export function evidenceProblem(error: unknown): unknown {
  if (!(error instanceof EvidenceRefused)) return error;
  const kind = error.reason === 'unsupported-type' ? 'unsupportedMediaType' : 'validationFailed';
  return new HttpProblem(kind, error.message, {
    invalidFields: [{ field: error.field, messages: [error.message] }],
  });
}

/**
 * The `files` of a command body (SHA-256 ids of files uploaded to the item) become citations in the event's
 * `evidence`, beside any plain names: {sha256, size, mediaType, name} enter the canonical body and the hash
 * chain. Submitting for acceptance needs at least one stored file.
 */
export async function citeEvidence(
  context: ApiContext,
  itemId: string,
  eventType: string,
  fields: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const { files, ...rest } = fields as { files?: string[] } & Record<string, unknown>;
  if (files === undefined) return fields;
  let cited: EvidenceRef[];
  try {
    cited = await context.evidence.resolve(itemId, files, 'files');
  } catch (error) {
    throw evidenceProblem(error);
  }
  if (eventType === 'SUBMIT_FOR_ACCEPTANCE' && cited.length === 0)
    throw new HttpProblem(
      'validationFailed',
      'submitting for acceptance needs at least one stored evidence file',
      {
        invalidFields: [{ field: 'files', messages: ['must name at least one uploaded file'] }],
      },
    );
  const names = Array.isArray(rest.evidence) ? (rest.evidence as string[]) : [];
  return { ...rest, evidence: [...cited, ...names] };
}

/** Evidence of an item: upload, list, download, thumbnail. Readable by exactly those who may read the item. */
export function itemEvidenceRouter(context: ApiContext): Router {
  const router = Router();
  const { runtime } = context;

  const itemFor = async (user: AuthUser, id: string, permission: Permission = Permission.readAll) => {
    const head = await loadStreamHead(context, 'item', id);
    requireWithin(user, head.unitPath, permission);
    return head;
  };

  /** Downloads are reads of the record: logged in `audit_reads` like the auditors' reads, whoever downloads. */
  const logDownload = (user: AuthUser, itemId: string, sha256: string, what: string) =>
    logRead(
      runtime.database,
      runtime.clock,
      { userId: user.id, unitId: user.unitId, scopePath: user.unitPath },
      'evidence',
      itemId,
      { sha256, what },
    );

  const sendFile = (res: Response, bytes: Buffer, mediaType: string, name: string) => {
    const inline = mediaType.startsWith('image/') || mediaType === 'application/pdf';
    res.setHeader('Content-Type', mediaType);
    res.setHeader('Content-Length', String(bytes.length));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    );
    res.setHeader(
      'Content-Disposition',
      `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(name)}`,
    );
    res.end(bytes);
  };

  endpoint(router, context, {
    method: 'post',
    path: '/items/:id/evidence',
    summary:
      'Upload one evidence file (the body is the file with its media type, or multipart/form-data); stored by SHA-256, once',
    tag: 'evidence',
    status: 201,
    upload: {
      maxBytes: EVIDENCE_MAX_BYTES,
      description: 'a photo, scan or document; its type is judged by content',
    },
    handler: async ({ params, user, req, res }) => {
      await itemFor(user, params.id!, Permission.actOnItem);
      const file = await readUpload(req, { maxBytes: EVIDENCE_MAX_BYTES, description: '' });
      try {
        const result = await context.evidence.upload(params.id!, file.bytes, file.name, user.id);
        // 201 when the item gains a file; 200 for a retried upload of the same bytes (nothing new).
        res.status(result.linked ? 201 : 200).json({
          ...fileView(params.id!, result.file),
          stored: result.stored,
          alreadyUploaded: !result.linked,
        });
        return undefined;
      } catch (error) {
        throw evidenceProblem(error);
      }
    },
  });

  endpoint(router, context, {
    method: 'get',
    path: '/items/:id/evidence',
    summary: 'The files uploaded to an item (with EXIF time and place of photos, and upload time)',
    tag: 'evidence',
    handler: async ({ params, user }) => {
      await itemFor(user, params.id!);
      return { items: (await context.evidence.list(params.id!)).map((link) => fileView(params.id!, link)) };
    },
  });

  endpoint(router, context, {
    method: 'get',
    path: '/items/:id/evidence/:sha256',
    summary: 'Download one evidence file (images and PDFs open in the browser); the download is logged',
    tag: 'evidence',
    handler: async ({ params, user, res }) => {
      await itemFor(user, params.id!);
      const found = await context.evidence.read(params.id!, params.sha256!);
      if (!found) throw notFound('evidence file', params.sha256!);
      await logDownload(user, params.id!, params.sha256!, 'file');
      sendFile(res, found.bytes, found.link.mediaType, found.link.name);
    },
  });

  endpoint(router, context, {
    method: 'get',
    path: '/items/:id/evidence/:sha256/thumbnail',
    summary: 'A 320-pixel JPEG thumbnail of an image evidence file',
    tag: 'evidence',
    handler: async ({ params, user, res }) => {
      await itemFor(user, params.id!);
      const thumbnail = await context.evidence.thumbnail(params.id!, params.sha256!);
      if (!thumbnail) throw notFound('thumbnail', params.sha256!);
      sendFile(res, thumbnail, 'image/jpeg', `${params.sha256!.slice(0, 12)}-thumbnail.jpg`);
    },
  });

  return router;
}
