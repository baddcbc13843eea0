import { readFileSync } from 'node:fs';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  CertIdError,
  backoffDelayMs,
  fetchRenewalInfo,
  parseRfc3339,
  retryAfterTime,
  type RenewalInfoAnswer,
  type RenewalInfoFailure,
  type RenewalInfoResult,
} from '../../src/ari/index.js';
import { HttpRequestError, createHttpClient, type HttpClient } from '../../src/http.js';
import { startLocalServer, type LocalServer, type Reply } from './local-server.js';

const CERT_ID = 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE';
const NOW = new Date('2025-01-01T00:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const RFC_EXAMPLE = readFileSync(
  new URL('./fixtures/rfc9773-renewal-info.json', import.meta.url),
  'utf8',
);

function at(offsetMs: number): Date {
  return new Date(NOW.getTime() + offsetMs);
}

function expectAnswer(result: RenewalInfoResult): RenewalInfoAnswer {
  if (!result.ok) throw new Error(`expected an answer, got: ${result.message}`);
  return result;
}

function expectFailure(result: RenewalInfoResult): RenewalInfoFailure {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return result;
}

describe('fetchRenewalInfo against a local server', () => {
  let server: LocalServer;
  let http: HttpClient;
  let reply: Reply;

  beforeAll(async () => {
    server = await startLocalServer(() => reply);
    http = createHttpClient({ userAgent: 'acme-lineage-tests', timeoutMs: 500 });
  });

  afterAll(async () => {
    http.close();
    await server.close();
  });

  afterEach(() => {
    server.requests.length = 0;
  });

  const fetchFrom = (options: { failedAttempts?: number } = {}) =>
    fetchRenewalInfo(http, `${server.url}/acme/renewal-info`, CERT_ID, NOW, options);

  it('reads the RFC 9773 example answer', async () => {
    reply = {
      headers: { 'content-type': 'application/json', 'retry-after': '21600' },
      body: RFC_EXAMPLE,
    };

    const result = await fetchFrom();

    expect(result).toEqual({
      ok: true,
      suggestedWindow: {
        start: new Date('2025-01-02T04:00:00Z'),
        end: new Date('2025-01-03T04:00:00Z'),
      },
      explanationUrl: 'https://acme.example.com/docs/ari',
      retryAfter: at(6 * HOUR),
    });
  });

  it('sends an unauthenticated GET to {renewalInfo}/{certID}', async () => {
    reply = { body: RFC_EXAMPLE };

    await fetchRenewalInfo(http, `${server.url}/renewal-info/`, CERT_ID, NOW);

    const request = server.requests[0];
    expect(request?.method).toBe('GET');
    expect(request?.path).toBe(`/renewal-info/${CERT_ID}`);
    expect(request?.headers['authorization']).toBeUndefined();
    expect(request?.headers['user-agent']).toBe('acme-lineage-tests');
  });

  it('defaults to 6 hours without Retry-After', async () => {
    reply = { body: RFC_EXAMPLE };

    const result = await fetchFrom();

    expect(expectAnswer(result).retryAfter).toEqual(at(6 * HOUR));
  });

  it.each([
    ['too short', '10', at(MINUTE)],
    ['too long', String(7 * 24 * 3600), at(24 * HOUR)],
    ['an HTTP date', 'Wed, 01 Jan 2025 03:00:00 GMT', at(3 * HOUR)],
    ['unparsable', 'soon', at(6 * HOUR)],
  ])('clamps a Retry-After that is %s', async (_case, header, expected) => {
    reply = { headers: { 'retry-after': header }, body: RFC_EXAMPLE };

    const result = await fetchFrom();

    expect(expectAnswer(result).retryAfter).toEqual(expected);
  });

  it('omits an explanation URL that is not a string', async () => {
    reply = { body: JSON.stringify({ ...JSON.parse(RFC_EXAMPLE), explanationURL: 42 }) };

    const result = await fetchFrom();

    expect(expectAnswer(result).explanationUrl).toBeUndefined();
  });

  it.each([
    [
      'end before start',
      { suggestedWindow: { start: '2025-01-03T04:00:00Z', end: '2025-01-02T04:00:00Z' } },
      /not after start/,
    ],
    [
      'end equal to start',
      { suggestedWindow: { start: '2025-01-02T04:00:00Z', end: '2025-01-02T04:00:00Z' } },
      /not after start/,
    ],
    [
      'no window',
      { explanationURL: 'https://acme.example.com/docs/ari' },
      /suggestedWindow is missing/,
    ],
    [
      'a window that is not a time',
      { suggestedWindow: { start: 'tomorrow', end: '2025-01-02T04:00:00Z' } },
      /not an RFC 3339 time/,
    ],
    [
      'a window with an impossible date',
      { suggestedWindow: { start: '2025-02-30T04:00:00Z', end: '2025-03-02T04:00:00Z' } },
      /not an RFC 3339 time/,
    ],
    ['a JSON array', [], /suggestedWindow is missing/],
  ])('treats %s as a lasting failure', async (_case, body, message) => {
    reply = { body: JSON.stringify(body) };

    const failure = expectFailure(await fetchFrom());

    expect(failure.lasting).toBe(true);
    expect(failure.message).toMatch(message);
    expect(failure.nextAttemptAt).toEqual(at(6 * HOUR));
    expect(failure.status).toBe(200);
  });

  it('treats a body that is not JSON as a lasting failure', async () => {
    reply = { body: '<html>maintenance</html>' };

    const failure = expectFailure(await fetchFrom());

    expect(failure.lasting).toBe(true);
    expect(failure.message).toMatch(/not JSON/);
  });

  it('treats 404 as a lasting failure and shows the problem', async () => {
    const problem = {
      type: 'urn:ietf:params:acme:error:malformed',
      detail: 'Certificate not found',
    };
    reply = {
      status: 404,
      headers: { 'content-type': 'application/problem+json' },
      body: JSON.stringify(problem),
    };

    const failure = expectFailure(await fetchFrom({ failedAttempts: 3 }));

    expect(failure.lasting).toBe(true);
    expect(failure.status).toBe(404);
    expect(failure.message).toContain('HTTP 404');
    expect(failure.message).toContain(
      'urn:ietf:params:acme:error:malformed: Certificate not found',
    );
    expect(failure.nextAttemptAt).toEqual(at(6 * HOUR));
    expect(failure.failedAttempts).toBe(4);
  });

  it.each([
    [500, 0, MINUTE],
    [502, 4, 16 * MINUTE],
    [503, 20, 6 * HOUR],
    [429, 1, 2 * MINUTE],
  ])('backs off after HTTP %i with %i earlier failures', async (status, failedAttempts, delay) => {
    reply = { status, body: '' };

    const failure = expectFailure(await fetchFrom({ failedAttempts }));

    expect(failure.lasting).toBe(false);
    expect(failure.nextAttemptAt).toEqual(at(delay));
    expect(failure.failedAttempts).toBe(failedAttempts + 1);
  });

  it('waits for a longer Retry-After of a busy server', async () => {
    reply = { status: 503, headers: { 'retry-after': '3600' }, body: '' };

    const failure = expectFailure(await fetchFrom());

    expect(failure.lasting).toBe(false);
    expect(failure.nextAttemptAt).toEqual(at(HOUR));
  });

  it('treats a timeout as temporary', async () => {
    reply = { hang: true };

    const failure = expectFailure(await fetchFrom());

    expect(failure.lasting).toBe(false);
    expect(failure.message).toMatch(/timed out/);
    expect(failure.nextAttemptAt).toEqual(at(MINUTE));
  });

  it('rejects a malformed certID before sending', async () => {
    await expect(fetchRenewalInfo(http, server.url, 'not-a-cert-id', NOW)).rejects.toBeInstanceOf(
      CertIdError,
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe('fetchRenewalInfo connection failures', () => {
  it('treats a refused connection as temporary', async () => {
    const closed = await startLocalServer(() => ({}));
    await closed.close();
    const http = createHttpClient({ userAgent: 'acme-lineage-tests' });

    const failure = expectFailure(await fetchRenewalInfo(http, closed.url, CERT_ID, NOW));
    http.close();

    expect(failure.lasting).toBe(false);
    expect(failure.message).toMatch(/ECONNREFUSED/);
    expect(failure.status).toBeUndefined();
  });

  it.each(['ENOTFOUND', 'EAI_AGAIN'])('treats DNS failure %s as lasting', async (code) => {
    // A client double, because a real lookup of a missing name would query a resolver off this machine.
    const http: HttpClient = {
      ...createHttpClient({ userAgent: 'acme-lineage-tests' }),
      get: async (url) => {
        throw new HttpRequestError(url, code, `GET ${url} failed: getaddrinfo ${code} ca.example`);
      },
    };

    const failure = expectFailure(
      await fetchRenewalInfo(http, 'https://ca.example/ari', CERT_ID, NOW),
    );

    expect(failure.lasting).toBe(true);
    expect(failure.message).toMatch(/does not resolve/);
    expect(failure.nextAttemptAt).toEqual(at(6 * HOUR));
  });
});

describe('retryAfterTime', () => {
  it('returns undefined without a header', () => {
    expect(retryAfterTime(undefined, NOW)).toBeUndefined();
  });

  it('clamps an HTTP date in the past to one minute', () => {
    expect(retryAfterTime('Tue, 31 Dec 2024 00:00:00 GMT', NOW)).toEqual(at(MINUTE));
  });

  it('rejects a bare number with a sign', () => {
    expect(retryAfterTime('-5', NOW)).toBeUndefined();
  });
});

describe('backoffDelayMs', () => {
  it('doubles from one minute up to six hours', () => {
    const delays = [0, 1, 2, 3, 8, 9, 50].map(backoffDelayMs);

    expect(delays).toEqual([
      MINUTE,
      2 * MINUTE,
      4 * MINUTE,
      8 * MINUTE,
      256 * MINUTE,
      6 * HOUR,
      6 * HOUR,
    ]);
  });
});

describe('parseRfc3339', () => {
  it.each([
    ['2025-01-02T04:00:00Z', '2025-01-02T04:00:00.000Z'],
    ['2025-01-02T04:00:00.123456789Z', '2025-01-02T04:00:00.123Z'],
    ['2025-01-02t04:00:00.5z', '2025-01-02T04:00:00.500Z'],
    ['2025-01-02T06:00:00+02:00', '2025-01-02T04:00:00.000Z'],
    ['2025-01-01T23:30:00-04:30', '2025-01-02T04:00:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(parseRfc3339(text)?.toISOString()).toBe(iso);
  });

  it.each([
    '2025-01-02',
    '2025-01-02 04:00:00Z',
    '2025-13-01T00:00:00Z',
    '2025-01-02T24:00:00Z',
    '2025-01-02T04:00:00',
  ])('rejects %s', (text) => {
    expect(parseRfc3339(text)).toBeUndefined();
  });
});
