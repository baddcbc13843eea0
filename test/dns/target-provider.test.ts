import { describe, expect, test } from 'vitest';

import { createProviderOnFirstUse, presentChallenges } from '../../src/dns/challenge.js';
import { PropagationTimeoutError } from '../../src/dns/propagation.js';
import type { ChallengeRecord, DnsProvider } from '../../src/dns/provider.js';
import { createRfc2136Provider } from '../../src/dns/rfc2136/index.js';
import { createMemoryLogger } from '../../src/log.js';
import { loadTestbed, resolveTestbedTxt } from '../helpers/testbed.js';
import { rfc2136Env, rfc2136Settings, silentUdpServer, uniqueLabel } from './helpers.js';

const testbed = loadTestbed();
const server = testbed.dns.server;
const DELEGATED = '_acme-challenge.alias.example.test';

/** Stands for the certificate's own provider when the workflow has no credentials for it. */
function forbiddenProvider(): DnsProvider {
  const fail = async (): Promise<never> => {
    throw new Error('cloudflare: the certificate provider was called');
  };
  return { name: 'cloudflare', present: fail, cleanUp: fail, authoritativeServers: fail };
}

/** Wraps the test bed's RFC 2136 provider and logs each write and removal as `action name value`. */
function recordingProvider(calls: string[]): DnsProvider {
  const real = createRfc2136Provider(rfc2136Settings(), rfc2136Env(testbed));
  return {
    ...real,
    name: real.name,
    present: async (record: ChallengeRecord) => {
      calls.push(`present ${record.name} ${record.value}`);
      await real.present(record);
    },
    cleanUp: async (record: ChallengeRecord) => {
      calls.push(`cleanUp ${record.name} ${record.value}`);
      await real.cleanUp(record);
    },
  };
}

