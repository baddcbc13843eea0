import { createVerify, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGcloudProvider } from '../../src/dns/providers/gcloud/index.js';
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

const PROJECT = 'acme-dns-project';
const ACCESS_TOKEN = 'ya29.test-access-token';
const FEDERATED_TOKEN = 'federated-sts-token';
const CLIENT_EMAIL = 'acme-dns@acme-dns-project.iam.gserviceaccount.com';
const ZONES: Record<string, string> = {
  'example-com': 'example.com',
  'sub-example-com': LONGEST_ZONE,
  'example-org': 'example.org',
};
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });

interface GcloudFake extends FakeService {
  racerValue?: string;
}

/** Checks the JWT bearer assertion of a token request against the test key. */
function assertionProblem(form: URLSearchParams, tokenUrl: string): string | undefined {
  if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer')
    return 'wrong grant_type';
  const [header = '', claims = '', signature = ''] = (form.get('assertion') ?? '').split('.');
  const verifier = createVerify('RSA-SHA256').update(`${header}.${claims}`);
  if (!verifier.verify(keys.publicKey, Buffer.from(signature, 'base64url'))) return 'bad signature';
  const payload = JSON.parse(Buffer.from(claims, 'base64url').toString()) as Record<
    string,
    unknown
  >;
  if (payload.iss !== CLIENT_EMAIL || payload.aud !== tokenUrl) return 'wrong iss or aud';
  if (payload.scope !== 'https://www.googleapis.com/auth/ndev.clouddns.readwrite')
    return 'wrong scope';
  return undefined;
}

