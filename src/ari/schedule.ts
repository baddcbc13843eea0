import { DAY_MS, HOUR_MS, MINUTE_MS, type RenewalWindow } from './renewal-info.js';

/** Reason a certificate is or is not due. */
export type RenewalReason =
  'ari-window' | 'ari-window-past' | 'lifetime' | 'expiring' | 'expired' | 'not-due';

/** Everything {@link decideRenewal} reads. Times are absolute, and nothing is read from the clock. */
export interface RenewalDecisionInput {
  now: Date;
  notBefore: Date;
  notAfter: Date;
  /** The latest valid renewalInfo response. Omit it when ARI is unavailable, disabled or failing. */
  ari?: { window: RenewalWindow; retryAfter?: Date };
  /** Renewal time chosen by an earlier run, kept while the window stays the same. */
  storedChosenTime?: Date;
  /** Window in which `storedChosenTime` was chosen. A different window means choosing again. */
  storedWindow?: RenewalWindow;
  /** Reason ARI is not used, shown in the explanation (for example "the certificate has no AKI"). */
  withoutAriReason?: string;
  /** Time until the next scheduled run. A renewal that would fall before it happens now. */
  intervalToNextRunMs: number;
  /** Uniform random number in [0, 1), injected so tests are deterministic. */
  random: () => number;
}

export interface RenewalDecision {
  /** True when this run must renew. */
  due: boolean;
  reason: RenewalReason;
  /** Moment the renewal is planned for. When due, it is at or before the next run. */
  renewAt: Date;
  /** Random moment in the ARI window, to store for the next run. Absent without ARI. */
  chosenRenewalTime?: Date;
  /** One log line, for example "not due: window ..., renewal chosen at ..., next check after ...". */
  explanation: string;
}

/**
 * Decides whether a certificate must be renewed on this run. It reads, in order:
 * expiry, the ARI-chosen time, the emergency threshold, and the lifetime rule when there
 * is no ARI response. ARI is never the only reason: a certificate close to expiry is
 * renewed even when the CA's window lies later.
 */
export function decideRenewal(input: RenewalDecisionInput): RenewalDecision {
  checkInput(input);
  const { now, notAfter } = input;

  if (now.getTime() >= notAfter.getTime()) {
    return decision(
      true,
      'expired',
      notAfter,
      `due (expired): the certificate expired at ${formatTime(notAfter)}`,
    );
  }
  if (input.ari) {
    return decideWithAri(input, input.ari.window);
  }

  return emergencyDecision(input, '') ?? lifetimeDecision(input);
}

/** Thresholds and ratios of the rules, exported so callers can describe them. */
export const EMERGENCY_LIFETIME_FRACTION = 1 / 10;
export const EMERGENCY_MIN_REMAINING_MS = DAY_MS;
export const SHORT_LIFETIME_MS = 10 * DAY_MS;

/**
 * Remaining time below which the certificate is renewed even when the ARI window lies
 * later. It is a tenth of the lifetime, but at least a day. For lifetimes under 4 days the
 * day becomes a quarter of the lifetime, so the emergency still comes after the point
 * where the lifetime rule renews (half the lifetime left).
 */
export function emergencyRemainingMs(lifetimeMs: number): number {
  const floor = Math.min(EMERGENCY_MIN_REMAINING_MS, lifetimeMs / 4);
  return Math.max(lifetimeMs * EMERGENCY_LIFETIME_FRACTION, floor);
}

/** Share of the lifetime still left when the lifetime rule renews: 1/3, or 1/2 up to 10 days. */
export function lifetimeRemainingFraction(lifetimeMs: number): number {
  return lifetimeMs <= SHORT_LIFETIME_MS ? 1 / 2 : 1 / 3;
}