describe('presentChallenges with a target provider', () => {
  test('writes a CNAME target through the target provider', async () => {
    const target = testbed.dns.cnameDelegations[DELEGATED] as string;
    const record = { name: DELEGATED, value: uniqueLabel('cname') };
    const calls: string[] = [];
    const logger = createMemoryLogger();

    const cleanUp = await presentChallenges([record], forbiddenProvider(), {
      logger,
      nameservers: [server],
      targetProvider: recordingProvider(calls),
    });
    expect(target).toMatch(/\.delegated\.test$/);
    expect(await resolveTestbedTxt(testbed, target)).toContain(record.value);
    expect(calls).toEqual([`present ${target} ${record.value}`]);
    expect(logger.lines).toContain(
      `rfc2136: added 1 TXT value(s) at ${target} (CNAME from ${DELEGATED})`,
    );

    await cleanUp();
    expect(calls).toEqual([
      `present ${target} ${record.value}`,
      `cleanUp ${target} ${record.value}`,
    ]);
    expect(await resolveTestbedTxt(testbed, target)).not.toContain(record.value);
    expect(logger.lines.join('\n')).not.toContain('warning');
  });

  test('writes a challenge-alias through the target provider', async () => {
    const label = uniqueLabel();
    const alias = `_acme-challenge.${label}.delegated.test`;
    const records = [
      { name: `_acme-challenge.${label}.example.test`, value: uniqueLabel('apex') },
      { name: `_acme-challenge.${label}.example.test`, value: uniqueLabel('wildcard') },
    ];
    const calls: string[] = [];

    const cleanUp = await presentChallenges(records, forbiddenProvider(), {
      logger: createMemoryLogger(),
      resolver: server,
      challengeAlias: alias,
      targetProvider: recordingProvider(calls),
      targetZone: 'delegated.test',
      targetNameservers: [server],
    });
    expect((await resolveTestbedTxt(testbed, alias)).sort()).toEqual(
      records.map((record) => record.value).sort(),
    );
    expect(await resolveTestbedTxt(testbed, records[0]!.name)).toEqual([]);

    await cleanUp();
    expect(calls.filter((call) => call.startsWith('cleanUp'))).toHaveLength(2);
    expect(await resolveTestbedTxt(testbed, alias)).toEqual([]);
  });

  test('keeps names without CNAME at the certificate provider', async () => {
    const plain = { name: `_acme-challenge.${uniqueLabel()}.example.test`, value: uniqueLabel() };
    const delegated = { name: DELEGATED, value: uniqueLabel('cname') };
    const target = testbed.dns.cnameDelegations[DELEGATED] as string;
    const ownCalls: string[] = [];
    const targetCalls: string[] = [];

    const cleanUp = await presentChallenges([plain, delegated], recordingProvider(ownCalls), {
      logger: createMemoryLogger(),
      nameservers: [server],
      targetProvider: recordingProvider(targetCalls),
    });
    expect(await resolveTestbedTxt(testbed, plain.name)).toEqual([plain.value]);
    expect(await resolveTestbedTxt(testbed, target)).toContain(delegated.value);

    await cleanUp();
    expect(ownCalls).toEqual([
      `present ${plain.name} ${plain.value}`,
      `cleanUp ${plain.name} ${plain.value}`,
    ]);
    expect(targetCalls).toEqual([
      `present ${target} ${delegated.value}`,
      `cleanUp ${target} ${delegated.value}`,
    ]);
    expect(await resolveTestbedTxt(testbed, plain.name)).toEqual([]);
    expect(await resolveTestbedTxt(testbed, target)).not.toContain(delegated.value);
  });

  test('removes target values when propagation fails', async () => {
    const silent = await silentUdpServer();
    const label = uniqueLabel();
    const alias = `_acme-challenge.${label}.delegated.test`;
    const record = { name: `_acme-challenge.${label}.example.test`, value: uniqueLabel('v') };
    const calls: string[] = [];
    try {
      const attempt = presentChallenges([record], forbiddenProvider(), {
        logger: createMemoryLogger(),
        resolver: server,
        challengeAlias: alias,
        // The certificate's servers are never asked, because the name is delegated.
        nameservers: [server],
        targetProvider: recordingProvider(calls),
        targetNameservers: [silent.address],
        propagationTimeoutMs: 500,
        initialDelayMs: 50,
      });
      await expect(attempt).rejects.toThrow(PropagationTimeoutError);
      expect(calls).toEqual([
        `present ${alias} ${record.value}`,
        `cleanUp ${alias} ${record.value}`,
      ]);
      expect(await resolveTestbedTxt(testbed, alias)).toEqual([]);
    } finally {
      silent.close();
    }
  });
});

describe('createProviderOnFirstUse', () => {
  test('creates the provider at the first write only', async () => {
    let created = 0;
    const calls: string[] = [];
    const provider = createProviderOnFirstUse('rfc2136', () => {
      created += 1;
      return recordingProvider(calls);
    });
    const record = { name: `_acme-challenge.${uniqueLabel()}.example.test`, value: uniqueLabel() };

    await provider.cleanUp(record);
    expect(created).toBe(0);
    expect(provider.propagationTimeoutMs).toBeUndefined();

    await provider.present(record);
    await provider.cleanUp(record);
    expect(created).toBe(1);
    expect(calls).toEqual([
      `present ${record.name} ${record.value}`,
      `cleanUp ${record.name} ${record.value}`,
    ]);
  });

  test('raises the creation error at the write', async () => {
    const provider = createProviderOnFirstUse('cloudflare', () => {
      throw new Error('cloudflare: missing CLOUDFLARE_DNS_API_TOKEN');
    });
    const record = { name: '_acme-challenge.example.test', value: 'v' };

    await expect(provider.present(record)).rejects.toThrow(
      'cloudflare: missing CLOUDFLARE_DNS_API_TOKEN',
    );
    await expect(provider.cleanUp(record)).resolves.toBeUndefined();
  });
});
