import { describe, expect, it } from 'vitest';

import {
  decideRenewal,
  emergencyRemainingMs,
  lifetimeRemainingFraction,
  type RenewalDecisionInput,
  type RenewalReason,
  type RenewalWindow,
} from '../../src/ari/index.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const date = (iso: string) => new Date(iso);
const plus = (time: Date, ms: number) => new Date(time.getTime() + ms);
const window = (start: string, end: string): RenewalWindow => ({
  start: date(start),
  end: date(end),
});

// A 90-day certificate whose CA window sits two days around 2/3 of its lifetime.
const NOT_BEFORE = date('2026-12-01T00:00:00Z');
const NOT_AFTER = date('2027-03-01T00:00:00Z');
const WINDOW = window('2027-01-29T00:00:00Z', '2027-01-31T00:00:00Z');

function input(overrides: Partial<RenewalDecisionInput>): RenewalDecisionInput {
  return {
    now: date('2026-12-05T00:00:00Z'),
    notBefore: NOT_BEFORE,
    notAfter: NOT_AFTER,
    intervalToNextRunMs: 6 * HOUR,
    random: () => 0.5,
    ...overrides,
  };
}

interface Case {
  name: string;
  input: RenewalDecisionInput;
  due: boolean;
  reason: RenewalReason;
  renewAt: string;
  chosenRenewalTime?: string;
  explanation: RegExp;
}

