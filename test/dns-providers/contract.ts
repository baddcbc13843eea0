import { afterEach, describe, expect, it } from 'vitest';
import type { DnsProvider } from '../../src/dns/provider.js';
import type { DnsSettings } from '../../src/manifest/types.js';
import { CLOUD_DNS_PROVIDERS } from '../../src/dns/providers/index.js';
import type { FakeZoneData, ReceivedRequest } from './harness.js';

/** Zone that the fixtures list on the second page and that must win over example.com. */
export const LONGEST_ZONE = 'sub.example.com';
export const CHALLENGE_NAME = '_acme-challenge.www.sub.example.com';
/** Value some other tool put on the challenge name before the run; it must survive. */
export const FOREIGN_VALUE = 'foreign-value-kept';
const APEX_VALUE = 'apex-token-0123456789abcdefghijklmnopqrstuvwxy';
const WILDCARD_VALUE = 'wildcard-token-0123456789abcdefghijklmnopqrstu';

/** A fake service for one provider, started fresh for each test. */
export interface FakeService {
  env: NodeJS.ProcessEnv;
  data: FakeZoneData;
  requests: ReceivedRequest[];
  /** Requests whose authentication or signature the fake rejected. */
  authFailures: string[];
  close(): Promise<void>;
}

export interface ProviderKit {
  id: string;
  start(): Promise<FakeService>;
  /** Variable whose absence the factory must name. */
  requiredVariable: string;
  /** Changes `env` so the fake replies with the provider's authentication error fixture. */
  breakCredentials(env: NodeJS.ProcessEnv): void;
  /** Part of the fixture's error message that must reach the user. */
  errorMessage: RegExp;
  /** Counts the zone-list requests in `requests`, to check that every page was read. */
  zoneListRequests(requests: ReceivedRequest[]): number;
}

function settingsFor(id: string): DnsSettings {
  return { provider: id, options: {} };
}

/** Runs the DnsProvider contract cases against one provider and its fake service. */
export function describeProviderContract(kit: ProviderKit): void {
  describe(`${kit.id} contract`, () => {
    let service: FakeService | undefined;
    afterEach(async () => {
      await service?.close();
      service = undefined;
    });

    const create = async (): Promise<{ provider: DnsProvider; fake: FakeService }> => {
      service = await kit.start();
      service.data.add(LONGEST_ZONE, CHALLENGE_NAME, FOREIGN_VALUE);
      const factory = CLOUD_DNS_PROVIDERS[kit.id];
      if (!factory) throw new Error(`no factory for ${kit.id}`);
      return { provider: factory(settingsFor(kit.id), service.env), fake: service };
    };

    it('presents two values on one name concurrently', async () => {
      const { provider, fake } = await create();

      await Promise.all([
        provider.present({ name: CHALLENGE_NAME, value: APEX_VALUE }),
        provider.present({ name: CHALLENGE_NAME, value: WILDCARD_VALUE }),
      ]);

      expect(fake.authFailures).toEqual([]);
      expect(fake.data.values(LONGEST_ZONE, CHALLENGE_NAME).sort()).toEqual(
        [FOREIGN_VALUE, APEX_VALUE, WILDCARD_VALUE].sort(),
      );
    });

    it('cleans up only the value it added', async () => {
      const { provider, fake } = await create();
      await provider.present({ name: CHALLENGE_NAME, value: APEX_VALUE });
      await provider.present({ name: CHALLENGE_NAME, value: WILDCARD_VALUE });

      await provider.cleanUp({ name: CHALLENGE_NAME, value: APEX_VALUE });
      expect(fake.data.values(LONGEST_ZONE, CHALLENGE_NAME).sort()).toEqual(
        [FOREIGN_VALUE, WILDCARD_VALUE].sort(),
      );

      await provider.cleanUp({ name: CHALLENGE_NAME, value: WILDCARD_VALUE });
      expect(fake.data.values(LONGEST_ZONE, CHALLENGE_NAME)).toEqual([FOREIGN_VALUE]);
      expect(fake.authFailures).toEqual([]);
    });

    it('picks the longest zone across pages', async () => {
      const { provider, fake } = await create();

      await provider.present({ name: CHALLENGE_NAME, value: APEX_VALUE });

      expect(kit.zoneListRequests(fake.requests)).toBe(2);
      expect(fake.data.values(LONGEST_ZONE, CHALLENGE_NAME)).toContain(APEX_VALUE);
      expect(fake.data.values('example.com', CHALLENGE_NAME)).toEqual([]);
    });

    it('converts a dotted upper-case name once', async () => {
      const { provider, fake } = await create();

      await provider.present({ name: `${CHALLENGE_NAME.toUpperCase()}.`, value: APEX_VALUE });

      expect(fake.data.values(LONGEST_ZONE, CHALLENGE_NAME)).toContain(APEX_VALUE);
    });

    it('prefixes an invalid name error', async () => {
      const { provider } = await create();

      const attempt = provider.present({ name: '_acme-challenge..example.com', value: APEX_VALUE });

      await expect(attempt).rejects.toThrow(new RegExp(`^${kit.id}: Invalid DNS name`));
    });

    it('names the missing credential variable', async () => {
      service = await kit.start();
      const env = { ...service.env };
      delete env[kit.requiredVariable];
      const factory = CLOUD_DNS_PROVIDERS[kit.id];

      expect(() => factory?.(settingsFor(kit.id), env)).toThrow(
        new RegExp(`^${kit.id}: Missing ${kit.requiredVariable}\\b`),
      );
    });

    it('prefixes the API error with the provider', async () => {
      service = await kit.start();
      kit.breakCredentials(service.env);
      const provider = CLOUD_DNS_PROVIDERS[kit.id]?.(settingsFor(kit.id), service.env);

      const attempt = provider?.present({ name: CHALLENGE_NAME, value: APEX_VALUE });

      await expect(attempt).rejects.toThrow(new RegExp(`^${kit.id}: `));
      await expect(attempt).rejects.toThrow(kit.errorMessage);
    });
  });
}
