/** One measured figure of a benchmark suite, in the shape every `bench/results/<suite>.json` uses. */
export interface BenchMetric {
  metric: string;
  value: number;
  unit: string;
  /** What the figure is compared against, measured in the same run. */
  baseline?: { name: string; value: number };
  /** value / baseline.value (or the inverse for "lower is better" metrics, see `lowerIsBetter`). */
  ratio?: number;
  /** The target in words, e.g. ">= 0.7 of raw pg floor". */
  target?: string;
  met?: boolean;
  /** True when the machine's load average was above its core count while this was measured. */
  noisy?: boolean;
}

/** A suite runs on its own and returns its figures; the runner writes the JSON file. */
export interface BenchSuite {
  name: string;
  run(): Promise<BenchMetric[]>;
}