/** Fake of the OAuth token endpoint and Cloud DNS v1 with record sets changed through `changes.create`. */
async function startGcloud(): Promise<GcloudFake> {
  const data = new FakeZoneData();
  const authFailures: string[] = [];
  const fake: { racerValue?: string } = {};
  let baseUrl = '';

  const rrset = (zone: string, name: string) => {
    const values = data.values(zone, name);
    return values.length === 0
      ? undefined
      : {
          kind: 'dns#resourceRecordSet',
          name: `${name}.`,
          type: 'TXT',
          ttl: data.ttl(zone, name),
          rrdatas: values.map((v) => `"${v}"`),
        };
  };

  const handle = (request: ReceivedRequest): FakeReply => {
    if (request.url.pathname === '/token') {
      const problem = assertionProblem(new URLSearchParams(request.body), `${baseUrl}/token`);
      if (problem) {
        authFailures.push(`token: ${problem}`);
        return fixture('gcloud', 'invalid-grant');
      }
      return {
        status: 200,
        body: { access_token: ACCESS_TOKEN, expires_in: 3599, token_type: 'Bearer' },
      };
    }
    if (request.url.pathname === '/sts/v1/token') {
      const form = new URLSearchParams(request.body);
      expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:token-exchange');
      expect(form.get('subject_token_type')).toBe('urn:ietf:params:oauth:token-type:jwt');
      if (form.get('subject_token') !== 'github-oidc-jwt-for-tests')
        return fixture('gcloud', 'invalid-grant');
      return {
        status: 200,
        body: {
          access_token: FEDERATED_TOKEN,
          issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
          token_type: 'Bearer',
          expires_in: 3599,
        },
      };
    }
    if (
      request.url.pathname ===
      `/iamcredentials/v1/projects/-/serviceAccounts/${CLIENT_EMAIL}:generateAccessToken`
    ) {
      expect(request.headers.authorization).toBe(`Bearer ${FEDERATED_TOKEN}`);
      expect(JSON.parse(request.body)).toMatchObject({
        scope: ['https://www.googleapis.com/auth/ndev.clouddns.readwrite'],
      });
      return {
        status: 200,
        body: { accessToken: ACCESS_TOKEN, expireTime: '2099-01-01T00:00:00Z' },
      };
    }
    if (request.headers.authorization !== `Bearer ${ACCESS_TOKEN}`) {
      authFailures.push(`${request.method} ${request.path}`);
      return {
        status: 401,
        body: {
          error: {
            code: 401,
            message: 'Request had invalid authentication credentials.',
            status: 'UNAUTHENTICATED',
          },
        },
      };
    }
    const prefix = `/dns/v1/projects/${PROJECT}/managedZones`;
    if (request.url.pathname === prefix) {
      return fixture(
        'gcloud',
        request.url.searchParams.get('pageToken') === 'page-2-token'
          ? 'managed-zones-page-2'
          : 'managed-zones-page-1',
      );
    }
    const match = new RegExp(`^${prefix}/([\\w-]+)/(rrsets|changes)$`).exec(request.url.pathname);
    const zone = ZONES[match?.[1] ?? ''];
    if (!zone)
      return {
        status: 404,
        body: { error: { code: 404, message: 'The managed zone was not found.' } },
      };

    if (match?.[2] === 'rrsets') {
      expect(request.url.searchParams.get('type')).toBe('TXT');
      const set = rrset(zone, (request.url.searchParams.get('name') ?? '').replace(/\.$/, ''));
      return {
        status: 200,
        body: { kind: 'dns#resourceRecordSetsListResponse', rrsets: set ? [set] : [] },
      };
    }

    type Set = { name: string; ttl: number; rrdatas: string[] };
    const change = JSON.parse(request.body) as { additions: Set[]; deletions: Set[] };
    if (fake.racerValue) {
      data.replaceSet(
        zone,
        CHALLENGE_NAME,
        [...data.values(zone, CHALLENGE_NAME), fake.racerValue],
        data.ttl(zone, CHALLENGE_NAME),
      );
      fake.racerValue = undefined;
    }
    for (const deletion of change.deletions) {
      if (
        JSON.stringify(rrset(zone, deletion.name.replace(/\.$/, ''))) !== JSON.stringify(deletion)
      )
        return fixture('gcloud', 'condition-not-met');
    }
    for (const addition of change.additions) {
      const name = addition.name.replace(/\.$/, '');
      const deleted = change.deletions.some((d) => d.name === addition.name);
      if (rrset(zone, name) && !deleted) return fixture('gcloud', 'already-exists');
    }
    for (const deletion of change.deletions)
      data.replaceSet(zone, deletion.name.replace(/\.$/, ''), []);
    for (const addition of change.additions) {
      data.replaceSet(
        zone,
        addition.name.replace(/\.$/, ''),
        addition.rrdatas.map((v) => v.replace(/^"|"$/g, '')),
        addition.ttl,
      );
    }
    return {
      status: 200,
      body: { kind: 'dns#change', id: String(data.records.length), status: 'done', ...change },
    };
  };

  const server = await startFakeServer(handle);
  baseUrl = server.url;
  const keyFile = join(mkdtempSync(join(tmpdir(), 'gcloud-')), 'service-account.json');
  writeFileSync(
    keyFile,
    JSON.stringify({
      type: 'service_account',
      project_id: PROJECT,
      private_key_id: 'key-1',
      private_key: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }),
      client_email: CLIENT_EMAIL,
      token_uri: `${server.url}/token`,
    }),
  );
  return Object.assign(fake, {
    env: {
      GCE_PROJECT: PROJECT,
      GOOGLE_APPLICATION_CREDENTIALS: keyFile,
      GCE_API_BASE_URL: `${server.url}/dns/v1`,
    },
    data,
    requests: server.requests,
    authFailures,
    close: server.close,
  });
}

