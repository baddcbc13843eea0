import acme from 'acme-client';

import { testbedHttpsAgent, type Testbed } from '../helpers/testbed.js';
import { nsupdate } from './dns-tools.js';

/**
 * Issues a certificate for `domains` from the test bed's Pebble with acme-client,
 * answering DNS-01 through TSIG-signed updates. Returns the PEM chain, leaf first.
 */
export async function issueWithAcmeClient(testbed: Testbed, domains: string[]): Promise<string> {
  acme.axios.defaults.httpsAgent = testbedHttpsAgent(testbed);
  const client = new acme.Client({
    directoryUrl: testbed.directoryUrl,
    accountKey: await acme.crypto.createPrivateEcdsaKey(),
  });
  const [, csr] = await acme.crypto.createCsr(
    { altNames: domains },
    await acme.crypto.createPrivateEcdsaKey(),
  );
  const key = testbed.dns.tsig.sha256;

  // A challenge name with a CNAME cannot hold a TXT record, so the value goes to
  // the CNAME's target, where Pebble's lookup ends up.
  const recordFor = (identifier: string, keyAuthorization: string): string => {
    const name = `_acme-challenge.${identifier}`;
    const owner = testbed.dns.cnameDelegations[name] ?? name;
    return `${owner}. 60 TXT "${keyAuthorization}"`;
  };

  return client.auto({
    csr,
    termsOfServiceAgreed: true,
    challengePriority: ['dns-01'],
    // acme-client's own check would query the system resolver, which has none of
    // the test zones. Pebble's validation is the check that counts.
    skipChallengeVerification: true,
    challengeCreateFn: async (authz, _challenge, keyAuthorization) => {
      const result = nsupdate(testbed, key, [
        `update add ${recordFor(authz.identifier.value, keyAuthorization)}`,
      ]);
      if (result.status !== 0) {
        throw new Error(`nsupdate add for ${authz.identifier.value} failed: ${result.output}`);
      }
    },
    challengeRemoveFn: async (authz, _challenge, keyAuthorization) => {
      nsupdate(testbed, key, [
        `update delete ${recordFor(authz.identifier.value, keyAuthorization)}`,
      ]);
    },
  });
}
