import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

import * as acme from 'acme-client';

import type { HttpClient } from '../../src/http.js';
import type { Testbed } from '../helpers/testbed.js';

/** Sets or deletes one TXT value in the test bed's BIND with nsupdate, signed with TSIG. */
function updateTxt(testbed: Testbed, action: 'add' | 'delete', name: string, value: string): void {
  const key = testbed.dns.tsig.sha256;
  const ttl = action === 'add' ? '60 ' : '';
  const script = [
    `server ${testbed.dns.host} ${testbed.dns.port}`,
    `zone example.test`,
    `update ${action} ${name}. ${ttl}TXT "${value}"`,
    'send',
    '',
  ].join('\n');
  execFileSync('nsupdate', ['-y', `${key.algorithm}:${key.name}:${key.secret}`], {
    input: script,
    timeout: 10_000,
  });
}

/**
 * Issues a certificate for a fresh name under example.test from the test bed's Pebble
 * through DNS-01, with acme-client sharing the HTTP client's keep-alive agent.
 */
export async function issueFromPebble(testbed: Testbed, http: HttpClient): Promise<string> {
  acme.axios.defaults.httpsAgent = http.agent;
  const client = new acme.Client({
    directoryUrl: testbed.directoryUrl,
    accountKey: await acme.crypto.createPrivateEcdsaKey(),
  });
  const domain = `ari-${randomBytes(6).toString('hex')}.example.test`;
  const [, csr] = await acme.crypto.createCsr(
    { altNames: [domain] },
    await acme.crypto.createPrivateEcdsaKey(),
  );

  return client.auto({
    csr,
    termsOfServiceAgreed: true,
    challengePriority: ['dns-01'],
    // acme-client would otherwise look the TXT record up through the system resolver.
    skipChallengeVerification: true,
    challengeCreateFn: async (authz, _challenge, keyAuthorization) => {
      updateTxt(testbed, 'add', `_acme-challenge.${authz.identifier.value}`, keyAuthorization);
    },
    challengeRemoveFn: async (authz, _challenge, keyAuthorization) => {
      updateTxt(testbed, 'delete', `_acme-challenge.${authz.identifier.value}`, keyAuthorization);
    },
  });
}