function decideWithAri(input: RenewalDecisionInput, window: RenewalWindow): RenewalDecision {
  const { now } = input;
  const windowText = `window ${formatWindow(window)}`;

  // A window that has already ended means the CA wants the certificate replaced now.
  if (window.end.getTime() <= now.getTime()) {
    return decision(
      true,
      'ari-window-past',
      now,
      `due (ari-window-past): ${windowText} has already ended`,
    );
  }

  const chosen = chooseRenewalTime(input, window);
  const nextRun = nextRunTime(input);
  if (chosen.time.getTime() <= now.getTime() || chosen.time.getTime() < nextRun.getTime()) {
    const when = describeDueTime(chosen.time, now, nextRun);
    const explanation = `due (ari-window): ${windowText}, renewal chosen at ${formatTime(chosen.time)}${chosen.note}, which ${when}`;
    return {
      ...decision(true, 'ari-window', chosen.time, explanation),
      chosenRenewalTime: chosen.time,
    };
  }

  const emergency = emergencyDecision(input, `, although the ARI ${windowText} lies later`);
  if (emergency) return { ...emergency, chosenRenewalTime: chosen.time };

  const nextCheck = input.ari?.retryAfter ?? nextRun;
  const explanation = `not due: ${windowText}, renewal chosen at ${formatTime(chosen.time)}${chosen.note}, next check after ${formatTime(nextCheck)}`;
  return {
    ...decision(false, 'not-due', chosen.time, explanation),
    chosenRenewalTime: chosen.time,
  };
}

/**
 * Keeps the stored moment while it lies in an unchanged window. Otherwise it picks a
 * uniformly random moment in the window (RFC 9773 section 4.2). A window that opened
 * before this choice means the CA moved it into the present, so the moment is now.
 */
function chooseRenewalTime(
  input: RenewalDecisionInput,
  window: RenewalWindow,
): { time: Date; note: string } {
  const { now, storedChosenTime, storedWindow } = input;
  const start = window.start.getTime();
  const end = window.end.getTime();

  const sameWindow =
    !storedWindow || (storedWindow.start.getTime() === start && storedWindow.end.getTime() === end);
  const storedInside =
    storedChosenTime !== undefined &&
    storedChosenTime.getTime() >= start &&
    storedChosenTime.getTime() <= end;
  if (storedChosenTime && sameWindow && storedInside) {
    return { time: storedChosenTime, note: '' };
  }

  const notes: string[] = [];
  if (start <= now.getTime()) notes.push('the window was already open');
  if (storedChosenTime) {
    const replacedReason = storedInside ? 'chosen in an earlier window' : 'outside this window';
    notes.push(`replacing ${formatTime(storedChosenTime)}, ${replacedReason}`);
  }
  const note = notes.length > 0 ? ` (${notes.join(', ')})` : '';

  if (start <= now.getTime()) return { time: now, note };
  const offset = Math.floor(clampUnit(input.random()) * (end - start));
  return { time: new Date(start + offset), note };
}

/** Renews now when the certificate expires before the next run or is inside the emergency threshold. */
function emergencyDecision(
  input: RenewalDecisionInput,
  suffix: string,
): RenewalDecision | undefined {
  const { now, notAfter } = input;
  const lifetimeMs = notAfter.getTime() - input.notBefore.getTime();
  const thresholdMs = emergencyRemainingMs(lifetimeMs);
  const remainingMs = notAfter.getTime() - now.getTime();
  const nextRun = nextRunTime(input);

  if (notAfter.getTime() <= nextRun.getTime()) {
    const explanation = `due (expiring): the certificate expires at ${formatTime(notAfter)}, before the next run at ${formatTime(nextRun)}${suffix}`;
    return decision(true, 'expiring', now, explanation);
  }
  if (remainingMs < thresholdMs) {
    const explanation = `due (expiring): the certificate expires at ${formatTime(notAfter)}, ${formatDuration(remainingMs)} left, under the emergency threshold of ${formatDuration(thresholdMs)}${suffix}`;
    return decision(true, 'expiring', now, explanation);
  }
  return undefined;
}

