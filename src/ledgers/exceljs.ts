import { createRequire } from 'node:module';
import type ExcelJSModule from 'exceljs';

let loaded: typeof ExcelJSModule | undefined;

/**
 * exceljs, loaded on first use: it is one of the heaviest modules to load (seconds on a busy machine) and a
 * server start (`npm start`) reads no workbook, so it stays out of start-up.
 */
export function excel(): typeof ExcelJSModule {
  return (loaded ??= createRequire(__filename)('exceljs') as typeof ExcelJSModule);
}
