import { InitialSchema1732500000000 } from './1732500000000-initial-schema';
import { RulesAndScheduler1732502000000 } from './1732502000000-rules-and-scheduler';
import { Audit1732505050505 } from './1732505050505-audit';
import { ApiAuth1732506040404 } from './1732506040404-api-auth';
import { BulletinColumns1732507060606 } from './1732507060606-bulletin-columns';
import { RefreshTokens1733100000000 } from './1733100000000-refresh-tokens';
import { IdempotencyLeases1733200000000 } from './1733200000000-idempotency-leases';
import { ConsoleIndexes1733300000000 } from './1733300000000-console-indexes';
import { Notifications1733314140000 } from './1733314140000-notifications';
import { RuleFailures1733410000000 } from './1733410000000-rule-failures';
import { RateLimits1733500000000 } from './1733500000000-rate-limits';
import { DashboardIndexes1733600000000 } from './1733600000000-dashboard-indexes';
import { Evidence1733700000000 } from './1733700000000-evidence';
import { UnitItemCounts1733800000000 } from './1733800000000-unit-item-counts';
import { Settings1733900000000 } from './1733900000000-settings';
import { BulletinEventTimes1734050000000 } from './1734050000000-bulletin-event-times';
import { BulletinAsOfIndexes1734060000000 } from './1734060000000-bulletin-as-of-indexes';

/** Every migration, oldest first. Later modules append theirs here. */
export const migrations = [
  InitialSchema1732500000000,
  RulesAndScheduler1732502000000,
  Audit1732505050505,
  ApiAuth1732506040404,
  BulletinColumns1732507060606,
  RefreshTokens1733100000000,
  IdempotencyLeases1733200000000,
  ConsoleIndexes1733300000000,
  Notifications1733314140000,
  RuleFailures1733410000000,
  RateLimits1733500000000,
  DashboardIndexes1733600000000,
  Evidence1733700000000,
  UnitItemCounts1733800000000,
  Settings1733900000000,
  BulletinEventTimes1734050000000,
  BulletinAsOfIndexes1734060000000,
];