const cases: Case[] = [
  {
    name: 'ARI window ahead',
    input: input({ ari: { window: WINDOW, retryAfter: date('2026-12-05T06:00:00Z') } }),
    due: false,
    reason: 'not-due',
    renewAt: '2027-01-30T00:00:00.000Z',
    chosenRenewalTime: '2027-01-30T00:00:00.000Z',
    explanation:
      /^not due: window 2027-01-29T00:00Z\.\.2027-01-31T00:00Z, renewal chosen at 2027-01-30T00:00Z, next check after 2026-12-05T06:00Z$/,
  },
  {
    name: 'stored time kept in the same window',
    input: input({
      ari: { window: WINDOW },
      storedChosenTime: date('2027-01-30T07:13:00Z'),
      storedWindow: WINDOW,
      random: () => 0.1,
    }),
    due: false,
    reason: 'not-due',
    renewAt: '2027-01-30T07:13:00.000Z',
    chosenRenewalTime: '2027-01-30T07:13:00.000Z',
    explanation: /renewal chosen at 2027-01-30T07:13Z, next check after 2026-12-05T06:00Z$/,
  },
  {
    name: 'stored time outside the new window',
    input: input({
      ari: { window: WINDOW },
      storedChosenTime: date('2027-02-10T00:00:00Z'),
      random: () => 0.25,
    }),
    due: false,
    reason: 'not-due',
    renewAt: '2027-01-29T12:00:00.000Z',
    chosenRenewalTime: '2027-01-29T12:00:00.000Z',
    explanation:
      /renewal chosen at 2027-01-29T12:00Z \(replacing 2027-02-10T00:00Z, outside this window\), next/,
  },
  {
    name: 'stored time inside a changed window',
    input: input({
      ari: { window: WINDOW },
      storedChosenTime: date('2027-01-30T07:13:00Z'),
      storedWindow: window('2027-01-30T00:00:00Z', '2027-02-01T00:00:00Z'),
      random: () => 0,
    }),
    due: false,
    reason: 'not-due',
    renewAt: '2027-01-29T00:00:00.000Z',
    chosenRenewalTime: '2027-01-29T00:00:00.000Z',
    explanation: /\(replacing 2027-01-30T07:13Z, chosen in an earlier window\)/,
  },
  {
    name: 'chosen time passed',
    input: input({
      now: date('2027-01-30T09:00:00Z'),
      ari: { window: WINDOW },
      storedChosenTime: date('2027-01-30T07:13:00Z'),
      storedWindow: WINDOW,
    }),
    due: true,
    reason: 'ari-window',
    renewAt: '2027-01-30T07:13:00.000Z',
    chosenRenewalTime: '2027-01-30T07:13:00.000Z',
    explanation: /^due \(ari-window\): .*renewal chosen at 2027-01-30T07:13Z, which has passed$/,
  },
  {
    name: 'chosen time before the next run',
    input: input({
      now: date('2027-01-30T03:00:00Z'),
      ari: { window: WINDOW },
      storedChosenTime: date('2027-01-30T07:13:00Z'),
      storedWindow: WINDOW,
    }),
    due: true,
    reason: 'ari-window',
    renewAt: '2027-01-30T07:13:00.000Z',
    chosenRenewalTime: '2027-01-30T07:13:00.000Z',
    explanation: /which is before the next run at 2027-01-30T09:00Z$/,
  },
  {
    name: 'chosen time exactly at the next run',
    input: input({
      now: date('2027-01-30T01:13:00Z'),
      ari: { window: WINDOW },
      storedChosenTime: date('2027-01-30T07:13:00Z'),
      storedWindow: WINDOW,
    }),
    due: false,
    reason: 'not-due',
    renewAt: '2027-01-30T07:13:00.000Z',
    chosenRenewalTime: '2027-01-30T07:13:00.000Z',
    explanation: /^not due: /,
  },
  {
    name: 'window entirely in the past',
    input: input({
      now: date('2027-01-20T00:00:00Z'),
      ari: { window: window('2027-01-18T00:00:00Z', '2027-01-19T00:00:00Z') },
      storedChosenTime: date('2027-01-30T07:13:00Z'),
    }),
    due: true,
    reason: 'ari-window-past',
    renewAt: '2027-01-20T00:00:00.000Z',
    explanation:
      /^due \(ari-window-past\): window 2027-01-18T00:00Z\.\.2027-01-19T00:00Z has already ended$/,
  },
  {
    // A stored time 45 days away, and a new window that opened 3 hours ago.
    name: 'window moved into the present',
    input: input({
      now: date('2026-12-20T12:00:00Z'),
      ari: { window: window('2026-12-20T09:00:00Z', '2026-12-21T09:00:00Z') },
      storedChosenTime: date('2027-02-03T12:00:00Z'),
      storedWindow: WINDOW,
      random: () => 0.9,
    }),
    due: true,
    reason: 'ari-window',
    renewAt: '2026-12-20T12:00:00.000Z',
    chosenRenewalTime: '2026-12-20T12:00:00.000Z',
    explanation:
      /chosen at 2026-12-20T12:00Z \(the window was already open, replacing 2027-02-03T12:00Z, outside this window\), which is now$/,
  },
  {
    name: 'ARI window later than the emergency threshold',
    input: input({
      now: date('2027-02-24T00:00:00Z'),
      ari: { window: window('2027-02-27T00:00:00Z', '2027-02-28T00:00:00Z') },
    }),
    due: true,
    reason: 'expiring',
    renewAt: '2027-02-24T00:00:00.000Z',
    chosenRenewalTime: '2027-02-27T12:00:00.000Z',
    explanation:
      /5 d left, under the emergency threshold of 9 d, although the ARI window .* lies later$/,
  },
  {
    name: 'ARI window later than the lifetime rule',
    input: input({
      now: date('2027-02-02T00:00:00Z'),
      ari: { window: window('2027-02-05T00:00:00Z', '2027-02-06T00:00:00Z') },
    }),
    due: false,
    reason: 'not-due',
    renewAt: '2027-02-05T12:00:00.000Z',
    chosenRenewalTime: '2027-02-05T12:00:00.000Z',
    explanation: /^not due: window 2027-02-05T00:00Z/,
  },
  {
    name: 'expired certificate with ARI',
    input: input({ now: date('2027-03-02T00:00:00Z'), ari: { window: WINDOW } }),
    due: true,
    reason: 'expired',
    renewAt: '2027-03-01T00:00:00.000Z',
    explanation: /^due \(expired\): the certificate expired at 2027-03-01T00:00Z$/,
  },
  {
    name: 'expired certificate without ARI',
    input: input({ now: date('2027-03-01T00:00:00Z') }),
    due: true,
    reason: 'expired',
    renewAt: '2027-03-01T00:00:00.000Z',
    explanation: /^due \(expired\)/,
  },
  {
    name: 'expiry before the next run',
    input: input({ now: date('2027-02-28T20:00:00Z'), intervalToNextRunMs: 12 * DAY }),
    due: true,
    reason: 'expiring',
    renewAt: '2027-02-28T20:00:00.000Z',
    explanation: /expires at 2027-03-01T00:00Z, before the next run at 2027-03-12T20:00Z$/,
  },
  {
    name: 'lifetime rule before its point',
    input: input({ now: date('2027-01-29T12:00:00Z') }),
    due: false,
    reason: 'not-due',
    renewAt: '2027-01-30T00:00:00.000Z',
    explanation:
      /^not due: renewal at 2027-01-30T00:00Z when 1\/3 of the 90 d lifetime remains, expires 2027-03-01T00:00Z, next check after 2027-01-29T18:00Z$/,
  },
  {
    name: 'lifetime rule point before the next run',
    input: input({ now: date('2027-01-29T20:00:00Z') }),
    due: true,
    reason: 'lifetime',
    renewAt: '2027-01-30T00:00:00.000Z',
    explanation: /^due \(lifetime\): .*which is before the next run at 2027-01-30T02:00Z$/,
  },
  {
    name: 'lifetime rule point passed',
    input: input({ now: date('2027-02-10T00:00:00Z'), intervalToNextRunMs: 0 }),
    due: true,
    reason: 'lifetime',
    renewAt: '2027-01-30T00:00:00.000Z',
    explanation: /which has passed$/,
  },
  {
    // A certificate without Authority Key Identifier has no certID, so no ARI.
    name: 'certificate without AKI',
    input: input({
      now: date('2027-01-31T00:00:00Z'),
      withoutAriReason: 'the certificate has no Authority Key Identifier',
    }),
    due: true,
    reason: 'lifetime',
    renewAt: '2027-01-30T00:00:00.000Z',
    explanation: /, without ARI because the certificate has no Authority Key Identifier$/,
  },
  {
    name: 'six-day certificate halfway',
    input: input({
      now: date('2026-12-03T23:00:00Z'),
      notAfter: date('2026-12-07T00:00:00Z'),
      intervalToNextRunMs: 0,
    }),
    due: false,
    reason: 'not-due',
    renewAt: '2026-12-04T00:00:00.000Z',
    explanation: /when 1\/2 of the 6 d lifetime remains/,
  },
  {
    name: 'six-day certificate in its last day',
    input: input({
      now: date('2026-12-06T01:00:00Z'),
      notAfter: date('2026-12-07T00:00:00Z'),
      ari: { window: window('2026-12-06T12:00:00Z', '2026-12-06T15:00:00Z') },
      intervalToNextRunMs: HOUR,
    }),
    due: true,
    reason: 'expiring',
    renewAt: '2026-12-06T01:00:00.000Z',
    chosenRenewalTime: '2026-12-06T13:30:00.000Z',
    explanation: /23 h left, under the emergency threshold of 1 d/,
  },
];

