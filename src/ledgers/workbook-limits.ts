import { inflateRawSync } from 'node:zlib';
import { ErrorCode, ZhengzhiError } from '../shared/errors';
import { WorkbookUnreadableError } from './import-problems';

/**
 * What an uploaded workbook may cost before anything parses it. A 78 KB .xlsx can expand to 400,000 rows;
 * read naively it held the server for 10 s and ~700 MB. Every cap is checked on the bytes themselves: the
 * zip's central directory first (declared sizes), then each entry is inflated with a hard output cap (so a
 * directory that lies about its sizes does not help) and its rows and cells counted before exceljs sees it.
 */
export interface WorkbookLimits {
  /** The .xlsx file itself. */
  maxCompressedBytes: number;
  /** All entries of the zip, inflated. */
  maxUncompressedBytes: number;
  /** Entries in the zip (a workbook has a few dozen). */
  maxEntries: number;
  /** Rows in any one worksheet. */
  maxRows: number;
  /** Cells in all worksheets together. */
  maxCells: number;
  /** Wall time of reading in the worker, after which it is stopped. */
  maxMilliseconds: number;
  /** Heap of the worker reading the workbook. */
  maxHeapMb: number;
}

/** Generous for a bureau's ledger (a county has hundreds of rows, a province some thousands). */
export const DEFAULT_WORKBOOK_LIMITS: WorkbookLimits = Object.freeze({
  maxCompressedBytes: 10 * 1024 * 1024,
  maxUncompressedBytes: 64 * 1024 * 1024,
  maxEntries: 2_000,
  maxRows: 20_000,
  maxCells: 600_000,
  maxMilliseconds: 20_000,
  maxHeapMb: 256,
});

/** A workbook over one of the limits: 413 problem+json naming the limit. */
export class WorkbookTooLargeError extends ZhengzhiError {
  constructor(file: string, limit: keyof WorkbookLimits, value: number, detail: string) {
    super(ErrorCode.payloadTooLarge, `${file}: ${detail}`, { file, limit: { name: limit, value } });
    this.name = 'WorkbookTooLargeError';
  }
}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

