import { readFileSync } from 'node:fs';
import { compileRuleSet, type CompileResult } from '../compile-rule-set';
import { diagnostic } from '../errors';

/** A rule file read from disk, with its compile result. */
export interface LoadedRuleFile {
  readonly file: string;
  readonly source: string;
  readonly result: CompileResult;
}

/**
 * Reads and compiles one `.rules` file (the only I/O of the rules module). An unreadable file becomes a
 * ZR0009 diagnostic rather than an exception, so `rules check a b c` reports on every file.
 */
export function loadRuleFile(file: string): LoadedRuleFile {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const range = { line: 1, column: 1, offset: 0, length: 0 };
    return {
      file,
      source: '',
      result: { ok: false, diagnostics: [diagnostic('ZR0009', range, { detail }, undefined, file)] },
    };
  }
  return { file, source, result: compileRuleSet(source, file) };
}
