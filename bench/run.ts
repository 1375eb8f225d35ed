import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchSuite } from './types';
import { suites } from './suites';

/** Runs every suite (or the named ones) and writes bench/results/<suite>.json. */
export async function main(args: string[]): Promise<void> {
  const wanted = args.filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((name) => !suites.some((s) => s.name === name));
  if (unknown.length > 0) {
    console.error(`unknown suite(s): ${unknown.join(', ')}; known: ${suites.map((s) => s.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const selected: BenchSuite[] = wanted.length ? suites.filter((s) => wanted.includes(s.name)) : suites;
  const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`;
  const dir = join(process.cwd(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  for (const suite of selected) {
    console.log(`# ${suite.name}`);
    const results = await suite.run();
    for (const r of results) {
      const ratio = r.ratio === undefined ? '' : ` (ratio ${r.ratio.toFixed(3)} vs ${r.baseline?.name})`;
      console.log(
        `  ${r.metric}: ${r.value.toFixed(2)} ${r.unit}${ratio}${r.target ? ` target ${r.target}: ${r.met ? 'met' : 'NOT met'}` : ''}`,
      );
    }
    writeFileSync(
      join(dir, `${suite.name}.json`),
      JSON.stringify({ suite: suite.name, machine, results }, null, 2) + '\n',
    );
  }
}
