import { createHash } from 'node:crypto';
import {
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createApiRuntime } from '../api/runtime';
import { defaultDataDir, openDatabase } from '../persistence/database';
import { loadDemo, seedRuleFile } from './load-demo';

/**
 * A brand-new embedded database with the demo already in it. `npm run build` loads the demo into an
 * embedded database through the engine — the same `loadDemo` that `serve` runs, on the wall clock — and
 * keeps the closed data directory (`dist/pglite-demo/`) with a sidecar (`dist/pglite-demo.json`). `serve`
 * on an empty data directory copies that directory instead of running the demo's few hundred commands, so
 * the demo's size costs nothing at start-up.
 *
 * The sidecar records a fingerprint of the code that built it (every compiled source file, the seed rules,
 * the PGlite version): a template from other code is not used, and the demo is loaded through the engine
 * as before. The campaign's instants are fixed (2023) in either path; the wall-clock columns (when each
 * event was recorded, notifications' and users' creation) hold the time the template was built, which is
 * when the demo was in fact recorded.
 */
export interface DemoTemplate {
  /** The closed PGlite data directory. */
  dir: string;
  fingerprint: string;
  /** When the demo was loaded into it (ISO). */
  builtAt: string;
  campaignId: string;
  items: number;
  escalations: number;
}

type Sidecar = Omit<DemoTemplate, 'dir'>;

const DIR = 'pglite-demo';

/** The template's default place: dist/pglite-demo, from the compiled (dist/src/…) or source (src/…) tree. */
export function defaultDemoTemplateDir(): string {
  const candidates = [join(__dirname, '..', '..', DIR), join(__dirname, '..', '..', 'dist', DIR)];
  return candidates.find((path) => existsSync(path)) ?? candidates[0]!;
}

/**
 * Where `serve` looks for the template: `ZHENGZHI_DEMO_TEMPLATE` (a directory, or `none` to always load the
 * demo through the engine), else the build's.
 */
export function demoTemplateDirFromEnvironment(env: NodeJS.ProcessEnv = process.env): string | null {
  const configured = env.ZHENGZHI_DEMO_TEMPLATE;
  if (configured === 'none') return null;
  return configured ? resolve(configured) : defaultDemoTemplateDir();
}

function hashTree(hash: ReturnType<typeof createHash>, root: string, dir: string): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) hashTree(hash, root, path);
    else if (/\.(js|ts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      hash.update(path.slice(root.length)).update('\0').update(readFileSync(path)).update('\0');
    }
  }
}

/**
 * The fingerprint of the code that loads the demo: every source file under `src` (compiled or not), the
 * seed rules, and the PGlite version whose data directory the template is.
 */
export function demoCodeFingerprint(srcRoot: string = join(__dirname, '..')): string {
  const hash = createHash('sha256');
  hashTree(hash, srcRoot, srcRoot);
  const rules = seedRuleFile('xining-2023.rules');
  hash.update(rules ? readFileSync(rules) : 'no seed rules');
  hash.update(packageVersion('@electric-sql/pglite'));
  return hash.digest('hex');
}

/** The installed version of a package (its package.json is not always among its exports). */
function packageVersion(name: string): string {
  for (let dir = dirname(require.resolve(name)); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
    if (parsed.name === name) return parsed.version ?? '';
  }
  return '';
}

/** The template in `dir` if it exists and was built by this code, else null. */
export function usableDemoTemplate(
  dir: string,
  fingerprint: () => string = demoCodeFingerprint,
): DemoTemplate | null {
  const sidecar = `${dir}.json`;
  if (!existsSync(join(dir, 'PG_VERSION')) || !existsSync(sidecar)) return null;
  try {
    const held = JSON.parse(readFileSync(sidecar, 'utf8')) as Sidecar;
    if (held.fingerprint !== fingerprint()) return null;
    return { ...held, dir };
  } catch {
    return null;
  }
}

/**
 * Loads the demo into a new embedded database at `dir` (replacing what was there) and writes its sidecar.
 * The database is built beside `dir` and renamed into place once closed, so a half-built one never shows.
 */
export async function buildDemoTemplate(dir: string): Promise<DemoTemplate> {
  const building = `${dir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const database = await openDatabase({ dataDir: building });
  let result: Awaited<ReturnType<typeof loadDemo>>;
  try {
    result = await loadDemo(await createApiRuntime(database));
  } finally {
    await database.close();
  }
  if (!result.loaded) throw new Error(`the demo template was not loaded: ${result.reason}`);
  const sidecar: Sidecar = {
    fingerprint: demoCodeFingerprint(),
    builtAt: new Date().toISOString(),
    campaignId: result.campaignId,
    items: result.items,
    escalations: result.escalations,
  };
  rmSync(dir, { recursive: true, force: true });
  renameSync(building, dir);
  writeFileSync(`${dir}.json`, JSON.stringify(sidecar, null, 2) + '\n');
  return { ...sidecar, dir };
}

/** True when `dir` is absent or an empty directory: a data directory nobody has started yet. */
function unstarted(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}

/**
 * Before `serve` opens an embedded database with the demo: when the data directory has never been started
 * and a usable template exists, copies the template into it and returns the template (the demo is then
 * in the database); otherwise returns null and changes nothing. The copy goes to a sibling directory first
 * and is renamed into place, so an interrupted copy leaves the data directory unstarted.
 */
export function seedDemoDatabase(env: NodeJS.ProcessEnv = process.env): DemoTemplate | null {
  if (env.DATABASE_URL) return null;
  const dataDir = env.ZHENGZHI_DATA_DIR || defaultDataDir;
  if (dataDir.includes('://') || !unstarted(dataDir)) return null;
  const templateDir = demoTemplateDirFromEnvironment(env);
  const template = templateDir ? usableDemoTemplate(templateDir) : null;
  if (!template) return null;
  const staging = `${dataDir.replace(/\/+$/, '')}.seeding-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(staging), { recursive: true });
  // A copy-on-write clone where the file system supports it, a plain copy elsewhere.
  cpSync(template.dir, staging, { recursive: true, mode: constants.COPYFILE_FICLONE });
  if (existsSync(dataDir)) rmSync(dataDir, { recursive: true });
  renameSync(staging, dataDir);
  return template;
}
