import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCloudflareProvider } from '../../src/dns/providers/cloudflare.js';
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

const DNS_TOKEN = 'cf-dns-token-for-tests';
const ZONE_TOKEN = 'cf-zone-token-for-tests';
const ZONE_IDS: Record<string, string> = {
  '023e105f4ecef8ad9ca31a8372d0c353': 'example.com',
  '1b4c5e7f9a2d3c4b5a6f7e8d9c0b1a2f': 'example.org',
  '9a7806061c88ada191ed06f989cc3dac': LONGEST_ZONE,
};

/** Fake of Cloudflare API v4 with one record per TXT value. */
async function startCloudflare(): Promise<FakeService> {
  const data = new FakeZoneData();
  const authFailures: string[] = [];

  const handle = (request: ReceivedRequest): FakeReply => {
    const path = request.url.pathname;
    const zoneList = path === '/client/v4/zones';
    const expected = zoneList ? ZONE_TOKEN : DNS_TOKEN;
    if (request.headers.authorization !== `Bearer ${expected}`) {
      authFailures.push(`${request.method} ${request.path}`);
      return fixture('cloudflare', 'invalid-token');
    }
    if (zoneList && request.method === 'GET') {
      expect(request.url.searchParams.get('per_page')).toBe('50');
      return fixture('cloudflare', `zones-page-${request.url.searchParams.get('page')}`);
    }

    const match = /^\/client\/v4\/zones\/([0-9a-f]+)\/dns_records(?:\/(\w+))?$/.exec(path);
    const zone = match ? ZONE_IDS[match[1] ?? ''] : undefined;
    if (!match || !zone)
      return {
        status: 404,
        body: { success: false, errors: [{ code: 7003, message: 'Could not route' }] },
      };

    if (request.method === 'POST') {
      const body = JSON.parse(request.body) as {
        type: string;
        name: string;
        content: string;
        ttl: number;
      };
      expect(request.headers['content-type']).toBe('application/json');
      expect(body.type).toBe('TXT');
      expect(body.ttl).toBe(120);
      const id = data.add(zone, body.name, body.content);
      const reply = JSON.stringify(fixture('cloudflare', 'record-created'))
        .replace('{{id}}', id)
        .replace('{{name}}', body.name)
        .replace('{{content}}', body.content);
      return JSON.parse(reply) as FakeReply;
    }
    if (request.method === 'DELETE' && match[2]) {
      const removed = data.removeById(match[2]);
      if (!removed)
        return {
          status: 404,
          body: { success: false, errors: [{ code: 81044, message: 'Record does not exist.' }] },
        };
      return {
        status: 200,
        body: { success: true, errors: [], messages: [], result: { id: match[2] } },
      };
    }
    if (request.method === 'GET') {
      const name = request.url.searchParams.get('name');
      const content = request.url.searchParams.get('content');
      const result = data.records
        .filter((r) => r.zone === zone && r.name === name && r.value === content)
        .map((r) => ({ id: r.id, type: 'TXT', name: r.name, content: r.value, ttl: 120 }));
      return {
        status: 200,
        body: {
          success: true,
          errors: [],
          messages: [],
          result,
          result_info: { page: 1, total_pages: 1 },
        },
      };
    }
    return {
      status: 405,
      body: { success: false, errors: [{ code: 10000, message: 'Method not allowed' }] },
    };
  };

  const server = await startFakeServer(handle);
  return {
    env: {
      CLOUDFLARE_DNS_API_TOKEN: DNS_TOKEN,
      CLOUDFLARE_ZONE_API_TOKEN: ZONE_TOKEN,
      CLOUDFLARE_API_BASE_URL: `${server.url}/client/v4`,
    },
    data,
    requests: server.requests,
    authFailures,
    close: server.close,
  };
}

describeProviderContract({
  id: 'cloudflare',
  start: startCloudflare,
  requiredVariable: 'CLOUDFLARE_DNS_API_TOKEN',
  breakCredentials: (env) => {
    env.CLOUDFLARE_ZONE_API_TOKEN = 'revoked-token';
  },
  errorMessage: /9109 Invalid access token/,
  zoneListRequests: (requests) =>
    requests.filter((r) => r.url.pathname === '/client/v4/zones').length,
});

describe('cloudflare settings', () => {
  it('accepts the CF_DNS_API_TOKEN alias', async () => {
    const fake = await startCloudflare();
    try {
      const env = {
        CF_DNS_API_TOKEN: DNS_TOKEN,
        CF_ZONE_API_TOKEN: ZONE_TOKEN,
        CLOUDFLARE_API_BASE_URL: fake.env.CLOUDFLARE_API_BASE_URL,
      };
      const provider = createCloudflareProvider({ provider: 'cloudflare', options: {} }, env);

      await provider.present({ name: CHALLENGE_NAME, value: 'alias-token-value' });

      expect(fake.authFailures).toEqual([]);
      expect(fake.data.values(LONGEST_ZONE, CHALLENGE_NAME)).toEqual(['alias-token-value']);
    } finally {
      await fake.close();
    }
  });

  it('cleans up by value after a restart', async () => {
    const fake = await startCloudflare();
    try {
      fake.data.add(LONGEST_ZONE, CHALLENGE_NAME, 'left-by-crashed-run');
      fake.data.add(LONGEST_ZONE, CHALLENGE_NAME, 'someone-elses-value');
      const provider = createCloudflareProvider({ provider: 'cloudflare', options: {} }, fake.env);

      await provider.cleanUp({ name: CHALLENGE_NAME, value: 'left-by-crashed-run' });

      expect(fake.data.values(LONGEST_ZONE, CHALLENGE_NAME)).toEqual(['someone-elses-value']);
    } finally {
      await fake.close();
    }
  });

  it('returns the zone nameservers', async () => {
    const fake = await startCloudflare();
    try {
      const provider = createCloudflareProvider({ provider: 'cloudflare', options: {} }, fake.env);

      const servers = await provider.authoritativeServers?.({ name: CHALLENGE_NAME, value: 'x' });

      expect(servers).toEqual(['cid.ns.cloudflare.com:53', 'dee.ns.cloudflare.com:53']);
    } finally {
      await fake.close();
    }
  });

  it('reads the token from a _FILE variable', async () => {
    const fake = await startCloudflare();
    try {
      const tokenFile = join(mkdtempSync(join(tmpdir(), 'cloudflare-')), 'token');
      writeFileSync(tokenFile, `${DNS_TOKEN}\n`);
      const env: NodeJS.ProcessEnv = { ...fake.env, CLOUDFLARE_DNS_API_TOKEN_FILE: tokenFile };
      delete env.CLOUDFLARE_DNS_API_TOKEN;
      const provider = createCloudflareProvider({ provider: 'cloudflare', options: {} }, env);

      await provider.present({ name: CHALLENGE_NAME, value: 'token-from-file' });

      expect(fake.authFailures).toEqual([]);
      expect(fake.data.values(LONGEST_ZONE, CHALLENGE_NAME)).toEqual(['token-from-file']);
    } finally {
      await fake.close();
    }
  });
});
