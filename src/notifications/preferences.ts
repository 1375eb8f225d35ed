import { NotificationKind } from './kinds';

/** Channels a person can choose; the inbox cannot be turned off (it is the record of what they were told). */
export const PERSONAL_CHANNELS = ['inbox', 'email'] as const;
export type PersonalChannel = (typeof PERSONAL_CHANNELS)[number];

/** A user's notification preferences (`notification_preferences`). Hours are China Standard Time. */
export interface Preferences {
  channels: PersonalChannel[];
  email: string | null;
  /** Quiet hours [start, end) in CST; e-mail waits until they end. Null: no quiet hours. */
  quietHours: { start: number; end: number } | null;
  /** Daily digest of due-soon and overdue items instead of one e-mail each. */
  digest: boolean;
}

export const DEFAULT_PREFERENCES: Preferences = Object.freeze({
  channels: ['inbox', 'email'],
  email: null,
  quietHours: null,
  digest: false,
}) as Preferences;

const HOUR = 3_600_000;
const CST_OFFSET = 8 * HOUR;
/** The daily digest goes out at 08:00 CST. */
export const DIGEST_HOUR_CST = 8;

/** Kinds a digest subscriber receives in the digest rather than one e-mail each. */
const DIGESTED_KINDS: readonly string[] = [
  NotificationKind.deadlineApproaching,
  NotificationKind.deadlinePassed,
];

/** Whether a notification of `kind` goes out by e-mail now, given the user's preferences. */
export function wantsEmail(preferences: Preferences, kind: string): boolean {
  if (!preferences.channels.includes('email') || !preferences.email) return false;
  return !(preferences.digest && DIGESTED_KINDS.includes(kind));
}

/** The hour of the day (0–23) in CST of an instant. */
export function cstHour(at: number): number {
  return new Date(at + CST_OFFSET).getUTCHours();
}

/**
 * When an e-mail created at `at` may be sent: at once, or when the user's quiet hours end (a window may
 * wrap midnight, e.g. 22–7).
 */
export function sendableAt(preferences: Preferences, at: string): string {
  const quiet = preferences.quietHours;
  if (!quiet || quiet.start === quiet.end) return at;
  const t = Date.parse(at);
  const hour = cstHour(t);
  const inside =
    quiet.start < quiet.end
      ? hour >= quiet.start && hour < quiet.end
      : hour >= quiet.start || hour < quiet.end;
  if (!inside) return at;
  const hoursLeft = (quiet.end - hour + 24) % 24;
  const startOfHour = Math.floor(t / HOUR) * HOUR;
  return new Date(startOfHour + hoursLeft * HOUR).toISOString();
}

/** The CST calendar day ("2023-05-08") of an instant. */
export function cstDay(at: string | number): string {
  const t = typeof at === 'number' ? at : Date.parse(at);
  return new Date(t + CST_OFFSET).toISOString().slice(0, 10);
}

/** Formats an instant for a Chinese text: "2023-05-10 08:00" in CST. */
export function cstText(at: unknown): string {
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at)))
    return at === null || at === undefined ? '—' : String(at);
  return new Date(Date.parse(at) + CST_OFFSET).toISOString().slice(0, 16).replace('T', ' ');
}
