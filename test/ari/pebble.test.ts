import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  certificateIdentity,
  decideRenewal,
  fetchRenewalInfo,
  type CertificateIdentity,
  type RenewalInfoResult,
} from '../../src/ari/index.js';
import { createHttpClient, type HttpClient } from '../../src/http.js';
import { loadTestbed, setRenewalInfo, type Testbed } from '../helpers/testbed.js';
import { issueFromPebble } from './pebble-issue.js';

const HOUR = 3_600_000;

function loadTestbedIfRunning(): Testbed | undefined {
  try {
    return loadTestbed();
  } catch {
    return undefined;
  }
}

const testbed = loadTestbedIfRunning();

describe.skipIf(!testbed)('renewalInfo from Pebble', () => {
  let http: HttpClient;
  let renewalInfoUrl: string;
  let pem: string;
  let identity: CertificateIdentity;

  beforeAll(async () => {
    const bed = testbed as Testbed;
    http = createHttpClient({ userAgent: 'acme-lineage-tests', caCertificates: bed.caCertPem });
    const directory = JSON.parse((await http.get(bed.directoryUrl)).body) as {
      renewalInfo?: string;
    };
    if (!directory.renewalInfo)
      throw new Error(`Pebble's directory at ${bed.directoryUrl} lists no renewalInfo`);
    renewalInfoUrl = directory.renewalInfo;

    pem = await issueFromPebble(bed, http);
    identity = certificateIdentity(pem);
  });

  afterAll(() => {
    http?.close();
  });

  function expectAnswer(result: RenewalInfoResult) {
    if (!result.ok) throw new Error(`expected a renewalInfo answer, got: ${result.message}`);
    return result;
  }

  it('has a certID for a Pebble certificate', () => {
    expect(identity.certId).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('returns a window inside the validity period', async () => {
    const now = new Date();

    const answer = expectAnswer(
      await fetchRenewalInfo(http, renewalInfoUrl, identity.certId ?? '', now),
    );

    expect(answer.suggestedWindow.start.getTime()).toBeGreaterThan(identity.notBefore.getTime());
    expect(answer.suggestedWindow.end.getTime()).toBeLessThan(identity.notAfter.getTime());
    expect(answer.suggestedWindow.end.getTime()).toBeGreaterThan(
      answer.suggestedWindow.start.getTime(),
    );
    expect(answer.retryAfter.getTime()).toBeGreaterThan(now.getTime());
  });

  it('leads to not due for a fresh certificate', async () => {
    const now = new Date();
    const answer = expectAnswer(
      await fetchRenewalInfo(http, renewalInfoUrl, identity.certId ?? '', now),
    );

    const decision = decideRenewal({
      now,
      notBefore: identity.notBefore,
      notAfter: identity.notAfter,
      ari: { window: answer.suggestedWindow, retryAfter: answer.retryAfter },
      intervalToNextRunMs: 6 * HOUR,
      random: () => 0.5,
    });

    expect(decision.due).toBe(false);
    expect(decision.reason).toBe('not-due');
  });

  it('renews now after the CA moves the window into the past', async () => {
    const now = new Date();
    const start = new Date(now.getTime() - 2 * 24 * HOUR);
    const end = new Date(now.getTime() - 24 * HOUR);
    await setRenewalInfo(testbed as Testbed, pem, {
      suggestedWindow: { start: start.toISOString(), end: end.toISOString() },
      explanationURL: 'https://ca.example.test/incident',
    });

    const answer = expectAnswer(
      await fetchRenewalInfo(http, renewalInfoUrl, identity.certId ?? '', now),
    );
    const decision = decideRenewal({
      now,
      notBefore: identity.notBefore,
      notAfter: identity.notAfter,
      ari: { window: answer.suggestedWindow, retryAfter: answer.retryAfter },
      storedChosenTime: new Date(now.getTime() + 45 * 24 * HOUR),
      intervalToNextRunMs: 6 * HOUR,
      random: () => 0.5,
    });

    expect(answer.suggestedWindow).toEqual({ start, end });
    expect(answer.explanationUrl).toBe('https://ca.example.test/incident');
    expect(decision.due).toBe(true);
    expect(decision.reason).toBe('ari-window-past');
  });

  it('reports an unknown serial as a failure', async () => {
    const [aki] = (identity.certId ?? '').split('.');
    const unknown = `${aki}.${Buffer.from('7fffffffffffff01', 'hex').toString('base64url')}`;

    const result = await fetchRenewalInfo(http, renewalInfoUrl, unknown, new Date());

    if (result.ok) throw new Error('expected a failure for an unknown serial');
    expect(result.status).toBe(404);
    expect(result.lasting).toBe(true);
  });
});
