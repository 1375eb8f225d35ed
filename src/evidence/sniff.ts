/**
 * What a file is, by its first bytes (magic numbers), never by its name or declared type: a renamed
 * executable is still an executable. Only the kinds officers attach as 佐证材料 are accepted — photos,
 * scans and office documents.
 */
export interface SniffResult {
  mediaType: string;
  /** The extension a download suggests. */
  extension: string;
}

const startsWith = (bytes: Buffer, signature: number[], offset = 0): boolean =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);
const ascii = (bytes: Buffer, start: number, end: number): string =>
  bytes.subarray(start, Math.min(end, bytes.length)).toString('latin1');

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'mif1', 'msf1', 'heif']);

/** The accepted media type of `bytes`, or undefined when the content is not an accepted kind. */
export function sniffMediaType(bytes: Buffer): SniffResult | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { mediaType: 'image/jpeg', extension: 'jpg' };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { mediaType: 'image/png', extension: 'png' };
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a')
    return { mediaType: 'image/gif', extension: 'gif' };
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP')
    return { mediaType: 'image/webp', extension: 'webp' };
  if (ascii(bytes, 4, 8) === 'ftyp' && HEIF_BRANDS.has(ascii(bytes, 8, 12)))
    return { mediaType: 'image/heic', extension: 'heic' };
  if (ascii(bytes, 0, 5) === '%PDF-') return { mediaType: 'application/pdf', extension: 'pdf' };
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return sniffOfficeZip(bytes);
  return undefined;
}

/**
 * A zip is accepted only as a Word or Excel document (整改报告, 台账): their entry names say which. Other
 * zips (archives that could carry anything) are refused.
 */
function sniffOfficeZip(bytes: Buffer): SniffResult | undefined {
  const head = ascii(bytes, 0, 64 * 1024);
  if (!head.includes('[Content_Types].xml')) return undefined;
  if (head.includes('word/'))
    return {
      mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      extension: 'docx',
    };
  if (head.includes('xl/'))
    return {
      mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      extension: 'xlsx',
    };
  return undefined;
}

/** A short description of refused content, for the error message. */
export function describeRefused(bytes: Buffer): string {
  if (ascii(bytes, 0, 2) === 'MZ') return 'a Windows executable';
  if (startsWith(bytes, [0x7f, 0x45, 0x4c, 0x46])) return 'an ELF executable';
  if (ascii(bytes, 0, 2) === '#!') return 'a script';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]))
    return 'a zip archive that is not a Word or Excel document';
  if (bytes.length === 0) return 'an empty file';
  return 'content of an unaccepted type';
}

export const ACCEPTED_KINDS =
  'JPEG, PNG, GIF, WebP, HEIC photos; PDF; Word (.docx) and Excel (.xlsx) documents';