describeProviderContract({
  id: 'gcloud',
  start: startGcloud,
  requiredVariable: 'GOOGLE_APPLICATION_CREDENTIALS',
  breakCredentials: (env) => {
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    const file = join(mkdtempSync(join(tmpdir(), 'gcloud-')), 'revoked.json');
    const base = String(env.GCE_API_BASE_URL).replace(/\/dns\/v1$/, '');
    writeFileSync(
      file,
      JSON.stringify({
        type: 'service_account',
        client_email: CLIENT_EMAIL,
        private_key: otherKey,
        token_uri: `${base}/token`,
      }),
    );
    env.GOOGLE_APPLICATION_CREDENTIALS = file;
  },
  errorMessage: /invalid_grant: Invalid JWT Signature/,
  zoneListRequests: (requests) =>
    requests.filter((r) => r.url.pathname.endsWith('/managedZones')).length,
});

describe('gcloud record sets', () => {
  it('retries after another writer changed the set', async () => {
    const fake = await startGcloud();
    try {
      fake.data.add(LONGEST_ZONE, CHALLENGE_NAME, FOREIGN_VALUE);
      const provider = createGcloudProvider({ provider: 'gcloud', options: {} }, fake.env);
      fake.racerValue = 'written-by-another-job';

      await provider.present({ name: CHALLENGE_NAME, value: 'our-token' });

      expect(fake.data.values(LONGEST_ZONE, CHALLENGE_NAME).sort()).toEqual(
        [FOREIGN_VALUE, 'our-token', 'written-by-another-job'].sort(),
      );
    } finally {
      await fake.close();
    }
  });

  it('skips the private zone of the same name', async () => {
    const fake = await startGcloud();
    try {
      const provider = createGcloudProvider({ provider: 'gcloud', options: {} }, fake.env);

      await provider.present({ name: CHALLENGE_NAME, value: 'public-only' });

      expect(fake.requests.some((r) => r.url.pathname.includes('sub-example-com-internal'))).toBe(
        false,
      );
      expect(await provider.authoritativeServers?.({ name: CHALLENGE_NAME, value: '' })).toEqual([
        'ns-cloud-b1.googledomains.com:53',
        'ns-cloud-b2.googledomains.com:53',
      ]);
    } finally {
      await fake.close();
    }
  });

  it('rejects user credentials with advice', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gcloud-')), 'user.json');
    writeFileSync(
      file,
      JSON.stringify({ type: 'authorized_user', client_id: 'x', refresh_token: 'y' }),
    );

    expect(() =>
      createGcloudProvider(
        { provider: 'gcloud', options: {} },
        { GOOGLE_APPLICATION_CREDENTIALS: file, GCE_PROJECT: PROJECT },
      ),
    ).toThrow(/^gcloud: .*type 'authorized_user'.*not supported/);
  });

  it('exchanges a workload identity token', async () => {
    const fake = await startGcloud();
    try {
      const folder = mkdtempSync(join(tmpdir(), 'gcloud-'));
      const tokenFile = join(folder, 'oidc-token');
      writeFileSync(tokenFile, 'github-oidc-jwt-for-tests');
      const server = String(fake.env.GCE_API_BASE_URL).replace(/\/dns\/v1$/, '');
      const configFile = join(folder, 'external-account.json');
      writeFileSync(
        configFile,
        JSON.stringify({
          type: 'external_account',
          audience:
            '//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/github/providers/github',
          subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
          token_url: `${server}/sts/v1/token`,
          service_account_impersonation_url: `${server}/iamcredentials/v1/projects/-/serviceAccounts/${CLIENT_EMAIL}:generateAccessToken`,
          credential_source: { file: tokenFile },
        }),
      );
      const env = { ...fake.env, GOOGLE_APPLICATION_CREDENTIALS: configFile };
      const provider = createGcloudProvider({ provider: 'gcloud', options: {} }, env);

      await provider.present({ name: CHALLENGE_NAME, value: 'workload-identity-token' });

      expect(fake.authFailures).toEqual([]);
      expect(fake.data.values(LONGEST_ZONE, CHALLENGE_NAME)).toEqual(['workload-identity-token']);
    } finally {
      await fake.close();
    }
  });
});
