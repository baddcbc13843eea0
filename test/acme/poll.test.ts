import { describe, expect, it } from 'vitest';

import { pollStatus } from '../../src/acme/order.js';
import { parseRetryAfter } from '../../src/acme/retry-after.js';

/** Creates a clock that only moves when the poller sleeps, so waits are observed without real time passing. */
function fakeClock(start: Date) {
  let now = start.getTime();
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => new Date(now),
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

describe('parseRetryAfter', () => {
  const now = new Date('2026-12-04T12:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('15', now)).toBe(15_000);
  });

  it('reads an HTTP date', () => {
    expect(parseRetryAfter('Fri, 04 Dec 2026 12:00:15 GMT', now)).toBe(15_000);
  });

  it('gives zero for a date in the past', () => {
    expect(parseRetryAfter('Fri, 04 Dec 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('ignores garbage and absence', () => {
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('pollStatus on a processing order', () => {
  it('honours Retry-After as seconds and as an HTTP date until valid', async () => {
    const clock = fakeClock(new Date('2026-12-04T12:00:00Z'));
    const replies = [
      { status: 'processing', retryAfter: '15' },
      {
        status: 'processing',
        retryAfter: () => new Date(clock.now().getTime() + 15_000).toUTCString(),
      },
      { status: 'processing', retryAfter: '15' },
      { status: 'valid', retryAfter: undefined },
    ];
    let calls = 0;

    const final = await pollStatus(
      async () => {
        const reply = replies[calls++]!;
        const retryAfter =
          typeof reply.retryAfter === 'function' ? reply.retryAfter() : reply.retryAfter;
        return { value: reply.status, retryAfter };
      },
      (status) => status === 'valid' || status === 'invalid',
      (status) => `order is still ${status}`,
      { timeoutMs: 600_000, sleep: clock.sleep, now: clock.now },
    );

    expect(final).toBe('valid');
    expect(calls).toBe(4);
    expect(clock.sleeps).toEqual([15_000, 15_000, 15_000]);
  });

  it('stops with a timeout message when the total wait would pass the cap', async () => {
    const clock = fakeClock(new Date('2026-12-04T12:00:00Z'));

    const polling = pollStatus(
      async () => ({ value: 'processing', retryAfter: '15' }),
      (status) => status === 'valid',
      (status) => `order https://ca.test/order/1 is still ${status}`,
      { timeoutMs: 40_000, sleep: clock.sleep, now: clock.now },
    );

    await expect(polling).rejects.toThrow(
      /Timed out after 30 s: order https:\/\/ca.test\/order\/1 is still processing/,
    );
    await expect(polling).rejects.toThrow(/next run resumes it/);
  });

  it('clamps a huge Retry-After to one minute between polls', async () => {
    const clock = fakeClock(new Date('2026-12-04T12:00:00Z'));
    let calls = 0;

    await pollStatus(
      async () => ({ value: calls++ < 1 ? 'pending' : 'ready', retryAfter: '86400' }),
      (status) => status === 'ready',
      () => 'waiting',
      { timeoutMs: 600_000, sleep: clock.sleep, now: clock.now },
    );

    expect(clock.sleeps).toEqual([60_000]);
  });

  it('backs off from the default delay when the server sends no Retry-After', async () => {
    const clock = fakeClock(new Date('2026-12-04T12:00:00Z'));
    let calls = 0;

    await pollStatus(
      async () => ({ value: calls++ < 3 ? 'pending' : 'valid' }),
      (status) => status === 'valid',
      () => 'waiting',
      { timeoutMs: 600_000, defaultDelayMs: 1000, sleep: clock.sleep, now: clock.now },
    );

    expect(clock.sleeps).toEqual([1000, 2000, 4000]);
  });
});
