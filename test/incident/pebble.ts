import { randomBytes } from 'node:crypto';

import { authorizeOrder, type ChallengeSolver } from '../../src/acme/authorizations.js';
import { createCsrDer, createPrivateKey } from '../../src/acme/keys.js';
import {
  downloadCertificate,
  finalizeOrder,
  identifiersFor,
  placeOrder,
  waitForOrder,
} from '../../src/acme/order.js';
import type { AcmeResponse, AcmeSession } from '../../src/acme/session.js';
import { certificateIdentity, type CertificateIdentity } from '../../src/ari/certid.js';
import { createRfc2136Provider } from '../../src/dns/rfc2136/index.js';
import { createMemoryLogger } from '../../src/log.js';
import type { Testbed } from '../helpers/testbed.js';

// Issuing on the test bed's Pebble for the incident tests, through the product's own
// ACME layer and RFC 2136 provider.

const logger = createMemoryLogger();
const poll = { timeoutMs: 60_000, defaultDelayMs: 200 };

/**
 * Pebble 2.10 looks up a `replaces` serial without its 0x00 sign byte and returns 500,
 * so about half of its certificates cannot be replaced there. Issuing repeats until one can.
 */
const MAX_ISSUE_ATTEMPTS = 10;

/** Returns a fresh name in the test bed's example.test zone. */
export function freshDomain(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}.example.test`;
}

function dnsSolver(testbed: Testbed): ChallengeSolver {
  const key = testbed.dns.tsig.sha256;
  const dns = createRfc2136Provider(
    {
      provider: 'rfc2136',
      zone: 'example.test',
      options: {
        nameserver: testbed.dns.server,
        'tsig-key-name': key.name,
        'tsig-algorithm': key.algorithm,
      },
    },
    { RFC2136_TSIG_SECRET: key.secret },
  );
  return async (records) => {
    for (const record of records) await dns.present(record);
    return async () => {
      for (const record of records) await dns.cleanUp(record);
    };
  };
}

/** Issues a certificate for `domain` and returns its PEM chain. */
export async function issue(
  testbed: Testbed,
  session: AcmeSession,
  domain: string,
  replaces?: string,
): Promise<string> {
  const identifiers = identifiersFor([domain]);
  const order = await placeOrder(session, { identifiers, profile: 'shortlived', replaces });
  await authorizeOrder(session, order, dnsSolver(testbed), logger, poll);

  const ready = await waitForOrder(session, order, { ...poll, untilReady: true });
  const csr = await createCsrDer([domain], await createPrivateKey('ec-p256'));
  const finalized = await finalizeOrder(session, ready, csr);
  return downloadCertificate(session, await waitForOrder(session, finalized, poll));
}

/**
 * Issues certificates until one has a serial without a 0x00 sign byte, so Pebble
 * finds it when a later order names it in `replaces`.
 */
export async function issueReplaceable(
  testbed: Testbed,
  session: AcmeSession,
  domain: string,
): Promise<CertificateIdentity & { certId: string }> {
  for (let attempt = 1; attempt <= MAX_ISSUE_ATTEMPTS; attempt += 1) {
    const identity = certificateIdentity(await issue(testbed, session, domain));
    if (identity.certId && identity.serialBytes[0] !== 0)
      return { ...identity, certId: identity.certId };
  }
  throw new Error(`Pebble issued ${MAX_ISSUE_ATTEMPTS} serials with a sign byte for ${domain}`);
}

/** Sends newOrder with `replaces` and returns the raw response, problem documents included. */
export function newOrderWithReplaces(
  session: AcmeSession,
  domain: string,
  replaces: string,
): Promise<AcmeResponse> {
  return session.post(
    'newOrder',
    session.directory.newOrder,
    { identifiers: identifiersFor([domain]), profile: 'shortlived', replaces },
    { acceptProblems: true, retryServerErrors: false },
  );
}
