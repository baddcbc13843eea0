import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRoute53Provider } from '../../src/dns/providers/route53/index.js';
import { signV4 } from '../../src/dns/providers/route53/sigv4.js';
import {
  CHALLENGE_NAME,
  describeProviderContract,
  FOREIGN_VALUE,
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

const SECRETS: Record<string, string> = {
  AKIAROUTE53EXAMPLE: 'route53/secret/EXAMPLEKEY',
  ASIAFEDERATEDEXAMPLE: 'federated/secret/EXAMPLEKEY',
};
const ZONES: Record<string, string> = {
  Z1EXAMPLECOM: 'example.com',
  Z3SUBEXAMPLE: LONGEST_ZONE,
  Z4EXAMPLEORG: 'example.org',
};

/** Checks the SigV4 Authorization header by signing the received request again with the known secret. */
function signatureProblem(request: ReceivedRequest): string | undefined {
  const authorization = String(request.headers.authorization ?? '');
  const match =
    /^AWS4-HMAC-SHA256 Credential=(\w+)\/(\d{8})\/([\w-]+)\/([\w-]+)\/aws4_request, SignedHeaders=([\w;-]+), Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (!match) return `malformed Authorization '${authorization}'`;
  const [, keyId = '', , region, service, signedHeaders = ''] = match;
  const secret = SECRETS[keyId];
  if (!secret) return `unknown access key ${keyId}`;
  if (region !== 'us-east-1' || service !== 'route53')
    return `scope ${region}/${service}, expected us-east-1/route53`;

  const headers: Record<string, string> = {};
  for (const name of signedHeaders.split(';')) {
    if (!['host', 'x-amz-date', 'x-amz-security-token'].includes(name))
      headers[name] = String(request.headers[name] ?? '');
  }
  const stamp = String(request.headers['x-amz-date'] ?? '');
  const date = new Date(
    `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`,
  );
  const sessionToken = request.headers['x-amz-security-token'] as string | undefined;
  const expected = signV4(
    {
      method: request.method,
      url: `http://${request.headers.host}${request.path}`,
      headers,
      body: request.body,
    },
    { accessKeyId: keyId, secretAccessKey: secret, sessionToken },
    { region: 'us-east-1', service: 'route53', date },
  ).authorization;
  return expected === authorization ? undefined : 'signature mismatch';
}

function rrsetXml(name: string, ttl: number, values: string[]): string {
  const records = values
    .map((v) => `<ResourceRecord><Value>${v.replace(/&/g, '&amp;')}</Value></ResourceRecord>`)
    .join('');
  return `<ResourceRecordSet><Name>${name}</Name><Type>TXT</Type><TTL>${ttl}</TTL><ResourceRecords>${records}</ResourceRecords></ResourceRecordSet>`;
}

const quote = (value: string): string => `"${value}"`;
const unquote = (value: string): string => value.replace(/^"|"$/g, '');

interface Route53Fake extends FakeService {
  /** When true, the next zone listing is rejected with Throttling once. */
  throttleOnce?: boolean;
  /** Value that another writer adds to the set just before the next change batch is applied. */
  racerValue?: string;
}

/** Fake of the Route 53 REST API that applies change batches atomically, as Route 53 does. */
async function startRoute53(): Promise<Route53Fake> {
  const data = new FakeZoneData();
  const authFailures: string[] = [];
  const fake = { racerValue: undefined } as { racerValue?: string; throttleOnce?: boolean };

  const applyChanges = (zone: string, body: string): FakeReply => {
    const changes = [...body.matchAll(/<Change><Action>(\w+)<\/Action>([\s\S]*?)<\/Change>/g)].map(
      (m) => ({
        action: m[1],
        name: /<Name>(.*?)<\/Name>/.exec(m[2] ?? '')?.[1] ?? '',
        ttl: Number(/<TTL>(\d+)<\/TTL>/.exec(m[2] ?? '')?.[1]),
        values: [...(m[2] ?? '').matchAll(/<Value>(.*?)<\/Value>/g)].map((v) =>
          (v[1] ?? '').replace(/&quot;/g, '"'),
        ),
      }),
    );
    const invalid = (message: string): FakeReply => {
      const reply = fixture('route53', 'invalid-change-batch');
      return { ...reply, body: String(reply.body).replace('{{message}}', message) };
    };
    for (const change of changes) {
      const name = change.name.replace(/\.$/, '');
      const current = data.values(zone, name).map(quote);
      if (change.action === 'DELETE') {
        const same =
          current.length === change.values.length &&
          current.every((v, i) => v === change.values[i]) &&
          data.ttl(zone, name) === change.ttl;
        if (!same)
          return invalid(
            `Tried to delete resource record set [name='${change.name}', type='TXT'] but the values provided do not match the current values`,
          );
        data.replaceSet(zone, name, []);
      } else if (change.action === 'CREATE') {
        if (current.length > 0)
          return invalid(
            `Tried to create resource record set [name='${change.name}', type='TXT'] but it already exists`,
          );
        data.replaceSet(zone, name, change.values.map(unquote), change.ttl);
      }
    }
    return {
      status: 200,
      body: `<?xml version="1.0"?><ChangeResourceRecordSetsResponse><ChangeInfo><Id>/change/C${data.records.length}EXAMPLE</Id><Status>PENDING</Status><SubmittedAt>2026-12-04T20:00:00Z</SubmittedAt></ChangeInfo></ChangeResourceRecordSetsResponse>`,
    };
  };

  const handle = (request: ReceivedRequest): FakeReply => {
    if (request.url.pathname === '/sts/') {
      const form = new URLSearchParams(request.body);
      expect(form.get('Action')).toBe('AssumeRoleWithWebIdentity');
      expect(form.get('RoleArn')).toBe('arn:aws:iam::123456789012:role/acme-dns');
      expect(form.get('WebIdentityToken')).toBe('github-oidc-jwt-for-tests');
      return fixture('route53', 'assume-role-with-web-identity');
    }
    const problem = signatureProblem(request);
    if (problem) {
      authFailures.push(`${request.method} ${request.path}: ${problem}`);
      return fixture('route53', 'invalid-client-token');
    }

    const path = request.url.pathname;
    if (path === '/2013-04-01/hostedzone' && fake.throttleOnce) {
      fake.throttleOnce = false;
      return fixture('route53', 'throttling');
    }
    if (path === '/2013-04-01/hostedzone') {
      return fixture(
        'route53',
        request.url.searchParams.get('marker') === 'Z3SUBEXAMPLE'
          ? 'hosted-zones-page-2'
          : 'hosted-zones-page-1',
      );
    }
    if (path.startsWith('/2013-04-01/change/')) {
      return {
        status: 200,
        body: `<GetChangeResponse><ChangeInfo><Id>${path.slice(12)}</Id><Status>INSYNC</Status></ChangeInfo></GetChangeResponse>`,
      };
    }
    const match = /^\/2013-04-01\/hostedzone\/(\w+)\/rrset\/?$/.exec(path);
    const zone = ZONES[match?.[1] ?? ''];
    if (!zone)
      return {
        status: 404,
        body: '<ErrorResponse><Error><Code>NoSuchHostedZone</Code><Message>No hosted zone found</Message></Error></ErrorResponse>',
      };

    if (request.method === 'GET') {
      const name = (request.url.searchParams.get('name') ?? '').replace(/\.$/, '');
      const values = data.values(zone, name);
      // Route 53 lists from the requested name onward, so a missing set shows the next one.
      const set =
        values.length > 0
          ? rrsetXml(`${name}.`, data.ttl(zone, name) ?? 60, values.map(quote))
          : rrsetXml(`zz.${zone}.`, 300, ['"v=spf1 -all"']);
      return {
        status: 200,
        body: `<ListResourceRecordSetsResponse><ResourceRecordSets>${set}</ResourceRecordSets><IsTruncated>true</IsTruncated><MaxItems>1</MaxItems></ListResourceRecordSetsResponse>`,
      };
    }
    expect(request.headers['content-type']).toBe('application/xml');
    if (fake.racerValue) {
      const name = CHALLENGE_NAME;
      data.replaceSet(
        zone,
        name,
        [...data.values(zone, name), fake.racerValue],
        data.ttl(zone, name),
      );
      fake.racerValue = undefined;
    }
    return applyChanges(zone, request.body);
  };

  const server = await startFakeServer(handle);
  return Object.assign(fake, {
    env: {
      AWS_ACCESS_KEY_ID: 'AKIAROUTE53EXAMPLE',
      AWS_SECRET_ACCESS_KEY: SECRETS.AKIAROUTE53EXAMPLE,
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_ROUTE_53: server.url,
    },
    data,
    requests: server.requests,
    authFailures,
    close: server.close,
  });
}

describeProviderContract({
  id: 'route53',
  start: startRoute53,
  requiredVariable: 'AWS_ACCESS_KEY_ID',
  breakCredentials: (env) => {
    env.AWS_ACCESS_KEY_ID = 'AKIAREVOKEDEXAMPLE';
  },
  errorMessage: /InvalidClientTokenId: The security token included in the request is invalid/,
  zoneListRequests: (requests) =>
    requests.filter((r) => r.url.pathname === '/2013-04-01/hostedzone').length,
});

describe('route53 signature', () => {
  // Vectors of the AWS Signature Version 4 test suite: credentials AKIDEXAMPLE /
  // wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, time 20150830T123600Z, scope us-east-1/service.
  const credentials = {
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  };
  const scope = { region: 'us-east-1', service: 'service', date: new Date('2015-08-30T12:36:00Z') };
  const cases = [
    [
      'get-vanilla',
      'GET',
      'https://example.amazonaws.com/',
      '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    ],
    [
      'post-vanilla',
      'POST',
      'https://example.amazonaws.com/',
      '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b',
    ],
    [
      'get-vanilla-empty-query-key',
      'GET',
      'https://example.amazonaws.com/?Param1=value1',
      'a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb',
    ],
  ] as const;

  for (const [name, method, url, signature] of cases) {
    it(`matches the ${name} vector`, () => {
      const headers = signV4({ method, url, headers: {}, body: '' }, credentials, scope);

      expect(headers.authorization).toBe(
        `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`,
      );
    });
  }
});

describe('route53 record sets', () => {
  it('retries after another writer changed the set', async () => {
    const fake = await startRoute53();
    try {
      fake.data.add(LONGEST_ZONE, CHALLENGE_NAME, FOREIGN_VALUE);
      const provider = createRoute53Provider({ provider: 'route53', options: {} }, fake.env);
      fake.racerValue = 'written-by-another-job';

      await provider.present({ name: CHALLENGE_NAME, value: 'our-token' });

      expect(fake.data.values(LONGEST_ZONE, CHALLENGE_NAME).sort()).toEqual(
        [FOREIGN_VALUE, 'our-token', 'written-by-another-job'].sort(),
      );
    } finally {
      await fake.close();
    }
  });

  it('deletes the set when the last value goes', async () => {
    const fake = await startRoute53();
    try {
      const provider = createRoute53Provider({ provider: 'route53', options: {} }, fake.env);
      await provider.present({ name: CHALLENGE_NAME, value: 'only-token' });

      await provider.cleanUp({ name: CHALLENGE_NAME, value: 'only-token' });

      expect(fake.data.values(LONGEST_ZONE, CHALLENGE_NAME)).toEqual([]);
      const batches = fake.requests
        .filter((r) => r.method === 'POST')
        .map((r) => [...r.body.matchAll(/<Action>(\w+)</g)].map((m) => m[1]));
      expect(batches).toEqual([['CREATE'], ['DELETE']]);
    } finally {
      await fake.close();
    }
  });

  it('uses AWS_HOSTED_ZONE_ID without listing zones', async () => {
    const fake = await startRoute53();
    try {
      const provider = createRoute53Provider(
        { provider: 'route53', options: {} },
        { ...fake.env, AWS_HOSTED_ZONE_ID: '/hostedzone/Z3SUBEXAMPLE' },
      );

      await provider.present({ name: CHALLENGE_NAME, value: 'pinned-zone-token' });

      expect(fake.requests.some((r) => r.url.pathname === '/2013-04-01/hostedzone')).toBe(false);
      expect(fake.data.values(LONGEST_ZONE, CHALLENGE_NAME)).toEqual(['pinned-zone-token']);
    } finally {
      await fake.close();
    }
  });

  it('assumes a role with a web identity token', async () => {
    const fake = await startRoute53();
    try {
      const tokenFile = join(mkdtempSync(join(tmpdir(), 'route53-')), 'token');
      writeFileSync(tokenFile, 'github-oidc-jwt-for-tests\n');
      const env = {
        AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/acme-dns',
        AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
        AWS_ENDPOINT_URL_STS: `${fake.env.AWS_ENDPOINT_URL_ROUTE_53}/sts/`,
        AWS_ENDPOINT_URL_ROUTE_53: fake.env.AWS_ENDPOINT_URL_ROUTE_53,
      };
      const provider = createRoute53Provider({ provider: 'route53', options: {} }, env);

      await provider.present({ name: CHALLENGE_NAME, value: 'federated-token' });

      expect(fake.authFailures).toEqual([]);
      const signed = fake.requests.filter((r) => r.url.pathname !== '/sts/');
      expect(
        signed.every((r) => r.headers['x-amz-security-token'] === 'FwoGZXIvYXdzEXAMPLESESSION'),
      ).toBe(true);
      expect(fake.data.values(LONGEST_ZONE, CHALLENGE_NAME)).toEqual(['federated-token']);
    } finally {
      await fake.close();
    }
  });

  it('retries a throttled call', async () => {
    const fake = await startRoute53();
    try {
      fake.throttleOnce = true;
      const provider = createRoute53Provider({ provider: 'route53', options: {} }, fake.env);

      await provider.present({ name: CHALLENGE_NAME, value: 'after-throttling' });

      const listings = fake.requests.filter((r) => r.url.pathname === '/2013-04-01/hostedzone');
      expect(listings).toHaveLength(3);
      expect(fake.data.values(LONGEST_ZONE, CHALLENGE_NAME)).toEqual(['after-throttling']);
    } finally {
      await fake.close();
    }
  });
});