/** The zip's central directory (APPNOTE.TXT 4.3.16 end record, 4.3.12 file headers); no zip64. */
function centralDirectory(bytes: Buffer, file: string, limits: WorkbookLimits): ZipEntry[] {
  const unreadable = (reason: string) =>
    new WorkbookUnreadableError(file, `not a readable .xlsx workbook (${reason})`);
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65_535); at--) {
    if (bytes.readUInt32LE(at) === EOCD_SIGNATURE) {
      end = at;
      break;
    }
  }
  if (end < 0) throw unreadable('no zip end-of-central-directory record');
  const count = bytes.readUInt16LE(end + 10);
  const offset = bytes.readUInt32LE(end + 16);
  if (count > limits.maxEntries)
    throw new WorkbookTooLargeError(
      file,
      'maxEntries',
      limits.maxEntries,
      `the zip holds ${count} entries; at most ${limits.maxEntries} are accepted`,
    );
  const entries: ZipEntry[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== CENTRAL_SIGNATURE)
      throw unreadable('a damaged zip central directory');
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    entries.push({
      method: bytes.readUInt16LE(at + 10),
      compressedSize: bytes.readUInt32LE(at + 20),
      uncompressedSize: bytes.readUInt32LE(at + 24),
      name: bytes.toString('utf8', at + 46, at + 46 + nameLength),
      localHeaderOffset: bytes.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** An entry's inflated bytes, never more than `budget` of them. */
function inflateEntry(
  bytes: Buffer,
  entry: ZipEntry,
  budget: number,
  file: string,
  limits: WorkbookLimits,
): Buffer {
  const local = entry.localHeaderOffset;
  if (local + 30 > bytes.length || bytes.readUInt32LE(local) !== LOCAL_SIGNATURE)
    throw new WorkbookUnreadableError(file, `not a readable .xlsx workbook (damaged entry ${entry.name})`);
  const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
  const data = bytes.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return data;
  if (entry.method !== 8)
    throw new WorkbookUnreadableError(
      file,
      `not a readable .xlsx workbook (entry ${entry.name} uses compression method ${entry.method})`,
    );
  try {
    return inflateRawSync(data, { maxOutputLength: Math.max(1, budget) });
  } catch (error) {
    if (error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw tooMuchInflated(file, limits);
    throw new WorkbookUnreadableError(
      file,
      `not a readable .xlsx workbook (entry ${entry.name}: ${(error as Error).message})`,
    );
  }
}

const tooMuchInflated = (file: string, limits: WorkbookLimits) =>
  new WorkbookTooLargeError(
    file,
    'maxUncompressedBytes',
    limits.maxUncompressedBytes,
    `the workbook expands to more than ${limits.maxUncompressedBytes} bytes; at most that is accepted`,
  );

const ROW_TAG = /<(?:[A-Za-z_][\w.-]*:)?row(?=[\s/>])([^>]*)>/g;
const CELL_TAG = /<(?:[A-Za-z_][\w.-]*:)?c[\s/>]/g;
const MERGE_TAG = /<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"/g;

const columnNumber = (letters: string) => [...letters].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0);

/**
 * What a worksheet's XML makes a reader allocate: its rows (the highest row number counts, since a reader
 * fills the gap), its cells, and the cells its merged ranges cover (exceljs materialises every one).
 */
function sheetExtent(xml: string): { rows: number; cells: number } {
  let rows = 0;
  let cells = 0;
  ROW_TAG.lastIndex = 0;
  for (let match = ROW_TAG.exec(xml); match !== null; match = ROW_TAG.exec(xml)) {
    const numbered = /\br="(\d+)"/.exec(match[1]!);
    rows = Math.max(rows + 1, numbered ? Number(numbered[1]) : 0);
  }
  CELL_TAG.lastIndex = 0;
  while (CELL_TAG.exec(xml) !== null) cells++;
  MERGE_TAG.lastIndex = 0;
  for (let match = MERGE_TAG.exec(xml); match !== null; match = MERGE_TAG.exec(xml)) {
    const width = Math.abs(columnNumber(match[3]!) - columnNumber(match[1]!)) + 1;
    const height = Math.abs(Number(match[4]) - Number(match[2])) + 1;
    cells += width * height;
    rows = Math.max(rows, Number(match[2]), Number(match[4]));
  }
  return { rows, cells };
}

/**
 * Checks a workbook's bytes against the limits without parsing it as a spreadsheet: size, the central
 * directory's entry count and declared sizes, then the real inflated size of every entry and the rows and
 * cells of every worksheet. Throws `WorkbookTooLargeError` (413) or `WorkbookUnreadableError` (400).
 */
export function checkWorkbookBytes(
  bytes: Buffer,
  file: string,
  limits: WorkbookLimits = DEFAULT_WORKBOOK_LIMITS,
): void {
  if (bytes.length > limits.maxCompressedBytes)
    throw new WorkbookTooLargeError(
      file,
      'maxCompressedBytes',
      limits.maxCompressedBytes,
      `the file has ${bytes.length} bytes; at most ${limits.maxCompressedBytes} are accepted`,
    );
  const entries = centralDirectory(bytes, file, limits);
  const declared = entries.reduce((sum, entry) => sum + entry.uncompressedSize, 0);
  if (declared > limits.maxUncompressedBytes) throw tooMuchInflated(file, limits);
  let inflated = 0;
  let cells = 0;
  for (const entry of entries) {
    if (!/^xl\/worksheets\/[^/]+\.xml$/.test(entry.name) && !entry.name.endsWith('sharedStrings.xml'))
      continue;
    const content = inflateEntry(bytes, entry, limits.maxUncompressedBytes - inflated, file, limits);
    inflated += content.length;
    if (inflated > limits.maxUncompressedBytes) throw tooMuchInflated(file, limits);
    if (!entry.name.startsWith('xl/worksheets/')) continue;
    const { rows, cells: sheetCells } = sheetExtent(content.toString('latin1'));
    if (rows > limits.maxRows)
      throw new WorkbookTooLargeError(
        file,
        'maxRows',
        limits.maxRows,
        `worksheet ${entry.name} has ${rows} rows; at most ${limits.maxRows} are accepted`,
      );
    cells += sheetCells;
    if (cells > limits.maxCells)
      throw new WorkbookTooLargeError(
        file,
        'maxCells',
        limits.maxCells,
        `the worksheets have more than ${limits.maxCells} cells; at most that many are accepted`,
      );
  }
}
