import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchSuite } from './types';
import { suites } from './suites';
import { describeLoad, machineLoad, sampleLoadWhile } from './support/machine-load';

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
    const loadAtStart = machineLoad();
    console.log(`# ${suite.name} (${describeLoad(loadAtStart)})`);
    const sampler = sampleLoadWhile();
    const results = await suite.run();
    const loadAtEnd = machineLoad();
    const highest = sampler.stop();
    const noisy = highest.noisy;
    for (const r of results) {
      const ratio = r.ratio === undefined ? '' : ` (ratio ${r.ratio.toFixed(3)} vs ${r.baseline?.name})`;
      console.log(
        `  ${r.metric}: ${r.value.toFixed(2)} ${r.unit}${ratio}${r.target ? ` target ${r.target}: ${r.met ? 'met' : 'NOT met'}` : ''}${r.noisy ? ' [noisy]' : ''}`,
      );
    }
    console.log(`  highest ${describeLoad(highest)}${noisy ? '; figures of this run are noisy' : ''}`);
    writeFileSync(
      join(dir, `${suite.name}.json`),
      JSON.stringify(
        {
          suite: suite.name,
          machine,
          load: { atStart: loadAtStart, atEnd: loadAtEnd, highest },
          noisy,
          results,
        },
        null,
        2,
      ) + '\n',
    );
  }
}
