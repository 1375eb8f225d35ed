import type { BenchSuite } from '../types';

/** Every benchmark suite, in the order `npm run bench` runs them. */
export const suites: BenchSuite[] = [];
