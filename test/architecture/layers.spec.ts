import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

/**
 * The layer lint (`npm run lint` runs dependency-cruiser with .dependency-cruiser.cjs) on a small house of
 * its own in a temporary folder: it passes while imports run downward and fails, naming the rule, when a
 * change introduces an import cycle or a lower layer importing a higher one.
 */
const repo = join(__dirname, '../..');
const cruiser = join(repo, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const config = join(repo, '.dependency-cruiser.cjs');

let house: string;

async function write(files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(house, path)), { recursive: true });
    await writeFile(join(house, path), text);
  }
}

async function lint(): Promise<{ failed: boolean; output: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [cruiser, '--config', config, 'src'], {
      cwd: house,
    });
    return { failed: false, output: stdout };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { failed: true, output: stdout + stderr };
  }
}

beforeEach(async () => {
  house = await mkdtemp(join(tmpdir(), 'zz-layers-'));
  await write({
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'commonjs', strict: true } }),
    'src/shared/clock.ts': 'export const now = (): number => 0;\n',
    'src/machines/item.ts': "import { now } from '../shared/clock';\nexport const item = () => now();\n",
    'src/engine/engine.ts': "import { item } from '../machines/item';\nexport const run = () => item();\n",
    'src/api/app.ts': "import { run } from '../engine/engine';\nexport const serve = () => run();\n",
  });
});

afterEach(async () => {
  await rm(house, { recursive: true, force: true });
});

describe('the layer lint', () => {
  it('passes a house whose imports all run downward', async () => {
    const result = await lint();
    expect(result.output).toContain('no dependency violations found');
    expect(result.failed).toBe(false);
  });

  it('fails on an introduced import cycle between two files of one folder', async () => {
    await write({
      'src/machines/item.ts': "import { guard } from './guard';\nexport const item = () => guard();\n",
      'src/machines/guard.ts':
        "import type { item } from './item';\nexport const guard = (): ReturnType<typeof item> | 0 => 0;\n",
    });
    const result = await lint();
    expect(result.failed).toBe(true);
    expect(result.output).toMatch(/no-circular: src\/machines\/(item|guard)\.ts/);
  });

  it('fails when a lower layer imports a higher one (the engine reaching up into the API)', async () => {
    await write({
      'src/engine/engine.ts':
        "import { item } from '../machines/item';\nimport { serve } from '../api/app';\nexport const run = () => item() + (serve ? 0 : 1);\n",
    });
    const result = await lint();
    expect(result.failed).toBe(true);
    expect(result.output).toContain('no-upward-import-from-engine: src/engine/engine.ts → src/api/app.ts');
    expect(result.output).toContain('no-circular');
  });
});