function lifetimeDecision(input: RenewalDecisionInput): RenewalDecision {
  const { now, notAfter } = input;
  const lifetimeMs = notAfter.getTime() - input.notBefore.getTime();
  const fraction = lifetimeRemainingFraction(lifetimeMs);
  const renewAt = new Date(notAfter.getTime() - lifetimeMs * fraction);
  const nextRun = nextRunTime(input);
  const rule = `renewal at ${formatTime(renewAt)} when 1/${Math.round(1 / fraction)} of the ${formatDuration(lifetimeMs)} lifetime remains`;
  const withoutAri = input.withoutAriReason
    ? `, without ARI because ${input.withoutAriReason}`
    : '';

  if (renewAt.getTime() <= now.getTime() || renewAt.getTime() < nextRun.getTime()) {
    const when = describeDueTime(renewAt, now, nextRun);
    return decision(
      true,
      'lifetime',
      renewAt,
      `due (lifetime): ${rule}, which ${when}${withoutAri}`,
    );
  }
  const explanation = `not due: ${rule}, expires ${formatTime(notAfter)}, next check after ${formatTime(nextRun)}${withoutAri}`;
  return decision(false, 'not-due', renewAt, explanation);
}

function checkInput(input: RenewalDecisionInput): void {
  for (const name of ['now', 'notBefore', 'notAfter'] as const) {
    if (Number.isNaN(input[name].getTime())) {
      throw new RangeError(`decideRenewal: ${name} is an invalid date.`);
    }
  }
  if (input.notAfter.getTime() <= input.notBefore.getTime()) {
    throw new RangeError(
      `decideRenewal: notAfter ${input.notAfter.toISOString()} is not after notBefore ${input.notBefore.toISOString()}. Check the certificate's validity dates.`,
    );
  }
  if (!Number.isFinite(input.intervalToNextRunMs) || input.intervalToNextRunMs < 0) {
    throw new RangeError(
      `decideRenewal: intervalToNextRunMs must be a finite number >= 0, got ${input.intervalToNextRunMs}.`,
    );
  }
  const window = input.ari?.window;
  if (window && !(window.end.getTime() > window.start.getTime())) {
    throw new RangeError(
      `decideRenewal: ARI window end ${window.end.toISOString()} is not after start ${window.start.toISOString()}. Pass no ari for an invalid window.`,
    );
  }
}

function decision(
  due: boolean,
  reason: RenewalReason,
  renewAt: Date,
  explanation: string,
): RenewalDecision {
  return { due, reason, renewAt, explanation };
}

function describeDueTime(time: Date, now: Date, nextRun: Date): string {
  if (time.getTime() === now.getTime()) return 'is now';
  if (time.getTime() < now.getTime()) return 'has passed';
  return `is before the next run at ${formatTime(nextRun)}`;
}

function nextRunTime(input: RenewalDecisionInput): Date {
  return new Date(input.now.getTime() + input.intervalToNextRunMs);
}

function clampUnit(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return value >= 1 ? 1 : value;
}

/** Formats a time to the minute, for example `2027-02-01T00:00Z`. */
export function formatTime(time: Date): string {
  return `${time.toISOString().slice(0, 16)}Z`;
}

function formatWindow(window: RenewalWindow): string {
  return `${formatTime(window.start)}..${formatTime(window.end)}`;
}

/** Formats a duration in the largest whole unit that fits: days, hours or minutes. */
function formatDuration(ms: number): string {
  if (ms >= DAY_MS && ms % DAY_MS === 0) return `${ms / DAY_MS} d`;
  if (ms >= DAY_MS) return `${(ms / DAY_MS).toFixed(1)} d`;
  if (ms >= HOUR_MS) return `${(ms / HOUR_MS).toFixed(1).replace(/\.0$/, '')} h`;
  return `${Math.round(ms / MINUTE_MS)} min`;
}
