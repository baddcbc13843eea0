import { randomBytes } from 'node:crypto';

import { beforeAll, describe, expect, it } from 'vitest';

import { createPrivateKey } from '../../src/acme/keys.js';
import { classifyReplacesRefusal } from '../../src/acme/refusal.js';
import { AcmeSession, configureAcmeHttp, type AcmeResponse } from '../../src/acme/session.js';
import { encodeCertId } from '../../src/ari/certid.js';
import { createMemoryLogger } from '../../src/log.js';
import { loadTestbed, testbedHttpsAgent, type Testbed } from '../helpers/testbed.js';
import { freshDomain, issue, issueReplaceable, newOrderWithReplaces } from './pebble.js';

// Refusals of `replaces` as the test bed's Pebble 2.10 sends them, classified.

const logger = createMemoryLogger();

let testbed: Testbed;
let session: AcmeSession;

beforeAll(async () => {
  testbed = loadTestbed();
  configureAcmeHttp({ userAgent: 'acme-lineage-tests', agent: testbedHttpsAgent(testbed) });
  session = await AcmeSession.open({
    directoryUrl: testbed.directoryUrl,
    accountKeyPem: await createPrivateKey('ec-p256'),
    logger,
  });
});

function problemOf(response: AcmeResponse): { status: number; type?: string; detail?: string } {
  return response.data as { status: number; type?: string; detail?: string };
}

describe('Pebble refusals of replaces', () => {
  it('classifies a finalized replacement as already replaced', async () => {
    const domain = freshDomain('refusal');
    const { certId } = await issueReplaceable(testbed, session, domain);
    await issue(testbed, session, domain, certId);

    const again = await newOrderWithReplaces(session, domain, certId);

    expect(again.status).toBe(409);
    expect(classifyReplacesRefusal(problemOf(again))).toBe('already-replaced');
  });

  it('classifies an unknown serial as CA changed', async () => {
    const domain = freshDomain('refusal');
    const identity = await issueReplaceable(testbed, session, domain);
    const serial = Buffer.from(`7f${randomBytes(15).toString('hex')}`, 'hex');
    const unknown = encodeCertId(identity.authorityKeyId ?? Buffer.alloc(0), serial);

    const response = await newOrderWithReplaces(session, domain, unknown);

    expect(response.status).toBe(500);
    expect(classifyReplacesRefusal(problemOf(response))).toBe('ca-changed');
  });

  it('classifies an unknown issuer as CA changed', async () => {
    const domain = freshDomain('refusal');
    const identity = await issueReplaceable(testbed, session, domain);
    const otherIssuer = encodeCertId(randomBytes(20), identity.serialBytes);

    const response = await newOrderWithReplaces(session, domain, otherIssuer);

    expect(response.status).toBe(400);
    expect(classifyReplacesRefusal(problemOf(response))).toBe('ca-changed');
  });

  it('classifies another account as account changed', async () => {
    const domain = freshDomain('refusal');
    const { certId } = await issueReplaceable(testbed, session, domain);
    const other = await AcmeSession.open({
      directoryUrl: testbed.directoryUrl,
      accountKeyPem: await createPrivateKey('ec-p256'),
      logger,
    });

    const response = await newOrderWithReplaces(other, domain, certId);

    expect(response.status).toBe(403);
    expect(classifyReplacesRefusal(problemOf(response))).toBe('account-changed');
  });
});
