import { describe, expect, it } from 'vitest';
import { createTencentProvider } from '../../src/dns/providers/tencentcloud/index.js';
import { signTc3 } from '../../src/dns/providers/tencentcloud/signature.js';
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

const SECRETS: Record<string, string> = { AKIDTENCENTEXAMPLE: 'tencent-secret-EXAMPLE' };

/** Fake of the DNSPod API 2021-03-23 that checks every TC3-HMAC-SHA256 signature. */
async function startTencent(): Promise<FakeService> {
  const data = new FakeZoneData();
  const authFailures: string[] = [];

  const handle = (request: ReceivedRequest): FakeReply => {
    expect(request.method).toBe('POST');
    expect(request.headers['x-tc-version']).toBe('2021-03-23');
    const authorization = String(request.headers.authorization ?? '');
    const secretId = /Credential=(\w+)\//.exec(authorization)?.[1] ?? '';
    const secret = SECRETS[secretId];
    const expected = secret
      ? signTc3(
          {
            host: String(request.headers.host),
            service: 'dnspod',
            payload: request.body,
            contentType: String(request.headers['content-type']),
            timestamp: Number(request.headers['x-tc-timestamp']),
          },
          secretId,
          secret,
        )
      : undefined;
    if (authorization !== expected) {
      if (secret) authFailures.push(`${request.headers['x-tc-action']}: signature mismatch`);
      return fixture('tencentcloud', 'signature-failure');
    }

    const body = JSON.parse(request.body) as Record<string, string | number>;
    const ok = (response: object): FakeReply => ({
      status: 200,
      body: { Response: { ...response, RequestId: 'req-1' } },
    });
    switch (request.headers['x-tc-action']) {
      case 'DescribeDomainList':
        return fixture('tencentcloud', body.Offset === 0 ? 'domains-page-1' : 'domains-page-2');
      case 'CreateRecord': {
        expect(body).toMatchObject({ RecordType: 'TXT', RecordLine: '默认' });
        const name =
          body.SubDomain === '@' ? String(body.Domain) : `${body.SubDomain}.${body.Domain}`;
        if (data.values(String(body.Domain), name).includes(String(body.Value))) {
          return ok({
            Error: { Code: 'InvalidParameter.DomainRecordExist', Message: '记录已经存在。' },
          });
        }
        return ok({ RecordId: Number(data.add(String(body.Domain), name, String(body.Value))) });
      }
      case 'DeleteRecord':
        if (!data.removeById(String(body.RecordId)))
          return ok({
            Error: { Code: 'InvalidParameter.RecordIdInvalid', Message: 'Record id invalid.' },
          });
        return ok({});
      case 'DescribeRecordList': {
        const name = `${body.Subdomain}.${body.Domain}`;
        const list = data.records
          .filter((r) => r.zone === body.Domain && r.name === name)
          .map((r) => ({
            RecordId: Number(r.id),
            Name: body.Subdomain,
            Type: 'TXT',
            Value: r.value,
            Line: '默认',
            TTL: 600,
          }));
        if (list.length === 0) return fixture('tencentcloud', 'no-data-of-record');
        return ok({
          RecordCountInfo: {
            SubdomainCount: list.length,
            ListCount: list.length,
            TotalCount: list.length,
          },
          RecordList: list,
        });
      }
      default:
        return ok({ Error: { Code: 'InvalidAction', Message: 'unknown action' } });
    }
  };

  const server = await startFakeServer(handle);
  return {
    env: {
      TENCENTCLOUD_SECRET_ID: 'AKIDTENCENTEXAMPLE',
      TENCENTCLOUD_SECRET_KEY: SECRETS.AKIDTENCENTEXAMPLE,
      TENCENTCLOUD_REGION: 'ap-guangzhou',
      TENCENTCLOUD_API_BASE_URL: `${server.url}/`,
    },
    data,
    requests: server.requests,
    authFailures,
    close: server.close,
  };
}

describeProviderContract({
  id: 'tencentcloud',
  start: startTencent,
  requiredVariable: 'TENCENTCLOUD_SECRET_ID',
  breakCredentials: (env) => {
    env.TENCENTCLOUD_SECRET_ID = 'AKIDREVOKED';
  },
  errorMessage: /AuthFailure\.SignatureFailure: The provided credentials could not be validated/,
  zoneListRequests: (requests) =>
    requests.filter((r) => r.headers['x-tc-action'] === 'DescribeDomainList').length,
});

describe('tencentcloud signature', () => {
  it('signs the example request of the signature v3 guide', () => {
    // Inputs of the CVM DescribeInstances example in Tencent Cloud's "Signature v3" guide.
    // NOTE: this implementation computed the expected value. The copy of the guide
    // available here masks the example key, so the value is not checked against it.
    const authorization = signTc3(
      {
        host: 'cvm.tencentcloudapi.com',
        service: 'cvm',
        payload:
          '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
        contentType: 'application/json; charset=utf-8',
        timestamp: 1551113065,
      },
      'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
      'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
    );

    expect(authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, ' +
        'SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
    );
  });
});

describe('tencentcloud records', () => {
  it('sends the relative SubDomain and the domain', async () => {
    const fake = await startTencent();
    try {
      const provider = createTencentProvider({ provider: 'tencentcloud', options: {} }, fake.env);

      await provider.present({ name: `${CHALLENGE_NAME}.`, value: 'split-name-token' });

      const create = fake.requests.find((r) => r.headers['x-tc-action'] === 'CreateRecord');
      expect(JSON.parse(create?.body ?? '{}')).toMatchObject({
        Domain: LONGEST_ZONE,
        SubDomain: '_acme-challenge.www',
      });
    } finally {
      await fake.close();
    }
  });

  it('cleans up by value after a restart', async () => {
    const fake = await startTencent();
    try {
      fake.data.add(LONGEST_ZONE, CHALLENGE_NAME, 'left-by-crashed-run');
      fake.data.add(LONGEST_ZONE, CHALLENGE_NAME, 'someone-elses-value');
      const provider = createTencentProvider({ provider: 'tencentcloud', options: {} }, fake.env);

      await provider.cleanUp({ name: CHALLENGE_NAME, value: 'left-by-crashed-run' });
      await provider.cleanUp({
        name: '_acme-challenge.none.sub.example.com',
        value: 'never-presented',
      });

      expect(fake.data.values(LONGEST_ZONE, CHALLENGE_NAME)).toEqual(['someone-elses-value']);
    } finally {
      await fake.close();
    }
  });

  it('accepts a value that already exists', async () => {
    const fake = await startTencent();
    try {
      fake.data.add(LONGEST_ZONE, CHALLENGE_NAME, 'left-by-crashed-run');
      const provider = createTencentProvider({ provider: 'tencentcloud', options: {} }, fake.env);

      await provider.present({ name: CHALLENGE_NAME, value: 'left-by-crashed-run' });
      await provider.cleanUp({ name: CHALLENGE_NAME, value: 'left-by-crashed-run' });

      expect(fake.data.values(LONGEST_ZONE, CHALLENGE_NAME)).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});
