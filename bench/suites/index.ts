import type { BenchSuite } from '../types';
import { engineSuite } from './engine';
import { rulesSuite } from './rules';
import { auditSuite } from './audit';
import { apiSuite } from './api';
import { ledgersSuite } from './ledgers';
import { consoleApiSuite } from './console-api';
import { notificationsSuite } from './notifications';
import { consoleSuite } from './console';
import { evidenceSuite } from './evidence';
import { clusterSuite } from './cluster';
import { startupSuite } from './startup';

/** Every benchmark suite, in the order `npm run bench` runs them. */
export const suites: BenchSuite[] = [
  startupSuite,
  engineSuite,
  rulesSuite,
  auditSuite,
  apiSuite,
  ledgersSuite,
  notificationsSuite,
  consoleApiSuite,
  consoleSuite,
  evidenceSuite,
  clusterSuite,
];
