import { describe, expect, test } from 'vitest';

import {
  createDnsProvider,
  KNOWN_DNS_PROVIDERS,
  UnknownDnsProviderError,
} from '../../src/dns/registry.js';

const RFC2136_ENV = {
  RFC2136_NAMESERVER: '127.0.0.1:5353',
  RFC2136_TSIG_KEY: 'acme-update',
  RFC2136_TSIG_SECRET: Buffer.alloc(32).toString('base64'),
};

describe('createDnsProvider', () => {
  test('creates the rfc2136 provider', () => {
    const provider = createDnsProvider({ provider: 'rfc2136', options: {} }, RFC2136_ENV);
    expect(provider.name).toBe('rfc2136');
  });

  test('unknown id lists the known ids', () => {
    expect(() => createDnsProvider({ provider: 'bind9', options: {} }, {})).toThrow(
      UnknownDnsProviderError,
    );
    expect(() => createDnsProvider({ provider: 'bind9', options: {} }, {})).toThrow(
      `Unknown DNS provider 'bind9'. Known providers: ${KNOWN_DNS_PROVIDERS.join(', ')}`,
    );
  });

  test('passes provider configuration errors through', () => {
    expect(() => createDnsProvider({ provider: 'rfc2136', options: {} }, {})).toThrow(
      'rfc2136: missing RFC2136_NAMESERVER',
    );
  });

  test('lists the ids the manifest accepts', () => {
    expect(KNOWN_DNS_PROVIDERS).toEqual([
      'rfc2136',
      'cloudflare',
      'route53',
      'alidns',
      'tencentcloud',
      'gcloud',
      'azure',
    ]);
  });
});
