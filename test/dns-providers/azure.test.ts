import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAzureProvider } from '../../src/dns/providers/azure/index.js';
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

const TENANT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const CLIENT_SECRET = 'azure-client-secret-EXAMPLE';
const FEDERATED_TOKEN = 'federated-jwt-for-tests';
const ACCESS_TOKEN = 'azure-arm-access-token';
const SUBSCRIPTION = '00000000-1111-2222-3333-444444444444';
const ZONE_PREFIX = `/subscriptions/${SUBSCRIPTION}/resourceGroups/dns-rg/providers/Microsoft.Network/dnszones`;

interface AzureFake extends FakeService {
  racerValue?: string;
}

/** Checks the client credentials grant: a secret, or a federated token as client assertion. */
function tokenProblem(form: URLSearchParams): string | undefined {
  if (form.get('client_id') !== CLIENT_ID || form.get('grant_type') !== 'client_credentials')
    return 'wrong client or grant';
  if (form.get('scope') !== 'https://management.azure.com/.default') return 'wrong scope';
  if (form.get('client_secret') === CLIENT_SECRET) return undefined;
  const assertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
  if (
    form.get('client_assertion_type') === assertionType &&
    form.get('client_assertion') === FEDERATED_TOKEN
  )
    return undefined;
  return 'wrong client proof';
}

/** Fake of Microsoft Entra ID's token endpoint and Azure DNS record sets with etags. */
async function startAzure(): Promise<AzureFake> {
  const data = new FakeZoneData();
  const authFailures: string[] = [];
  const fake: { racerValue?: string } = {};
  const etags = new Map<string, number>();
  let baseUrl = '';

  const etagOf = (name: string): string => `"etag-${etags.get(name) ?? 0}"`;
  const bump = (name: string): void => void etags.set(name, (etags.get(name) ?? 0) + 1);
  const resource = (zone: string, name: string) => ({
    id: `${ZONE_PREFIX}/${zone}/TXT/${name.slice(0, -zone.length - 1)}`,
    name: name.slice(0, -zone.length - 1),
    type: 'Microsoft.Network/dnszones/TXT',
    etag: etagOf(name),
    properties: {
      fqdn: `${name}.`,
      TTL: data.ttl(zone, name),
      TXTRecords: data.values(zone, name).map((v) => ({ value: [v] })),
    },
  });

  const handle = (request: ReceivedRequest): FakeReply => {
    if (request.url.pathname === `/${TENANT}/oauth2/v2.0/token`) {
      const problem = tokenProblem(new URLSearchParams(request.body));
      if (problem) return fixture('azure', 'invalid-client-secret');
      return {
        status: 200,
        body: {
          token_type: 'Bearer',
          expires_in: 3599,
          ext_expires_in: 3599,
          access_token: ACCESS_TOKEN,
        },
      };
    }
    if (request.headers.authorization !== `Bearer ${ACCESS_TOKEN}`) {
      authFailures.push(`${request.method} ${request.path}`);
      return {
        status: 401,
        body: { error: { code: 'AuthenticationFailed', message: 'Authentication failed.' } },
      };
    }
    expect(request.url.searchParams.get('api-version')).toBe('2018-05-01');
    // Azure Resource Manager paths are case-insensitive. Clients send dnsZones, and resource ids spell it dnszones.
    if (request.url.pathname.toLowerCase() === ZONE_PREFIX.toLowerCase()) {
      return fixture(
        'azure',
        request.url.searchParams.get('$skipToken') === 'page-2' ? 'zones-page-2' : 'zones-page-1',
        baseUrl,
      );
    }
    const match = new RegExp(`^${ZONE_PREFIX}/([\\w.-]+)/TXT/([\\w.@-]+)$`, 'i').exec(
      request.url.pathname,
    );
    if (!match)
      return {
        status: 404,
        body: { error: { code: 'NotFound', message: `no route ${request.url.pathname}` } },
      };
    const zone = match[1] ?? '';
    const name = `${decodeURIComponent(match[2] ?? '')}.${zone}`;
    const exists = data.values(zone, name).length > 0;

    if (request.method === 'GET')
      return exists
        ? { status: 200, body: resource(zone, name) }
        : fixture('azure', 'record-set-not-found');

    if (fake.racerValue) {
      data.replaceSet(
        zone,
        name,
        [...data.values(zone, name), fake.racerValue],
        data.ttl(zone, name),
      );
      bump(name);
      fake.racerValue = undefined;
    }
    const ifMatch = request.headers['if-match'];
    const ifNoneMatch = request.headers['if-none-match'];
    const guardHolds =
      ifMatch !== undefined ? exists && ifMatch === etagOf(name) : ifNoneMatch === '*' && !exists;
    if (!guardHolds) return fixture('azure', 'precondition-failed');

    bump(name);
    if (request.method === 'DELETE') {
      data.replaceSet(zone, name, []);
      return { status: 200 };
    }
    const body = JSON.parse(request.body) as {
      properties: { TTL: number; TXTRecords: { value: string[] }[] };
    };
    data.replaceSet(
      zone,
      name,
      body.properties.TXTRecords.map((r) => r.value.join('')),
      body.properties.TTL,
    );
    return { status: exists ? 200 : 201, body: resource(zone, name) };
  };

  const server = await startFakeServer(handle);
  baseUrl = server.url;
  return Object.assign(fake, {
    env: {
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: CLIENT_ID,
      AZURE_CLIENT_SECRET: CLIENT_SECRET,
      AZURE_SUBSCRIPTION_ID: SUBSCRIPTION,
      AZURE_RESOURCE_GROUP: 'dns-rg',
      AZURE_AUTHORITY_HOST: server.url,
      AZURE_API_BASE_URL: server.url,
    },
    data,
    requests: server.requests,
    authFailures,
    close: server.close,
  });
}

