import type { BenchSuite } from '../types';
import { engineSuite } from './engine';

/** Every benchmark suite, in the order `npm run bench` runs them. */
export const suites: BenchSuite[] = [engineSuite];
