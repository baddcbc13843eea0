import { describe, expect, it } from 'vitest';
import { createAlidnsProvider } from '../../src/dns/providers/alidns/index.js';
import { signRpc } from '../../src/dns/providers/alidns/signature.js';
import {
  CHALLENGE_NAME,
  describeProviderContract,
  LONGEST_ZONE,
  type FakeService,
} from './contract.js';
import {
  FakeZoneData,
  fixture,
  startFakeServer,
  type FakeReply,
  type ReceivedRequest,
} from './harness.js';

const SECRETS: Record<string, string> = { LTAI5tEXAMPLEKEYID: 'alidns-secret-EXAMPLE' };

/** Fake of Alibaba Cloud DNS (API 2015-01-09) that checks every RPC signature. */
async function startAlidns(): Promise<FakeService> {
  const data = new FakeZoneData();
  const authFailures: string[] = [];

  const handle = (request: ReceivedRequest): FakeReply => {
    expect(request.method).toBe('GET');
    const parameters = Object.fromEntries(request.url.searchParams);
    const { Signature: signature, ...signed } = parameters;
    const secret = SECRETS[signed.AccessKeyId ?? ''];
    if (!secret) return fixture('alidns', 'invalid-access-key');
    if (signature !== signRpc('GET', signed, secret)) {
      authFailures.push(`${signed.Action}: signature mismatch`);
      return {
        status: 400,
        body: {
          Code: 'SignatureDoesNotMatch',
          Message: 'Specified signature is not matched with our calculation.',
        },
      };
    }
    expect(signed).toMatchObject({
      Format: 'JSON',
      Version: '2015-01-09',
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
    });
    expect(signed.Timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const fullName = (): string =>
      signed.RR === '@' ? `${signed.DomainName}` : `${signed.RR}.${signed.DomainName}`;
    switch (signed.Action) {
      case 'DescribeDomains':
        return fixture('alidns', `domains-page-${signed.PageNumber}`);
      case 'AddDomainRecord': {
        expect(signed.Type).toBe('TXT');
        const id = data.add(signed.DomainName ?? '', fullName(), signed.Value ?? '');
        return {
          status: 200,
          body: { RequestId: 'F4C5D6E7-0000-4000-8000-000000000001', RecordId: id },
        };
      }
      case 'DeleteDomainRecord':
        if (!data.removeById(signed.RecordId ?? ''))
          return {
            status: 400,
            body: {
              Code: 'DomainRecordNotBelongToUser',
              Message: 'The DNS record does not belong to you.',
            },
          };
        return {
          status: 200,
          body: { RequestId: 'F4C5D6E7-0000-4000-8000-000000000002', RecordId: signed.RecordId },
        };
      case 'DescribeDomainRecords': {
        const records = data.records
          .filter((r) => r.zone === signed.DomainName && r.name.includes(signed.RRKeyWord ?? ''))
          .map((r) => ({
            RecordId: r.id,
            RR: r.name === r.zone ? '@' : r.name.slice(0, -r.zone.length - 1),
            Type: 'TXT',
            Value: r.value,
            DomainName: r.zone,
          }));
        return {
          status: 200,
          body: {
            TotalCount: records.length,
            PageNumber: 1,
            PageSize: 500,
            DomainRecords: { Record: records },
          },
        };
      }
      default:
        return {
          status: 400,
          body: { Code: 'InvalidAction', Message: `unknown action ${signed.Action}` },
        };
    }
  };

  const server = await startFakeServer(handle);
  return {
    env: {
      ALICLOUD_ACCESS_KEY: 'LTAI5tEXAMPLEKEYID',
      ALICLOUD_SECRET_KEY: SECRETS.LTAI5tEXAMPLEKEYID,
      ALICLOUD_REGION_ID: 'cn-hangzhou',
      ALICLOUD_API_BASE_URL: `${server.url}/`,
    },
    data,
    requests: server.requests,
    authFailures,
    close: server.close,
  };
}

describeProviderContract({
  id: 'alidns',
  start: startAlidns,
  requiredVariable: 'ALICLOUD_ACCESS_KEY',
  breakCredentials: (env) => {
    env.ALICLOUD_ACCESS_KEY = 'LTAI5tDELETEDKEY';
  },
  errorMessage: /InvalidAccessKeyId\.NotFound: Specified access key is not found/,
  zoneListRequests: (requests) =>
    requests.filter((r) => r.url.searchParams.get('Action') === 'DescribeDomains').length,
});

describe('alidns signature', () => {
  it('matches the documented example', () => {
    // Example request of Alibaba Cloud's RPC signature documentation (DescribeRegions, secret "testsecret").
    const parameters = {
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      Format: 'XML',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      SignatureVersion: '1.0',
      Timestamp: '2016-02-23T12:46:24Z',
      Version: '2014-05-26',
    };

    expect(signRpc('GET', parameters, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });
});

describe('alidns records', () => {
  it('sends the relative RR and the domain', async () => {
    const fake = await startAlidns();
    try {
      const provider = createAlidnsProvider({ provider: 'alidns', options: {} }, fake.env);

      await provider.present({ name: `${CHALLENGE_NAME}.`, value: 'split-name-token' });

      const add = fake.requests.find((r) => r.url.searchParams.get('Action') === 'AddDomainRecord');
      expect(add?.url.searchParams.get('DomainName')).toBe(LONGEST_ZONE);
      expect(add?.url.searchParams.get('RR')).toBe('_acme-challenge.www');
    } finally {
      await fake.close();
    }
  });

  it('cleans up by value after a restart', async () => {
    const fake = await startAlidns();
    try {
      fake.data.add(LONGEST_ZONE, CHALLENGE_NAME, 'left-by-crashed-run');
      fake.data.add(LONGEST_ZONE, CHALLENGE_NAME, 'someone-elses-value');
      const provider = createAlidnsProvider({ provider: 'alidns', options: {} }, fake.env);

      await provider.cleanUp({ name: CHALLENGE_NAME, value: 'left-by-crashed-run' });

      expect(fake.data.values(LONGEST_ZONE, CHALLENGE_NAME)).toEqual(['someone-elses-value']);
    } finally {
      await fake.close();
    }
  });
});
