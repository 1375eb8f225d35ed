import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A brand-new embedded database starts from a template: the data directory of a PGlite database on which
 * every migration has run, dumped by `npm run build` (`bin/build-pglite-template.js`, into dist/). Creating a
 * PGlite data directory from scratch runs initdb inside WebAssembly — most of a first `npm start` — while
 * loading a dump is a fraction of that. Migrations still run on the loaded database as on any other: a
 * template made before a newer migration only saves the work it already holds. A template whose migrations
 * are not a prefix of this code's (another branch's build) is ignored.
 */
export interface PgliteTemplate {
  /** The dumped data directory (PGlite `dumpDataDir`, uncompressed tar). */
  path: string;
  /** The migrations applied in it, in order (a JSON sidecar next to the dump). */
  migrationNames: string[];
}

const FILE = 'pglite-template.tar';

/** What a template is dumped from: an open PGlite database. */
export interface DumpableDatabase {
  dumpDataDir(compression?: 'none' | 'gzip' | 'auto'): Promise<Blob>;
}

/** Where the build writes the template: dist/, found from the compiled (dist/src/…) or source (src/…) tree. */
export function defaultTemplatePath(): string {
  const candidates = [join(__dirname, '..', '..', FILE), join(__dirname, '..', '..', 'dist', FILE)];
  return candidates.find((path) => existsSync(path)) ?? candidates[0]!;
}

/** The template at `path` if it exists and this code's migrations start with the ones it holds. */
export function usableTemplate(path: string, migrationNames: readonly string[]): PgliteTemplate | null {
  const sidecar = `${path}.json`;
  if (!existsSync(path) || !existsSync(sidecar)) return null;
  try {
    const held = (JSON.parse(readFileSync(sidecar, 'utf8')) as { migrations?: unknown }).migrations;
    if (!Array.isArray(held) || held.some((name, i) => name !== migrationNames[i])) return null;
    return { path, migrationNames: held as string[] };
  } catch {
    return null;
  }
}

/** Writes the data directory of a migrated PGlite database as a template (and its sidecar). */
export async function writeTemplate(
  pglite: DumpableDatabase,
  path: string,
  migrationNames: readonly string[],
): Promise<void> {
  const dump = await pglite.dumpDataDir('none');
  writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
  writeFileSync(`${path}.json`, JSON.stringify({ migrations: migrationNames }, null, 2) + '\n');
}

/** The template as PGlite's `loadDataDir` takes it. */
export function templateBlob(template: PgliteTemplate): Blob {
  return new Blob([readFileSync(template.path)]);
}
