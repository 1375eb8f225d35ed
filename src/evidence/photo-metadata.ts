import exifr from 'exifr';

/** When and where a photo was taken, as its EXIF says (absent for scans, documents and stripped photos). */
export interface PhotoMetadata {
  takenAt: string | null;
  latitude: number | null;
  longitude: number | null;
}

const NONE: PhotoMetadata = { takenAt: null, latitude: null, longitude: null };
const EXIF_DATE = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * EXIF `DateTimeOriginal` has no time zone unless `OffsetTimeOriginal` gives one; a camera's clock in a
 * Chinese bureau is on Beijing time, so a naive value is read as +08:00 (documented in the README).
 */
function takenAtOf(raw: Record<string, unknown>): string | null {
  const value = raw.DateTimeOriginal ?? raw.CreateDate ?? raw.DateTime;
  if (typeof value !== 'string') return null;
  const m = EXIF_DATE.exec(value.trim());
  if (!m) return null;
  const offset =
    typeof raw.OffsetTimeOriginal === 'string' && /^[+-]\d{2}:\d{2}$/.test(raw.OffsetTimeOriginal)
      ? raw.OffsetTimeOriginal
      : '+08:00';
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${offset}`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

const finite = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/** Reads EXIF time and GPS position of an image; never throws (a damaged header just has no metadata). */
export async function photoMetadata(bytes: Buffer, mediaType: string): Promise<PhotoMetadata> {
  if (!mediaType.startsWith('image/')) return NONE;
  try {
    const raw = ((await exifr.parse(bytes, { reviveValues: false, gps: true })) ?? {}) as Record<
      string,
      unknown
    >;
    const gps = ((await exifr.gps(bytes).catch(() => undefined)) ?? {}) as Record<string, unknown>;
    const latitude = finite(gps.latitude);
    const longitude = finite(gps.longitude);
    const valid =
      latitude !== null && longitude !== null && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180;
    return {
      takenAt: takenAtOf(raw),
      latitude: valid ? latitude : null,
      longitude: valid ? longitude : null,
    };
  } catch {
    return NONE;
  }
}

/** A 320-pixel JPEG preview, turned upright by its EXIF orientation; undefined when the image cannot be decoded. */
export async function thumbnailOf(bytes: Buffer): Promise<Buffer | undefined> {
  try {
    // sharp (native, slow to load) only when a thumbnail is asked for, not at start-up.
    const { default: sharp } = await import('sharp');
    return await sharp(bytes, { limitInputPixels: 100_000_000 })
      .rotate()
      .resize(320, 320, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 75 })
      .toBuffer();
  } catch {
    return undefined;
  }
}