describeProviderContract({
  id: 'azure',
  start: startAzure,
  requiredVariable: 'AZURE_SUBSCRIPTION_ID',
  breakCredentials: (env) => {
    env.AZURE_CLIENT_SECRET = 'expired-secret';
  },
  errorMessage: /invalid_client: AADSTS7000215: Invalid client secret provided/,
  zoneListRequests: (requests) =>
    requests.filter((r) => r.url.pathname.toLowerCase() === ZONE_PREFIX.toLowerCase()).length,
});

describe('azure record sets', () => {
  it('retries after another writer changed the set', async () => {
    const fake = await startAzure();
    try {
      fake.data.add(LONGEST_ZONE, CHALLENGE_NAME, FOREIGN_VALUE);
      const provider = createAzureProvider({ provider: 'azure', options: {} }, fake.env);
      fake.racerValue = 'written-by-another-job';

      await provider.present({ name: CHALLENGE_NAME, value: 'our-token' });

      expect(fake.data.values(LONGEST_ZONE, CHALLENGE_NAME).sort()).toEqual(
        [FOREIGN_VALUE, 'our-token', 'written-by-another-job'].sort(),
      );
      const guarded = fake.requests
        .filter((r) => r.method === 'PUT')
        .every((r) => r.headers['if-match'] ?? r.headers['if-none-match']);
      expect(guarded).toBe(true);
    } finally {
      await fake.close();
    }
  });

  it('signs in with a federated token file', async () => {
    const fake = await startAzure();
    try {
      const tokenFile = join(mkdtempSync(join(tmpdir(), 'azure-')), 'token');
      writeFileSync(tokenFile, `${FEDERATED_TOKEN}\n`);
      const env: NodeJS.ProcessEnv = { ...fake.env, AZURE_FEDERATED_TOKEN_FILE: tokenFile };
      delete env.AZURE_CLIENT_SECRET;
      const provider = createAzureProvider({ provider: 'azure', options: {} }, env);

      await provider.present({ name: CHALLENGE_NAME, value: 'federated-token-value' });

      expect(fake.authFailures).toEqual([]);
      expect(fake.data.values(LONGEST_ZONE, CHALLENGE_NAME)).toEqual(['federated-token-value']);
    } finally {
      await fake.close();
    }
  });

  it('names the missing client secret', async () => {
    const env = {
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: CLIENT_ID,
      AZURE_SUBSCRIPTION_ID: SUBSCRIPTION,
    };

    expect(() => createAzureProvider({ provider: 'azure', options: {} }, env)).toThrow(
      /^azure: Missing AZURE_CLIENT_SECRET\b.*AZURE_FEDERATED_TOKEN_FILE/,
    );
  });

  it('splits values longer than 255 bytes', async () => {
    const fake = await startAzure();
    try {
      const provider = createAzureProvider({ provider: 'azure', options: {} }, fake.env);
      const long = 'x'.repeat(300);

      await provider.present({ name: CHALLENGE_NAME, value: long });

      const put = fake.requests.find((r) => r.method === 'PUT');
      const body = JSON.parse(put?.body ?? '{}') as {
        properties: { TXTRecords: { value: string[] }[] };
      };
      expect(body.properties.TXTRecords[0]?.value.map((chunk) => chunk.length)).toEqual([255, 45]);
      expect(fake.data.values(LONGEST_ZONE, CHALLENGE_NAME)).toEqual([long]);
    } finally {
      await fake.close();
    }
  });
});
