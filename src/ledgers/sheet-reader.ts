import { readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import ExcelJS from 'exceljs';
import { ErrorCode, ZhengzhiError } from '../shared/errors';
import { cellText, columnLetter, plainCellValue, type CellValue } from './cells';
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
}

const normalise = (text: string | null): string => (text ?? '').replace(/\s+/g, '');

/** Loads a workbook from a path or bytes; a file that is not .xlsx is refused with its name. */
export async function loadWorkbook(source: string | Buffer, fileName: string): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
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
 * Finds the layout's sheet (by name, else the first sheet), checks its header row (searched in the first
 * ten rows by the first header, then compared column by column, whitespace ignored) and returns the data
 * rows below it. Rows whose cells are all blank except 序号 are the template's empty placeholder rows and
 * are skipped.
 */
export function readLedgerSheet<K extends string>(
  workbook: ExcelJS.Workbook,
  layout: LedgerLayout<K>,
  fileName: string,
): ReadSheet<K> {
  const sheet = workbook.getWorksheet(layout.sheetName) ?? workbook.worksheets[0];
  if (!sheet) throw new WorkbookUnreadableError(fileName, 'the workbook has no sheets');
  const name = sheet.name;
  const columns = layout.columns;
  let headerRow: number | null = null;
  for (let r = 1; r <= Math.min(10, Math.max(sheet.rowCount, 1)); r++) {
    if (
      normalise(cellText(plainCellValue(sheet.getRow(r).getCell(1).value))) === normalise(columns[0]!.header)
    ) {
      headerRow = r;
      break;
    }
  }
  if (headerRow === null) {
    const expected = columns.map((c) => c.header).join(' | ');
    return {
      sheet: name,
      headerRow,
      rows: [],
      headerProblems: [problemAt(name, 'A', 4, `header row not found in rows 1–10: expected ${expected}`)],
    };
  }
  const header = sheet.getRow(headerRow);
  const headerProblems: ImportProblem[] = [];
  columns.forEach((column, index) => {
    const found = cellText(plainCellValue(header.getCell(index + 1).value));
    if (normalise(found) !== normalise(column.header)) {
      headerProblems.push(
        problemAt(
          name,
          columnLetter(index + 1),
          headerRow,
          `expected header ${column.header}, found ${found ?? '(blank)'}`,
        ),
      );
    }
  });
  const extra = cellText(plainCellValue(header.getCell(columns.length + 1).value));
  if (extra !== null) {
    headerProblems.push(
      problemAt(
        name,
        columnLetter(columns.length + 1),
        headerRow,
        `unexpected extra column ${extra}; the sheet has ${columns.length} columns`,
      ),
    );
  }
  const rows: Array<SheetRow<K>> = [];
  for (let r = headerRow + 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cells = {} as Record<K, SheetCell>;
    columns.forEach((column, index) => {
      cells[column.key] = {
        column: columnLetter(index + 1),
        value: plainCellValue(row.getCell(index + 1).value),
      };
    });
    const filled = columns.slice(1).some((c) => cells[c.key].value !== null);
    if (filled) rows.push({ row: r, cells });
  }
  return { sheet: name, headerRow, headerProblems, rows };
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
): Promise<ReadSheet<K>> {
  return new Promise((resolve, reject) => {
    const job = { bytes, fileName, layout, limits, entry: WORKER_FILE };
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
  return inTurn(() => readInWorker(bytes, layout, fileName, limits));
}
