import { readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type ExcelJS from 'exceljs';
import { excel } from './exceljs';
import { ErrorCode, ZhengzhiError } from '../shared/errors';
import { columnLetter, plainCellValue, type CellValue } from './cells';
import { chooseWorksheet, findHeaderRow, footerReason, mapHeader } from './sheet-match';
import { problemAt, WorkbookUnreadableError, type ImportProblem } from './import-problems';
import type { LedgerLayout } from './layout';
import { DEFAULT_WORKBOOK_LIMITS, WorkbookTooLargeError, type WorkbookLimits } from './workbook-limits';

/** A cell of a data row: where it is and what it holds. */
export interface SheetCell {
  column: string;
  value: CellValue;
}

/** A data row of a ledger sheet, cells keyed by the layout's column keys. */
export interface SheetRow<K extends string> {
  row: number;
  cells: Record<K, SheetCell>;
}

export interface ReadSheet<K extends string> {
  sheet: string;
  headerRow: number | null;
  /** Wrong or missing headers: the sheet's rows cannot be trusted, so none are taken. */
  headerProblems: ImportProblem[];
  rows: Array<SheetRow<K>>;
  /** Footer rows below the data (合计, a merged 备注, 填表人/审核人): not data, skipped and reported. */
  skipped: Array<{ row: number; reason: string }>;
}

/** Which sheet to read when the caller knows (`--sheet`, the API's `sheet` parameter). */
export interface SheetChoice {
  sheet?: string;
}

/** The OLE2 compound-file signature that starts a legacy .xls (and .doc) file. */
const OLE2_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

const legacyXls = (fileName: string) =>
  new WorkbookUnreadableError(
    fileName,
    'this is a legacy .xls workbook (Excel 97–2003); open it in Excel or WPS and save it as .xlsx (Excel 工作簿), then import that file',
    undefined,
    'legacyXls',
  );

function isLegacyXls(source: string | Buffer): boolean {
  if (typeof source === 'string') return /\.xls$/i.test(source);
  return source.subarray(0, 8).equals(OLE2_SIGNATURE);
}

/** Loads a workbook from a path or bytes; a file that is not .xlsx is refused with its name. */
export async function loadWorkbook(source: string | Buffer, fileName: string): Promise<ExcelJS.Workbook> {
  const workbook = new (excel().Workbook)();
  if (isLegacyXls(source)) throw legacyXls(fileName);
  try {
    if (typeof source === 'string') await workbook.xlsx.readFile(source);
    else await workbook.xlsx.load(source as unknown as ArrayBuffer);
  } catch (error) {
    throw new WorkbookUnreadableError(
      fileName,
      `not a readable .xlsx workbook (${(error as Error).message})`,
      error,
    );
  }
  return workbook;
}

/**
 * Finds the layout's sheet (chosen by name, else named like the layout, else the first whose header row
 * matches: the first sheet is often 填表说明), maps its header row by text (known variants and optional
 * columns included; unknown or missing columns are header problems) and returns the data rows below it.
 * Rows whose cells are all blank except 序号 are the template's placeholder rows; footer rows (合计, a
 * merged 备注, 填表人/审核人) are skipped and listed in `skipped`.
 */
export function readLedgerSheet<K extends string>(
  workbook: ExcelJS.Workbook,
  layout: LedgerLayout<K>,
  fileName: string,
  choice: SheetChoice = {},
): ReadSheet<K> {
  const sheet = chooseWorksheet(workbook, layout, fileName, choice.sheet);
  const name = sheet.name;
  const headerRow = findHeaderRow(sheet, layout);
  if (headerRow === null) {
    const expected = layout.columns.map((c) => c.header).join(' | ');
    return {
      sheet: name,
      headerRow,
      rows: [],
      skipped: [],
      headerProblems: [problemAt(name, 'A', 4, `header row not found in rows 1–10: expected ${expected}`)],
    };
  }
  const { columnOf, problems: headerProblems } = mapHeader(sheet, layout, headerRow);
  const rows: Array<SheetRow<K>> = [];
  const skipped: ReadSheet<K>['skipped'] = [];
  for (let r = headerRow + 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cells = {} as Record<K, SheetCell>;
    layout.columns.forEach((column, index) => {
      const at = columnOf[column.key];
      cells[column.key] = {
        column: columnLetter(at ?? index + 1),
        value: at === undefined ? null : plainCellValue(row.getCell(at).value),
      };
    });
    const keys = layout.columns.map((c) => c.key);
    const filled = keys.slice(1).some((k) => cells[k].value !== null);
    if (!filled) continue;
    const footer = footerReason(
      keys.map((k) => cells[k].value),
      cells[keys[0]!].value,
    );
    if (footer) skipped.push({ row: r, reason: footer });
    else rows.push({ row: r, cells });
  }
  return { sheet: name, headerRow, headerProblems, rows, skipped };
}

/** The worker's file beside this one: compiled JavaScript in dist/, TypeScript when run from sources. */
const WORKER_FILE = join(__dirname, `sheet-reader-worker${extname(__filename)}`);

/**
 * Running from TypeScript sources (the tests), the worker compiles its modules with swc as it loads them
 * (@swc/core is a development dependency; a build runs the compiled .js directly).
 */
const TYPESCRIPT_WORKER = `
const { readFileSync } = require('node:fs');
const { workerData } = require('node:worker_threads');
const swc = require('@swc/core');
require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(readFileSync(filename, 'utf8'), {
    filename, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
require(workerData.entry);
`;

/** At most this many workbooks are read at once; more wait their turn (each worker may use maxHeapMb). */
const CONCURRENT_READS = 2;
let running = 0;
const waiting: Array<() => void> = [];

async function inTurn<T>(work: () => Promise<T>): Promise<T> {
  if (running >= CONCURRENT_READS) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** A cell value as it crosses to and from the worker: dates as epoch milliseconds. */
type WireValue = Exclude<CellValue, Date> | { epochMs: number };

/**
 * Dates travel as numbers: a Date cloned by the worker channel belongs to Node's own realm, which an
 * `instanceof Date` in another context (a vm sandbox, such as the tests') does not recognise.
 */
export function sheetToWire<K extends string>(read: ReadSheet<K>): ReadSheet<K> {
  return mapCells(read, (value) => (value instanceof Date ? { epochMs: value.getTime() } : value) as never);
}

function sheetFromWire<K extends string>(read: ReadSheet<K>): ReadSheet<K> {
  return mapCells(read, (value) => {
    const wire = value as unknown as WireValue;
    return wire !== null && typeof wire === 'object' ? new Date(wire.epochMs) : wire;
  });
}

function mapCells<K extends string>(read: ReadSheet<K>, map: (value: CellValue) => CellValue): ReadSheet<K> {
  const rows = read.rows.map((row) => {
    const cells = {} as Record<K, SheetCell>;
    for (const key of Object.keys(row.cells) as K[])
      cells[key] = { column: row.cells[key].column, value: map(row.cells[key].value) };
    return { row: row.row, cells };
  });
  return { ...read, rows };
}

type WorkerReply<K extends string> =
  | { ok: true; read: ReadSheet<K> }
  | { ok: false; error: { name: string; message: string; code?: string; details?: Record<string, unknown> } };

function fromWorker(error: {
  name: string;
  message: string;
  code?: string;
  details?: Record<string, unknown>;
}) {
  const known = Object.values(ErrorCode) as string[];
  if (error.code && known.includes(error.code)) {
    const rebuilt = new ZhengzhiError(error.code as ErrorCode, error.message, error.details ?? {});
    rebuilt.name = error.name;
    return rebuilt;
  }
  return new Error(error.message);
}

function readInWorker<K extends string>(
  bytes: Buffer,
  layout: LedgerLayout<K>,
  fileName: string,
  limits: WorkbookLimits,
  choice: SheetChoice,
): Promise<ReadSheet<K>> {
  return new Promise((resolve, reject) => {
    const job = { bytes, fileName, layout, limits, choice, entry: WORKER_FILE };
    const resourceLimits = { maxOldGenerationSizeMb: limits.maxHeapMb, maxYoungGenerationSizeMb: 32 };
    const worker = WORKER_FILE.endsWith('.ts')
      ? new Worker(TYPESCRIPT_WORKER, { eval: true, workerData: job, resourceLimits })
      : new Worker(WORKER_FILE, { workerData: job, resourceLimits });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      outcome();
    };
    const timer = setTimeout(
      () =>
        settle(() =>
          reject(
            new WorkbookTooLargeError(
              fileName,
              'maxMilliseconds',
              limits.maxMilliseconds,
              `reading the workbook took longer than ${limits.maxMilliseconds} ms; it was stopped`,
            ),
          ),
        ),
      limits.maxMilliseconds,
    );
    worker.once('message', (reply: WorkerReply<K>) =>
      settle(() => (reply.ok ? resolve(sheetFromWire(reply.read)) : reject(fromWorker(reply.error)))),
    );
    worker.once('error', (error: Error & { code?: string }) =>
      settle(() =>
        reject(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new WorkbookTooLargeError(
                fileName,
                'maxHeapMb',
                limits.maxHeapMb,
                `reading the workbook needed more than ${limits.maxHeapMb} MB; it was stopped`,
              )
            : error,
        ),
      ),
    );
    worker.once('exit', (code) =>
      settle(() => reject(new Error(`the workbook reader stopped (exit code ${code}) without an answer`))),
    );
  });
}

/**
 * Reads the layout's sheet of an uploaded or local .xlsx off the calling thread: a worker checks the bytes
 * against `limits` (size, zip central directory, inflated size, rows, cells — ./workbook-limits) before
 * exceljs parses anything, within a capped heap and wall time. Over a limit: `WorkbookTooLargeError` (413);
 * not a workbook: `WorkbookUnreadableError` (400).
 */
export async function readLedgerFile<K extends string>(
  source: string | Buffer,
  layout: LedgerLayout<K>,
  fileName: string,
  limits: WorkbookLimits = DEFAULT_WORKBOOK_LIMITS,
  choice: SheetChoice = {},
): Promise<ReadSheet<K>> {
  if (typeof source === 'string') {
    const { size } = await stat(source);
    if (size > limits.maxCompressedBytes)
      throw new WorkbookTooLargeError(
        fileName,
        'maxCompressedBytes',
        limits.maxCompressedBytes,
        `the file has ${size} bytes; at most ${limits.maxCompressedBytes} are accepted`,
      );
  }
  const bytes = typeof source === 'string' ? await readFile(source) : source;
  if (isLegacyXls(bytes)) throw legacyXls(fileName);
  return inTurn(() => readInWorker(bytes, layout, fileName, limits, choice));
}