describe('decideRenewal', () => {
  it.each(cases)('$name', (testCase) => {
    const decision = decideRenewal(testCase.input);

    expect(decision.due).toBe(testCase.due);
    expect(decision.reason).toBe(testCase.reason);
    expect(decision.renewAt.toISOString()).toBe(testCase.renewAt);
    expect(decision.chosenRenewalTime?.toISOString()).toBe(testCase.chosenRenewalTime);
    expect(decision.explanation).toMatch(testCase.explanation);
  });

  it.each([
    ['zero', 0, '2027-01-29T00:00:00.000Z'],
    ['just under one', 0.999999999, '2027-01-30T23:59:59.999Z'],
    ['one', 1, '2027-01-31T00:00:00.000Z'],
    ['NaN', Number.NaN, '2027-01-29T00:00:00.000Z'],
  ])('keeps a random %s inside the window', (_case, value, expected) => {
    const decision = decideRenewal(input({ ari: { window: WINDOW }, random: () => value }));

    expect(decision.chosenRenewalTime?.toISOString()).toBe(expected);
  });

  it('rejects notAfter not after notBefore', () => {
    expect(() => decideRenewal(input({ notAfter: NOT_BEFORE }))).toThrow(
      /notAfter .* is not after notBefore/,
    );
  });

  it('rejects a negative run interval', () => {
    expect(() => decideRenewal(input({ intervalToNextRunMs: -1 }))).toThrow(/intervalToNextRunMs/);
  });

  it('rejects an invalid ARI window', () => {
    const inverted = window('2027-01-31T00:00:00Z', '2027-01-29T00:00:00Z');

    expect(() => decideRenewal(input({ ari: { window: inverted } }))).toThrow(/Pass no ari/);
  });
});

describe('decideRenewal over a run schedule', () => {
  // A 6-day certificate with a 3-hour window at half its lifetime, checked every 6 hours.
  const notBefore = date('2026-12-01T00:00:00Z');
  const notAfter = plus(notBefore, 6 * DAY);
  const ariWindow = { start: plus(notBefore, 72 * HOUR), end: plus(notBefore, 75 * HOUR) };

  /** Runs every 6 hours from `firstRunHours`, carrying the chosen time. Returns the hour of renewal. */
  function simulate(firstRunHours: number, randomValue: number): number | undefined {
    let stored: Date | undefined;
    for (let hours = firstRunHours; hours < 6 * 24; hours += 6) {
      const decision = decideRenewal({
        now: plus(notBefore, hours * HOUR),
        notBefore,
        notAfter,
        ari: { window: ariWindow },
        storedChosenTime: stored,
        storedWindow: stored ? ariWindow : undefined,
        intervalToNextRunMs: 6 * HOUR,
        random: () => randomValue,
      });
      if (decision.due) return hours;
      stored = decision.chosenRenewalTime;
    }
    return undefined;
  }

  it.each([0, 0.5, 0.999])(
    'renews in the run before a window between runs (random %s)',
    (randomValue) => {
      // Runs at 71 h and 77 h: none falls inside the window from 72 h to 75 h.
      expect(simulate(5, randomValue)).toBe(71);
    },
  );

  it.each([
    [0.1, 67],
    [0.9, 73],
  ])('renews in the last run before the chosen time (random %s)', (randomValue, expectedHour) => {
    // Runs at 67 h and 73 h. The chosen time is 72.3 h or 74.7 h.
    expect(simulate(1, randomValue)).toBe(expectedHour);
  });
});

describe('thresholds', () => {
  it.each([
    ['90 days', 90 * DAY, 9 * DAY],
    ['6 days', 6 * DAY, DAY],
    ['1 day', DAY, 6 * HOUR],
  ])('emergency for %s', (_case, lifetime, expected) => {
    expect(emergencyRemainingMs(lifetime)).toBe(expected);
  });

  it.each([
    ['90 days', 90 * DAY, 1 / 3],
    ['10 days', 10 * DAY, 1 / 2],
    ['6 days', 6 * DAY, 1 / 2],
  ])('lifetime rule for %s', (_case, lifetime, expected) => {
    expect(lifetimeRemainingFraction(lifetime)).toBe(expected);
  });
});
