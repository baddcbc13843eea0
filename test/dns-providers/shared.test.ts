import { describe, expect, it } from 'vitest';
import { pickLongestZone, relativeName } from '../../src/dns/providers/shared/names.js';
import { KeyedQueue } from '../../src/dns/providers/shared/serialize.js';
import {
  chunkTxtValue,
  quoteTxtValue,
  unquoteTxtValue,
} from '../../src/dns/providers/shared/txt.js';

describe('TXT presentation form', () => {
  it('keeps a short value in one string', () => {
    expect(quoteTxtValue('abc')).toBe('"abc"');
  });

  it('splits at 255 bytes', () => {
    const value = 'a'.repeat(600);

    expect(chunkTxtValue(value).map((chunk) => chunk.length)).toEqual([255, 255, 90]);
    expect(quoteTxtValue(value)).toBe(
      `"${'a'.repeat(255)}" "${'a'.repeat(255)}" "${'a'.repeat(90)}"`,
    );
  });

  it('never cuts a UTF-8 sequence', () => {
    const value = `${'a'.repeat(254)}é${'b'.repeat(10)}`;

    const chunks = chunkTxtValue(value);

    expect(chunks).toEqual(['a'.repeat(254), `é${'b'.repeat(10)}`]);
    expect(chunks.every((chunk) => Buffer.byteLength(chunk) <= 255)).toBe(true);
  });

  it('escapes quotes and backslashes', () => {
    expect(quoteTxtValue('say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
  });

  it('round-trips through unquote', () => {
    for (const value of ['plain', 'with "quotes"', 'back\\slash', 'x'.repeat(700)]) {
      expect(unquoteTxtValue(quoteTxtValue(value))).toBe(value);
    }
  });
});

describe('zone names', () => {
  it('picks the longest containing zone', () => {
    const zones = ['example.com.', 'sub.example.com', 'ample.com', 'other.example.com'];

    expect(pickLongestZone('_acme-challenge.www.sub.example.com', zones, (zone) => zone)).toBe(
      'sub.example.com',
    );
    expect(pickLongestZone('_acme-challenge.example.com', zones, (zone) => zone)).toBe(
      'example.com.',
    );
    expect(pickLongestZone('_acme-challenge.example.net', zones, (zone) => zone)).toBeUndefined();
  });

  it('returns @ for the apex', () => {
    expect(relativeName('example.com', 'example.com')).toBe('@');
    expect(relativeName('_acme-challenge.example.com', 'example.com')).toBe('_acme-challenge');
  });
});

describe('KeyedQueue', () => {
  it('runs tasks of one key in order', async () => {
    const queue = new KeyedQueue();
    const events: string[] = [];
    const task = (label: string, waitMs: number) => async () => {
      events.push(`start ${label}`);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      events.push(`end ${label}`);
    };

    await Promise.all([queue.run('a', task('first', 20)), queue.run('a', task('second', 0))]);

    expect(events).toEqual(['start first', 'end first', 'start second', 'end second']);
  });

  it('keeps going after a failed task', async () => {
    const queue = new KeyedQueue();

    const failed = queue.run('a', () => Promise.reject(new Error('boom')));
    const next = queue.run('a', () => Promise.resolve('ran'));

    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });
});
