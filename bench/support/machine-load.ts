import { cpus, loadavg } from 'node:os';
import type { BenchMetric } from '../types';

/** The machine's load while a suite ran: figures taken while it is above the core count are noisy. */
export interface MachineLoad {
  /** os.loadavg(): 1, 5 and 15 minute averages. */
  loadAverage: [number, number, number];
  cores: number;
  /** True when the 1-minute load average is above the number of cores. */
  noisy: boolean;
}

/** Samples the load average now. Every suite's result file carries one taken at its start and end. */
export function machineLoad(): MachineLoad {
  const [one = 0, five = 0, fifteen = 0] = loadavg();
  const cores = cpus().length;
  const round = (n: number): number => Math.round(n * 100) / 100;
  return { loadAverage: [round(one), round(five), round(fifteen)], cores, noisy: one > cores };
}

/** The worse of two samples (higher 1-minute load), so a suite is noisy if the load was high at either end. */
export function worseLoad(a: MachineLoad, b: MachineLoad): MachineLoad {
  return b.loadAverage[0] > a.loadAverage[0] ? b : a;
}

/**
 * A metric line reporting the load average, for suites that want it beside their figures (the runner already
 * records start/end load in every result file). `noisy` is set when the load is above the core count.
 */
export function loadAverageMetric(load: MachineLoad = machineLoad()): BenchMetric {
  return {
    metric: `machine load average (1 min; ${load.cores} cores)`,
    value: load.loadAverage[0],
    unit: 'load',
    noisy: load.noisy,
  };
}

/** One line for a console: "load 1.23/0.98/0.75 on 2 cores (noisy)". */
export function describeLoad(load: MachineLoad): string {
  return `load ${load.loadAverage.map((n) => n.toFixed(2)).join('/')} on ${load.cores} cores${load.noisy ? ' (noisy: above the core count)' : ''}`;
}

/**
 * Samples the load every `everyMs` until stopped and returns the highest sample (a suite can run for minutes;
 * the start and end alone may miss a busy middle). The timer is unref'd so it never keeps the process alive.
 */
export function sampleLoadWhile(everyMs = 5000): { stop(): MachineLoad } {
  let worst = machineLoad();
  const timer = setInterval(() => {
    worst = worseLoad(worst, machineLoad());
  }, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      worst = worseLoad(worst, machineLoad());
      return worst;
    },
  };
}
