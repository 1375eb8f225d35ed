/**
 * The worker thread that reads an uploaded workbook (started by `readLedgerFile` in ./sheet-reader): checks
 * the bytes against the limits, then parses the workbook with exceljs and reads the layout's sheet. Parsing
 * is CPU-bound and memory-hungry; here it cannot stall the server's event loop, and its heap is capped.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { LedgerLayout } from './layout';
import type * as SheetReader from './sheet-reader';
import { checkWorkbookBytes, type WorkbookLimits } from './workbook-limits';

interface Job {
  bytes: Uint8Array;
  fileName: string;
  layout: LedgerLayout;
  limits: WorkbookLimits;
  choice: SheetReader.SheetChoice;
}

async function run(job: Job): Promise<void> {
  try {
    const bytes = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
    checkWorkbookBytes(bytes, job.fileName, job.limits);
    // exceljs loads only for a workbook within the limits: a refusal costs no parser start-up.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { loadWorkbook, readLedgerSheet, sheetToWire } = require('./sheet-reader') as typeof SheetReader;
    const read = readLedgerSheet(
      await loadWorkbook(bytes, job.fileName),
      job.layout,
      job.fileName,
      job.choice,
    );
    parentPort!.postMessage({ ok: true, read: sheetToWire(read) });
  } catch (error) {
    const { name, message, code, details } = error as {
      name: string;
      message: string;
      code?: string;
      details?: unknown;
    };
    parentPort!.postMessage({ ok: false, error: { name, message, code, details } });
  }
}

void run(workerData as Job);
