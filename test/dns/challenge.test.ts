import { describe, expect, test } from 'vitest';

import { presentChallenges } from '../../src/dns/challenge.js';
import { PropagationTimeoutError, waitForTxt } from '../../src/dns/propagation.js';
import type { DnsProvider } from '../../src/dns/provider.js';
import { createRfc2136Provider } from '../../src/dns/rfc2136/index.js';
import { createMemoryLogger } from '../../src/log.js';
import { loadTestbed, resolveTestbedTxt } from '../helpers/testbed.js';
import { nsupdate, rfc2136Env, rfc2136Settings, silentUdpServer, uniqueLabel } from './helpers.js';

const testbed = loadTestbed();
const server = testbed.dns.server;

function provider(): DnsProvider {
  return createRfc2136Provider(rfc2136Settings(), rfc2136Env(testbed));
}

describe('presentChallenges', () => {
  test('apex and wildcard values coexist', async () => {
    const name = `_acme-challenge.${uniqueLabel()}.example.test`;
    await nsupdate(testbed, [`update add ${name} 60 TXT "someone-else"`]);
    const apex = { name, value: uniqueLabel('apex') };
    const wildcard = { name, value: uniqueLabel('wildcard') };
    const logger = createMemoryLogger();

    const cleanUp = await presentChallenges([apex, wildcard], provider(), { logger });
    expect((await resolveTestbedTxt(testbed, name)).sort()).toEqual(
      [apex.value, wildcard.value, 'someone-else'].sort(),
    );
    expect(logger.lines).toContain(`rfc2136: added 2 TXT value(s) at ${name}`);

    await cleanUp();
    expect(await resolveTestbedTxt(testbed, name)).toEqual(['someone-else']);
    await nsupdate(testbed, [`update delete ${name} TXT`]);
  });

  test('writes several names in parallel', async () => {
    const records = [1, 2, 3].map((index) => ({
      name: `_acme-challenge.${uniqueLabel(`n${index}`)}.example.org.test`,
      value: uniqueLabel('v'),
    }));

    const cleanUp = await presentChallenges(records, provider(), { logger: createMemoryLogger() });
    for (const record of records)
      expect(await resolveTestbedTxt(testbed, record.name)).toEqual([record.value]);

    await cleanUp();
    for (const record of records) expect(await resolveTestbedTxt(testbed, record.name)).toEqual([]);
  });

  test('follows CNAME into delegated.test', async () => {
    const name = '_acme-challenge.alias.example.test';
    const target = testbed.dns.cnameDelegations[name] as string;
    const record = { name, value: uniqueLabel('cname') };
    const logger = createMemoryLogger();

    const cleanUp = await presentChallenges([record], provider(), { logger });
    expect(target).toMatch(/\.delegated\.test$/);
    expect(await resolveTestbedTxt(testbed, target)).toContain(record.value);
    expect(logger.lines).toContain(
      `rfc2136: added 1 TXT value(s) at ${target} (CNAME from ${name})`,
    );

    await cleanUp();
    expect(await resolveTestbedTxt(testbed, target)).not.toContain(record.value);
  });

  test('challengeAlias skips the CNAME lookup', async () => {
    const label = uniqueLabel();
    const alias = `_acme-challenge.${label}.delegated.test`;
    const record = { name: `_acme-challenge.${label}.example.test`, value: uniqueLabel('alias') };

    const cleanUp = await presentChallenges([record], provider(), {
      logger: createMemoryLogger(),
      challengeAlias: alias,
    });
    expect(await resolveTestbedTxt(testbed, alias)).toEqual([record.value]);
    expect(await resolveTestbedTxt(testbed, record.name)).toEqual([]);

    await cleanUp();
    expect(await resolveTestbedTxt(testbed, alias)).toEqual([]);
  });

  test('removes written values when propagation fails', async () => {
    const silent = await silentUdpServer();
    const record = {
      name: `_acme-challenge.${uniqueLabel()}.example.test`,
      value: uniqueLabel('v'),
    };
    try {
      const attempt = presentChallenges([record], provider(), {
        logger: createMemoryLogger(),
        nameservers: [silent.address],
        propagationTimeoutMs: 500,
        initialDelayMs: 50,
      });
      await expect(attempt).rejects.toThrow(PropagationTimeoutError);
      expect(await resolveTestbedTxt(testbed, record.name)).toEqual([]);
    } finally {
      silent.close();
    }
  });

  test('logs clean-up failures without throwing', async () => {
    const real = provider();
    const failing: DnsProvider = {
      ...real,
      name: real.name,
      present: (record) => real.present(record),
      cleanUp: async () => {
        throw new Error('rfc2136: server unreachable');
      },
    };
    const record = {
      name: `_acme-challenge.${uniqueLabel()}.example.test`,
      value: uniqueLabel('v'),
    };
    const logger = createMemoryLogger();

    const cleanUp = await presentChallenges([record], failing, { logger });
    await expect(cleanUp()).resolves.toBeUndefined();
    expect(logger.lines).toContain(
      `warning: rfc2136: failed to remove a TXT value at ${record.name} (rfc2136: server unreachable). Remove it by hand.`,
    );
    await real.cleanUp(record);
  });
});

describe('waitForTxt', () => {
  test('returns once values are visible', async () => {
    const name = `_acme-challenge.${uniqueLabel()}.example.test`;
    await nsupdate(testbed, [`update add ${name} 60 TXT "visible"`]);

    await expect(
      waitForTxt(name, ['visible'], { servers: [server], timeoutMs: 5000 }),
    ).resolves.toBeUndefined();
    await nsupdate(testbed, [`update delete ${name} TXT`]);
  });

  test('timeout error lists missing values per server', async () => {
    const name = `_acme-challenge.${uniqueLabel()}.example.test`;
    await nsupdate(testbed, [`update add ${name} 60 TXT "present"`]);
    const silent = await silentUdpServer();
    try {
      const error = await waitForTxt(name, ['present', 'absent'], {
        servers: [server, silent.address],
        timeoutMs: 400,
        initialDelayMs: 50,
      }).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(PropagationTimeoutError);
      expect((error as PropagationTimeoutError).missing).toEqual({
        [server]: ['absent'],
        [silent.address]: ['present', 'absent'],
      });
      const message = (error as Error).message;
      expect(message).toContain(`DNS propagation of ${name} timed out after 0.4 s`);
      expect(message).toContain(`missing at ${server}: "absent"`);
      expect(message).toContain(
        `missing at ${silent.address}: "present", "absent" (last query failed: No response`,
      );
    } finally {
      silent.close();
      await nsupdate(testbed, [`update delete ${name} TXT`]);
    }
  });

  test('rejects an empty server list', async () => {
    await expect(
      waitForTxt('_acme-challenge.example.test', ['v'], { servers: [], timeoutMs: 100 }),
    ).rejects.toThrow('no DNS server to ask. Set nameservers in the manifest.');
  });
});
