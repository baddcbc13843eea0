import { describe, expect, it } from 'vitest';

import { createDnsProvider, KNOWN_DNS_PROVIDERS } from '../../src/dns/registry.js';
import { parseManifest } from '../../src/manifest/index.js';

const CREDENTIALS: Record<string, Record<string, string>> = {
  rfc2136: {
    RFC2136_NAMESERVER: '127.0.0.1:5353',
    RFC2136_TSIG_KEY: 'k',
    RFC2136_TSIG_SECRET: 'c2VjcmV0',
    RFC2136_TSIG_ALGORITHM: 'hmac-sha256',
  },
  cloudflare: { CLOUDFLARE_DNS_API_TOKEN: 'token' },
  route53: { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' },
  alidns: { ALICLOUD_ACCESS_KEY: 'id', ALICLOUD_SECRET_KEY: 'secret' },
  tencentcloud: { TENCENTCLOUD_SECRET_ID: 'id', TENCENTCLOUD_SECRET_KEY: 'secret' },
  gcloud: {
    GCE_PROJECT: 'project',
    GOOGLE_APPLICATION_CREDENTIALS: '/nonexistent/credentials.json',
  },
  azure: {
    AZURE_TENANT_ID: 'tenant',
    AZURE_CLIENT_ID: 'client',
    AZURE_CLIENT_SECRET: 'secret',
    AZURE_SUBSCRIPTION_ID: 'subscription',
    AZURE_RESOURCE_GROUP: 'group',
  },
};

describe('DNS provider registry', () => {
  it.each(KNOWN_DNS_PROVIDERS.map((id) => [id]))('manifest with provider %s validates', (id) => {
    const manifest = parseManifest(
      `version: 1\ndefaults:\n  ca: letsencrypt\ncertificates:\n  - name: www\n    domains: [example.com]\n    dns: { provider: ${id} }\n`,
      'certificates.yml',
    );

    expect(manifest.certificates[0]!.dns.provider).toBe(id);
  });

  it.each(KNOWN_DNS_PROVIDERS.filter((id) => id !== 'gcloud').map((id) => [id]))(
    'provider %s is created from its variables',
    (id) => {
      const provider = createDnsProvider({ provider: id, options: {} }, CREDENTIALS[id]!);

      expect(provider.name).toBe(id);
    },
  );

  it.each(KNOWN_DNS_PROVIDERS.map((id) => [id]))('provider %s names a missing variable', (id) => {
    let message = '';
    try {
      createDnsProvider({ provider: id, options: {} }, {});
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }

    expect(message.startsWith(`${id}:`), message).toBe(true);
    expect(message).toMatch(/[A-Z0-9]+_[A-Z0-9_]+/);
  });

  it('rejects an unknown provider with the known ids', () => {
    expect(() => createDnsProvider({ provider: 'godaddy', options: {} }, {})).toThrow(
      /Known providers: rfc2136, cloudflare/,
    );
  });
});
